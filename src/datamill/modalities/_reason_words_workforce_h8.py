"""The words of workforce refusals added by helper h8 (round 3): a vendor's manager granting a
worker more qualification attempts than a vendor may. English and zh-CN, for the reason-code
registry."""

from __future__ import annotations

__all__ = ["WORKFORCE_H8_REFUSALS_EN", "WORKFORCE_H8_REFUSALS_ZH_CN"]

WORKFORCE_H8_REFUSALS_EN: dict[str, str] = {
    "retake_vendor_grants_used": "'{username}' has granted worker {worker_id} {granted} extra "
                                 "attempt(s) at project {project_id}'s test already, as many as "
                                 "a vendor's manager may ({limit}): the project's manager "
                                 "grants more.",
}

WORKFORCE_H8_REFUSALS_ZH_CN: dict[str, str] = {
    "retake_vendor_grants_used": "“{username}”已给作业人员 {worker_id} 追加过 {granted} 次项目 "
                                 "{project_id} 的考核机会，已达供应商负责人可追加的上限（{limit} "
                                 "次）：如需更多，请由项目经理追加。",
}
