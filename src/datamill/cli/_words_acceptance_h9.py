"""The words of ``datamill delivery accept --on`` (a backdated acceptance report), in English and
zh-CN; merged into the CLI's catalogue (:mod:`datamill.cli._words`)."""

from __future__ import annotations

__all__ = ["ACCEPTANCE_H9_EN", "ACCEPTANCE_H9_ZH_CN"]

ACCEPTANCE_H9_EN: dict[str, str] = {
    "delivery.accepted_dated": " (dated {on}, the day of the customer's report)",
}

ACCEPTANCE_H9_ZH_CN: dict[str, str] = {
    "delivery.accepted_dated": "（验收日期 {on}，以客户验收报告为准）",
}
