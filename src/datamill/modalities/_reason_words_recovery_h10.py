"""The words of the refusals about pay recovered for work the customer refused after its sheet
was confirmed (:mod:`datamill.workforce.settlement_recovery`), English and zh-CN."""

from __future__ import annotations

__all__ = ["RECOVERY_REFUSALS_EN", "RECOVERY_REFUSALS_ZH_CN"]

RECOVERY_REFUSALS_EN: dict[str, str] = {
    "sheet_pay_recovered": "sheet {sheet}: the pay of {units} of its items, refused by the "
                           "customer, was recovered on sheet {by}; void that sheet first",
}

RECOVERY_REFUSALS_ZH_CN: dict[str, str] = {
    "sheet_pay_recovered": "结算单 {sheet}：其中 {units} 个条目被客户拒收，报酬已在结算单 {by} "
                           "中扣回；请先作废该结算单",
}
