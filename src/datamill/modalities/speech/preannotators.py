"""Speech pre-annotators: machine transcripts that annotators correct instead of typing.

:class:`PocketsphinxPreannotator` runs CMU PocketSphinx 5 with the US English acoustic
model, language model and dictionary that ship inside the ``pocketsphinx`` wheel, so
nothing is downloaded at run time. It is fast (well under a second per short utterance on
one CPU core) but far less accurate than modern neural recognisers: use it as a draft.

The helpers :func:`read_pcm16` and :func:`normalise_language` are shared with
:mod:`datamill.modalities.speech.consistency`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from importlib import metadata
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ItemRecord
from datamill.modalities.speech.types import PreAnnotation, Segment

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "DECODER_NOISE_FLOOR_DBFS",
    "DECODER_SAMPLE_RATE_HZ",
    "FRAME_MS",
    "SUPPORTED_LANGUAGES",
    "PocketsphinxPreannotator",
    "clean_word",
    "is_filler",
    "new_decoder",
    "normalise_language",
    "pocketsphinx_model_name",
    "read_pcm16",
]

DECODER_SAMPLE_RATE_HZ = 16000
"""Sample rate of the bundled acoustic model; other rates are resampled to it."""

DECODER_NOISE_FLOOR_DBFS = -70.0
"""Level (dBFS, RMS) of the seeded Gaussian floor :func:`read_pcm16` adds under every recording.

A recording whose pauses are digital zero (a noise gate, a telephone line's silence
suppression, synthetic or edited studio takes) drives the front end's log energies to their
floor; with the model's batch cepstral-mean normalisation and noise removal that wrecks the
frames around them. Measured on espeak-ng takes in five voices padded with digital zero
(``bench/prompt_check_voices.py`` sentences, 40 clean takes): the forced alignment rejected
25 (23 did not align at all); with this floor none (the same takes under -50 dBFS noise: none
either way). At -70 dBFS it is 20 dB under the quietest noise the checks were tuned on, so
noisy recordings score as before."""

FRAME_MS = 10
"""Duration of one decoder frame (PocketSphinx's default frame rate is 100 per second)."""

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "en-US", "en-GB")
"""Language tags accepted by the bundled (US English) model; matched case-insensitively."""

_ALT_PRON = re.compile(r"\(\d+\)$")

TRANSCRIPT_CACHE_SIZE = 512
"""How many recordings' decodings a process keeps (:class:`PocketsphinxPreannotator`): a few
hundred bytes each. A decoding depends on the samples alone (each starts from a fresh front end,
the decoder's settings are fixed), so the same recording heard again (the effect evaluation
after the pre-annotation, a re-run, a copy in another project) costs no second decoding, about
0.5 s of CPU per second of audio."""
_decoded: OrderedDict[tuple[str, bytes], tuple[tuple[str, int, int, float], ...]] = OrderedDict()
_decoded_lock = threading.Lock()


def normalise_language(language: str) -> str:
    """Check that ``language`` is one the bundled English model can handle.

    Args:
        language: A BCP 47 tag such as ``"en-US"`` (``_`` is accepted for ``-``).

    Returns:
        The canonical spelling from :data:`SUPPORTED_LANGUAGES`.

    Raises:
        InvalidInput: The language is not English.

    Examples:
        >>> normalise_language("en_us")
        'en-US'
    """
    wanted = language.strip().replace("_", "-").lower()
    for tag in SUPPORTED_LANGUAGES:
        if tag.lower() == wanted:
            return tag
    raise InvalidInput(
        f"pocketsphinx only has an English model; language {language!r} is not supported "
        f"(supported: {', '.join(SUPPORTED_LANGUAGES)})",
        field="language",
        value=language,
        supported=list(SUPPORTED_LANGUAGES),
    )


def is_filler(word: str) -> bool:
    """Whether a decoder token is a filler (``<s>``, ``</s>``, ``<sil>``, ``[NOISE]``, ``+UH+``).

    Examples:
        >>> [is_filler(w) for w in ("<sil>", "[NOISE]", "+breath+", "hello(2)")]
        [True, True, True, False]
    """
    return not word or word[0] in "<[+"


def clean_word(word: str) -> str:
    """Strip the alternate-pronunciation marker and lowercase a dictionary word.

    Examples:
        >>> clean_word("That(2)")
        'that'
    """
    return _ALT_PRON.sub("", word).lower()


def pocketsphinx_model_name() -> str:
    """The model identifier recorded with pre-annotations, e.g. ``"pocketsphinx-5.1.1/en-us"``."""
    try:
        version = metadata.version("pocketsphinx")
    except metadata.PackageNotFoundError:
        version = "5.x"
    return f"pocketsphinx-{version}/en-us"


def read_pcm16(audio_path: Path) -> bytes:
    """Read a speech file as 16 kHz mono 16-bit little-endian PCM for the decoder.

    Multi-channel audio is averaged to mono; other sample rates are resampled with linear
    interpolation (adequate for ASR features, not for listening). A seeded noise floor at
    :data:`DECODER_NOISE_FLOOR_DBFS` is added, so digital silence decodes like a quiet room
    (the same file always gives the same bytes).

    Args:
        audio_path: Any file libsndfile reads (WAV, FLAC, OGG ...).

    Returns:
        Raw PCM bytes.

    Raises:
        InvalidInput: The file cannot be read or holds no samples.
    """
    import soundfile as sf

    try:
        data, sr = sf.read(audio_path, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as err:
        raise InvalidInput(
            f"cannot read audio file {audio_path}: {err}", field="audio_path", path=str(audio_path)
        ) from err
    if data.shape[0] == 0:
        raise InvalidInput(f"audio file {audio_path} has no samples", path=str(audio_path))
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if sr != DECODER_SAMPLE_RATE_HZ:
        n_out = max(1, round(len(mono) * DECODER_SAMPLE_RATE_HZ / sr))
        x_old = np.arange(len(mono), dtype=np.float64) / sr
        x_new = np.arange(n_out, dtype=np.float64) / DECODER_SAMPLE_RATE_HZ
        mono = np.interp(x_new, x_old, mono)
    floor_rms = 10.0 ** (DECODER_NOISE_FLOOR_DBFS / 20.0)
    mono = mono + np.random.default_rng(0).normal(0.0, floor_rms, len(mono))
    pcm = np.clip(np.rint(mono * 32767.0), -32768, 32767).astype("<i2")
    raw: bytes = pcm.tobytes()
    return raw


def new_decoder(**options: Any) -> Any:
    """Create a quiet PocketSphinx decoder on the bundled English model.

    Args:
        **options: Extra PocketSphinx configuration (for example ``compallsen=True``).

    Returns:
        A ``pocketsphinx.Decoder``. Creating one costs about 0.3 s and 40 MB; reuse it.

    Raises:
        InvalidInput: pocketsphinx is not installed (install the ``asr`` extra).
    """
    try:
        import pocketsphinx
    except ImportError as err:  # pragma: no cover - depends on the install
        raise InvalidInput(
            "pocketsphinx is not installed; install datamill with the 'asr' extra",
            dependency="pocketsphinx",
        ) from err
    config = pocketsphinx.Config(loglevel="FATAL", **options)
    return pocketsphinx.Decoder(config)


class PocketsphinxPreannotator:
    """Offline English transcripts with word timings from PocketSphinx 5.

    The decoder is created on first use and reused. One instance serialises its calls with a
    lock, because a PocketSphinx decoder is not thread-safe; for parallel work give each
    worker process its own instance.

    Args:
        max_pause_ms: A silence longer than this between words starts a new segment.
    """

    name: ClassVar[str] = "pocketsphinx"

    def __init__(self, *, max_pause_ms: int = 300) -> None:
        self.max_pause_ms = max_pause_ms
        self.model = pocketsphinx_model_name()
        self._decoder: Any = None
        self._lock = threading.Lock()

    def _get_decoder(self) -> Any:
        if self._decoder is None:
            self._decoder = new_decoder()
        return self._decoder

    def predict(self, item: ItemRecord) -> PreAnnotation:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's recording transcribed in the project's language."""
        return self.transcribe(item.readable, item.language)

    def transcribe(self, audio_path: Path, language: str) -> PreAnnotation:
        """Transcribe one recording.

        Args:
            audio_path: A speech recording (16 kHz mono 16-bit WAV preferred; others are
                converted).
            language: Must be English (see :data:`SUPPORTED_LANGUAGES`).

        Returns:
            Segments split at pauses longer than ``max_pause_ms`` (lowercase text, half-open
            millisecond intervals) and the word timings in ``words``, each with the decoder's
            posterior probability as ``confidence``. No speech gives no segments.

        Raises:
            InvalidInput: Unsupported language or unreadable audio.
        """
        normalise_language(language)
        pcm = read_pcm16(audio_path)
        raw = self._decode(pcm)
        duration_ms = len(pcm) // 2 * 1000 // DECODER_SAMPLE_RATE_HZ
        words = tuple(
            Segment(
                start_ms=min(start * FRAME_MS, duration_ms),
                end_ms=min((end + 1) * FRAME_MS, duration_ms),
                text=clean_word(word),
                confidence=round(float(prob), 4),
            )
            for word, start, end, prob in raw
            if not is_filler(word)
        )
        return PreAnnotation(model=self.model, segments=self._group(words), words=words)

    def _decode(self, pcm: bytes) -> tuple[tuple[str, int, int, float], ...]:
        """The decoder's words (word, first frame, last frame, posterior) for ``pcm``; the
        same samples decoded before in this process are answered from
        :data:`TRANSCRIPT_CACHE_SIZE`'s cache."""
        key = (self.model, hashlib.blake2b(pcm, digest_size=32).digest())
        with _decoded_lock:
            if (hit := _decoded.get(key)) is not None:
                _decoded.move_to_end(key)
                return hit
        with self._lock:
            decoder = self._get_decoder()
            # Fresh front end (noise estimate, cepstral mean): the transcript must not depend
            # on what this decoder transcribed before.
            decoder.reinit_feat()
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            raw = tuple((s.word, s.start_frame, s.end_frame, s.prob) for s in decoder.seg())
        with _decoded_lock:
            _decoded[key] = raw
            while len(_decoded) > TRANSCRIPT_CACHE_SIZE:
                _decoded.popitem(last=False)
        return raw

    def _group(self, words: tuple[Segment, ...]) -> tuple[Segment, ...]:
        groups: list[list[Segment]] = []
        for word in words:
            if groups and word.start_ms - groups[-1][-1].end_ms <= self.max_pause_ms:
                groups[-1].append(word)
            else:
                groups.append([word])
        return tuple(
            Segment(
                start_ms=g[0].start_ms,
                end_ms=g[-1].end_ms,
                text=" ".join(w.text for w in g),
                confidence=round(sum(float(w.confidence or 0.0) for w in g) / len(g), 4),
            )
            for g in groups
        )
