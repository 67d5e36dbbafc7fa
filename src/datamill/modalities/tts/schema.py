"""The speech.tts spec part (``requirements:``), item attributes and the tier annotation.

A TTS annotation is a set of time-aligned tiers, as in a Praat TextGrid: interval tiers
``words``, ``syllables``, ``phones``, ``pos`` (part of speech, over words), ``stress`` (English
syllables: cmudict digits ``0``/``1``/``2``), ``tones`` (Mandarin syllables: ``1``..``5``, 5 is
neutral) and the point tier ``prosody`` (boundary levels ``#1`` prosodic word, ``#2`` prosodic
phrase, ``#3`` intonation phrase, ``#4`` sentence end). Times are whole milliseconds; a gap
between intervals is silence. Phones must be in the language's phone set
(:func:`datamill.modalities.speech.phones.phone_inventory`: ARPAbet with stress digits for
English, pinyin initials and tonal finals for Mandarin).
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.schema import AudioFormat, SpeakerId

__all__ = [
    "INTERVAL_TIERS",
    "PROSODY_LABELS",
    "Interval",
    "Point",
    "TierProblem",
    "TtsAnnotation",
    "TtsItemAttributes",
    "TtsRequirements",
    "annotation_problems",
    "parse_annotation",
]

INTERVAL_TIERS = ("words", "syllables", "phones", "pos", "stress", "tones")
PROSODY_LABELS = ("#1", "#2", "#3", "#4")
SILENCE_PHONES = frozenset({"sil", "sp"})
_STRESS = frozenset({"0", "1", "2"})
_TONES = frozenset({"1", "2", "3", "4", "5"})
_MAX_POS = 16


class TtsRequirements(BaseModel):
    """Studio recording rules. Thresholds have no business defaults (domain brief §4.6): these
    are the demo's and every project may override them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    audio: AudioFormat = AudioFormat(sample_rate_hz=48000, bit_depth=24, channels=1)
    min_duration_ms: int = Field(500, ge=0)
    max_duration_ms: int = Field(30000, gt=0)
    max_clipping_ratio: float = Field(0.0, ge=0, le=1)
    max_noise_floor_dbfs: float = Field(-60.0, description="Level of the pauses (studio quiet).")
    max_reverb_ms: float = Field(
        250.0, gt=0, description="Estimated reverberation time (RT60-like, see checks).")
    max_level_deviation_db: float = Field(
        3.0, gt=0, description="Active speech level vs the session's median.")
    level_reference_min_items: int = Field(
        3, ge=1, description="Earlier items of a session needed before levels are compared.")
    max_leading_silence_ms: int = Field(2000, ge=0)
    max_trailing_silence_ms: int = Field(2000, ge=0)
    max_dropouts: int = Field(
        0, ge=0, description="Dropouts allowed (digital silence cutting into the speech; see "
        "speech.audio). Default 0.")
    min_dropout_ms: float = Field(5.0, gt=0, description="Shortest dropout counted (ms).")

    @model_validator(mode="after")
    def _bounds(self) -> TtsRequirements:
        if self.min_duration_ms >= self.max_duration_ms:
            raise ValueError("min_duration_ms must be below max_duration_ms")
        return self


class TtsItemAttributes(BaseModel):
    """What the loop stores about one studio recording: the probe's format figures, the
    active speech level (for the cross-session level check) and collection metadata."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    duration_ms: int | None = Field(None, ge=0)
    sample_rate_hz: int | None = Field(None, ge=0)
    channels: int | None = Field(None, ge=0)
    bit_depth: int | None = Field(None, ge=0)
    speech_level_dbfs: float | None = None
    speaker_id: SpeakerId = None
    session_id: str | None = Field(None, max_length=100)
    style: str | None = Field(None, max_length=100)
    gender: str | None = Field(None, max_length=16)
    age: int | None = Field(None, ge=0, le=150)
    # quota dimensions (production.collection_spec): without them a cell by dialect or device
    # never counted a TTS recording and could be overrun
    accent: str | None = Field(None, max_length=100)
    device: str | None = Field(None, max_length=100)
    environment: str | None = Field(None, max_length=100)


class Interval(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start_ms: int = Field(ge=0)
    end_ms: int = Field(ge=0)
    label: str = Field(max_length=200)


def _half_width(value: Any) -> Any:
    """A prosody mark typed through a Chinese IME (``＃４``) as the mark (``#4``), NFKC."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


class Point(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    time_ms: int = Field(ge=0)
    label: Annotated[str, BeforeValidator(_half_width)] = Field(max_length=8)


class TtsAnnotation(BaseModel):
    """The tiers of one utterance. ``source`` says who placed the boundaries: the forced
    aligner (``pocketsphinx``), an even spread over the voiced audio for the labeller to
    correct (``proportional``) or a person (``manual``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["en", "zh"]
    source: Literal["pocketsphinx", "proportional", "manual"] = "manual"
    words: tuple[Interval, ...] = ()
    syllables: tuple[Interval, ...] = ()
    phones: tuple[Interval, ...] = ()
    pos: tuple[Interval, ...] = ()
    stress: tuple[Interval, ...] = ()
    tones: tuple[Interval, ...] = ()
    prosody: tuple[Point, ...] = ()

    def tier(self, name: str) -> tuple[Interval, ...]:
        tier: tuple[Interval, ...] = getattr(self, name)
        return tier

    @property
    def text(self) -> str:
        sep = " " if self.language == "en" else ""
        return sep.join(w.label for w in self.words)


def base_language(language: str) -> Literal["en", "zh"]:
    """``en``/``zh`` for a BCP-47 tag (``en-US``, ``zh-CN``, ``cmn``); InvalidInput otherwise."""
    base = language.replace("_", "-").split("-")[0].lower()
    if base == "en":
        return "en"
    if base in ("zh", "cmn"):
        return "zh"
    raise InvalidInput(f"speech.tts supports English and Mandarin, not {language!r}",
                       field="language", value=language)


def parse_annotation(payload: Any) -> TtsAnnotation:
    """The payload as a :class:`TtsAnnotation` (InvalidInput naming the first problems)."""
    if isinstance(payload, TtsAnnotation):
        return payload
    try:
        return TtsAnnotation.model_validate(payload)
    except ValidationError as err:
        msgs = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()[:5]]
        raise InvalidInput("invalid TTS annotation: " + "; ".join(msgs)) from err


class TierProblem(str):
    """One problem's English line, carrying its ``code`` and the values its sentence names
    (``number`` counted from 1, ``label``, ``start``/``end`` in ms ...; ``edge`` picks the
    sentence of a tier: ``syllables`` or ``phones``), so the faces word it in the reader's
    language from the catalogue (``prob.<code>``, :mod:`.._reason_words_tts_tiers`)."""

    code: str
    values: dict[str, Any]

    def __new__(cls, text: str, code: str, **values: Any) -> TierProblem:
        made = super().__new__(cls, text)
        made.code, made.values = code, values
        return made

    def record(self) -> dict[str, Any]:
        """The coded problem record (:func:`datamill.modalities.problem_words.coded_refusal`)."""
        return {"code": self.code, "message": str(self), **self.values}


def _interval_problems(name: str, tier: tuple[Interval, ...], duration_ms: int) -> list[str]:
    out: list[str] = []
    for i, iv in enumerate(tier):
        at = {"tier": name, "number": i + 1, "label": iv.label, "start": iv.start_ms,
              "end": iv.end_ms}
        if iv.end_ms <= iv.start_ms:
            out.append(TierProblem(f"{name}[{i}]: ends at {iv.end_ms} ms, not after its start "
                                   f"{iv.start_ms}", "tts_ends_before_start", **at))
        if duration_ms and iv.end_ms > duration_ms:
            out.append(TierProblem(f"{name}[{i}]: ends at {iv.end_ms} ms, after the audio "
                                   f"({duration_ms} ms)", "tts_past_audio", **at,
                                   duration=duration_ms))
        if not iv.label.strip():
            out.append(TierProblem(f"{name}[{i}]: empty label", "tts_empty_label", **at))
    for i, (a, b) in enumerate(itertools.pairwise(tier), 1):
        if b.start_ms < a.end_ms:
            out.append(TierProblem(f"{name}[{i}]: starts at {b.start_ms} ms, before the previous "
                                   f"interval ends ({a.end_ms} ms)", "tts_overlaps_previous",
                                   tier=name, number=i + 1, label=b.label, start=b.start_ms,
                                   end=b.end_ms, previous_end=a.end_ms))
    return out


def _label_problems(ann: TtsAnnotation) -> list[str]:
    from datamill.modalities.speech.phones import phone_inventory

    out: list[str] = []
    inventory = phone_inventory(ann.language)
    out += [TierProblem(f"phones[{i}]: {p.label!r} is not in the {ann.language} phone set",
                        "tts_not_a_phone", tier="phones", number=i + 1, label=p.label,
                        language=ann.language)
            for i, p in enumerate(ann.phones)
            if p.label not in inventory and p.label not in SILENCE_PHONES]
    out += [TierProblem(f"stress[{i}]: {s.label!r} is not a stress level (0, 1, 2)",
                        "tts_not_a_stress", tier="stress", number=i + 1, label=s.label)
            for i, s in enumerate(ann.stress) if s.label not in _STRESS]
    out += [TierProblem(f"tones[{i}]: {t.label!r} is not a tone (1-5)", "tts_not_a_tone",
                        tier="tones", number=i + 1, label=t.label)
            for i, t in enumerate(ann.tones) if t.label not in _TONES]
    out += [TierProblem(f"pos[{i}]: {p.label!r} is longer than {_MAX_POS} characters",
                        "tts_pos_too_long", tier="pos", number=i + 1, label=p.label,
                        limit=_MAX_POS)
            for i, p in enumerate(ann.pos) if len(p.label) > _MAX_POS]
    return out


def annotation_problems(ann: TtsAnnotation, duration_ms: int) -> list[str]:
    """Every problem of ``ann``: times (each interval ends after it starts, intervals of a
    tier do not overlap and keep their order, nothing past the audio), labels (phones in the
    language's phone set, stress 0-2, tones 1-5, prosody #1-#4), prosody points (strictly
    increasing, within the audio) and, when the times are sound, how the tiers agree
    (:func:`datamill.modalities.tts.consistency.tier_problems`: pinyin syllables, nesting,
    spelling, tones)."""
    out: list[str] = []
    for name in INTERVAL_TIERS:
        out += _interval_problems(name, ann.tier(name), duration_ms)
    tiers_in_order = not out
    out += _label_problems(ann)
    if tiers_in_order:  # nesting is only meaningful over tiers whose intervals are in order
        from datamill.modalities.tts.consistency import tier_problems  # noqa: PLC0415

        out += tier_problems(ann)
    for i, p in enumerate(ann.prosody):
        at = {"number": i + 1, "label": p.label, "time": p.time_ms}
        if p.label not in PROSODY_LABELS:
            out.append(TierProblem(f"prosody[{i}]: {p.label!r} is not a boundary level (#1-#4)",
                                   "tts_not_a_boundary", **at))
        if duration_ms and p.time_ms > duration_ms:
            out.append(TierProblem(f"prosody[{i}]: at {p.time_ms} ms, after the audio "
                                   f"({duration_ms} ms)", "tts_prosody_past_audio", **at,
                                   duration=duration_ms))
    for i, (a, b) in enumerate(itertools.pairwise(ann.prosody), 1):
        if b.time_ms <= a.time_ms:
            out.append(TierProblem(f"prosody[{i}]: at {b.time_ms} ms, not after the previous "
                                   f"point ({a.time_ms} ms)", "tts_prosody_out_of_order",
                                   number=i + 1, label=b.label, time=b.time_ms,
                                   previous=a.time_ms))
    return out
