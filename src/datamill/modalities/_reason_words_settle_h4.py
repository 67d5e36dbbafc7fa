"""The words of h4's ledger refusals (settlement round), English and zh-CN: a receipt named
against an invoice a red-letter invoice reversed
(:func:`datamill.ledger.receivables.record_receipt`)."""

from __future__ import annotations

__all__ = ["SETTLE_H4_REFUSALS_EN", "SETTLE_H4_REFUSALS_ZH_CN"]

SETTLE_H4_REFUSALS_EN: dict[str, str] = {
    "receipt_on_reversed_invoice": "invoice {invoice} was reversed by red-letter invoice "
                                   "{reversal}: cash is not received against it; name the "
                                   "invoice issued in its place, or none",
}

SETTLE_H4_REFUSALS_ZH_CN: dict[str, str] = {
    "receipt_on_reversed_invoice": "发票 {invoice} 已被红字发票 {reversal} 冲销，不能对其收款；"
                                   "请指明替代它开具的发票，或不指明发票",
}
