"""The refusal words of the zh-CN sweep (helper h4), English and zh-CN: a procurement
command's date that is not one and its price list that is not JSON, and a collection's prompt
list refused (too long, nothing to read, too many), and a manifest row's field refused by the
import (``row_*``: "prompt: contains a NUL character", ``production._import_row_reason``): all
were English only in zh-CN. Merged through :mod:`datamill.modalities._reason_words_areas`."""

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
    # a manifest row's field (production._import_row_reason): "<field>: <problem>" as before
    "row_bool": "{field}: must be text or a number, not true/false",
    "row_not_finite": "{field}: must be a finite number",
    "row_object": "{field}: must be a single value (text or a number), not an object",
    "row_list": "{field}: must be a single value (text or a number), not a list",
    "row_not_text": "{field}: must be text or a number",
    "row_nul": "{field}: contains a NUL character",
    "row_surrogate": "{field}: is not valid Unicode (lone surrogate)",
    "row_control": "{field}: contains the control character {char} (line breaks, escapes and "
                   "direction marks are not allowed in names)",
    "row_long": "{field}: is longer than {limit} characters ({length})",
    "row_age": "{field}: {value} is not a whole number from 0 to {most}",
    "row_path_text": "{field}: must be text (a path relative to the manifest's folder)",
    "row_empty": "{field}: is empty",
    "row_not_file": "{field}: {value} does not name a file",
}

ZH_H4_ZH_CN: dict[str, str] = {
    "proc_date_form": "{field} {value} 不是日期（格式 YYYY-MM-DD）",
    "price_list_json": "价格表 {path} 不是有效的 JSON：{detail}",
    "price_list_shape": "价格表 {path} 须为由对象组成的 JSON 列表（每个对象一个价格：stage、"
                        "modality、language_group、unit、unit_price）",
    "prompt_too_long": "第 {line} 行：一条提示文本最多 {limit} 个字符，且不能含 NUL 字符",
    "prompt_nothing_to_read": "第 {line} 行（“{prompt}”）没有可朗读的内容：只有标点或符号",
    "prompts_too_many": "一个项目最多容纳 {limit} 条提示文本",
    "row_bool": "“{field}”须为文本或数字，不能是 true/false",
    "row_not_finite": "“{field}”须为有限的数字",
    "row_object": "“{field}”须为单个值（文本或数字），不能是对象",
    "row_list": "“{field}”须为单个值（文本或数字），不能是列表",
    "row_not_text": "“{field}”须为文本或数字",
    "row_nul": "“{field}”含有 NUL 字符",
    "row_surrogate": "“{field}”不是有效的 Unicode（含单独的代理字符）",
    "row_control": "“{field}”含有控制字符 {char}（名称中不允许换行、转义符和文字方向标记）",
    "row_long": "“{field}”超过 {limit} 个字符（共 {length} 个）",
    "row_age": "“{field}”的值 {value} 不是 0 到 {most} 之间的整数",
    "row_path_text": "“{field}”须为文本（相对于清单所在文件夹的路径）",
    "row_empty": "“{field}”为空",
    "row_not_file": "“{field}”的值 {value} 不是文件名",
}
