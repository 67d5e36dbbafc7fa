"""The speech.asr part of a dataset spec (``requirements:``) and its validation rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# what the deliveries' exporters refuse in an id (check_id): Kaldi keys and TextGrid/TTS folder
# names hold no whitespace, control characters or path separators
from datamill.modalities.base import CollectionRefusal
from datamill.modalities.speech.exporters._common import BAD_ID_CHARS

__all__ = [
    "AudioFormat", "PromptCheck", "SpeakerId", "SpeechAsrRequirements", "SpeechItemAttributes",
    "deliverable_spelling", "mono_collection_refusal",
]


def deliverable_spelling(value: str) -> str | None:
    """None when every delivery format can name a speaker ``value`` (no whitespace, control
    character or path separator, not ``.`` or ``..``: what the exporters' ``check_id``
    refuses); else the spelling that works, those characters made ``_``.

    >>> deliverable_spelling("spk_01") is None, deliverable_spelling("spk 01")
    (True, 'spk_01')
    >>> deliverable_spelling(".."), deliverable_spelling(" / ")
    ('speaker', 'speaker')
    """
    if value in {".", ".."} or BAD_ID_CHARS.search(value):
        spelling = BAD_ID_CHARS.sub("_", value).strip("_")
        return spelling if spelling not in {"", ".", ".."} else "speaker"
    return None


def _deliverable_speaker(value: str | None) -> str | None:
    """Refuse at import a speaker id no delivery could name (it was refused only at
    ``delivery create``, after the work was paid for)."""
    suggestion = None if value is None else deliverable_spelling(value)
    if suggestion is not None:
        raise ValueError(
            f"speaker_id {value!r} holds whitespace, a control character or a path separator, "
            f"which no delivery format can name a speaker by (Kaldi, TextGrid); write it as "
            f"e.g. {suggestion!r} in the manifest")
    return value


#: a manifest's speaker id, as every delivery format can name it
SpeakerId = Annotated[str | None, Field(None, max_length=100), AfterValidator(_deliverable_speaker)]

DEFAULT_NOISE_SYMBOLS = ("[noise]", "[laughter]", "[cough]", "[unintelligible]")


class AudioFormat(BaseModel):
    """Required format of every collected file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sample_rate_hz: int = Field(16000, ge=8000, le=192000)
    bit_depth: Literal[8, 16, 24, 32] = 16
    channels: int = Field(1, ge=1, le=32)


def mono_collection_refusal(audio: AudioFormat) -> CollectionRefusal | None:
    """The collection page records one channel (a browser's microphone, mono): a spec that asks
    for more with a ``collection`` section is refused (speech and TTS), else None."""
    if audio.channels == 1:
        return None
    return CollectionRefusal(
        requirement="requirements.audio.channels", reason_code="collection_channels",
        message=f"requirements.audio.channels: {audio.channels} channels, but the collection"
                " page records one (mono); ask for channels: 1 with a collection section",
        params={"channels": audio.channels})


class PromptCheck(BaseModel):
    """The read-speech prompt check's two thresholds on the lowest word ratio (nats/frame):
    reject below ``reject_below``, pass from ``pass_from``, a listener in between. A stored
    calibration of the project (``datamill qc calibrate-prompt-check``) overrides these."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reject_below: float
    pass_from: float

    @model_validator(mode="after")
    def _ordered(self) -> PromptCheck:
        if self.reject_below > self.pass_from:
            raise ValueError("prompt_check.reject_below must not exceed pass_from")
        return self


class SpeechAsrRequirements(BaseModel):
    """Collection and labelling rules for read or spontaneous ASR speech.

    Thresholds have no business defaults (domain brief §4.6); the defaults here are the demo's
    and every project may override them. ``max_hum_db`` (mains hum relative to the speech, dB)
    is optional and defaults to -30 dB.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    audio: AudioFormat = AudioFormat()
    min_duration_ms: int = Field(500, ge=0)
    max_duration_ms: int = Field(30000, gt=0)
    min_snr_db: float = 15.0
    max_hum_db: float = Field(
        -30.0,
        le=0,
        description="Mains hum (50/60 Hz and harmonics) allowed, in dB relative to the speech "
        "level. Optional; the default -30 dB rejects hum within 30 dB of the speech (clearly "
        "audible in the pauses) and leaves a margin over what speech in 20 dB SNR babble "
        "reads (at most -34.8 dB in bench/snr_calibration.py).",
    )
    max_clipping_ratio: float = Field(0.001, ge=0, le=1)
    min_rms_dbfs: float = Field(
        -45.0, description="Quietest speech allowed: the RMS level of the frames that carry "
        "speech, in dBFS (padding and pauses do not count; see speech.audio). Default -45.")
    max_dc_offset: float = Field(0.05, ge=0, le=1)
    max_dropouts: int = Field(
        0, ge=0, description="Dropouts allowed: runs of one held sample value (digital zero) "
        "with speech on both sides, a recorder or transmission fault. Default 0.")
    min_dropout_ms: float = Field(
        5.0, gt=0, description="Shortest held run that counts as a dropout (default 5 ms; "
        "see speech.audio).")
    min_leading_silence_ms: int = Field(0, ge=0)
    max_leading_silence_ms: int = Field(2000, ge=0)
    min_trailing_silence_ms: int = Field(0, ge=0)
    max_trailing_silence_ms: int = Field(2000, ge=0)
    noise_symbols: tuple[str, ...] = DEFAULT_NOISE_SYMBOLS
    allow_overlapping_segments: bool = False
    transcript_required: bool = Field(
        True, description="A submitted annotation needs a transcript: some segment with text "
        "(words or a noise symbol). Off only for projects where silence is a valid answer.")
    read_speech: bool = True
    min_alignment_score: float | None = Field(
        None, description="Extra gate: reject when the mean alignment score is below this."
    )
    prompt_check: PromptCheck | None = Field(
        None, description="Prompt-check thresholds; None uses the project's calibration or "
        "the defaults."
    )

    @model_validator(mode="after")
    def _bounds_are_ordered(self) -> SpeechAsrRequirements:
        if self.min_duration_ms >= self.max_duration_ms:
            raise ValueError("min_duration_ms must be below max_duration_ms")
        if self.min_leading_silence_ms > self.max_leading_silence_ms:
            raise ValueError("min_leading_silence_ms must not exceed max_leading_silence_ms")
        if self.min_trailing_silence_ms > self.max_trailing_silence_ms:
            raise ValueError("min_trailing_silence_ms must not exceed max_trailing_silence_ms")
        for sym in self.noise_symbols:
            if not (sym.startswith("[") and sym.endswith("]") and len(sym) > 2):
                raise ValueError(f"noise symbol {sym!r} must look like [name]")
        return self


class SpeechItemAttributes(BaseModel):
    """What the loop stores about one recording (item ``attributes``): the probe's format
    figures and the collection metadata of the manifest. Keys without a value are omitted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    duration_ms: int | None = Field(None, ge=0)
    sample_rate_hz: int | None = Field(None, ge=0)
    channels: int | None = Field(None, ge=0)
    bit_depth: int | None = Field(None, ge=0)
    speaker_id: SpeakerId = None
    gender: str | None = Field(None, max_length=16)
    age: int | None = Field(None, ge=0, le=150)
    accent: str | None = Field(None, max_length=100)
    device: str | None = Field(None, max_length=100)
    environment: str | None = Field(None, max_length=100)
