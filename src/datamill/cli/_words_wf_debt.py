"""The words of ``datamill workforce`` about a vendor's debt carried forward and offset against
its next sheets (:mod:`datamill.workforce.settlement_debts`), English and zh-CN; merged into
the workforce words (:mod:`datamill.cli._words_workforce`)."""

from __future__ import annotations

__all__ = ["WF_DEBT_EN", "WF_DEBT_ZH_CN"]

WF_DEBT_EN: dict[str, str] = {
    "wf.debt_offset": "  less {amount} owed on sheet {sheet} (the vendor's debt): net payable "
                      "{net}",
}

WF_DEBT_ZH_CN: dict[str, str] = {
    "wf.debt_offset": "  抵扣结算单 {sheet} 的欠款 {amount}（供应商欠款）：应付净额 {net}",
}
