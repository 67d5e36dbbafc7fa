"""Reading, cleaning and tokenising text.

Offsets everywhere are Python ``str`` indices (Unicode code points), never UTF-16 units or
bytes. A UTF-8 byte-order mark at the very start of a file is not part of the text.

Normalisation (:func:`normalize_text`) is Unicode NFKC, which also turns full-width ASCII
letters and digits (``Ａ１``) into half-width and half-width katakana into full-width. Chinese
full-width punctuation (``，！？：；（）￥``) and the ellipsis (``……``, the Chinese 省略号) are
kept by default, because NFKC would turn them into ASCII punctuation (``......``) a Chinese
corpus does not want; ``fullwidth_punctuation=False`` converts them too.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Final

import regex

from datamill.modalities.text.errors import TextDecodeError

__all__ = [
    "BOM",
    "NORMALIZE_HINT",
    "count_control",
    "count_denormalized",
    "count_emoji",
    "decode_text",
    "encoding_hint",
    "inside_grapheme",
    "lone_surrogate",
    "normalize_text",
    "read_text",
    "remove_emoji",
    "tokenize",
]

BOM: Final = b"\xef\xbb\xbf"

NORMALIZE_HINT: Final = ("prepare the source with `datamill text prepare --normalize`, or set"
                         " `require_normalized: false` in the spec's text requirements")
"""What to do about text that normalisation changes (the ``normalized`` check's reason and
``text prepare``'s warning say it)."""
_KEEP_FULLWIDTH: Final = frozenset(
    chr(c) for c in (*range(0xFF01, 0xFF10), *range(0xFF1A, 0xFF21), *range(0xFF3B, 0xFF41),
                     *range(0xFF5B, 0xFF66), *range(0xFFE0, 0xFFE7), 0x2026)
)
"""Kept by :func:`normalize_text`: the full-width punctuation and symbols (``，！？（）￥``) and
the ellipsis ``…``, the Chinese 省略号 ``……``: NFKC made it ``......``, so every Chinese text
with one failed the ``normalized`` check and ``text prepare --normalize`` rewrote it (h4)."""
_EMOJI: Final = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u2b00-\u2bff"
    "\ufe0f\u200d\U000e0020-\U000e007f]"
)
_ALLOWED_CONTROL: Final = frozenset("\n\t\r")
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# a run of word characters that are not CJK ideographs, kana or hangul; anything else alone
# (``regex``'s \w, unlike ``re``'s, takes combining marks: Indic vowel signs and viramas)
_TOKEN: Final = regex.compile(
    r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0003134f]+"
    r"|\S"
)


def encoding_hint(raw: bytes, offset: int = 0) -> str:
    """What the bytes look like, when that is clear: UTF-16 (its byte-order mark) or GB18030/GBK."""
    if offset == 0 and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "; it is UTF-16 (byte-order mark): save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8"
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "; it reads as GB18030/GBK: iconv -f GB18030 -t UTF-8 converts it"


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
            f" (bytes {raw[offset:offset + 4].hex(' ')}){encoding_hint(raw)}",
            file=where, byte=offset,
        ) from err
    return text, bom


def read_text(path: Path, where: str | None = None) -> tuple[str, bool]:
    """A UTF-8 file's text (without BOM) and whether it had one (see :func:`decode_text`)."""
    return decode_text(path.read_bytes(), where or path.name)


def lone_surrogate(text: str) -> str:
    """Where ``text`` holds a lone UTF-16 surrogate (a JSON ``\\ud83d`` escape without its
    pair), which no UTF-8 file can hold: ``" (a lone UTF-16 surrogate \\ud83d at character
    3)"``; '' when it holds none.

    Examples:
        >>> lone_surrogate("Hi \\ud83d there")
        ' (a lone UTF-16 surrogate \\\\ud83d at character 3)'
        >>> lone_surrogate("Hi 😀")
        ''
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return f" (a lone UTF-16 surrogate \\u{ord(text[err.start]):04x} at character {err.start})"
    return ""


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


#: one extended grapheme cluster (Unicode UAX #29, as the ``regex`` package keeps it current:
#: Hangul jamo syllables, Indic conjuncts, CR LF, flags, emoji ZWJ sequences). Python's ``re``
#: has no ``\X``, and the rules change with each Unicode version: not something to hand-write.
_CLUSTER: Final = regex.compile(r"\X")


def count_denormalized(text: str) -> int:
    """How many user-perceived characters of ``text`` NFKC/width normalisation changes: an
    ``e`` + U+0301 is one (not every character after it, as comparing the two texts position
    by position counted), a full-width ``Ａ`` one, a U+3000 space one.

    Examples:
        >>> count_denormalized("Cafe\u0301 naïve ＡＢ")
        3
        >>> count_denormalized("北京，你好。")
        0
    """
    if normalize_text(text) == text:
        return 0
    return sum(1 for m in _CLUSTER.finditer(text) if normalize_text(m.group()) != m.group())


@lru_cache(maxsize=16)
def _cluster_starts(text: str) -> frozenset[int]:
    """The offsets where a user-perceived character begins (cached: a span check asks about
    both ends of every span of one text)."""
    return frozenset(m.start() for m in _CLUSTER.finditer(text))


def inside_grapheme(text: str, offset: int) -> bool:
    """Whether ``offset`` (a code-point index) falls inside one user-perceived character (an
    extended grapheme cluster), the unit :func:`tokenize` keeps whole: before a combining mark,
    a variation selector, a skin-tone modifier or a zero-width joiner, inside a flag, a Hangul
    syllable written in jamo, an Indic conjunct, or between CR and LF. A control character
    other than CR LF is never joined to what follows it or precedes it.

    Examples:
        >>> inside_grapheme("e\u0301", 1), inside_grapheme("\U0001f1e8\U0001f1f3", 1)
        (True, True)
        >>> inside_grapheme("ab", 1), inside_grapheme("\U0001f1e8\U0001f1f3", 2)
        (False, False)
        >>> inside_grapheme("\u1100\u1161", 1), inside_grapheme("a\\r\\nb", 2)
        (True, True)
    """
    if not 0 < offset < len(text):
        return False
    return offset not in _cluster_starts(text)


def _pieces(text: str) -> list[tuple[int, int]]:
    """:data:`_TOKEN` matches with every user-perceived character kept whole: e + U+0301, a
    flag (two regional indicators), an emoji ZWJ sequence or one with a modifier, an Indic
    conjunct."""
    out: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        a, b = m.start(), m.end()
        while b < len(text) and inside_grapheme(text, b):  # end where a character ends
            b += 1
        if out and a < out[-1][1]:  # the piece before already took it whole
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        elif out and out[-1][1] == a and inside_grapheme(text, a):
            out[-1] = (out[-1][0], b)
        else:
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
        # the cuts inside this piece only: every piece scanned every cut, so a 1,000,000-
        # character document with 6,250 spans took hours to export (h4)
        at = bisect.bisect_right(cuts, start)
        while at < len(cuts) and cuts[at] < end:
            out.append((start, cuts[at]))
            start = cuts[at]
            at += 1
        out.append((start, end))
    return out
