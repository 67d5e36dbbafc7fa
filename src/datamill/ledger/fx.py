"""Realised exchange differences on customer receipts (汇兑损益, §6.7).

An order in a foreign currency is booked in CNY at its fx rate (the spot rate on the contract
date): its recognitions and invoices, so its receivable, carry that rate. The customer pays in
the currency weeks or months later, and the bank credits the cash at that day's rate. As an
accountant books it, the receipt settles the receivable at the rate it carries (the receipt's
``amount``, what clears the order's invoices and recognitions), and the CNY received less that
amount is a **realised exchange gain (+) or loss (−)** of the day the cash came in
(``fx_difference``), on a line of its own, in CNY:

* the journal: Dr ``bank`` / Cr ``fx_difference`` (6603.03 财务费用—汇兑损益; a loss swaps
  the sides), in the receipt's entry ``P`` (:mod:`datamill.ledger.journal`);
* the period report: its ``fx`` section lists each receipt of the month with a difference and
  the total (:mod:`datamill.ledger.period_close`); a month with none has no such section, so the
  reports closed before it existed keep their digest.

The day's rate is given with the receipt (``fx_rate``: CLI ``ledger receipt --fx-rate``, API
``fx_rate``); without it the cash is taken at the order's rate and only rounding is left: a
receipt that gives its rounding to the order's last fen (the conversion slack of half a fen a
receipt, :func:`~datamill.ledger.receivables.record_receipt`) books that rounding here too.
Cash typed in CNY is the CNY received: no rate, no difference.

Before, a receipt had no rate of its own (10,000 USD invoiced at 7.10 and received at 7.25
settled 71,000.00 and booked 71,000.00 where the bank showed 72,500.00), and the slack a
receipt was stretched by went nowhere.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.errors import InvalidInput
from datamill.core.iso import minor_unit
from datamill.core.money import MAX_FX_RATE, Cents, parse_decimal, to_cents, to_decimal
from datamill.ledger.models import LedgerOrder, LedgerReceipt

__all__ = ["FxDifferenceOut", "cash_received", "fx_differences", "receipt_rate"]

#: a rate is kept to six decimal places (``Scaled(6)``), as the order's
_RATE_PLACES = 6


class FxDifferenceOut(BaseModel):
    """One receipt's realised exchange difference (a row of the period report's ``fx``)."""

    receipt: str
    order: str
    received_on: date
    currency: str
    #: the cash in the order's currency (the receivable it settled, at the order's rate)
    currency_amount: Decimal
    #: the rate the receivable carries (the order's) and the rate the cash came in at
    fx_rate: Decimal
    received_fx_rate: Decimal
    #: the receivable settled (CNY, at ``fx_rate``) and the CNY the bank received
    settled: Cents
    cash: Cents
    #: ``cash − settled``: gain (+) or loss (−)
    fx_difference: Cents


def receipt_rate(order: LedgerOrder, fx_rate: Decimal | str | None,
                 currency: str) -> Decimal | None:
    """The rate foreign cash was converted at on the day (CNY per unit of the order's
    currency), checked; None when none is given (the order's rate applies). Cash in CNY, or on a
    CNY order, takes no rate."""
    if fx_rate is None or (isinstance(fx_rate, str) and not fx_rate.strip()):
        return None
    if currency == "CNY" or order.currency == "CNY":
        raise InvalidInput(
            f"cash in CNY on order {order.number} has no exchange rate: give fx_rate only for "
            f"cash in {order.currency if order.currency != 'CNY' else 'a foreign currency'}",
            field="fx_rate", reason_code="receipt_fx_rate_cny", number=str(order.number))
    rate = parse_decimal(fx_rate, "fx_rate")
    if not 0 < rate <= MAX_FX_RATE:
        raise InvalidInput(f"fx_rate {fx_rate} must be positive, at most {MAX_FX_RATE} CNY "
                           f"per {order.currency}", field="fx_rate",
                           reason_code="fx_rate_range", fx_rate=str(fx_rate),
                           MAX_FX_RATE=MAX_FX_RATE, currency=str(order.currency))
    if rate != rate.quantize(Decimal(1).scaleb(-_RATE_PLACES)):
        raise InvalidInput(f"fx_rate {fx_rate} has more than {_RATE_PLACES} decimal places",
                           field="fx_rate", reason_code="fx_rate_places", fx_rate=str(fx_rate),
                           places=_RATE_PLACES)
    return rate


def cash_received(order: LedgerOrder, typed: Decimal, currency: str, rate: Decimal | None,
                  settled: Decimal) -> Decimal:
    """The CNY the bank received for ``typed`` in ``currency``: at ``rate`` (else the order's),
    to the fen; cash typed in CNY is itself (``settled``)."""
    if currency == "CNY":
        return settled
    return to_cents(typed * (rate if rate is not None else order.fx_rate))


def fx_differences(session: Session, date_from: date, date_to: date) -> list[FxDifferenceOut]:
    """The receipts in ``[date_from, date_to]`` with a realised exchange difference, by day."""
    rows = session.execute(
        select(LedgerReceipt, LedgerOrder)
        .join(LedgerOrder, LedgerOrder.id == LedgerReceipt.order_id)
        .where(LedgerReceipt.received_on >= date_from, LedgerReceipt.received_on <= date_to,
               LedgerReceipt.fx_difference != 0)
        .order_by(LedgerReceipt.received_on, LedgerReceipt.id)).tuples()
    out = []
    for rc, order in rows:
        cash = rc.amount + rc.fx_difference
        rate = rc.fx_rate if rc.fx_rate is not None else order.fx_rate
        out.append(FxDifferenceOut(
            receipt=rc.reference, order=order.number, received_on=rc.received_on,
            currency=order.currency,
            currency_amount=to_decimal(rc.amount / order.fx_rate, minor_unit(order.currency)),
            fx_rate=order.fx_rate, received_fx_rate=rate, settled=rc.amount, cash=cash,
            fx_difference=rc.fx_difference))
    return out

