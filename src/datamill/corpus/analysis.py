"""One pool sentence analysed: its units per kind, its length, reading cost, readability, and the
filters it fails (each with a reason code and a human detail).

Units come from :mod:`datamill.modalities.speech.phones` (the one text-to-phones module):

=========  ==========================================  ===========================================
language   kinds                                       notes
=========  ==========================================  ===========================================
``en``     ``phone``, ``diphone``                      ARPAbet with the stress digits dropped
``zh``     ``syllable``, ``initial``, ``final``,       tonal pinyin syllables (``hao3``); the
           ``phone``, ``diphone``                      phones are initials and tonal finals
=========  ==========================================  ===========================================

Diphones include the ``sil`` edges (``sil-DH``, ``ao3-sil``).

**Readability** (higher is easier to read aloud):

- ``en``: Flesch reading ease of the one sentence, ``206.835 - 1.015 * words - 84.6 *
  syllables / words``, syllables counted from the CMU dictionary's vowels (a vowel-group guess
  for words it lacks). Very short plain sentences score above 100.
- ``zh``: ``100 - 50 * rare - 25 * polyphones - 1.5 * max(0, characters - 12)``, clipped to
  0–100, where ``rare`` is the share of characters outside the 2,500 most frequent (jieba's
  dictionary, :mod:`datamill.corpus.resources`) and ``polyphones`` the share of characters with
  more than one reading.

**Filters** (reason codes): ``too_short`` / ``too_long`` (words for ``en``, Han characters for
``zh``), ``digits`` (numbers must be written out), ``latin`` (``zh``: Latin letters, a word
such as ``WiFi`` whose reading the prompt does not fix), ``rare_char`` (``zh``: a character
ranked beyond ``max_char_rank`` or another symbol; ``en``: a character outside plain ASCII
letters and punctuation), ``oov`` (a word the lexicon lacks), ``sensitive`` (a listed word), and,
among the sentences passing those, ``duplicate`` / ``near_duplicate`` (see
:mod:`datamill.corpus.dedup`).

Each reason is ``{"code", "detail"}`` (the detail in English, for the CLI and the report); the
reasons whose detail is worded (lengths, the line duplicated) add ``args``, its numbers, for a
page to word it in its own language.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from datamill.core.lookalike import fold_cjk_gaps
from datamill.corpus import resources
from datamill.modalities.speech.phones import Word, diphones, g2p, split_syllable, syllables

__all__ = [
    "KINDS",
    "LENGTH_DEFAULTS",
    "Analysis",
    "Filters",
    "analyse",
    "readability",
]

KINDS: dict[str, tuple[str, ...]] = {
    "en": ("phone", "diphone"),
    "zh": ("syllable", "initial", "final", "phone", "diphone"),
}
#: default (min, max) length: words for en, Han characters for zh
LENGTH_DEFAULTS = {"en": (3, 30), "zh": (4, 40)}
_NUMBER = re.compile(r"\d+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_EN_OK = re.compile(r"[A-Za-z\s.,;:!?'\"()\-–—’‘“”]")
_ZH_PUNCT = re.compile(r"[\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
                       r".,;:!?'\"()\-–—…·’‘“”《》〈〉]")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_SYLLABLE = re.compile(r"^[a-zü]+[1-5]$")


@dataclass(frozen=True)
class Filters:
    """What makes a pool sentence ineligible (lengths default per language: ``LENGTH_DEFAULTS``)."""

    min_length: int | None = None
    max_length: int | None = None
    max_char_rank: int = resources.FILTER_RANK
    sensitive: tuple[str, ...] = ()
    allow_oov: bool = False
    allow_digits: bool = False
    near_duplicate: float = 0.8  # Jaccard of character shingles; 1.0 turns near-duplicates off

    def lengths(self, lang: str) -> tuple[int, int]:
        lo, hi = LENGTH_DEFAULTS[lang]
        return (self.min_length if self.min_length is not None else lo,
                self.max_length if self.max_length is not None else hi)


@dataclass
class Analysis:
    """A pool sentence: ``units`` maps each kind to its distinct units (sorted)."""

    index: int
    text: str
    length: int
    cost: int  # syllables: what reading it aloud takes
    readability: float
    units: dict[str, tuple[str, ...]]
    reasons: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    def reject(self, code: str, detail: str, **args: Any) -> None:
        """Add a reason; ``args`` are the numbers of a worded detail (see the module doc)."""
        self.reasons.append({"code": code, "detail": detail, **({"args": args} if args else {})})


def _strip_stress(words: list[Word]) -> list[Word]:
    return [Word(w.text, None if w.phones is None else tuple(p.rstrip("012") for p in w.phones))
            for w in words]


def _en_syllable_count(word: Word) -> int:
    if word.phones is not None:
        return max(1, sum(1 for p in word.phones if p[-1:].isdigit()))
    return max(1, len(_VOWEL_GROUP.findall(word.text)))


def readability(text: str, lang: str, words: list[Word] | None = None) -> tuple[float, dict[str, Any]]:
    """The readability score of one sentence and the numbers behind it (see the module doc)."""
    words = g2p(text, lang) if words is None else words
    if lang == "en":
        n = len(words)
        if n == 0:
            return 0.0, {"words": 0, "syllables": 0}
        syl = sum(_en_syllable_count(w) for w in words)
        score = 206.835 - 1.015 * n - 84.6 * syl / n
        return round(score, 2), {"words": n, "syllables": syl}
    chars = _HAN.findall(unicodedata.normalize("NFKC", text))
    if not chars:
        return 0.0, {"characters": 0}
    rare = sum(1 for c in chars if (resources.char_rank(c) or 10**9) > resources.RARE_RANK)
    poly = sum(1 for c in chars if resources.is_polyphone(c))
    score = 100 - 50 * rare / len(chars) - 25 * poly / len(chars) - 1.5 * max(0, len(chars) - 12)
    return round(min(100.0, max(0.0, score)), 2), {
        "characters": len(chars), "rare_characters": rare, "polyphones": poly}


def _units(words: list[Word], lang: str) -> dict[str, tuple[str, ...]]:
    if lang == "en":
        plain = _strip_stress(words)
        phones = {p for w in plain if w.phones for p in w.phones}
        return {"phone": tuple(sorted(phones)), "diphone": tuple(sorted(set(diphones(plain))))}
    syls = [s for s in syllables(words) if _SYLLABLE.match(s)]
    initials: set[str] = set()
    finals: set[str] = set()
    for w in words:
        for s in w.syllables:
            if not _SYLLABLE.match(s):
                continue
            parts = split_syllable(s)
            if len(parts) == 2:
                initials.add(parts[0])
            finals.add(parts[-1])
    return {
        "syllable": tuple(sorted(set(syls))),
        "initial": tuple(sorted(initials)),
        "final": tuple(sorted(finals)),
        "phone": tuple(sorted(initials | finals)),
        "diphone": tuple(sorted(set(diphones(words)))),
    }


def _sensitive_hit(text: str, lang: str, words: tuple[str, ...]) -> str | None:
    """The first listed word ``text`` holds, both folded as the LLM banned words are
    (:func:`datamill.core.lookalike.fold_cjk_gaps`): full-width, Cyrillic or Greek look-alike
    letters, zero-width characters and spaces between Chinese characters hide no word."""
    folded = fold_cjk_gaps(text)
    for w, key, whole_word in _sensitive_keys(lang, words):
        if whole_word.search(folded) if whole_word is not None else key in folded:
            return w
    return None


@functools.lru_cache(maxsize=8)
def _sensitive_keys(lang: str, words: tuple[str, ...]
                    ) -> tuple[tuple[str, str, re.Pattern[str] | None], ...]:
    """Each listed word, its folded key and (English words) its whole-word pattern: built once
    per list, not once a sentence."""
    out = []
    for w in words:
        key = fold_cjk_gaps(w).strip()
        if key:
            out.append((w, key, re.compile(rf"(?<![a-z']){re.escape(key)}(?![a-z'])")
                        if lang == "en" and key.isascii() else None))
    return tuple(out)


def _rare_chars(text: str, lang: str, max_rank: int) -> list[str]:
    folded = unicodedata.normalize("NFKC", text)
    if lang == "en":
        return sorted({c for c in folded if not _EN_OK.match(c) and not c.isdigit()})
    bad: set[str] = set()
    for c in folded:
        if _HAN.match(c):
            rank = resources.char_rank(c)
            if rank is None or rank > max_rank:
                bad.add(c)
        elif not (_LATIN.match(c) or _ZH_PUNCT.match(c) or c.isdigit()):
            bad.add(c)
    return sorted(bad)


def _latin_words(text: str, lang: str) -> list[str]:
    """The Latin words of a Chinese sentence (full-width letters too), first seen first."""
    if lang == "en":
        return []
    return list(dict.fromkeys(_LATIN_WORD.findall(unicodedata.normalize("NFKC", text))))


def analyse(index: int, text: str, lang: str, filters: Filters) -> Analysis:
    """Analyse one sentence and apply the per-sentence filters (not the duplicate ones)."""
    words = g2p(text, lang)
    score, details = readability(text, lang, words)
    units = _units(words, lang)
    if lang == "en":
        length = len(words)
        cost = max(1, details.get("syllables", 0))
    else:
        length = details.get("characters", 0)
        cost = max(1, sum(1 for s in syllables(words) if _SYLLABLE.match(s)))
    a = Analysis(index, text, length, cost, score, units, details=details)
    lo, hi = filters.lengths(lang)
    unit = "words" if lang == "en" else "characters"
    if length < lo:
        a.reject("too_short", f"{length} {unit} < {lo}", length=length, unit=unit, limit=lo)
    if length > hi:
        a.reject("too_long", f"{length} {unit} > {hi}", length=length, unit=unit, limit=hi)
    digits = " ".join(dict.fromkeys(_NUMBER.findall(unicodedata.normalize("NFKC", text))))
    if digits and not filters.allow_digits:
        a.reject("digits", digits)
    latin = _latin_words(text, lang)
    if latin:
        a.reject("latin", " ".join(latin[:10]))
    rare = _rare_chars(text, lang, filters.max_char_rank)
    if rare:
        a.reject("rare_char", " ".join(rare[:10]))
    if not filters.allow_oov:
        if lang == "en":
            oov = [w.text for w in words if w.phones is None]
        else:
            oov = [w.text for w in words if any(not _SYLLABLE.match(s) for s in w.syllables)]
        if oov:
            a.reject("oov", " ".join(dict.fromkeys(oov))[:200])
    hit = _sensitive_hit(text, lang, filters.sensitive)
    if hit is not None:
        a.reject("sensitive", hit)
    return a
