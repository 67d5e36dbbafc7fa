"""The words of a vendor's debt carried forward on the settlement-sheet pages
(:mod:`datamill.workforce.settlement_debts`), English and zh-CN."""

from __future__ import annotations

__all__ = ["WF_DEBT_EN", "WF_DEBT_ZH_CN"]

WF_DEBT_EN: dict[str, str] = {
    "wf.debt.offset": "less {amount} owed on sheet {sheet}",
    "wf.debt.outstanding": "the vendor owes: {amount} still to offset",
    "wf.debt.offset_by": "{amount} offset on sheet {sheet}",
    "wf.col.debt_offset": "Less the vendor's debt (CNY)",
    "wf.periods.net_before_offset": "before debt offsets (the debts are counted on their own "
                                    "sheets)",
}

WF_DEBT_ZH_CN: dict[str, str] = {
    "wf.debt.offset": "已抵扣结算单 {sheet} 的欠款 {amount}",
    "wf.debt.outstanding": "供应商欠款：尚待抵扣 {amount}",
    "wf.debt.offset_by": "已在结算单 {sheet} 中抵扣 {amount}",
    "wf.col.debt_offset": "减：供应商欠款抵扣（人民币）",
    "wf.periods.net_before_offset": "抵扣欠款前（欠款已计入其所在的结算单）",
}
