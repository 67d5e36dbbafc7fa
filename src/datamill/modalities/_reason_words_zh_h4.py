"""The refusal words of the zh-CN sweep (helper h4), English and zh-CN: a procurement
command's date that is not one and its price list that is not JSON, and a collection's prompt
list refused (too long, nothing to read, too many): all were English only in zh-CN. Merged through :mod:`datamill.modalities._reason_words_areas`."""

from __future__ import annotations

__all__ = ["ZH_H4_EN", "ZH_H4_ZH_CN"]

ZH_H4_EN: dict[str, str] = {
    "proc_date_form": "{field} {value} is not a date (YYYY-MM-DD)",
    "price_list_json": "the price list {path} is not valid JSON: {detail}",
    "price_list_shape": "the price list {path} must be a JSON list of objects (one a price: "
                        "stage, modality, language_group, unit, unit_price)",
    "prompt_too_long": "line {line}: a prompt must be at most {limit} characters without NUL",
    "prompt_nothing_to_read": "line {line} (“{prompt}”) has nothing to read: only punctuation "
                              "or symbols",
    "prompts_too_many": "a project holds at most {limit} prompts",
}

ZH_H4_ZH_CN: dict[str, str] = {
    "proc_date_form": "{field} {value} 不是日期（格式 YYYY-MM-DD）",
    "price_list_json": "价格表 {path} 不是有效的 JSON：{detail}",
    "price_list_shape": "价格表 {path} 须为由对象组成的 JSON 列表（每个对象一个价格：stage、"
                        "modality、language_group、unit、unit_price）",
    "prompt_too_long": "第 {line} 行：一条提示文本最多 {limit} 个字符，且不能含 NUL 字符",
    "prompt_nothing_to_read": "第 {line} 行（“{prompt}”）没有可朗读的内容：只有标点或符号",
    "prompts_too_many": "一个项目最多容纳 {limit} 条提示文本",
}
