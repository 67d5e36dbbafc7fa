"""Speaker-quota cells and quota reasons in words, for people (en, zh-CN).

A cell the spec names shows its ``name``; an unnamed one is worded from the dimensions it
fixes, gender first (``female, 18–39``; zh-CN ``女，18–39 岁``), and one that fixes nothing is
``everyone`` (``所有人``). The gender, age-band and accent words are the datasheet's
(:func:`~datamill.core.check_words.speaker_value_words`). The codes stay in ``--json`` and the
API (a cell's ``label`` and ``dimensions``).

A quota refusal is a code (``cell_full``, ``no_cell``) with its parameters
(:func:`quota_refusal_words`): :mod:`datamill.collection.quotas` stores both in an item's
``meta.quota`` (``code``, ``params``) beside the English sentence (``reason``, also the item's
reject reason ``quota: …``), and pages word the code and parameters in their language
(:func:`quota_reason` with the item's mark). Rows stored before the codes hold only the
sentence, naming the cell by its code label: :func:`quota_reason` reads those back by pattern.
English shows the stored sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from datamill.core.check_words import speaker_value_words
from datamill.production.collection_spec import DIMENSIONS, canonical_gender

__all__ = ["QUOTA_CODES", "QUOTA_WORDS", "parse_quota_reason", "quota_cell_words", "quota_reason",
           "quota_refusal_words"]

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
        "unit.speakers": "名说话人", "unit.hours": "小时", "unit.items": "个条目",
    },
}

#: the refusals a quota makes: a full cell, no cell for the speaker
QUOTA_CODES = ("cell_full", "no_cell")

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


def _amount(value: object, spec: str) -> str:
    """A count or target as the English sentence writes it (``spec``: hours ``.2f`` counts,
    ``g`` targets; speakers and items as they are)."""
    if spec and isinstance(value, int | float) and not isinstance(value, bool):
        return format(value, spec)
    return str(value)


def quota_refusal_words(lang: str | None, code: str, params: Mapping[str, Any]) -> str:
    """A quota refusal in ``lang`` from its code and parameters: ``cell_full`` (``cell`` the
    code label, ``name``, ``dimensions``, ``count``, ``target``, ``unit``) or ``no_cell``
    (``profile``: the speaker's dimensions given). English is the sentence the items store.

    >>> p = {"cell": "gender=female", "name": None, "dimensions": {"gender": "female"},
    ...      "count": 2, "target": 2, "unit": "speakers"}
    >>> quota_refusal_words("en", "cell_full", p)
    'quota cell gender=female is full: 2 of 2 speakers'
    >>> quota_refusal_words("zh-CN", "cell_full", p)
    '配额单元“女”已满：2/2 人'
    >>> quota_refusal_words("zh-CN", "no_cell", {"profile": {"accent": "north, urban"}})
    '本项目没有接收此类说话人的配额单元：口音：north, urban'
    """
    english = (lang or "en") == "en"
    words = _words(lang)
    if code == "cell_full":
        unit = str(params.get("unit") or "items")
        count, target = params.get("count"), params.get("target")
        dims = params.get("dimensions")
        cell = str(params.get("cell") or "")
        if not english:
            cell = quota_cell_words(lang, dims if isinstance(dims, Mapping) else {},
                                    str(params.get("name") or "") or None)
        hours = unit == "hours"
        return words["cell_full"].format(
            cell=cell, count=_amount(count, ".2f" if hours else ""),
            target=_amount(target, "g" if hours else ""),
            unit=unit if english else words.get(f"unit.{unit}", unit))
    prof = params.get("profile")
    given = {str(k): v for k, v in prof.items() if v} if isinstance(prof, Mapping) else {}
    if english:
        shown = ", ".join(f"{k}={v}" for k, v in given.items()) or words["none_given"]
    else:
        shown = quota_cell_words(lang, given) if given else words["none_given"]
    return words["no_cell"].format(shown=shown)


def quota_reason(lang: str | None, text: object, mark: object = None) -> str:
    """A stored quota reason in ``lang``, the cell in words; English, and other text, as stored.

    ``mark`` is the item's ``meta.quota``: when it holds the refusal's code and parameters
    (and ``text`` is its reason) the words come from them; else, for rows stored before the
    codes, from the sentence read back by pattern."""
    raw = "" if text is None else str(text)
    if (lang or "en") == "en":
        return raw
    if isinstance(mark, Mapping) and mark.get("code") in QUOTA_CODES \
            and isinstance(mark.get("params"), Mapping) \
            and raw.removeprefix("quota: ") == mark.get("reason"):
        return quota_refusal_words(lang, str(mark["code"]), mark["params"])
    parsed = parse_quota_reason(raw)
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
