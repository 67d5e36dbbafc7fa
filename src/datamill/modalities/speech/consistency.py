"""Audio-text consistency for read speech: did the speaker read the prompt?

One PocketSphinx 5 forced alignment of the prompt against the audio (bundled US English model)
decides. The decoder scores every senone every frame (``compallsen``), so a word's acoustic
log-likelihood on the forced path is measured against the best senone of each frame: per
frame, it is a log-likelihood ratio against an unconstrained "any sound" reference, near zero
when the prompt's word explains those frames as well as anything could, strongly negative
when the word is not there. No second (free) decoding is needed for the reference, which is
what makes the check cost about 0.2 s of CPU for a 5 s clip (``topn=2`` Gaussians per
codebook; ``bench/prompt_check_voices.py`` measures it).

The **decisive figure** is the *lowest* per-word ratio, ``min_word_llr`` (nats per frame): a
single misread or dropped word drags one word down, which a mean over the sentence hides. Two
thresholds turn it into three outcomes (:func:`verdict_for`):

* ``pass`` — ``min_word_llr >= pass_from``;
* ``listen`` — in between: a person hears the clip and says whether it reads the prompt;
* ``reject`` — ``min_word_llr < reject_below``, or the prompt cannot be aligned at all (the
  usual outcome for a wholly different text).

A take that says *more* than its prompt (the prompt is half of what was said, its last word,
"hello world") aligns well: the aligner finds the prompt's words and hides the rest of the
speech in optional silences. The share of the take's speech frames left outside the prompt's
words (:mod:`datamill.modalities.speech.overspoken`), from ``MAX_UNSAID_SHARE`` on, rejects it
whatever the words scored (reason ``OVERSPOKEN_REASON``).

A recording sampled below :data:`NARROWBAND_BELOW_HZ` (telephone audio) that would be rejected
goes to a listener instead: the wideband model cannot judge it.

The thresholds are per project: calibrated from a labelled sample
(:mod:`datamill.modalities.speech.calibration`, stored by
:mod:`datamill.production.speech.prompt_check`), else the spec's ``prompt_check``, else
:data:`DEFAULT_REJECT_BELOW` / :data:`DEFAULT_PASS_FROM`, which are equal: without a
calibration nobody is asked to listen (two outcomes, as before).

What it achieves (``bench/prompt_check_voices.py --per-voice 26``: espeak-ng, 12 voices with
light noise, 312 clean and 708 defective clips; thresholds calibrated on six voices, measured
on the six others): 0.6 % of clean clips rejected (1 of 156), 96.5 % of one-word substitutions
and omissions rejected or sent to a listener, every wholly different prompt stopped (88 %
rejected) — at the price of a listener for 67 % of the clean clips of the unheard voices (35 %
on the calibration voices). 0.17 s of CPU per clip (0.21 s per 5 s of audio). Synthetic
accents far from the US model (Caribbean, West Midlands, Scottish) score lowest; real speakers
of those accents should be expected to need a listener more often too.

``alignment_score`` (0..1, the mean of the words' logistic-squashed ratios) is reported for
people; ``decode_wer`` and ``hypothesis`` come from an optional free decoding
(``decode=True``, about five times the cost) and never decide.

Prompt normalisation: lowercase, hyphens and dashes become spaces, other punctuation is
removed, apostrophes inside words are kept. Words missing from the pronunciation dictionary
(digits, rare names) are dropped from the alignment and counted in ``prompt_words`` but not
in ``aligned_words``; write numbers out in words in prompts.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.overspoken import (
    MAX_UNSAID_SHARE,
    OVERSPOKEN_REASON,
    frame_db,
    unsaid_speech,
)
from datamill.modalities.speech.preannotators import (
    FRAME_MS,
    clean_word,
    is_filler,
    new_decoder,
    read_pcm16,
)

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "DEFAULT_PASS_FROM",
    "DEFAULT_REJECT_BELOW",
    "MIN_DICTIONARY_COVERAGE",
    "NARROWBAND_BELOW_HZ",
    "WORD_LLR_MIDPOINT",
    "WORD_LLR_SCALE",
    "AlignedWord",
    "ConsistencyResult",
    "PocketsphinxAligner",
    "Verdict",
    "check_consistency",
    "normalise_prompt",
    "verdict_for",
]

Verdict = Literal["pass", "listen", "reject"]

DEFAULT_REJECT_BELOW = -16.0
"""``min_word_llr`` (nats/frame) below which a recording is rejected without a listener.

From ``bench/prompt_check_voices.py`` (espeak-ng, 12 voices, light noise, 120 clean clips):
clean clips' lowest word ratio lay between -18 and -6 (one below -16); one-word substitutions
and omissions mostly between -21 and -8, or the prompt did not align; wholly different
prompts mostly do not align (rejected whatever the thresholds).
"""

DEFAULT_PASS_FROM = -16.0
"""``min_word_llr`` at or above which a recording passes without a listener.

Equal to :data:`DEFAULT_REJECT_BELOW`: without a calibration (or the spec's ``prompt_check``)
nothing is sent to a listener, because a listener band costs paid listening on every project
and only a calibration on the project's own speakers says how wide it must be (the bench's
held-out voices needed most clean clips heard to catch 95 % of one-word errors).
"""

WORD_LLR_MIDPOINT = -8.0
"""Per-frame log-likelihood ratio (nats) at which a word's displayed score is 0.5."""

WORD_LLR_SCALE = 1.5
"""Logistic scale (nats per frame) of the displayed per-word score."""

NARROWBAND_BELOW_HZ = 16000
"""A recording sampled below this rate (telephone audio, 8 kHz) has no sound above half its
rate, which the bundled wideband model (trained to 6.8 kHz) expects: the check cannot tell a
misread take from a clean one there, so a take it would reject goes to a listener instead.
Measured (espeak-ng, 4 voices x 6 sentences, 300-3400 Hz telephone band at 8 kHz, default
thresholds): 15 of 24 clean takes were rejected (0 of the same at 16 kHz)."""

MIN_DICTIONARY_COVERAGE = 0.5
"""Below this share of prompt words in the dictionary the check refuses to judge (rejects)."""

_WEAK_WORD_SCORE = 0.5
_UNDERFLOW_NATS = -745.0  # exp() of anything lower is 0.0 in a double
_DASHES = re.compile(r"[-\u2010-\u2015/]+")
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")


def normalise_prompt(prompt: str) -> list[str]:
    """Turn a prompt into the lowercase word list the aligner expects.

    Examples:
        >>> normalise_prompt("Well-known, isn't it? 'Yes!'")
        ['well', 'known', "isn't", 'it', 'yes']
    """
    text = _NOT_WORD.sub(" ", _DASHES.sub(" ", prompt.lower()))
    return [w.strip("'") for w in text.split() if w.strip("'")]


def verdict_for(min_word_llr: float | None, reject_below: float, pass_from: float) -> Verdict:
    """The three-way decision on the lowest word ratio (None: the prompt did not align).

    Examples:
        >>> verdict_for(-5.0, -14.0, -8.0), verdict_for(-10.0, -14.0, -8.0)
        ('pass', 'listen')
        >>> verdict_for(-20.0, -14.0, -8.0), verdict_for(None, -14.0, -8.0)
        ('reject', 'reject')
    """
    if min_word_llr is None or min_word_llr < reject_below:
        return "reject"
    return "pass" if min_word_llr >= pass_from else "listen"


@dataclass(frozen=True)
class AlignedWord:
    """One prompt word placed in the audio, with its per-frame log-likelihood ratio.

    ``llr_per_frame`` is ``None`` when the decoder gave no usable score for the word (the
    last token of an utterance). ``score`` is the logistic-squashed ratio in 0..1.
    """

    word: str
    start_ms: int
    end_ms: int
    llr_per_frame: float | None
    score: float | None


@dataclass(frozen=True)
class ConsistencyResult:
    """Whether a read-speech recording matches its prompt.

    Attributes:
        alignment_score: 0..1, mean of the words' displayed scores (for people; not decisive).
        decode_wer: WER of a free PocketSphinx transcript against the prompt (``decode=True``
            only; else None).
        aligned_words: Prompt words placed in the audio (0 when alignment failed).
        prompt_words: Words in the normalised prompt.
        passed: ``verdict == "pass"``.
        reason: A sentence for the collection coordinator or listener unless ``pass``.
        weak_words: Aligned prompt words whose own score is below 0.5 (likely misread).
        words: Per-word alignment details.
        hypothesis: The free-decoding transcript (``decode=True`` only).
        verdict: ``pass``, ``listen`` (a person should hear it) or ``reject``.
        min_word_llr: The lowest per-word ratio (nats/frame); None when nothing aligned.
        unsaid_share: The share of the take's speech frames the alignment put in its
            silences (:func:`~datamill.modalities.speech.overspoken.unsaid_speech`): speech
            the prompt does not hold; from ``MAX_UNSAID_SHARE`` on, rejected.
        reject_below: The reject threshold used.
        pass_from: The pass threshold used.
    """

    alignment_score: float
    decode_wer: float | None
    aligned_words: int
    prompt_words: int
    passed: bool
    reason: str | None = None
    weak_words: tuple[str, ...] = ()
    words: tuple[AlignedWord, ...] = ()
    hypothesis: str = ""
    verdict: Verdict = "reject"
    min_word_llr: float | None = None
    reject_below: float = DEFAULT_REJECT_BELOW
    pass_from: float = DEFAULT_PASS_FROM
    unsaid_share: float = 0.0


# (token, first frame, last frame inclusive, acoustic log-likelihood in nats or None)
_Span = tuple[str, int, int, float | None]


class PocketsphinxAligner:
    """Forced alignment (and optional free decoding) on one lazily created decoder.

    The decoder computes all senones every frame (``compallsen``) so that a forced path's
    acoustic score is relative to the best senone of each frame, and uses two Gaussians per
    codebook (``topn=2``: 30 % less CPU than the default four, same separation on the bench).
    Its front end is rebuilt before every utterance, so a result depends only on the audio and
    the prompt, never on what the instance decoded before (local pool and Ray workers agree).
    Calls are serialised with a lock: a decoder is not thread-safe. Use one instance per
    worker process.
    """

    def __init__(self) -> None:
        self._decoder: Any = None
        self._lock = threading.Lock()

    def _get_decoder(self) -> Any:
        if self._decoder is None:
            self._decoder = new_decoder(compallsen=True, topn=2)
        return self._decoder

    def in_dictionary(self, word: str) -> bool:
        """Whether the pronunciation dictionary knows ``word`` (lowercase)."""
        with self._lock:
            return self._get_decoder().lookup_word(word) is not None

    def align(self, pcm: bytes, words: list[str]) -> list[_Span] | None:
        """Force-align ``words`` (all in the dictionary) to 16 kHz PCM; None if impossible."""
        with self._lock:
            decoder = self._get_decoder()
            try:
                decoder.set_align_text(" ".join(words))
                spans = self._run(decoder, pcm)
            except RuntimeError:
                return None
            finally:
                decoder.activate_search()
        return spans

    def decode(self, pcm: bytes) -> list[_Span]:
        """Free decoding with the bundled n-gram model; fillers included."""
        with self._lock:
            decoder = self._get_decoder()
            decoder.activate_search()
            return self._run(decoder, pcm) or []

    @staticmethod
    def _run(decoder: Any, pcm: bytes) -> list[_Span] | None:
        # The front end carries state from one utterance to the next (the noise-removal
        # estimate and the cepstral-mean prior), so the same audio would score differently
        # depending on what this decoder saw before. Rebuilding the front end from the
        # unchanged config (about 0.1 ms; the acoustic model is kept) makes every
        # utterance start from the state of a freshly created decoder.
        decoder.reinit_feat()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        if decoder.hyp() is None:
            return None
        spans: list[_Span] = []
        segs = list(decoder.seg())
        for i, s in enumerate(segs):
            ll: float | None
            if i == len(segs) - 1:
                ll = None  # PocketSphinx repeats the previous token's score for the last one
            elif s.ascore > 0.0:
                ll = math.log(s.ascore)
            else:
                ll = _UNDERFLOW_NATS  # underflow: the true figure is at most this
            spans.append((s.word, s.start_frame, s.end_frame, ll))
        return spans


_default_aligner: PocketsphinxAligner | None = None
_default_lock = threading.Lock()


def _get_default_aligner() -> PocketsphinxAligner:
    global _default_aligner
    with _default_lock:
        if _default_aligner is None:
            _default_aligner = PocketsphinxAligner()
        return _default_aligner


def _word_scores(aligned: list[_Span]) -> list[AlignedWord]:
    out: list[AlignedWord] = []
    for token, first, last, ll in aligned:
        if is_filler(token):
            continue
        llr = None if ll is None else ll / (last - first + 1)
        score = (
            None
            if llr is None
            else 1.0 / (1.0 + math.exp(-(llr - WORD_LLR_MIDPOINT) / WORD_LLR_SCALE))
        )
        out.append(
            AlignedWord(
                word=clean_word(token),
                start_ms=first * FRAME_MS,
                end_ms=(last + 1) * FRAME_MS,
                llr_per_frame=None if llr is None else round(llr, 3),
                score=None if score is None else round(score, 4),
            )
        )
    return out


def _wer(reference: list[str], hypothesis: list[str]) -> float:
    import jiwer

    if not hypothesis:
        return 1.0
    return float(jiwer.wer(" ".join(reference), " ".join(hypothesis)))


def check_consistency(
    audio_path: Path,
    prompt: str,
    *,
    reject_below: float | None = None,
    pass_from: float | None = None,
    aligner: PocketsphinxAligner | None = None,
    decode: bool = False,
) -> ConsistencyResult:
    """Check that an English read-speech recording says its prompt: pass, listen or reject.

    Costs one forced alignment (about 0.04 s of CPU per second of audio); ``decode=True``
    adds a free decoding (about 0.2 s per second) for ``decode_wer`` and ``hypothesis``.

    Args:
        audio_path: The recording (16 kHz mono 16-bit WAV preferred; others are converted).
        prompt: The text the speaker was asked to read.
        reject_below: Reject under this ``min_word_llr``; default :data:`DEFAULT_REJECT_BELOW`.
        pass_from: Pass from this ``min_word_llr``; default :data:`DEFAULT_PASS_FROM`.
        aligner: Decoder wrapper to use; defaults to a shared per-process instance.
        decode: Also run a free decoding (reported, never decisive).

    Returns:
        The scores and a verdict with a reason.

    Raises:
        InvalidInput: Empty prompt, unreadable audio or ``reject_below > pass_from``.
    """
    low = DEFAULT_REJECT_BELOW if reject_below is None else reject_below
    high = DEFAULT_PASS_FROM if pass_from is None else pass_from
    if low > high:
        raise InvalidInput(
            f"reject_below ({low}) must not exceed pass_from ({high})", field="reject_below"
        )
    words = normalise_prompt(prompt)
    if not words:
        raise InvalidInput("the prompt has no words to check against", field="prompt")
    engine = aligner if aligner is not None else _get_default_aligner()
    pcm = read_pcm16(audio_path)
    result = _judge(engine, pcm, words, low, high, decode=decode)
    if result.verdict == "reject" and _sample_rate_hz(audio_path) < NARROWBAND_BELOW_HZ:
        return replace(result, verdict="listen", reason=(
            f"{result.reason}; the recording is narrowband ({_sample_rate_hz(audio_path)} Hz), "
            "which the bundled model cannot judge: a listener should check the prompt"))
    return result


def _sample_rate_hz(audio_path: Path) -> int:
    import soundfile as sf  # noqa: PLC0415

    return int(sf.info(str(audio_path)).samplerate)


def _judge(engine: PocketsphinxAligner, pcm: bytes, words: list[str], low: float, high: float,
           *, decode: bool) -> ConsistencyResult:
    """The verdict on 16 kHz ``pcm`` against the prompt's ``words`` (see :func:`check_consistency`)."""
    wer: float | None = None
    hypothesis = ""
    if decode:
        hyp_words = [clean_word(t) for t, *_ in engine.decode(pcm) if not is_filler(t)]
        wer = round(_wer(words, hyp_words), 4)
        hypothesis = " ".join(hyp_words)
    common: dict[str, Any] = {
        "decode_wer": wer, "prompt_words": len(words), "hypothesis": hypothesis,
        "reject_below": low, "pass_from": high,
    }
    known = [w for w in words if engine.in_dictionary(w)]
    if len(known) < MIN_DICTIONARY_COVERAGE * len(words):
        return ConsistencyResult(
            alignment_score=0.0, aligned_words=0, passed=False, verdict="reject",
            reason=(
                f"too few prompt words are in the pronunciation dictionary to check "
                f"({len(known)} of {len(words)})"
            ),
            **common,
        )

    aligned = engine.align(pcm, known)
    if aligned is None:
        return ConsistencyResult(
            alignment_score=0.0, aligned_words=0, passed=False, verdict="reject",
            reason="prompt could not be aligned to the audio", **common,
        )

    scored = _word_scores(aligned)
    values = [w.score for w in scored if w.score is not None]
    ratios = [w.llr_per_frame for w in scored if w.llr_per_frame is not None]
    alignment_score = round(sum(values) / len(values), 4) if values else 0.0
    lowest = min(ratios) if ratios else None
    weak = tuple(w.word for w in scored if w.score is not None and w.score < _WEAK_WORD_SCORE)
    verdict = verdict_for(lowest, low, high)
    reason = None
    unsaid, unsaid_frames = unsaid_speech(frame_db(pcm), aligned)
    if unsaid >= MAX_UNSAID_SHARE:  # the prompt's words were found; the rest went to <sil>
        verdict = "reject"
        reason = (f"{OVERSPOKEN_REASON}: {unsaid_frames * FRAME_MS / 1000:.1f} s of speech "
                  f"({unsaid:.0%} of it) is not in the prompt (at most {MAX_UNSAID_SHARE:.0%});"
                  f" read exactly the text shown, once")
    elif verdict != "pass":
        shown = "none" if lowest is None else f"{lowest:.2f}"
        reason = (
            f"audio does not match its prompt (lowest word ratio {shown} < {low:.2f})"
            if verdict == "reject"
            else f"a listener should check the prompt (lowest word ratio {shown}, "
            f"between {low:.2f} and {high:.2f})"
        )
        if weak:
            reason += f"; doubtful words: {', '.join(weak[:8])}"
    return ConsistencyResult(
        alignment_score=alignment_score,
        aligned_words=len(scored),
        passed=verdict == "pass",
        reason=reason,
        weak_words=weak,
        words=tuple(scored),
        verdict=verdict,
        min_word_llr=lowest,
        unsaid_share=unsaid,
        **common,
    )
