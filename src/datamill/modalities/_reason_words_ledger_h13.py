"""The words of h13's ledger refusals, English and zh-CN: a receipt named against a red-letter
invoice (:func:`datamill.ledger.receivables.record_receipt`)."""

from __future__ import annotations

__all__ = ["LEDGER_H13_REFUSALS_EN", "LEDGER_H13_REFUSALS_ZH_CN"]

LEDGER_H13_REFUSALS_EN: dict[str, str] = {
    "receipt_on_red_letter": "invoice {invoice} is a red-letter invoice (it reverses {reverses}): "
                             "cash is not received against it; name the invoice it pays, or none",
}

LEDGER_H13_REFUSALS_ZH_CN: dict[str, str] = {
    "receipt_on_red_letter": "发票 {invoice} 是红字发票（冲销 {reverses}），不能对其收款；"
                             "请指明所付的发票，或不指明发票",
}
