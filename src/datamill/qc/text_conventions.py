"""A project's transcription conventions for Chinese: which script and which way of writing
numbers count as the same text when transcripts are compared.

A Mandarin project's spec may say that traditional and simplified characters (``後``/``后``) are
equivalent, or that digits and Chinese numerals are (``2026年``/``二〇二六年``,
``3.5``/``三点五``, ``50%``/``百分之五十``). The spec's ``text_normalization`` states it::

    text_normalization:
      chinese_script: simplified   # or traditional; null (default): scripts differ
      numerals: hanzi              # or arabic; null (default): 3 and 三 differ

Both sides of every comparison (reference and hypothesis, or prompt and transcript) are
converted to the named form before scoring (:func:`datamill.qc.text_norm.normalize_text` runs
the conversion after Unicode NFKC and case folding, before punctuation is stripped, so ``3.5``
and ``50%`` are read as numbers); what the annotator wrote is never rewritten.

* ``chinese_script``: OpenCC's dictionaries (``opencc-purepy``, which ships them in its wheel):
  phrase-aware ``t2s`` for ``simplified``; for ``traditional`` the text goes through ``t2s``
  then ``s2t``, so regional variants (``裡``/``裏``) meet on one form.
* ``numerals``: ``cn2an``'s ``transform``: ``hanzi`` writes Arabic numbers as Chinese numerals;
  ``arabic`` writes Chinese numerals as digits. ``hanzi`` keeps the character counts of spoken
  Chinese, so character accuracy is counted over what was said. A thousands separator between
  digits (``1,000``) is dropped first.
* Only a number is converted, never a word that holds a numeral character (``统一``, ``一起``,
  ``星期一``, ``三明治``, ``零下``, ``一下``, ``一样`` stay as written, so ``我们1起去`` is an
  error against ``我们一起去`` in both modes). A numeral is a number when it is part of a run
  of numerals (``一三八``, ``二十``, ``两千``; a run with a place ``十百千万亿``), beside a digit,
  part of a decimal (``一点五``) or range (``三到五``), after ``第``, ``负`` or ``分之``, or
  before a measure word or unit (``三个``, ``五度``, ``八号``; :data:`_MEASURE_WORDS`; ``一点``
  is a number only as ``一点钟`` or ``一点五``). A lone digit (``1起``, ``3个``) is read by the
  same rule when ``hanzi`` writes digits as numerals. Without a measure word a lone numeral
  stays (``他有五`` differs from ``他有5``): text is not segmented, so ``统一天`` reads as
  ``统 一天`` (one day).
* A number read digit by digit (phone numbers, codes, years: ``一三八``, ``幺三八``,
  ``二〇二六``) is its digit string in both modes, zeros kept (``零一`` = ``01``, never ``1``):
  a run of three or more of ``〇零一二三四五六七八九幺`` with no place (十百千万亿) or decimal
  point beside it, or of two holding ``零``, ``〇`` or ``幺`` or followed by ``年``. Two other
  digits side by side (``五六个``, ``一一``) are an approximation or an idiom and stay to
  cn2an as before. How ``hanzi`` writes a digit string (:func:`spoken_numbers`):

  - before ``年``, four digits or a leading zero are a year read digit by digit (``2026年`` =
    ``二零二六年`` = ``二〇二六年``, ``05年`` = ``零五年``; a year said by place is one too:
    ``两千零八年`` = ``2008年``); any other count of years is an amount (``30年`` = ``三十年``,
    ``300年`` = ``三百年``; cn2an read both digit by digit);
  - a leading zero (``007``, ``010``) is a code, read digit by digit (cn2an wrote ``七``);
  - seven digits or more are read the shorter way: by place when that is shorter (``1000000`` =
    ``一百万``), otherwise digit by digit (``13812345678`` = ``一三八一二三四五六七八``, what a
    phone number sounds like);
  - anything else by place, as cn2an writes it (``138`` = ``一百三十八``; so ``一三八`` read
    digit by digit compares equal to ``138`` and to ``一百三十八``).

  The choice only sets the character counts; which texts compare equal depends on the digit
  string alone (except a long number said by place that is shorter digit by digit, which
  nobody says: ``一千二百三十四万五千六百七十八`` differs from ``12345678``).
* ``两`` (``兩``) is the number 2 when it counts something: before a place (``两百``,
  ``一千两百``, ``两万``), before a decimal point (``两点五``) and before a measure word
  (``两个``, ``两次``, ``两点``, ``两公斤``; :data:`_MEASURE_WORDS`) unless a numeral comes
  just before it (``一两``, ``二两``: the weight unit; ``三两个``: "two or three"). There it
  compares as ``二`` in both modes, so ``两百`` = ``二百`` = ``200``, ``两千零五`` = ``2005`` and
  ``两个`` = ``二个`` = ``2个``: scoring compares the number said, not which of Mandarin's two
  words for 2 was written (``二个``, which nobody says, counts as ``两个``). Everywhere else
  (``两岸``, ``两全其美``, ``斤两``) ``两`` is a word of its own and stays.

The converters load once per process (``functools.cache``; ~60 ms for OpenCC's dictionaries,
~150 ms for cn2an) on the first text that needs them, never per comparison.

Examples:
    >>> conv = TextNormalization(chinese_script="simplified", numerals="hanzi")
    >>> apply_conventions("然後在2026年", conv)
    '然后在二零二六年'
    >>> apply_conventions("三点五", TextNormalization(numerals="arabic"))
    '3.5'
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from datamill.core.errors import InvalidInput

__all__ = [
    "ChineseScript",
    "Numerals",
    "TextNormalization",
    "apply_conventions",
    "conventions_of",
    "spoken_numbers",
]

ChineseScript = Literal["simplified", "traditional"]
Numerals = Literal["hanzi", "arabic"]

_THOUSANDS: Final = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DIGIT: Final = re.compile(r"\d")
#: THE list of measure words and units (simplified and traditional; one place for both uses):
#: after them a lone 两 is the number 2 (两次, 两点 two o'clock, 两年, 两岁), and a lone numeral
#: (三个, 五度, 一号) is a number and not part of a word (一起, 统一, 星期一 stay as written).
#: cn2an's own list for 两, the commonest other measure words, and units of time, date, age,
#: money and temperature. After 一, 点 is "a little" (一点) unless 钟 or a numeral follows, and 样
#: is "the same" (一样).
_MEASURE_WORDS: Final = (
    "公斤|公里|千克|厘米|毫米|毫升|小时|小時|分钟|分鐘|钟头|鐘頭|星期|礼拜|禮拜|"
    "[斤克吨噸米升元角分个個只隻条條张張块塊瓶杯份本辆輛台臺匹头頭位亩畝天半次遍回点點年岁歲"
    "周週月倍件种種名口家间間层層双雙对對套句支把根片篇部首座栋棟门門节節样樣项項笔筆趟步声聲人"
    "号號日度秒楼樓级級章集页頁里成]"
)
#: 两 as the number 2 (see the module docstring)
_LIANG_NUMERAL: Final = re.compile(
    r"[两兩](?=[百千万亿萬億]|[点點][〇零一二三四五六七八九])"
    rf"|(?<![〇零一二三四五六七八九十百千两兩几幾半])[两兩](?={_MEASURE_WORDS})"
)
_DIGIT_CHARS: Final = "〇零一二三四五六七八九幺"
#: characters of a Chinese number said by place or digit by digit (a numeral beside one is a number)
_RUN_CHARS: Final = _DIGIT_CHARS + "十百千万亿萬億拾佰仟"
#: a numeral with no other numeral beside it (一 in 一起, 三个, 星期一, 第一)
_LONE_NUMERAL: Final = re.compile(rf"(?<![{_RUN_CHARS}])[{_DIGIT_CHARS}](?![{_RUN_CHARS}])")
#: a lone digit (1 in 1起, 3个)
_LONE_DIGIT: Final = re.compile(r"(?<![0-9.,])[0-9](?![0-9.,%\u2030])")
_COUNTED: Final = re.compile(_MEASURE_WORDS)
#: what makes a lone numeral or digit a number, before it (第一, 负五, 分之一, 点五, 三到五, 5一)
#: and after it (一5, 五%, 一点五, 一点钟, 三到五)
_NUMBER_BEFORE: Final = re.compile(
    rf"(?:[第负負-]|分之|[0-9{_DIGIT_CHARS}][点點. ~至到])$|[0-9{_RUN_CHARS}]$")
_NUMBER_AFTER: Final = re.compile(
    rf"[0-9%\u2030]|[点點](?:[0-9{_DIGIT_CHARS}]|钟|鐘)|[ ~至到][0-9{_DIGIT_CHARS}]")
#: stand-ins for lone numerals that are not numbers while cn2an reads the text (private use)
_STAND_IN: Final = re.compile("[\ue000-\ue019]")
_HIDE_NUMERAL: Final = str.maketrans({c: chr(0xE000 + i) for i, c in enumerate(_DIGIT_CHARS)})
_SHOW_NUMERAL: Final = str.maketrans({chr(0xE000 + i): c for i, c in enumerate(_DIGIT_CHARS)})
_HIDE_DIGIT: Final = str.maketrans({str(i): chr(0xE010 + i) for i in range(10)})
_SHOW_DIGIT: Final = str.maketrans({chr(0xE010 + i): str(i) for i in range(10)})
_TO_DIGITS: Final = str.maketrans(_DIGIT_CHARS, "001234567891")
_TO_HANZI: Final = str.maketrans("0123456789", "零一二三四五六七八九")
_NUMBER_BESIDE: Final = _DIGIT_CHARS + "两兩十百千万亿萬億拾佰仟点點负負"
#: a Chinese number read digit by digit (see the module docstring: which runs count)
_DIGIT_RUN: Final = re.compile(
    rf"(?<![{_NUMBER_BESIDE}0-9.])[{_DIGIT_CHARS}]{{2,}}(?![{_NUMBER_BESIDE}0-9])")
_ZERO_OR_YAO: Final = re.compile("[〇零幺]")
#: a year said by place (两千零八年): its digits, then read as a year
_YEAR_BY_PLACE: Final = re.compile(
    rf"(?<![{_NUMBER_BESIDE}0-9.])[一二三四五六七八九两兩]千[{_DIGIT_CHARS}十百]*(?=年)")
_YEAR: Final = re.compile(r"(?<![\d.])\d+(?=年)")
_CODE: Final = re.compile(r"(?<![\d.])(?:0\d+|\d{7,})(?![\d.%])")
_NOT_AN_INTEGER: Final = re.compile(r"[-.%/\u2103]")
_INTEGER: Final = re.compile(r"\d+")
_HAN: Final = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


class TextNormalization(BaseModel):
    """The spec's ``text_normalization``: forms that count as the same text when transcripts
    are compared (both null: every character counts as written)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chinese_script: ChineseScript | None = Field(
        None, description="Compare Chinese text in this script: 'simplified' (後 = 后) or "
        "'traditional'; null: traditional and simplified characters differ.")
    numerals: Numerals | None = Field(
        None, description="Compare numbers written this way: 'hanzi' (2026年 = 二〇二六年, "
        "3.5 = 三点五) or 'arabic'; null: digits and Chinese numerals differ.")

    @property
    def active(self) -> bool:
        """Whether any conversion applies."""
        return self.chinese_script is not None or self.numerals is not None


def conventions_of(value: Mapping[str, Any] | TextNormalization | None) -> TextNormalization | None:
    """The conventions in a stored spec's ``text_normalization`` (a mapping), or None when it
    names none (what every spec written before the option holds).

    Raises:
        InvalidInput: The mapping is not valid (a spec is validated before it is stored).
    """
    if value is None or isinstance(value, TextNormalization):
        return value if value is None or value.active else None
    try:
        conventions = TextNormalization.model_validate(value)
    except ValidationError as err:
        raise InvalidInput(f"text_normalization: {err.errors()[0]['msg']}",
                           field="text_normalization") from err
    return conventions if conventions.active else None


@cache
def _opencc(config: str) -> Callable[[str], str]:
    """OpenCC's converter for ``config`` (loaded once per process)."""
    from opencc_purepy import OpenCC  # imported on use: ~60 ms with its dictionaries

    converter = OpenCC(config)
    error = converter.get_last_error()
    if error:  # opencc-purepy records a failed dictionary load instead of raising
        raise RuntimeError(f"OpenCC {config} dictionaries did not load: {error}")
    return converter.convert


@cache
def _cn2an() -> Any:
    """cn2an's ``Transform`` (its patterns compiled once per process)."""
    from cn2an import Transform  # imported on use: ~150 ms

    # cn2an warns about each number it cannot read (and keeps it as written): expected here,
    # and a process-wide filter costs nothing per call (catch_warnings would, and races threads)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"cn2an(\.|$)")
    return Transform()


def _digits_read_one_by_one(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) >= 3 or _ZERO_OR_YAO.search(run) or match.string.startswith("年", match.end()):
        return run.translate(_TO_DIGITS)
    return run


def _year_by_place(match: re.Match[str]) -> str:
    try:
        return str(_cn2an().cn2an(match.group(), "smart"))
    except ValueError:  # cn2an cannot read it (一千百): left as written
        return match.group()


def _by_place(digits: str) -> str | None:
    """``digits`` said by place (一百三十八), or None past what cn2an reads (16 digits)."""
    try:
        return str(_cn2an().an2cn(digits, "low"))
    except ValueError:
        return None


def _year(match: re.Match[str]) -> str:
    digits = match.group()
    by_place = None if len(digits) == 4 or digits[0] == "0" else _by_place(digits)
    return by_place or digits.translate(_TO_HANZI)


def _code(match: re.Match[str]) -> str:
    digits = match.group()
    by_place = None if digits[0] == "0" else _by_place(digits)
    if by_place is not None and len(by_place) <= len(digits):
        return by_place
    return digits.translate(_TO_HANZI)


def spoken_numbers(text: str) -> str:
    """``text`` with its Arabic numbers written as said in Mandarin (how ``numerals: hanzi``
    compares them; the module docstring gives the rules): years and codes digit by digit,
    amounts by place.

    Examples:
        >>> spoken_numbers("2026年有300人，电话13812345678，30年")
        '二零二六年有三百人，电话一三八一二三四五六七八，三十年'
    """
    text = _THOUSANDS.sub("", text)
    if not _DIGIT.search(text):
        return text
    text = _CODE.sub(_code, _YEAR.sub(_year, text))
    if not _DIGIT.search(text):
        return text
    if _NOT_AN_INTEGER.search(text):  # decimals, per cent, fractions, ranges: cn2an's patterns
        return str(_cn2an().transform(text, "an2cn"))
    # only whole numbers left: each by place, as cn2an's transform writes them (a sixth of its cost)
    return _INTEGER.sub(lambda match: _by_place(match.group()) or match.group(), text)


def _counts_something(text: str, start: int) -> bool:
    """Whether the lone numeral or digit at ``start`` is a number (the module docstring's rule):
    beside digits, after 第, 负 or 分之, part of a decimal, or before a measure word or unit."""
    before, after = text[max(0, start - 2) : start], text[start + 1 :]
    if _NUMBER_BEFORE.search(before) or _NUMBER_AFTER.match(after):
        return True
    if text[start] in "一1" and after[:1] in "点點样樣":
        return False  # 一点 "a little", 一样 "the same"
    return _COUNTED.match(after) is not None


def _hide_words(text: str, lone: re.Pattern[str], hide: dict[int, str]) -> str:
    """``text`` with each lone numeral (or digit) that is not a number hidden behind a stand-in
    (unchanged when it holds a stand-in character already: it would come back as a numeral)."""
    if _STAND_IN.search(text):
        return text
    return lone.sub(lambda m: m.group() if _counts_something(m.string, m.start())
                    else m.group().translate(hide), text)


def _numerals(text: str, numerals: Numerals) -> str:
    text = _THOUSANDS.sub("", text)
    if "两" in text or "兩" in text:
        text = _LIANG_NUMERAL.sub("二", text)
    text = _DIGIT_RUN.sub(_digits_read_one_by_one, text)
    if numerals == "hanzi":
        if "千" in text:
            text = _YEAR_BY_PLACE.sub(_year_by_place, text)
        text = _hide_words(text, _LONE_DIGIT, _HIDE_DIGIT)  # 1起 stays 1起, 3个 is 三个
        # 二〇二六 as cn2an writes it
        return spoken_numbers(text).replace("\u3007", "零").translate(_SHOW_DIGIT)
    if not _HAN.search(text):
        return text
    text = _hide_words(text, _LONE_NUMERAL, _HIDE_NUMERAL)  # 一起 stays 一起, 三个 is 3个
    return str(_cn2an().transform(text, "cn2an")).translate(_SHOW_NUMERAL)


def apply_conventions(text: str, conventions: TextNormalization | None) -> str:
    """``text`` in the script and numeral form ``conventions`` name (unchanged when None).

    With a script named, the text is made simplified first (cn2an reads and writes simplified
    numerals: ``兩``, ``萬``), then numerals are converted, then (``traditional``) the text goes
    back to traditional characters; text without a Han character is left to the numerals.
    """
    if conventions is None or not conventions.active:
        return text
    script = conventions.chinese_script
    han = script is not None and _HAN.search(text) is not None
    if han:
        text = _opencc("t2s")(text)
    if conventions.numerals is not None:
        text = _numerals(text, conventions.numerals)
    if script == "traditional" and (han or _HAN.search(text)):
        text = _opencc("s2t")(text)
    return text
