"""The words of h13's ledger refusals, English and zh-CN: a receipt named against a red-letter
invoice (:func:`datamill.ledger.receivables.record_receipt`); and the amounts the ledger's
refusals name, worded as pages show money (:func:`money_values`: ``40,000.00``, not
``40000.00``; ``333,333 JPY`` to the currency's minor unit)."""

from __future__ import annotations

from typing import Any

from datamill.core.shown_numbers import shown_money

__all__ = ["LEDGER_H13_REFUSALS_EN", "LEDGER_H13_REFUSALS_ZH_CN", "MONEY_REFUSALS",
           "money_values"]

#: per reason code, its details that are amounts: the detail naming their currency (None: CNY)
MONEY_REFUSALS: dict[str, dict[str, str | None]] = {
    "receipt_over_amount": dict.fromkeys(("amt", "value", "most", "value_2")),
    "invoice_over_amount": dict.fromkeys(("amt", "invoiced", "amount_cny", "remainder")),
    "invoice_amount_or_acceptance": {"remainder": None},
    "invoice_amount_no_acceptance": {"remainder": None},
    "acceptance_already_billed": dict.fromkeys(("share", "own", "applied")),
    "amount_too_small": {"amt": "cur", "cny": None},
    "order_nothing_to_book": {"amount_cny": None},
    "order_exceeds_contract": dict.fromkeys(("amt", "amount", "split", "value"), "currency"),
}


def money_values(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """A ledger refusal's details for wording (any language): its amounts as pages show money,
    with thousands separators, to their currency's minor unit; a value that is not a number
    is left as it is."""
    money = MONEY_REFUSALS.get(str(values.get("reason_code")), {})
    out = dict(values)
    for key, cur_key in money.items():
        cur = values.get(cur_key) if cur_key is not None else None
        try:
            out[key] = shown_money(values[key], cur if isinstance(cur, str) else None)
        except (KeyError, ArithmeticError, ValueError):
            continue
    return out

LEDGER_H13_REFUSALS_EN: dict[str, str] = {
    "receipt_on_red_letter": "invoice {invoice} is a red-letter invoice (it reverses {reverses}): "
                             "cash is not received against it; name the invoice it pays, or none",
}

LEDGER_H13_REFUSALS_ZH_CN: dict[str, str] = {
    "receipt_on_red_letter": "发票 {invoice} 是红字发票（冲销 {reverses}），不能对其收款；"
                             "请指明所付的发票，或不指明发票",
}
