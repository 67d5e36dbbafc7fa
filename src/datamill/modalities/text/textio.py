"""Reading, cleaning and tokenising text.

Offsets everywhere are Python ``str`` indices (Unicode code points), never UTF-16 units or
bytes. A UTF-8 byte-order mark at the very start of a file is not part of the text.

Normalisation (:func:`normalize_text`) is Unicode NFKC, which also turns full-width ASCII
letters and digits (``Ａ１``) into half-width and half-width katakana into full-width. Chinese
full-width punctuation (``，！？：；（）``) is kept full-width by default, because NFKC would
turn it into ASCII punctuation a Chinese corpus does not want; ``fullwidth_punctuation=False``
converts it too.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Final

from datamill.modalities.text.errors import TextDecodeError

__all__ = [
    "BOM",
    "count_control",
    "count_emoji",
    "decode_text",
    "inside_grapheme",
    "normalize_text",
    "read_text",
    "remove_emoji",
    "tokenize",
]

BOM: Final = b"\xef\xbb\xbf"

_KEEP_FULLWIDTH: Final = frozenset(
    chr(c) for c in (*range(0xFF01, 0xFF10), *range(0xFF1A, 0xFF21), *range(0xFF3B, 0xFF41),
                     *range(0xFF5B, 0xFF66))
)
_EMOJI: Final = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u2b00-\u2bff"
    "\ufe0f\u200d\U000e0020-\U000e007f]"
)
_ALLOWED_CONTROL: Final = frozenset("\n\t\r")
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# a run of word characters that are not CJK ideographs, kana or hangul; anything else alone
_TOKEN: Final = re.compile(
    r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f]+"
    r"|\S"
)


def decode_text(raw: bytes, where: str) -> tuple[str, bool]:
    """``raw`` as text and whether it started with a BOM; raises :class:`TextDecodeError`
    naming ``where`` and the byte offset of the first byte that is not UTF-8."""
    bom = raw.startswith(BOM)
    try:
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start + (3 if bom else 0)
        raise TextDecodeError(
            f"{where} is not UTF-8 text: {err.reason} at byte {offset}"
            f" (bytes {raw[offset:offset + 4].hex(' ')})",
            file=where, byte=offset,
        ) from err
    return text, bom


def read_text(path: Path, where: str | None = None) -> tuple[str, bool]:
    """A UTF-8 file's text (without BOM) and whether it had one (see :func:`decode_text`)."""
    return decode_text(path.read_bytes(), where or path.name)


def normalize_text(text: str, *, fullwidth_punctuation: bool = True) -> str:
    """NFKC (full-width letters/digits to half-width); Chinese full-width punctuation is
    kept when ``fullwidth_punctuation`` (see the module docstring)."""
    if not fullwidth_punctuation:
        return unicodedata.normalize("NFKC", text)
    if not any(c in _KEEP_FULLWIDTH for c in text):
        return unicodedata.normalize("NFKC", text)
    parts: list[str] = []
    run: list[str] = []
    for c in text:
        if c in _KEEP_FULLWIDTH:
            parts.append(unicodedata.normalize("NFKC", "".join(run)))
            parts.append(c)
            run = []
        else:
            run.append(c)
    parts.append(unicodedata.normalize("NFKC", "".join(run)))
    return "".join(parts)


def count_control(text: str) -> int:
    """Control characters other than newline, tab and carriage return, plus bidi overrides."""
    return sum(1 for c in text if (unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROL)
               or c in _BIDI)


def count_emoji(text: str) -> int:
    """Emoji code points (pictographs, dingbats, flags, and their joiners/selectors)."""
    return len(_EMOJI.findall(text))


def remove_emoji(text: str) -> str:
    return _EMOJI.sub("", text)


def _extends(char: str) -> bool:
    """A character that belongs to the one before it: a combining mark, a variation selector,
    an emoji skin-tone modifier or tag character, or a zero-width joiner."""
    o = ord(char)
    return (unicodedata.category(char) in ("Mn", "Me", "Mc") or char == "\u200d"
            or 0xFE00 <= o <= 0xFE0F or 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F)


def _is_ri(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF  # regional indicator: two make a flag


def inside_grapheme(text: str, offset: int) -> bool:
    """Whether ``offset`` (a code-point index) falls inside one user-perceived character, the
    unit :func:`tokenize` keeps whole: before a combining mark, a variation selector, a skin-tone
    modifier, a tag character or a zero-width joiner, right after a zero-width joiner, or
    between the two regional indicators of a flag. A line break or control character is never
    joined to what follows it or precedes it.

    Examples:
        >>> inside_grapheme("e\u0301", 1), inside_grapheme("\U0001f1e8\U0001f1f3", 1)
        (True, True)
        >>> inside_grapheme("ab", 1), inside_grapheme("\U0001f1e8\U0001f1f3", 2)
        (False, False)
    """
    if not 0 < offset < len(text):
        return False
    before, after = text[offset - 1], text[offset]
    if unicodedata.category(before) == "Cc" or unicodedata.category(after) == "Cc":
        return False
    if _extends(after) or before == "\u200d":
        return True
    if not (_is_ri(before) and _is_ri(after)):
        return False
    run = 0  # regional indicators pair from the start of their run: odd count = mid-flag
    while offset - run > 0 and _is_ri(text[offset - run - 1]):
        run += 1
    return run % 2 == 1


def _pieces(text: str) -> list[tuple[int, int]]:
    """:data:`_TOKEN` matches with every user-perceived character kept whole: e + U+0301, a
    flag (two regional indicators), an emoji ZWJ sequence or one with a modifier."""
    out: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        a, b = m.start(), m.end()
        if out and out[-1][1] == a:
            pa, pb = out[-1]
            if (_extends(text[a]) or text[pb - 1] == "\u200d"
                    or (pb - pa == 1 and _is_ri(text[pa]) and _is_ri(text[a]))):
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


def tokenize(text: str, boundaries: set[int] | None = None) -> list[tuple[int, int]]:
    """Token offsets: runs of letters/digits (Latin, Cyrillic ...) are one token, every CJK
    character and every other non-space character is a token of its own, combining marks,
    emoji modifiers and joined emoji staying with the character they belong to. A token is
    split at each offset in ``boundaries`` (span starts and ends), so spans are whole tokens."""
    cuts = sorted(boundaries or ())
    out: list[tuple[int, int]] = []
    for start, end in _pieces(text):
        for cut in cuts:
            if start < cut < end:
                out.append((start, cut))
                start = cut
        out.append((start, end))
    return out
