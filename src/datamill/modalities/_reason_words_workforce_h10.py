"""Refusal words of the workforce and collection fixes of helper h10 (round of 2026-12-07):
qualification thresholds, English and zh-CN, for the reason-code registry."""

from __future__ import annotations

__all__ = ["WORKFORCE_H10_REFUSALS_EN", "WORKFORCE_H10_REFUSALS_ZH_CN"]

WORKFORCE_H10_REFUSALS_EN: dict[str, str] = {
    "pass_threshold_places": "pass threshold {threshold} has more than 4 decimal places",
}

WORKFORCE_H10_REFUSALS_ZH_CN: dict[str, str] = {
    "pass_threshold_places": "通过阈值 {threshold} 的小数超过 4 位。",
}
