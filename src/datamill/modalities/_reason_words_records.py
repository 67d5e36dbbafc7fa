"""The words of an LLM record's import refusals (``modalities.llm.records``), English and
zh-CN: the reason-code registry words them for the API and the CLI, and the import page's
check words (``check.fail.<code>``) are built from the same tables."""

from __future__ import annotations

__all__ = ["RECORD_REFUSALS_EN", "RECORD_REFUSALS_ZH_CN"]

RECORD_REFUSALS_EN: dict[str, str] = {
    "record_json": "the line is not valid JSON: {detail}",
    "record_not_object": "a record is a JSON object, not a {kind}",
    "record_invalid": "not a valid LLM record: {detail}",
    "record_id_twice": "the record id {id} is used again (first at {first})",
    "record_same_content": "the same turns and responses as the record {first}",
    "record_too_large": "the record is larger than {limit} bytes",
    "record_id_invalid": "the record id {id} cannot name a file: give a letter or digit (of"
                         " any script: 问题-001), then up to 127 letters, digits, '.', '_' or"
                         " '-', at most 150 bytes of UTF-8 (50 Chinese characters; keep your own id"
                         " in meta, e.g. meta.source_id), or leave id out and one is made from"
                         " the content",
}

RECORD_REFUSALS_ZH_CN: dict[str, str] = {
    "record_json": "该行不是有效的 JSON：{detail}",
    "record_not_object": "每条记录须是一个 JSON 对象，不能是 {kind}",
    "record_invalid": "不是有效的 LLM 记录：{detail}",
    "record_id_twice": "记录编号 {id} 重复（首次出现在 {first}）",
    "record_same_content": "与记录 {first} 的轮次和回复完全相同",
    "record_too_large": "记录超过 {limit} 字节的上限",
    "record_id_invalid": "记录编号 {id} 不能用作文件名：须以字母或数字（任何文字均可，如“问题-001”）开头，"
                         "其后最多 127 个字母、数字、“.”“_”或“-”，UTF-8 编码不超过 150 字节"
                         "（50 个汉字）（原编号可放在 meta 中，如 meta.source_id）；"
                         "或不填 id，由内容生成编号",
}
