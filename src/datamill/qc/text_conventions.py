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
* ``numerals``: ``cn2an``'s ``transform``: ``hanzi`` writes Arabic numbers as Chinese numerals
  (years digit by digit: ``2026年`` is ``二零二六年``; ``〇`` is read as ``零``); ``arabic`` writes
  Chinese numerals as digits. ``hanzi`` keeps the character counts of spoken Chinese, so
  character accuracy is counted over what was said; ``arabic`` also turns idiomatic ``一``
  (``一下``) into ``1``, on both sides alike. A thousands separator between digits (``1,000``)
  is dropped first.

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

__all__ = ["ChineseScript", "Numerals", "TextNormalization", "apply_conventions", "conventions_of"]

ChineseScript = Literal["simplified", "traditional"]
Numerals = Literal["hanzi", "arabic"]

_THOUSANDS: Final = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DIGIT: Final = re.compile(r"\d")
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
def _cn2an() -> Callable[[str, str], str]:
    """cn2an's ``transform`` (its patterns compiled once per process)."""
    from cn2an import Transform  # imported on use: ~150 ms

    # cn2an warns about each number it cannot read (and keeps it as written): expected here,
    # and a process-wide filter costs nothing per call (catch_warnings would, and races threads)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"cn2an(\.|$)")
    return Transform().transform  # type: ignore[no-any-return]


def _numerals(text: str, numerals: Numerals) -> str:
    text = _THOUSANDS.sub("", text)
    if numerals == "hanzi":
        if _DIGIT.search(text):
            text = _cn2an()(text, "an2cn")
        return text.replace("\u3007", "零")  # 二〇二六 as cn2an writes it, 二零二六
    return _cn2an()(text, "cn2an") if _HAN.search(text) else text


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
