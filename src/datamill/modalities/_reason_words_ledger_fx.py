"""The words of the refusals of a receipt's own exchange rate (:mod:`datamill.ledger.fx`),
English and zh-CN."""

from __future__ import annotations

__all__ = ["LEDGER_FX_REFUSALS_EN", "LEDGER_FX_REFUSALS_ZH_CN"]

LEDGER_FX_REFUSALS_EN: dict[str, str] = {
    "receipt_fx_rate_cny": "cash in CNY on order {number} has no exchange rate: give fx_rate "
                           "only for cash in the order's foreign currency",
    "fx_rate_places": "fx_rate {fx_rate} has more than {places} decimal places",
}

LEDGER_FX_REFUSALS_ZH_CN: dict[str, str] = {
    "receipt_fx_rate_cny": "订单 {number} 的人民币收款没有汇率：只有以订单外币收款时才填写汇率",
    "fx_rate_places": "汇率 {fx_rate} 的小数位超过 {places} 位",
}
