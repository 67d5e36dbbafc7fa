"""Project-level Mandarin word readings, over pypinyin's phrase dictionary.

pypinyin picks a polyphonic character's reading from its phrase dictionary, and that dictionary
has wrong entries: 还款 (repayment) reads ``hai2 kuan3`` there, so TTS pre-alignment labelled
``hai2`` and the reading check then refused a linguist's correct ``huan2``. The readings in
``zh_readings.tsv`` beside this module (a plain file a linguist edits: one word, then one
tone-numbered syllable per character) win over pypinyin's:

* :func:`load_into_pypinyin` hands them to ``pypinyin.load_phrases_dict`` once per process, so
  that pypinyin's own word segmentation (longest match) sees them in context (提前还款);
* :func:`word_reading` answers the reading check's "which reading does this word give this
  character" before pypinyin's dictionary does.

    >>> word_reading("还款")
    ('huan2', 'kuan3')
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Final

from datamill.core.errors import InvalidInput

__all__ = ["READINGS_FILE", "load_into_pypinyin", "parse_readings", "readings", "word_reading"]

READINGS_FILE: Final = Path(__file__).with_name("zh_readings.tsv")
"""The shipped override file (package data)."""

_LOCK = threading.Lock()
_loaded: list[bool] = []


def parse_readings(text: str, source: str = "zh_readings.tsv") -> dict[str, tuple[str, ...]]:
    """The word → syllables table in ``text``; a malformed line is refused naming its number.

    >>> parse_readings("# c\\n还款\\thuan2 kuan3\\n")
    {'还款': ('huan2', 'kuan3')}
    """
    from datamill.modalities.speech.phones import pinyin_syllables  # noqa: PLC0415

    known = pinyin_syllables()
    out: dict[str, tuple[str, ...]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = unicodedata.normalize("NFC", raw).strip()
        if not line or line.startswith("#"):
            continue
        word, *syls = line.split()
        bad = [s for s in syls if not (s[-1:] in "12345" and s[-1:] and s[:-1] in known)]
        if bad or len(syls) != len(word):
            why = (f"{', '.join(map(repr, bad))} not a tone-numbered pinyin syllable" if bad
                   else f"{len(word)} character(s) but {len(syls)} syllable(s)")
            raise InvalidInput(f"{source} line {number}: {line!r}: {why}",
                               reason_code="zh_reading_line", line=number, source=source,
                               text=line)
        out[word] = tuple(syls)
    return out


@lru_cache(maxsize=1)
def readings() -> dict[str, tuple[str, ...]]:
    """The shipped table (:data:`READINGS_FILE`), read once per process."""
    return parse_readings(READINGS_FILE.read_text(encoding="utf-8"))


def word_reading(word: str) -> tuple[str, ...] | None:
    """The overriding tone-numbered reading of ``word``, or None when the file has none."""
    return readings().get(word)


def load_into_pypinyin() -> None:
    """Give pypinyin the table (once per process; later calls return at once)."""
    if _loaded:
        return
    with _LOCK:
        if _loaded:
            return
        from pypinyin import load_phrases_dict  # noqa: PLC0415
        from pypinyin.contrib.tone_convert import to_tone  # noqa: PLC0415

        load_phrases_dict({w: [[str(to_tone(s.removesuffix("5")))] for s in syls]
                           for w, syls in readings().items()})
        _loaded.append(True)
