"""Language-aware text normalisation and tokenisation for comparing transcripts.

One set of rules for every place that compares a transcript with a reference (inspection
scores, defects, pre-annotation accuracy; a prompt check may import :func:`normalize_text`):

1. Unicode NFKC (full-width ``ＡＢＣ１２，！：`` become ASCII, the ideographic space a space,
   ``…`` three dots) and case folding, repeated until stable. Case folding is locale-aware:
   for Turkish and Azeri (``tr``, ``az``) ``İ`` folds to ``i`` and ``I`` to dotless ``ı``;
   otherwise ``str.casefold`` (``İ`` to ``i``, without the combining dot).
2. Typographic apostrophes to ``'``; format characters (zero-width space, joiners, BOM, soft
   hyphen) removed, control characters to spaces.
3. Bracketed tags (``[noise]``, ``<unk>``, ``{breath}``) removed (or kept as tokens).
4. Punctuation replaced by spaces: every Unicode P* character, which includes the CJK ones
   (``“”‘’：！，。、；？《》「」『』【】（）…・〜``), plus ``~``. An apostrophe between two
   letters or digits of a spaced script stays (``don't``); so do ``%`` and ``‰`` (content:
   ``50%`` is not ``50``) and a minus sign directly before a digit (``-5``, not ``3-5``).
5. Whitespace collapsed; whitespace next to a CJK character (Han, kana, bopomofo) removed:
   Chinese and Japanese do not separate words with spaces, so ``你 好`` equals ``你好`` and
   ``用 iPhone 打`` equals ``用iPhone打``.

With a project's ``conventions`` (the spec's ``text_normalization``,
:mod:`datamill.qc.text_conventions`), Chinese script and numerals are converted to the named
form between steps 1 and 2 (``後``/``后``, ``3.5``/``三点五`` compare equal).

Tokens for word-level metrics (:func:`word_tokens`): whitespace-separated words, except that
every CJK character is a token of its own (a Chinese/Japanese "word error rate" without
segmentation is the character error rate over the ideographs, with the Latin words of mixed
text as words), or, when asked (``segmenter="jieba"``, for Chinese), jieba's words.

Tokens for the mixed error rate (:func:`mixed_tokens`, the industry's MER for code-switched
Mandarin): every CJK character is a token, every run of other characters (Latin letters,
digits: ``iphone``, ``15``, ``5g``) between spaces and CJK characters is one token, whatever the
project's segmenter. On pure CJK text the MER is the character error rate; on text without
CJK characters it is the word error rate.

Examples:
    >>> normalize_text("他说：“你好！”")
    '他说你好'
    >>> normalize_text("İSTANBUL", language="tr"), normalize_text("İSTANBUL")
    ('istanbul', 'istanbul')
    >>> normalize_text("ISPARTA", language="tr-TR")
    'ısparta'
    >>> word_tokens("我用iphone打电话")
    ['我', '用', 'iphone', '打', '电', '话']
    >>> mixed_tokens(normalize_text("买了 iPhone 15！"))
    ['买', '了', 'iphone', '15']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from typing import TYPE_CHECKING, Final, Literal

from datamill.core.errors import InvalidInput
from datamill.qc.text_conventions import apply_conventions

if TYPE_CHECKING:
    from datamill.qc.text_conventions import TextNormalization

__all__ = [
    "CJK_LANGUAGES",
    "Segmenter",
    "casefold",
    "has_cjk",
    "is_cjk_language",
    "mixed_tokens",
    "normalization_codes",
    "normalize_text",
    "word_tokens",
]

Segmenter = Literal["jieba"]
"""Word segmenters ``word_tokens`` can use for Chinese."""

CJK_LANGUAGES: Final = frozenset({"zh", "ja", "yue", "wuu", "lzh", "gan", "hak", "nan"})
"""Primary language subtags written without spaces between words (character-level metrics)."""

_CJK_RANGES: Final = (
    "\u2e80-\u2fdf"  # radicals
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c"  # 々〆〇, Hangzhou numerals, marks
    "\u3040-\u30ff"  # hiragana, katakana (with ー)
    "\u3100-\u312f\u31a0-\u31bf"  # bopomofo
    "\u31f0-\u31ff"  # katakana extensions
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK unified ideographs (+ extension A)
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00016fe0-\U00016fff\U0001b000-\U0001b16f"  # ideographic symbols, kana supplement
    "\U00020000-\U0003134f"  # extensions B-G, compatibility supplement
)
_CJK: Final = re.compile(f"[{_CJK_RANGES}]")
_SPACE_NEAR_CJK: Final = re.compile(f"(?<=[{_CJK_RANGES}]) | (?=[{_CJK_RANGES}])")
_TAG: Final = re.compile(r"\[[^\[\]]*\]|<[^<>]*>|\{[^{}]*\}")
_TOKEN: Final = re.compile(rf"\[[^\[\]]*\]|<[^<>]*>|\{{[^{{}}]*\}}|[{_CJK_RANGES}]|[^\s{_CJK_RANGES}]+")
_WHITESPACE: Final = re.compile(r"\s+")
# a number's own marks (see _convertible): a decimal point or thousands comma between digits, a
# per cent sign after one; and spaces inside such a number
_NUMBER_MARK: Final = re.compile(r"(?<=\d)[.,](?=\d)|(?<=\d)%|(?<![0-9a-z])-(?=\d)")
_SPACE_IN_NUMBER: Final = re.compile(r"(?<=\d) +(?=%)|(?<=\d[.,]) +(?=\d)|(?<=\d) +(?=[.,]\d)")
_SPACE_BEFORE_PER_CENT: Final = re.compile("(?<=\\d) +(?=[%\u2030])")
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'",
                                     "\u2212": "-"})  # and the minus sign to the hyphen-minus
_CONTENT_MARKS: Final = frozenset("%\u2030")
"""Punctuation (category P) that is content: ``50%`` is not ``50``, ``5‰`` is not ``5``."""
_EXTRA_PUNCTUATION: Final = frozenset("~")
"""Symbols (category S) that CJK text uses as punctuation (``～`` becomes ``~`` under NFKC)."""
_DOTLESS_LANGUAGES: Final = frozenset({"tr", "az"})
_MAX_FOLD_ROUNDS: Final = 4


def _primary(language: str | None) -> str:
    return (language or "").replace("_", "-").split("-")[0].casefold()


def is_cjk_language(language: str | None) -> bool:
    """Whether ``language`` (a BCP-47 tag such as ``zh-CN``) is written without spaces."""
    return _primary(language) in CJK_LANGUAGES


def has_cjk(text: str) -> bool:
    """Whether ``text`` contains a Han, kana or bopomofo character."""
    return _CJK.search(text) is not None


def casefold(text: str, language: str | None = None) -> str:
    """Locale-aware case folding (Turkish/Azeri dotted and dotless i), then NFKC, until stable.

    Examples:
        >>> casefold("DİYARBAKIR", "tr"), casefold("Straße")
        ('diyarbakır', 'strasse')
    """
    dotless = _primary(language) in _DOTLESS_LANGUAGES
    out = unicodedata.normalize("NFKC", text)
    for _ in range(_MAX_FOLD_ROUNDS):
        step = out.replace("\u0130", "i")  # İ: i in every locale (casefold would add U+0307)
        if dotless:
            step = step.replace("I", "\u0131")
        step = unicodedata.normalize("NFKC", step.casefold())
        if step == out:
            break
        out = step
    return out


def _clean_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if char in _CONTENT_MARKS:
        return char
    if category == "Cc" or category.startswith("P") or char in _EXTRA_PUNCTUATION:
        return " "
    return char


def _strip_punctuation(text: str, keep: Container[int] = ()) -> str:
    """Punctuation and control characters to spaces, format characters dropped; an
    apostrophe between two letters/digits of a spaced script is kept, a minus sign before a digit
    (``-5``; not a hyphen after a letter or digit: ``3-5``, ``covid-19``), and the characters at
    the positions ``keep`` names."""
    out: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if i in keep or (
            char == "'"
            and 0 < i < last
            and text[i - 1].isalnum()
            and text[i + 1].isalnum()
            and not _CJK.match(text[i - 1])
            and not _CJK.match(text[i + 1])
        ) or (
            char == "-"
            and i < last
            and "0" <= text[i + 1] <= "9"
            and not (i > 0 and text[i - 1].isascii() and text[i - 1].isalnum())
        ):
            out.append(char)
        else:
            out.append(_clean_char(char))
    return "".join(out)


def normalize_text(
    text: str, *, language: str | None = None, drop_symbols: bool = True,
    conventions: TextNormalization | None = None,
) -> str:
    """Normalise a transcript for comparison (the steps are in the module docstring).

    Args:
        text: The transcript.
        language: BCP-47 tag of its language (case folding; ``None``: no locale rules). CJK
            spacing rules apply whatever the language, wherever CJK characters occur.
        drop_symbols: Drop bracketed tags such as ``[noise]`` or ``<unk>`` (kept verbatim as
            tokens otherwise).
        conventions: The project's Chinese script and numeral conventions (None: none).

    Returns:
        The normalised transcript (``""`` when nothing is left).

    Raises:
        InvalidInput: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise InvalidInput(f"transcript must be a string, got {type(text).__name__}", field="text")
    out = _normalize_once(text, language, drop_symbols, conventions)
    if conventions is not None and conventions.active:
        # stripping punctuation may join what converts again ("半.半"): repeat until stable
        for _ in range(_MAX_FOLD_ROUNDS):
            again = _normalize_once(out, language, drop_symbols, conventions)
            if again == out:
                break
            out = again
    return out


def _convertible(piece: str) -> str:
    """A stretch of folded text between tags as the script and numeral conversion must read it:
    without what comparison ignores anyway (punctuation, spaces beside CJK characters), except a
    number's own marks (a decimal point or thousands comma between digits, a per cent sign after
    one, spaces inside them closed up). cn2an reads a number by what surrounds it (``2026年`` a
    year, 二零二六年; ``2026 年`` a quantity, 二千零二十六年; ``50 %`` 五十, ``50%`` 百分之五十),
    so two texts comparison counts equal must reach it alike."""
    piece = _SPACE_IN_NUMBER.sub("", _WHITESPACE.sub(" ", piece))
    keep = {match.start() for match in _NUMBER_MARK.finditer(piece)}
    spaced = _WHITESPACE.sub(" ", _strip_punctuation(piece, keep)).strip()
    return _SPACE_NEAR_CJK.sub("", spaced)


def _converted(folded: str, conventions: TextNormalization) -> str:
    """``folded`` with the text between its tags in the conventions' script and numerals (tags
    as they are)."""
    pieces: list[str] = []
    position = 0
    for match in _TAG.finditer(folded):
        pieces.append(apply_conventions(_convertible(folded[position : match.start()]),
                                        conventions))
        pieces.append(f" {match.group()} ")
        position = match.end()
    pieces.append(apply_conventions(_convertible(folded[position:]), conventions))
    return "".join(pieces)


def _normalize_once(
    text: str, language: str | None, drop_symbols: bool, conventions: TextNormalization | None
) -> str:
    folded = casefold(text, language).translate(_APOSTROPHES)
    if conventions is not None and conventions.active:
        folded = _converted(folded, conventions)
    pieces: list[str] = []
    position = 0
    for match in _TAG.finditer(folded):
        pieces.append(_strip_punctuation(folded[position : match.start()]))
        pieces.append(" " if drop_symbols else f" {_WHITESPACE.sub(' ', match.group())} ")
        position = match.end()
    pieces.append(_strip_punctuation(folded[position:]))
    spaced = _SPACE_BEFORE_PER_CENT.sub("", _WHITESPACE.sub(" ", "".join(pieces)).strip())
    return _SPACE_NEAR_CJK.sub("", spaced)


def word_tokens(normalized: str, *, segmenter: Segmenter | None = None) -> list[str]:
    """Tokens of a normalised text for word-level metrics (see the module docstring).

    Args:
        normalized: Output of :func:`normalize_text`.
        segmenter: ``"jieba"`` segments CJK runs into words (Chinese) instead of characters.

    Raises:
        InvalidInput: An unknown segmenter, or jieba is not installed (``text`` extra).
    """
    if segmenter is None:
        return _TOKEN.findall(normalized)
    if segmenter != "jieba":
        raise InvalidInput(f"unknown word segmenter {segmenter!r}; known: jieba",
                           field="segmenter")
    try:
        import jieba  # imported on use: it loads a dictionary (~1 s)
    except ImportError as exc:  # pragma: no cover - jieba comes with the "text" extra
        raise InvalidInput("the jieba segmenter needs the 'text' extra (jieba) installed",
                           field="segmenter") from exc

    jieba.setLogLevel(60)
    out: list[str] = []
    for chunk in normalized.split():
        position = 0
        for match in _TAG.finditer(chunk):
            out.extend(t for t in jieba.lcut(chunk[position : match.start()]) if t.strip())
            out.append(match.group())
            position = match.end()
        out.extend(t for t in jieba.lcut(chunk[position:]) if t.strip())
    return out


def mixed_tokens(normalized: str) -> list[str]:
    """Tokens of a normalised text for the mixed error rate (see the module docstring): CJK
    characters one by one, any other run between spaces and CJK characters (a Latin word, a
    number) whole. Independent of any segmenter, so a project's MER never depends on a
    dictionary.

    Args:
        normalized: Output of :func:`normalize_text`.

    Examples:
        >>> mixed_tokens("爱疯15"), mixed_tokens("iphone 15")
        (['爱', '疯', '15'], ['iphone', '15'])
    """
    return _TOKEN.findall(normalized)


def normalization_codes(
    language: str | None, conventions: TextNormalization | None
) -> dict[str, str]:
    """What :func:`normalize_text` does before a comparison, as codes (for a datasheet to state
    them): ``unicode`` (``nfkc``), ``case`` (``casefold``, or ``casefold_turkic`` for Turkish and
    Azeri), ``punctuation`` and ``tags`` (``removed``), ``spacing`` (``cjk``: collapsed, and
    ignored next to CJK characters), ``chinese_script`` and ``numerals`` (the ``conventions``'
    form, or ``as_written``).

    >>> codes = normalization_codes("tr-TR", None)
    >>> codes["case"], codes["numerals"]
    ('casefold_turkic', 'as_written')
    """
    active = conventions if conventions is not None and conventions.active else None
    return {
        "unicode": "nfkc",
        "case": "casefold_turkic" if _primary(language) in _DOTLESS_LANGUAGES else "casefold",
        "punctuation": "removed",
        "tags": "removed",
        "spacing": "cjk",
        "chinese_script": (active.chinese_script if active else None) or "as_written",
        "numerals": (active.numerals if active else None) or "as_written",
    }
