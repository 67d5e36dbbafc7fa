"""What two spellings of a word or label share when one is typed with look-alike letters.

:func:`fold` is what a word check (banned words) and a label comparison decide by:

1. Unicode NFKC: full-width ``ｐａｓｓ`` and ``＜新闻＞`` as ``pass`` and ``<新闻>``, ligatures
   (``ﬁ``) spelt out, Kangxi radicals and CJK compatibility ideographs as the ideograph;
2. invisible format characters dropped (zero-width space and joiners, soft hyphen, word joiner,
   bidi marks, BOM, variation selectors): ``pass\\u200bword`` is ``password``;
3. Cyrillic and Greek letters that look like Latin ones as those (``pаssword`` with a Cyrillic
   ``а``, ``Ρ`` Greek capital rho), a few more Latin look-alikes (dotless ``ı``, script ``ɡ``),
   and angle brackets that look like ``<``/``>`` (``‹`` ``›`` ``〈`` ``〉`` ``❮`` ``❯`` ...) as
   those, from Unicode's confusables list (UTS #39), cut to the letters that pass for Latin
   ones in print;
4. case folding (``casefold``), then NFKC again.

A word spelt wholly in Cyrillic look-alikes (``сор``) folds to a Latin one (``cop``) too: a
word check cannot tell that from a spoof, and the projects that list banned words check their
text's language on their own.

>>> fold("ＰａＳＳ\\u200bwоrd"), fold("‹新闻>") == fold("<新闻>") == fold("＜新闻＞")
('password', True)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["fold", "fold_cjk_gaps", "fold_label"]

_LOOKALIKES: Final = {
    # Cyrillic capitals and small letters that print as Latin ones
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "l",
    "а": "a", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "о": "o", "р": "p", "ѕ": "s",
    "х": "x", "у": "y", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "α": "a", "υ": "u", "χ": "x",
    # Latin look-alikes NFKC keeps
    "ı": "i", "ɡ": "g", "ɑ": "a", "ℓ": "l", "ǀ": "l",
    # angle brackets and quotes that print as < and >
    "‹": "<", "›": ">", "˂": "<", "˃": ">", "ᐸ": "<", "ᐳ": ">", "❮": "<", "❯": ">",
    "〈": "<", "〉": ">", "⟨": "<", "⟩": ">", "⧼": "<", "⧽": ">", "❬": "<", "❭": ">",
    "❰": "<", "❱": ">",
}
_INVISIBLE: Final = (
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180E, 0x3164, 0xFEFF, 0xFFA0,
    *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070),
    *range(0xFE00, 0xFE10), *range(0xE0000, 0xE0080), *range(0xE0100, 0xE01F0),
)
_TABLE: Final[dict[int, str | None]] = {
    **{ord(k): v for k, v in _LOOKALIKES.items()}, **dict.fromkeys(_INVISIBLE)}

_CJK: Final = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_GAP: Final = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def fold_label(text: str) -> str:
    """A label as its look-alike spellings share it, its case kept: steps 1 to 3 of the module
    docstring, and white space at its ends dropped (``‹新闻>``, ``＜新闻＞`` and ``<新闻> `` are
    ``<新闻>``; ``РЕR`` in Cyrillic capitals is ``PER``).

    >>> fold_label("\u2039新闻>"), fold_label("\u0420\u0415R")
    ('<新闻>', 'PER')
    """
    return unicodedata.normalize("NFKC", text).translate(_TABLE).strip()


def fold(text: str) -> str:
    """``text`` as a look-alike spelling of it folds (see the module docstring)."""
    out = unicodedata.normalize("NFKC", text).translate(_TABLE).casefold()
    return unicodedata.normalize("NFKC", out)


def fold_cjk_gaps(text: str) -> str:
    """:func:`fold`, with white space between two Chinese or Japanese characters dropped
    (Chinese is written without spaces: ``傻 瓜`` is ``傻瓜``).

    >>> fold_cjk_gaps("傻　瓜 ＡＢ")
    '傻瓜 ab'
    """
    return _CJK_GAP.sub("", fold(text))
