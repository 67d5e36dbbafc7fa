"""Audio–text consistency for prompts the English aligner cannot read (Chinese, Japanese,
Korean): the speaking rate of the take against the prompt's syllable count.

The forced-alignment prompt check (:mod:`datamill.modalities.speech.consistency`) has an
English acoustic model and lexicon only. A prompt with CJK characters is checked here instead:
the prompt's syllables (one a Han character, kana or Hangul block, a digit, or a vowel group of
a Latin word) over the take's active speech (duration minus leading and trailing silence)
must fall between :data:`MIN_SYLLABLES_PER_S` and :data:`MAX_SYLLABLES_PER_S`. Read Mandarin
runs at 3–6 syllables a second; the wide bounds catch a take that is cut off, empty or reads
something much longer, never a slow or fast reader. It does not hear *which* words are said.

The wide bounds pass a take that stops early: 11 of 19 syllables at a normal pace, or 6 read
slowly, land inside them. :class:`SpeakerRateChecker` (the speech plugin's cross-item check
``speaker_rate``) compares the take's rate with the same speaker's usual one, the median of
their accepted takes: a take read more than :data:`MAX_RATE_RATIO` times faster than that (the
prompt's syllables over too little speech) most likely stops before the end. Timing alone
cannot tell a take read slowly enough to last as long as the whole prompt, and a speaker's
first :data:`MIN_SPEAKER_TAKES` takes have no usual rate: given the take's file, the outcome
also aligns it against espeak-ng's reading of the prompt with an open end
(:mod:`datamill.modalities.speech.prompt_coverage`): under ``MIN_COVERAGE`` of the prompt
covered, rejected, from the first take on. Measured on espeak-ng Mandarin
(``bench/prompt_rate_heldout.py``, ``cmn-latn-pinyin`` voices: espeak-ng's ``cmn`` reads Han
characters as English-spelt pinyin, "jin one tian one"): tuned on 2 voices x 2 speeds, early
stops caught 45 (bounds) -> 64 of 64, whole takes rejected 0 of 32; held out on 5 other voices
(2.7-6.4 syllables a second, ±15% a take), early stops cut at 30-70% and read 0.7-1.2 times as
fast, noise and 48 kHz: caught 307 (bounds) -> 457 (speaker rate, 3 takes known) -> 559 (and
coverage) of 600, whole takes rejected 3 -> 4 -> 6 of 150; a speaker's first takes (bounds and
coverage, no speaker rate) 307 -> 534 of 600, whole takes rejected 5 of 150.

A take that says *more* than its prompt (the prompt is its first or last half) is only slow
and covers all of the prompt. The take's syllable nuclei per prompt syllable
(:mod:`~datamill.modalities.speech.syllable_nuclei`, ``nuclei_ratio`` in ``extra``) against the
median of the speaker's accepted takes' catch it (``speaker_overspoken``, from
:data:`MAX_NUCLEI_RATIO`): a fixed bound would reject a voice that says more per syllable
(``bench/prompt_overspoken_zh.py``: fresh voices, clean 0 of 108, half prompts 216 of 216).

In a Chinese prompt (Han characters, no kana or Hangul) a number counts the syllables of its
Mandarin reading, the one ``numerals: hanzi`` compares by
(:func:`datamill.qc.text_conventions.spoken_numbers`): four digits (or a leading zero) before
``年`` are a year read digit by digit (``2026年``: 二零二六年, 5); any other number before ``年``
is a count of years (``30年``: 三十年, 3); an amount is read by place (``300人``: 三百人, 3;
``12345元``: 一万二千三百四十五元, 10; ``3.5``: 三点五; ``50%``: 百分之五十); a leading zero or
seven digits and more that are shorter digit by digit are a code or phone number, digit by digit
(``13812345678``: 11). Elsewhere (English, Japanese, Korean) a digit counts one syllable.

Examples:
    >>> prompt_syllables("打开WiFi，然后连接到打印机。")
    (12, True)
    >>> prompt_syllables("。。。！！？？")
    (0, False)
    >>> prompt_syllables("Turn on the lights.")
    (4, False)
    >>> prompt_syllables("2026年有300人")
    (9, True)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from statistics import median
from typing import TYPE_CHECKING, Any

from datamill.core.check_words import COVERAGE_REASON, OVERSPOKEN_REASON
from datamill.modalities.base import CheckOutcome

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "MAX_NUCLEI_RATIO",
    "MAX_RATE_RATIO",
    "MAX_SYLLABLES_PER_S",
    "MIN_SPEAKER_TAKES",
    "MIN_SYLLABLES_PER_S",
    "SpeakerRateChecker",
    "aligner_reads",
    "has_cjk",
    "prompt_syllables",
    "speaking_rate_outcome",
]

MIN_SYLLABLES_PER_S = 1.0
"""Slower than this (the take holds much more than the prompt, or long pauses): rejected."""
MAX_SYLLABLES_PER_S = 8.0
"""Faster than this (the take is cut off or misses most of the prompt): rejected."""
MAX_RATE_RATIO = 1.4
"""A take read this many times faster than its speaker's median rate: rejected (stops early)."""
MAX_NUCLEI_RATIO = 1.4
"""A take with this many times the syllable nuclei per prompt syllable of its speaker's median
(:mod:`~datamill.modalities.speech.syllable_nuclei`): rejected (it says more than its prompt)."""
MIN_SPEAKER_TAKES = 3
"""Accepted takes of a speaker before :class:`SpeakerRateChecker` judges their next one."""
_RATE_HISTORY = 25  # the speaker's latest accepted takes the median is taken over

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                  r"\U00020000-\U0003134f]")
_LATIN_WORD = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]+")
_VOWELS = re.compile(r"[aeiouyAEIOUY]+")
_DIGIT = re.compile(r"[0-9\uff10-\uff19]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean character."""
    return _CJK.search(text) is not None


def aligner_reads(prompt: str) -> bool:
    """Whether the English forced aligner can check ``prompt``: it has a word and no CJK
    character (otherwise :func:`speaking_rate_outcome` checks the take)."""
    from datamill.modalities.speech.consistency import normalise_prompt

    return not has_cjk(prompt) and bool(normalise_prompt(prompt))


def prompt_syllables(prompt: str) -> tuple[int, bool]:
    """The syllables a reader says for ``prompt`` (an estimate) and whether it holds CJK."""
    if _DIGIT.search(prompt) and _HAN.search(prompt) and not _KANA_HANGUL.search(prompt):
        from datamill.qc.text_conventions import spoken_numbers  # cn2an, loaded on first use

        prompt = spoken_numbers(prompt.translate(_FULLWIDTH_DIGITS))
    cjk = len(_CJK.findall(prompt))
    latin = sum(max(1, len(_VOWELS.findall(w))) for w in _LATIN_WORD.findall(prompt))
    digits = len(_DIGIT.findall(prompt))
    return cjk + latin + digits, cjk > 0


def speaking_rate_outcome(prompt: str, outcomes: list[CheckOutcome],
                          path: Path | None = None) -> CheckOutcome:
    """The ``audio_text_consistency`` outcome of a CJK prompt from the audio checks' duration
    and silences (``outcomes`` of :func:`~datamill.modalities.speech.audio.run_audio_checks`)
    and, given the take's file ``path``, how much of the prompt it covers
    (:func:`~datamill.modalities.speech.prompt_coverage.prompt_coverage`; ``coverage`` in
    ``extra``, under :data:`~datamill.modalities.speech.prompt_coverage.MIN_COVERAGE`
    rejected). A prompt without syllables (punctuation only) is not checked: passed, no value."""
    values: dict[str, Any] = {o.name: o.value for o in outcomes}
    syllables, _ = prompt_syllables(prompt)
    extra: dict[str, Any] = {"method": "speaking_rate", "syllables": syllables,
                             "min_syllables_per_s": MIN_SYLLABLES_PER_S,
                             "max_syllables_per_s": MAX_SYLLABLES_PER_S}
    active_ms = float(values.get("duration") or 0.0) - float(values.get("leading_silence") or 0.0) \
        - float(values.get("trailing_silence") or 0.0)
    if syllables == 0:
        return CheckOutcome(name="audio_text_consistency", passed=True, value=None,
                            extra={**extra, "verdict": "pass",
                                   "note": "the prompt has nothing to read: not checked"})
    if active_ms <= 0:
        return CheckOutcome(name="audio_text_consistency", passed=False, value=0.0,
                            reason=f"no speech heard for a prompt of {syllables} syllables",
                            extra={**extra, "verdict": "reject", "active_ms": 0})
    rate = syllables / (active_ms / 1000)
    ok = MIN_SYLLABLES_PER_S <= rate <= MAX_SYLLABLES_PER_S
    reason = None
    if not ok:
        how = "too fast: the take may be cut off or miss words" if rate > MAX_SYLLABLES_PER_S \
            else "too slow: the take may hold more than the prompt, or long pauses"
        reason = (f"speaking rate {rate:.1f} syllables/s ({syllables} syllables in"
                  f" {active_ms / 1000:.1f} s of speech) is outside {MIN_SYLLABLES_PER_S:g}–"
                  f"{MAX_SYLLABLES_PER_S:g}: {how}")
    lead_ms = float(values.get("leading_silence") or 0.0)
    heard = _hear(prompt, path, lead_ms, active_ms) if ok and path is not None else None
    coverage = heard[0] if heard is not None else None
    if heard is not None:
        extra.update(nuclei=heard[1], nuclei_ratio=round(heard[1] / syllables, 3))
    if coverage is not None:
        from datamill.modalities.speech.prompt_coverage import MIN_COVERAGE

        extra.update(coverage=coverage, min_coverage=MIN_COVERAGE)
        if coverage < MIN_COVERAGE:
            ok = False
            reason = (f"{COVERAGE_REASON}: it matches about"
                      f" {coverage:.0%} of it (at least {MIN_COVERAGE:.0%} is needed);"
                      f" record the whole prompt again")
    return CheckOutcome(name="audio_text_consistency", passed=ok, value=round(rate, 3),
                        reason=reason, extra={**extra, "verdict": "pass" if ok else "reject",
                                              "active_ms": round(active_ms)})


_COVERAGE_MARGIN_MS = 100.0


def _hear(prompt: str, path: Path, lead_ms: float,
          active_ms: float) -> tuple[float | None, int]:
    """:func:`~.prompt_coverage.prompt_coverage` of the take at ``path`` (channels mixed),
    and its syllable nuclei (:func:`~.syllable_nuclei.count_nuclei`, over the whole take).
    The coverage is
    over its speech only: the ``active_ms`` after ``lead_ms`` that the silence checks found,
    and :data:`_COVERAGE_MARGIN_MS` either side (a soft first or last sound under the VAD).
    Its own trim keeps every frame within 35 dB of the loudest, so a room tone 30 dB under the
    speech kept all the padding: a whole Korean reading with 2.7 s of it read as 0.5 % covered
    (more take than three times its reference: no alignment path), and was refused as cut off."""
    import soundfile as sf

    from datamill.modalities.speech.prompt_coverage import prompt_coverage
    from datamill.modalities.speech.syllable_nuclei import count_nuclei

    audio, sr = sf.read(path, dtype="float32", always_2d=True)
    start = max(0, int((lead_ms - _COVERAGE_MARGIN_MS) * sr / 1000))
    end = min(audio.shape[0],
              math.ceil((lead_ms + active_ms + _COVERAGE_MARGIN_MS) * sr / 1000))
    return (prompt_coverage(prompt, audio[start:end].mean(axis=1), int(sr)),
            count_nuclei(audio.mean(axis=1), int(sr)))


class SpeakerRateChecker:
    """Cross-item check ``speaker_rate`` of read speech: a take's speaking rate (the
    ``audio_text_consistency`` outcome of :func:`speaking_rate_outcome`) against the median of
    the same speaker's (``speaker_id``) latest accepted takes. A take without a speaker is not
    judged. A take whose speaker has fewer than :data:`MIN_SPEAKER_TAKES` accepted takes is
    not judged either, and says so: a passed outcome with no value and ``extra["judged"]``
    False (the takes known, the takes needed), which the check summary counts as
    ``not_judged`` (a project manager saw these first takes as passed, like any other).

    The production loop hands it each item's outcomes (``reads_outcomes``; the accepted items'
    stored ones for ``outcome_names``)."""

    reads_outcomes = True
    outcome_names = ("audio_text_consistency",)
    group_key = "speaker_id"  # only the checked takes' speakers' earlier takes are read

    def __init__(self, max_ratio: float = MAX_RATE_RATIO,
                 min_takes: int = MIN_SPEAKER_TAKES,
                 max_nuclei_ratio: float = MAX_NUCLEI_RATIO) -> None:
        self.max_ratio = max_ratio
        self.min_takes = min_takes
        self.max_nuclei_ratio = max_nuclei_ratio
        self.rates: dict[str, list[float]] = {}
        self.nuclei: dict[str, list[float]] = {}

    @staticmethod
    def _rate(attributes: Mapping[str, Any],
              outcomes: Sequence[CheckOutcome]) -> tuple[str, float, float | None] | None:
        """(speaker, syllables a second, nuclei per prompt syllable or None)."""
        speaker = attributes.get("speaker_id")
        for o in outcomes:
            extra = o.extra or {}
            if (o.name == "audio_text_consistency" and o.value
                    and extra.get("method") == "speaking_rate" and speaker):
                nuclei = extra.get("nuclei_ratio")
                return str(speaker), float(o.value), None if nuclei is None else float(nuclei)
        return None

    def add(self, key: str, attributes: Mapping[str, Any],
            outcomes: Sequence[CheckOutcome] = ()) -> None:
        found = self._rate(attributes, outcomes)
        if found is not None:
            for store, value in ((self.rates, found[1]), (self.nuclei, found[2])):
                if value is not None:
                    kept = store.setdefault(found[0], [])
                    kept.append(value)
                    del kept[:-_RATE_HISTORY]

    def check(self, attributes: Mapping[str, Any],
              outcomes: Sequence[CheckOutcome] = ()) -> Sequence[CheckOutcome]:
        found = self._rate(attributes, outcomes)
        if found is None:
            return []
        out: list[CheckOutcome] = []
        earlier = self.rates.get(found[0], [])
        out.append(self._rate_outcome(found[1], earlier) if len(earlier) >= self.min_takes
                   else self._not_judged("speaker_rate", len(earlier)))
        known = self.nuclei.get(found[0], [])
        if found[2] is not None:
            out.append(self._nuclei_outcome(found[2], known) if len(known) >= self.min_takes
                       else self._not_judged("speaker_overspoken", len(known)))
        return out

    def _not_judged(self, name: str, takes: int) -> CheckOutcome:
        """``name`` not judged yet: the speaker has ``takes`` accepted takes, too few."""
        return CheckOutcome(name=name, passed=True, value=None, extra={
            "judged": False, "takes": takes, "min_takes": self.min_takes,
            "note": f"not yet judged: the speaker has {takes} of the {self.min_takes} accepted "
                    "takes their usual reading is taken from"})

    def _rate_outcome(self, rate: float, earlier: list[float]) -> CheckOutcome:
        usual = float(median(earlier))
        ratio = rate / usual
        ok = ratio <= self.max_ratio
        return CheckOutcome(
            name="speaker_rate", passed=ok, value=round(ratio, 3),
            reason=None if ok else
            f"read at {rate:.1f} syllables/s, {ratio:.1f} times this speaker's usual"
            f" {usual:.1f} (the median of their {len(earlier)} accepted takes): the take"
            f" seems to stop before the end of the prompt; record the whole prompt again",
            extra={"rate": round(rate, 3), "speaker_median": round(usual, 3),
                   "takes": len(earlier), "max_ratio": self.max_ratio})

    def _nuclei_outcome(self, nuclei: float, known: list[float]) -> CheckOutcome:
        usual = float(median(known))
        ratio = nuclei / usual if usual > 0 else 1.0
        ok = ratio < self.max_nuclei_ratio
        return CheckOutcome(
            name="speaker_overspoken", passed=ok, value=round(ratio, 3),
            reason=None if ok else
            f"{OVERSPOKEN_REASON}: it holds {ratio:.1f} times the syllables per prompt syllable"
            f" of this speaker's usual takes (the median of their {len(known)} accepted"
            f" takes); read exactly the text shown, once",
            extra={"nuclei_ratio": round(nuclei, 3), "speaker_median": round(usual, 3),
                   "takes": len(known), "max_ratio": self.max_nuclei_ratio})
