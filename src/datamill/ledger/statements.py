"""A customer's statement (domain §4.7: acceptance → invoice → payment; §6.5: invoice ≠
revenue): the invoices issued to one customer and the cash received from it, on every order
of its contracts, with what is still open. What the customer's own accounts
read of the books, and nothing else: no cost, budget, margin, WIP, credit grade or
expected-loss figure is in it.

Who reads it is the caller's check: a customer account reads its own organisation's only
(:func:`datamill.catalog.access.require_statement_reader`), readers of the books any
customer's; orders whose project is classified above the reader's clearance are left out
(``hidden_orders``), as in every report over several projects.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.db.lookup import get_or_raise
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.models import (
    LedgerContract,
    LedgerCustomer,
    LedgerInvoice,
    LedgerOrder,
    LedgerReceipt,
)
from datamill.ledger.receivables import (
    InvoiceOut,
    ReceiptOut,
    _invoice_out,
    currency_amounts,
    receipt_out,
)

__all__ = ["StatementOut", "customer_statement"]


class StatementOut(BaseModel):
    """One customer's invoices and receipts (amounts in CNY as booked, ``currency_amount`` in
    the order's currency), each naming its contract and order (``orders``: by order id); the
    totals in CNY: invoiced incl. VAT, received, and open (invoiced less received; negative:
    paid ahead of the invoices)."""

    customer_id: int
    customer_name: str
    invoices: list[InvoiceOut]
    receipts: list[ReceiptOut]
    #: contract and order number of each invoice and receipt's order (by order id)
    orders: dict[int, str]
    invoiced_total: Decimal
    received_total: Decimal
    open_total: Decimal
    hidden_orders: int = 0


def customer_statement(session: Session, customer_id: int,
                       hidden: HiddenBooks = NOTHING_HIDDEN) -> StatementOut:
    """The statement of customer ``customer_id`` (see the module docstring)."""
    cust = get_or_raise(session, LedgerCustomer, customer_id, "customer",
                        customer_id=customer_id)
    rows = session.execute(select(LedgerOrder, LedgerContract.number).join(
        LedgerContract, LedgerContract.id == LedgerOrder.contract_id).where(
        LedgerContract.customer_id == customer_id).order_by(LedgerOrder.id)).all()
    orders = {o.id: (o, k) for o, k in rows if o.id not in hidden.orders}
    ids = list(orders)
    shown = {k: v for o, _ in orders.values() for k, v in currency_amounts(session, o).items()}
    invoices = [_invoice_out(r, orders[r.order_id][0], shown) for r in session.scalars(
        select(LedgerInvoice).where(LedgerInvoice.order_id.in_(ids)).order_by(
            LedgerInvoice.issued_on, LedgerInvoice.id))]
    receipts = [receipt_out(r, orders[r.order_id][0]) for r in session.scalars(
        select(LedgerReceipt).where(LedgerReceipt.order_id.in_(ids)).order_by(
            LedgerReceipt.received_on, LedgerReceipt.id))]
    invoiced = sum((i.total for i in invoices), Decimal(0))
    received = sum((r.amount for r in receipts), Decimal(0))
    return StatementOut(
        customer_id=cust.id, customer_name=cust.name, invoices=invoices, receipts=receipts,
        orders={oid: f"{k} / {o.number}" for oid, (o, k) in orders.items()},
        invoiced_total=invoiced, received_total=received, open_total=invoiced - received,
        hidden_orders=len(rows) - len(orders))
