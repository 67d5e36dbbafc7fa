"""Refusal words of the workforce and collection fixes of helper h10 (round of 2026-12-07):
qualification thresholds and retakes, collection subjects, English and zh-CN, for the reason-code registry."""

from __future__ import annotations

__all__ = ["WORKFORCE_H10_REFUSALS_EN", "WORKFORCE_H10_REFUSALS_ZH_CN"]

WORKFORCE_H10_REFUSALS_EN: dict[str, str] = {
    "pass_threshold_places": "pass threshold {threshold} has more than 4 decimal places",
    "collection_subject_unknown": "Project {project_id} has no subject {subject_id} (ids in any letter case).",
    "retake_self_grant": "'{username}' may not grant themself another qualification attempt: the project's manager may (or the manager of their vendor).",
}

WORKFORCE_H10_REFUSALS_ZH_CN: dict[str, str] = {
    "pass_threshold_places": "通过阈值 {threshold} 的小数超过 4 位。",
    "collection_subject_unknown": "项目 {project_id} 中没有编号为 {subject_id} 的受试者（编号不区分大小写）。",
    "retake_self_grant": "“{username}”不能为自己增加培训考核的作答次数：请项目经理（或所属供应商的负责人）增加。",
}
