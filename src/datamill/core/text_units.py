"""Text cut into the units a reader compares: words, and ideographs one by one.

A run of letters, digits and combining marks is one unit (a word: ``naïve``, ``é`` typed as
``e`` + U+0301); a run of white space is one; every other grapheme cluster (``regex``'s ``\\X``)
is one on its own: a Chinese ideograph or Japanese kana (Chinese and Japanese are written
without spaces, so a character is the unit that carries meaning), a punctuation mark, an emoji
with its skin tone and joiners. The units join back into the text.
"""

from __future__ import annotations

from typing import Final

import regex

__all__ = ["has_ideograph", "is_filler", "units"]

_UNIT: Final = regex.compile(
    r"\s+|(?:(?![\p{Han}\p{Hiragana}\p{Katakana}])[\p{L}\p{N}\p{M}_])+|\X")
_IDEOGRAPH: Final = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_FILLER: Final = regex.compile(r"[\s\p{P}]*")


def units(text: str) -> list[str]:
    """``text`` cut into compared units.

    Examples:
        >>> units("今天很好, naïve 👍🏽!")
        ['今', '天', '很', '好', ',', ' ', 'naïve', ' ', '👍🏽', '!']
    """
    found: list[str] = _UNIT.findall(text)
    return found


def has_ideograph(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean letter (``"北"``, ``"か"``, ``"한"``)."""
    return _IDEOGRAPH.search(text) is not None


def is_filler(text: str) -> bool:
    """Whether ``text`` is only spaces and punctuation (``" !"``, ``"。"``); a symbol is not
    (``<`` / ``>``, ``$`` / ``€``, an emoji: they change what is said)."""
    return _FILLER.fullmatch(text) is not None
