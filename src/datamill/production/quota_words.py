"""Speaker-quota cells and quota reasons in words, for people (en, zh-CN).

A cell the spec names shows its ``name``; an unnamed one is worded from the dimensions it
fixes, gender first (``female, 18–39``; zh-CN ``女，18–39 岁``), and one that fixes nothing is
``everyone`` (``所有人``). The gender, age-band and accent words are the datasheet's
(:func:`~datamill.core.check_words.speaker_value_words`). The codes stay in ``--json`` and the
API (a cell's ``label`` and ``dimensions``).

The reasons :mod:`datamill.collection.quotas` stores (``meta.quota``, an item's reject reason
``quota: …``) are English sentences naming the cell by its code label; :func:`quota_reason`
reads them back to a reason code (``cell_full``, ``no_cell``) with its values and words them in
another language. English shows the stored sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from datamill.core.check_words import speaker_value_words
from datamill.production.collection_spec import DIMENSIONS, canonical_gender

__all__ = ["QUOTA_WORDS", "parse_quota_reason", "quota_cell_words", "quota_reason"]

QUOTA_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "everyone": "everyone", "sep": ", ", "age_range": "{low}–{high}",
        "age_over": "{low} and over", "accent": "accent: {value}", "device": "device: {value}",
        "none_given": "none given",
        "cell_full": "quota cell {cell} is full: {count} of {target} {unit}",
        "no_cell": "no quota cell of this project takes speakers with {shown}",
        "unit.speakers": "speakers", "unit.hours": "hours", "unit.items": "items",
    },
    "zh-CN": {
        "everyone": "所有人", "sep": "，", "age_range": "{low}–{high} 岁",
        "age_over": "{low} 岁及以上", "accent": "口音：{value}", "device": "设备：{value}",
        "none_given": "未提供任何信息",
        "cell_full": "配额单元“{cell}”已满：{count}/{target} {unit}",
        "no_cell": "本项目没有接收此类说话人的配额单元：{shown}",
        "unit.speakers": "人", "unit.hours": "小时", "unit.items": "条",
    },
}

#: the order a cell's dimensions are said in (gender first: "female, 18–39")
_SAID = ("gender", "age_band", "accent", "device")
_RANGE = re.compile(r"^\s*(\d+)\s*[-–~]\s*(\d+)\s*$")
_OVER = re.compile(r"^\s*(\d+)\s*\+\s*$")
_CELL_FULL = re.compile(r"^quota cell (?P<cell>.+) is full: (?P<count>[\d.]+) of (?P<target>[\d.e+]+)"
                        r" (?P<unit>speakers|hours|items)$")
_NO_CELL = re.compile(r"^no quota cell of this project takes speakers with (?P<shown>.+)$")
_PAIR = re.compile(r"^(?P<dim>[a-z_]+)=(?P<value>.+)$")


def _words(lang: str | None) -> dict[str, str]:
    return QUOTA_WORDS.get(lang or "en", QUOTA_WORDS["en"])


def _value(lang: str | None, dim: str, value: object) -> str:
    words = _words(lang)
    text = str(value).strip()
    if dim == "gender":
        return speaker_value_words(lang, "gender", canonical_gender(text) or text)
    if dim == "age_band":
        if m := _RANGE.match(text):
            return words["age_range"].format(low=m[1], high=m[2])
        if m := _OVER.match(text):
            return words["age_over"].format(low=m[1])
        return speaker_value_words(lang, "age_band", text)
    if dim == "accent":
        return words["accent"].format(value=speaker_value_words(lang, "accent", text))
    return words["device"].format(value=text)


def quota_cell_words(lang: str | None, dimensions: Mapping[str, object],
                     name: str | None = None) -> str:
    """A quota cell for people in ``lang``: its ``name`` when it has one, else the dimensions it
    fixes in words (``{"age_band": "18-39", "gender": "female"}`` → ``female, 18–39``, zh-CN
    ``女，18–39 岁``), ``everyone`` for none."""
    if name:
        return name
    said = [_value(lang, d, dimensions[d]) for d in _SAID if dimensions.get(d) not in (None, "")]
    return _words(lang)["sep"].join(said) if said else _words(lang)["everyone"]


def _label_dimensions(label: str) -> dict[str, str] | None:
    """The dimensions behind a code label (``age_band=18-39 / gender=female``; ``everyone``:
    none); None for a cell's own name."""
    if label == "everyone":
        return {}
    pairs = [_PAIR.match(p) for p in label.split(" / ")]
    if not all(m is not None and m["dim"] in DIMENSIONS for m in pairs):
        return None
    return {m["dim"]: m["value"] for m in pairs if m is not None}


def parse_quota_reason(text: str) -> tuple[str, dict[str, str]] | None:
    """A stored quota reason (with or without its ``quota: `` label) as ``(code, values)``:
    ``cell_full`` (``cell``, ``count``, ``target``, ``unit``) or ``no_cell`` (``shown``);
    None for other text."""
    raw = text.removeprefix("quota: ")
    if m := _CELL_FULL.match(raw):
        return "cell_full", m.groupdict()
    if m := _NO_CELL.match(raw):
        return "no_cell", m.groupdict()
    return None


def quota_reason(lang: str | None, text: object) -> str:
    """A stored quota reason in ``lang``, the cell in words; English, and other text, as stored."""
    raw = "" if text is None else str(text)
    parsed = parse_quota_reason(raw) if (lang or "en") != "en" else None
    if parsed is None:
        return raw
    code, values = parsed
    words = _words(lang)
    if code == "cell_full":
        dims = _label_dimensions(values["cell"])
        cell = values["cell"] if dims is None else quota_cell_words(lang, dims)
        return words["cell_full"].format(cell=cell, count=values["count"], target=values["target"],
                                         unit=words[f"unit.{values['unit']}"])
    shown = values["shown"]
    if shown == "none given":
        return words["no_cell"].format(shown=words["none_given"])
    pairs = [_PAIR.match(p) for p in shown.split(", ")]
    if all(m is not None and m["dim"] in DIMENSIONS for m in pairs):
        shown = quota_cell_words(lang, {m["dim"]: m["value"] for m in pairs if m is not None})
    return words["no_cell"].format(shown=shown)
