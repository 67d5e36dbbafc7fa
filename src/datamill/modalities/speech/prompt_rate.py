"""Audio–text consistency for prompts the English aligner cannot read (Chinese, Japanese,
Korean): the speaking rate of the take against the prompt's syllable count.

The forced-alignment prompt check (:mod:`datamill.modalities.speech.consistency`) has an
English acoustic model and lexicon only. A prompt with CJK characters is checked here instead:
the prompt's syllables (one a Han character, kana or Hangul block, a digit, or a vowel group of
a Latin word) over the take's active speech (duration minus leading and trailing silence)
must fall between :data:`MIN_SYLLABLES_PER_S` and :data:`MAX_SYLLABLES_PER_S`. Read Mandarin
runs at 3–6 syllables a second; the wide bounds catch a take that is cut off, empty or reads
something much longer, never a slow or fast reader. It does not hear *which* words are said.

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

import re
from typing import Any

from datamill.modalities.base import CheckOutcome

__all__ = [
    "MAX_SYLLABLES_PER_S",
    "MIN_SYLLABLES_PER_S",
    "aligner_reads",
    "has_cjk",
    "prompt_syllables",
    "speaking_rate_outcome",
]

MIN_SYLLABLES_PER_S = 1.0
"""Slower than this (the take holds much more than the prompt, or long pauses): rejected."""
MAX_SYLLABLES_PER_S = 8.0
"""Faster than this (the take is cut off or misses most of the prompt): rejected."""

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


def speaking_rate_outcome(prompt: str, outcomes: list[CheckOutcome]) -> CheckOutcome:
    """The ``audio_text_consistency`` outcome of a CJK prompt from the audio checks' duration
    and silences (``outcomes`` of :func:`~datamill.modalities.speech.audio.run_audio_checks`).
    A prompt without syllables (punctuation only) is not checked: passed, no value."""
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
    return CheckOutcome(name="audio_text_consistency", passed=ok, value=round(rate, 3),
                        reason=reason, extra={**extra, "verdict": "pass" if ok else "reject",
                                              "active_ms": round(active_ms)})
