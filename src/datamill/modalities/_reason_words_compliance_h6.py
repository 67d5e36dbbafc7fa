"""Refusals of the audit trail's filters that read English on the zh-CN page until they had a
code (since after until, a time beyond the calendar, an id or a user that cannot be), English
and zh-CN."""

from __future__ import annotations

__all__ = ["COMPLIANCE_H6_REFUSALS_EN", "COMPLIANCE_H6_REFUSALS_ZH_CN"]

COMPLIANCE_H6_REFUSALS_EN: dict[str, str] = {
    "audit_filter_order": "since must come before until",
    "audit_filter_range": "{field} is out of range once in UTC: {value}",
    "audit_filter_id": "{field} must be a positive 64-bit id",
    "audit_filter_number": "{field} must be a number, not {value!r}",
    "audit_filter_actor": "no user named {username!r}",
    "audit_filter_text": "{field} must be at most {max_len} characters, without NUL",
}

COMPLIANCE_H6_REFUSALS_ZH_CN: dict[str, str] = {
    "audit_filter_order": "起始时间须早于截止时间。",
    "audit_filter_range": "{field} 换算为 UTC 后超出可表示的时间范围：{value}。",
    "audit_filter_id": "{field} 须为 64 位以内的正整数编号。",
    "audit_filter_number": "{field} 须为数字，不能是 {value}。",
    "audit_filter_actor": "没有名为 {username} 的用户。",
    "audit_filter_text": "{field} 最多 {max_len} 个字符，且不能含 NUL 字符。",
}
