"""The words of the refusals about a vendor's debt offset against its later sheets
(:mod:`datamill.workforce.settlement_debts`), English and zh-CN."""

from __future__ import annotations

__all__ = ["DEBT_H15_REFUSALS_EN", "DEBT_H15_REFUSALS_ZH_CN"]

DEBT_H15_REFUSALS_EN: dict[str, str] = {
    "sheet_debt_offset": "sheet {sheet}: its debt was offset against sheet {by}; void that "
                         "sheet first",
}

DEBT_H15_REFUSALS_ZH_CN: dict[str, str] = {
    "sheet_debt_offset": "结算单 {sheet}：其欠款已在结算单 {by} 中抵扣；请先作废该结算单",
}
