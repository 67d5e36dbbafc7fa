"""The refusal words of h5's workforce findings (a procurement decision asked by someone who
signs no procurement level), English and zh-CN, gathered into the reason-code registry by
``_reason_words_areas``."""

from __future__ import annotations

__all__ = ["WORKFORCE_H5_EN", "WORKFORCE_H5_ZH_CN"]

WORKFORCE_H5_EN: dict[str, str] = {
    "procurement_approver_only": "{username!r} is no procurement approver: only the approvers "
                                 "of a chain's levels decide {what}",
}

WORKFORCE_H5_ZH_CN: dict[str, str] = {
    "procurement_approver_only": "{username} 不是采购审批人：只有审批链各级的审批人可以审批",
}
