"""An order's billing, as a finance clerk issues its invoices (domain §4.7, §6.5): its accepted
deliveries with their share of the order and what is invoiced on each, its invoices (each with
the advance applied to it and what it asks to be paid) and receipts, and the totals.

What the project's finance page shows beside its invoice form, which sends
:func:`datamill.ledger.receivables.issue_invoice`, the call of ``datamill ledger invoice`` and
``POST /api/v1/ledger/orders/{id}/invoices``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.money import Cents
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import order_row
from datamill.ledger.receivables import (
    InvoiceOut,
    ReceiptOut,
    acceptance_shares,
    list_invoices,
    list_receipts,
)

__all__ = ["AcceptanceBill", "OrderBillingOut", "order_billing"]

ZERO = Decimal(0)


class AcceptanceBill(BaseModel):
    """One accepted delivery: its share of the order (CNY excl. VAT) and what its own invoices
    billed (``invoiced``: CNY excl. VAT)."""

    id: int
    accepted_on: date
    volume: Decimal
    share: Cents
    invoiced: Cents


class OrderBillingOut(BaseModel):
    """The order's acceptances, invoices and receipts; ``invoiced`` (excl. VAT) against the
    order's ``amount_cny`` leaves ``remainder`` to invoice; ``asked`` (incl. VAT) less
    ``received`` is ``open`` (negative: paid ahead of the invoices)."""

    order_id: int
    number: str
    currency: str
    amount_cny: Cents
    acceptances: list[AcceptanceBill]
    invoices: list[InvoiceOut]
    receipts: list[ReceiptOut]
    invoiced: Cents
    remainder: Cents
    asked: Cents
    received: Cents
    open: Cents


def order_billing(session: Session, order_id: int) -> OrderBillingOut:
    """The billing of order ``order_id`` (see the module docstring)."""
    order = order_row(session, order_id)
    invoices, receipts = list_invoices(session, order_id), list_receipts(session, order_id)
    own: dict[int, Decimal] = {}
    for i in invoices:
        if i.acceptance_id is not None:
            own[i.acceptance_id] = own.get(i.acceptance_id, ZERO) + i.amount
    shares = acceptance_shares(session, order)
    accs = [AcceptanceBill(id=a.id, accepted_on=a.accepted_on, volume=a.volume,
                           share=shares[a.id], invoiced=own.get(a.id, ZERO))
            for a in session.scalars(select(LedgerAcceptance).where(
                LedgerAcceptance.order_id == order_id).order_by(LedgerAcceptance.id))]
    invoiced = sum((i.amount for i in invoices), ZERO)
    asked = sum((i.total for i in invoices), ZERO)
    received = sum((r.amount for r in receipts), ZERO)
    return OrderBillingOut(
        order_id=order.id, number=order.number, currency=order.currency,
        amount_cny=order.amount_cny, acceptances=accs, invoices=invoices, receipts=receipts,
        invoiced=invoiced, remainder=max(order.amount_cny - invoiced, ZERO), asked=asked,
        received=received, open=asked - received)
