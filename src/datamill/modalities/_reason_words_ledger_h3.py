"""The words of h3's ledger refusals, English and zh-CN: red-letter invoices
(:mod:`datamill.ledger.invoice_reversal`), and a number refused as written in exponent notation
or not finite (:func:`datamill.core.money.parse_decimal`; it was English under zh-CN)."""

from __future__ import annotations

__all__ = ["LEDGER_H3_REFUSALS_EN", "LEDGER_H3_REFUSALS_ZH_CN"]

LEDGER_H3_REFUSALS_EN: dict[str, str] = {
    "invoice_reversal_reason": "reversing invoice {invoice} needs the reason",
    "invoice_is_reversal": "invoice {invoice} is a red-letter invoice: it is not reversed",
    "invoice_already_reversed": "invoice {invoice} is already reversed by {reversal}",
    "invoice_reversal_before": "red-letter invoice {number} is dated before invoice {invoice} "
                               "({on}) it reverses",
    "number_exponent": "{field} '{value}' is in exponent notation; write the number out in full "
                       "(e.g. 1000.00, not 1e3)",
    "number_not_finite": "{field} '{value}' is not a finite number",
}

LEDGER_H3_REFUSALS_ZH_CN: dict[str, str] = {
    "invoice_reversal_reason": "冲红发票 {invoice} 须写明原因",
    "invoice_is_reversal": "发票 {invoice} 是红字发票，不能再冲红",
    "invoice_already_reversed": "发票 {invoice} 已由红字发票 {reversal} 冲销",
    "invoice_reversal_before": "红字发票 {number} 的日期早于其冲销的发票 {invoice}（{on}）",
    "number_exponent": "{field}“{value}”使用了科学计数法，请完整写出数字（例如 1000.00，而不是 1e3）。",
    "number_not_finite": "{field}“{value}”不是有限的数。",
}
