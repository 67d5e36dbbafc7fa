"""The words of a note refused for a text-direction character (helper h1, 2026-12-08): a bidi
embedding, override or isolate (U+202A-U+202E, U+2066-U+2069) in a reason, a note, a comment
or a description one person writes for another (``core.storable.check_note``), English and
zh-CN. It was refused with no reason code, so a zh-CN reader got the English sentence (a
control character's refusal, ``text_control``, was worded in Chinese already)."""

from __future__ import annotations

__all__ = ["NOTES_H1_EN", "NOTES_H1_ZH_CN"]

NOTES_H1_EN: dict[str, str] = {
    "text_direction": "The {field} contains {char}, a text-direction character that would make "
                      "it display differently from how it reads; remove it.",
}

NOTES_H1_ZH_CN: dict[str, str] = {
    "text_direction": "{field} 含有文字方向控制字符 {char}，会使其显示顺序与实际内容不同；"
                      "请删除后重试。",
}
