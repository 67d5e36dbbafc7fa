"""A catalog release's datasheet as ``datamill catalog datasheet`` prints it: indented
``key: value`` lines, in the CLI's language (under zh-CN the keys, the speakers' values, the
owners and the units in Chinese; ``--json`` keeps the codes)."""

from __future__ import annotations

from typing import Any

from datamill.cli._common import cli_language, esc, json_text, out
from datamill.cli._words import say
from datamill.core.check_words import speaker_value_words

__all__ = ["print_sheet"]

#: a list longer than this prints its length (``--json`` has every entry)
_SHOWN_ENTRIES = 12

#: a datasheet's keys, owners and units in Chinese (English prints the key itself, so these
#: words have no English table)
_SHEET_WORDS_ZH_CN: dict[str, str] = {
    "dataset": "数据集",
    "modality": "模态",
    "languages": "语言",
    "scenario": "场景",
    "items": "条目",
    "volume": "数据量",
    "distributions": "分布",
    "gender": "性别",
    "accent": "口音",
    "device": "设备",
    "environment": "环境",
    "age_bands": "年龄段",
    "emotion": "情感",
    "scene": "场景类别",
    "checks": "检查",
    "inspections": "抽检",
    "owners": "数据归属",
    "speakers": "说话人",
    "items_without_speaker": "没有说话人的条目",
    "value": "数值",
    "unit": "单位",
    "amount": "基本量",
    "base_unit": "基本单位",
    "in_units": "折合",
    "labels": "标签",
    "owner.company": "公司",
    "owner.customer": "客户",
    "unit.hours": "小时",
    "unit.milliseconds": "毫秒",
    "unit.images": "张图像",
    "unit.frames": "帧",
    "unit.items": "条",
    "unit.characters": "字符",
    "passed": "通过",
    "failed": "未通过",
    "not_judged": "未评判",
}


def print_sheet(value: dict[str, Any], depth: int = 0) -> None:
    """A datasheet as indented ``key: value`` lines (was its JSON, --json or not): a block of
    counts on one line ("gender: female 12, male 18"), nested blocks indented below their key;
    under zh-CN its keys, speakers' values, owners and units in Chinese (性别：女 12, 男 18)."""
    pad = "  " * depth
    for key, item in value.items():
        if isinstance(item, dict) and item and all(
                isinstance(v, int | float | str) for v in item.values()):
            line = ", ".join(_sheet_pair(key, k, v) for k, v in item.items())
            out.print(f"{pad}{esc(_sheet_word(key))}: {esc(line)}", highlight=False)
        elif isinstance(item, dict) and item:
            out.print(f"{pad}{esc(_sheet_word(key))}:", highlight=False)
            print_sheet(item, depth + 1)
        elif isinstance(item, list):
            shown = ", ".join(json_text(v, indent=None) if isinstance(v, dict | list) else str(v)
                              for v in item[:_SHOWN_ENTRIES])
            more = (say("sheet.more", n=len(item) - _SHOWN_ENTRIES)
                    if len(item) > _SHOWN_ENTRIES else "")
            out.print(f"{pad}{esc(_sheet_word(key))}: {esc(shown or '-')}{more}",
                      highlight=False)
        else:
            out.print(f"{pad}{esc(_sheet_word(key))}: {esc('-' if item in (None, {}) else item)}",
                      highlight=False)


def _words(lang: str) -> dict[str, str]:
    return _SHEET_WORDS_ZH_CN if lang == "zh-CN" else {}


def _sheet_word(key: str) -> str:
    """A datasheet key in the CLI's language (English: the key itself)."""
    return _words(cli_language()).get(key, key)


_SPEAKER_FIELDS = {"gender": "gender", "age_bands": "age_band", "accent": "accent"}


def _sheet_pair(block: str, key: str, value: object) -> str:
    """One ``key value`` of a one-line block: a speaker value, an owner or a unit worded."""
    lang = cli_language()
    if block in _SPEAKER_FIELDS:
        key = speaker_value_words(lang, _SPEAKER_FIELDS[block], key)
    elif block == "owners":
        key = _words(lang).get(f"owner.{key}", key)
    if key in ("unit", "base_unit") and isinstance(value, str):
        value = _words(lang).get(f"unit.{value}", value)
    worded = block == "volume" or key in _VERDICTS
    return f"{_sheet_word(key) if worded else key} {value}"


#: a check's counts (``passed``, ``failed``, ``not_judged``: a speaker's first takes, counted
#: apart), worded under zh-CN
_VERDICTS = ("passed", "failed", "not_judged")
