"""Lexical resources corpus design reads, all shipped inside installed packages (nothing downloads).

- **Character frequency rank** (Mandarin): each character scores ``sum(ln(1 + count))`` over the
  words of jieba's dictionary (``dict.txt``, about 349k words with counts) that contain it; rank 1
  scores highest. The log keeps a few very frequent words from outweighing how widely a character
  is used (plain count sums ranked 袜 and 柠檬 beyond 4,000, among 魑魅魍魉). The top 2,500 stand in
  for the "2,500 common characters" list; the filter's default cut-off is ``FILTER_RANK``
  (4,500: 袜, 柠檬, 踝 pass; 貔貅, 魍魉, 饕餮, 氤氲, 觊觎 do not).
- **Readings** (Mandarin): pypinyin's per-character dictionary; a character with more than one
  reading is a polyphone (多音字).
- **Target inventories**: the unit sets a designer aims to cover. English phones are the 39
  ARPAbet phonemes (stress dropped). Mandarin tonal syllables, initials, finals and phones are the
  readings of the characters ranked within ``COMMON_RANK`` (3,500, the common-character range).
  Diphones have no fixed inventory (their "available" count is what the pool offers).
"""

from __future__ import annotations

import math
import os
import threading
import unicodedata
from functools import lru_cache

__all__ = [
    "ARPABET",
    "COMMON_RANK",
    "FILTER_RANK",
    "RARE_RANK",
    "char_rank",
    "inventory",
    "is_polyphone",
    "readings",
]

#: The 39 ARPAbet phonemes of the CMU dictionary, without stress digits.
ARPABET = frozenset(
    ["AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH",
     "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH",
     "UH", "UW", "V", "W", "Y", "Z", "ZH"]
)
#: characters ranked within this many are "common" for the target inventory
COMMON_RANK = 3500
#: characters ranked beyond this count as rare in readability (the 2,500 common characters)
RARE_RANK = 2500
#: the rare-character filter's default: characters ranked beyond this are rejected
FILTER_RANK = 4500
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _ranks() -> dict[str, int]:
    import jieba  # noqa: PLC0415 - a 349k-line dictionary, read on first Mandarin use

    path = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    freq: dict[str, float] = {}
    with _lock, open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            weight = math.log1p(int(parts[1]))
            for ch in set(parts[0]):
                if "\u3400" <= ch <= "\u9fff":
                    freq[ch] = freq.get(ch, 0.0) + weight
    ordered = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
    return {ch: i + 1 for i, (ch, _) in enumerate(ordered)}


def char_rank(ch: str) -> int | None:
    """The frequency rank of a Han character (1 = most frequent); None when jieba never saw it."""
    return _ranks().get(ch)


@lru_cache(maxsize=1)
def _readings_table() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict  # noqa: PLC0415

    return dict(pinyin_dict)


def readings(ch: str) -> tuple[str, ...]:
    """pypinyin's readings of ``ch`` in tone-mark form (empty when it has none)."""
    raw = _readings_table().get(ord(ch), "")
    return tuple(r for r in raw.split(",") if r)


@lru_cache(maxsize=65536)
def is_polyphone(ch: str) -> bool:
    """Whether ``ch`` has more than one reading (tone included)."""
    return len(readings(ch)) > 1


def _tone3(mark: str) -> str:
    from pypinyin.contrib.tone_convert import to_tone3  # noqa: PLC0415

    s = str(to_tone3(unicodedata.normalize("NFC", mark)))
    return s if s[-1:].isdigit() else s + "5"


@lru_cache(maxsize=4)
def _zh_inventory() -> dict[str, frozenset[str]]:
    from datamill.modalities.speech.phones import split_syllable  # noqa: PLC0415

    syl: set[str] = set()
    for ch, rank in _ranks().items():
        if rank > COMMON_RANK:
            continue
        for r in readings(ch):
            t3 = _tone3(r)
            if t3[:-1].isascii() and t3[:-1].isalpha():
                syl.add(t3)
    initials: set[str] = set()
    finals: set[str] = set()
    for s in syl:
        parts = split_syllable(s)
        if len(parts) == 2:
            initials.add(parts[0])
        finals.add(parts[-1])
    return {
        "syllable": frozenset(syl),
        "initial": frozenset(initials),
        "final": frozenset(finals),
        "phone": frozenset(initials | finals),
    }


def inventory(lang: str, kind: str) -> frozenset[str] | None:
    """The target inventory of unit ``kind`` in ``lang`` (None: not enumerable, e.g. diphones)."""
    if lang == "en":
        return ARPABET if kind == "phone" else None
    return _zh_inventory().get(kind)
