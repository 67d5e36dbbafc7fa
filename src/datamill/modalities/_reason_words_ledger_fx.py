"""The words of the refusals of a receipt's own exchange rate (:mod:`datamill.ledger.fx`) and
of a receipt's reversal (:mod:`datamill.ledger.receipt_reversal`), English and zh-CN."""

from __future__ import annotations

__all__ = ["LEDGER_FX_REFUSALS_EN", "LEDGER_FX_REFUSALS_ZH_CN"]

LEDGER_FX_REFUSALS_EN: dict[str, str] = {
    "receipt_fx_rate_cny": "cash in CNY on order {number} has no exchange rate: give fx_rate "
                           "only for cash in the order's foreign currency",
    "fx_rate_places": "fx_rate {fx_rate} has more than {places} decimal places",
    "receipt_reversal_reason": "reversing receipt {receipt} needs the reason",
    "receipt_is_reversal": "receipt {receipt} is a reversal: it is not reversed",
    "receipt_already_reversed": "receipt {receipt} is already reversed by {reversal}",
    "receipt_reversal_before": "reversing receipt {reference} is dated before receipt "
                               "{receipt} ({on}) it reverses",
}

LEDGER_FX_REFUSALS_ZH_CN: dict[str, str] = {
    "receipt_fx_rate_cny": "订单 {number} 的人民币收款没有汇率：只有以订单外币收款时才填写汇率",
    "fx_rate_places": "汇率 {fx_rate} 的小数位超过 {places} 位",
    "receipt_reversal_reason": "冲销收款 {receipt} 须写明原因",
    "receipt_is_reversal": "收款 {receipt} 本身是冲销记录，不能再冲销",
    "receipt_already_reversed": "收款 {receipt} 已被 {reversal} 冲销",
    "receipt_reversal_before": "冲销收款 {reference} 的日期早于被冲销的收款 {receipt}（{on}）",
}
