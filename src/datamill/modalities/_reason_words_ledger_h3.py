"""The words of h3's ledger refusals, English and zh-CN: red-letter invoices
(:mod:`datamill.ledger.invoice_reversal`)."""

from __future__ import annotations

__all__ = ["LEDGER_H3_REFUSALS_EN", "LEDGER_H3_REFUSALS_ZH_CN"]

LEDGER_H3_REFUSALS_EN: dict[str, str] = {
    "invoice_reversal_reason": "reversing invoice {invoice} needs the reason",
    "invoice_is_reversal": "invoice {invoice} is a red-letter invoice: it is not reversed",
    "invoice_already_reversed": "invoice {invoice} is already reversed by {reversal}",
    "invoice_reversal_before": "red-letter invoice {number} is dated before invoice {invoice} "
                               "({on}) it reverses",
}

LEDGER_H3_REFUSALS_ZH_CN: dict[str, str] = {
    "invoice_reversal_reason": "冲红发票 {invoice} 须写明原因",
    "invoice_is_reversal": "发票 {invoice} 是红字发票，不能再冲红",
    "invoice_already_reversed": "发票 {invoice} 已由红字发票 {reversal} 冲销",
    "invoice_reversal_before": "红字发票 {number} 的日期早于其冲销的发票 {invoice}（{on}）",
}
