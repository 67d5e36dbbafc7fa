"""Output VAT at its tax point (domain §6.5, §6.7), derived from the ledger's rows.

The **VAT tax point** is the earliest of recognition, invoice and advance receipt. Per order,
the taxable amount (excluding VAT, CNY) reached so far is the largest of

* the revenue recognised (custom work by acceptance, catalog licences at delivery + acceptance),
* the amount invoiced (an invoice's ``amount`` excludes VAT), and
* the cash received, less the VAT in it (``amount / (1 + rate)``; before anything is due it is
  an advance),

and whenever one of these takes it higher, output VAT on the increase falls due on that day:
``rate × increase``, cumulative and rounded to the cent once per order (so the VAT points of an
order add up to its rate × its amount). Amounts taxed once stay taxed: a later downward true-up
of recognised revenue does not undo VAT already due (that takes a red-letter invoice).

The rate is the order's ``vat_rate`` (custom work 6 %; catalog licences 16 %, set when the
catalog opens the licence order). Recognitions without revenue (cost true-ups, write-offs) are
not tax points. The journal books each point as Dr ``receivable`` / Cr ``vat_output`` in the
entry of the recognition, invoice or receipt that triggered it.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.money import to_cents
from datamill.ledger.models import LedgerInvoice, LedgerOrder, LedgerReceipt, LedgerRecognition

__all__ = ["VatPoint", "net_of_vat", "vat_points"]

Trigger = Literal["recognition", "invoice", "receipt"]
_RANK: dict[Trigger, int] = {"recognition": 0, "invoice": 1, "receipt": 2}
ZERO = Decimal(0)


class VatPoint(BaseModel):
    """Output VAT that fell due on ``on``: ``vat`` on ``base`` more of the order's amount."""

    order_id: int
    order_number: str
    on: date
    trigger: Trigger
    source_id: int
    vat_rate: Decimal
    base: Decimal
    vat: Decimal


def net_of_vat(gross: Decimal, rate: Decimal) -> Decimal:
    """The part of a receipt (including VAT) that excludes it, to the cent.

    >>> net_of_vat(Decimal("106.00"), Decimal("0.06"))
    Decimal('100.00')
    """
    return to_cents(gross / (1 + rate))


def _moves(session: Session, order: LedgerOrder, upto: date | None) -> list[
        tuple[date, Trigger, int, Decimal]]:
    """(date, trigger, row id, amount excl. VAT) of the order's recognitions, invoices and
    receipts, oldest first (on one day: recognition, invoice, receipt)."""
    moves: list[tuple[date, Trigger, int, Decimal]] = []
    for r in session.scalars(select(LedgerRecognition).where(
            LedgerRecognition.order_id == order.id, LedgerRecognition.revenue != 0)):
        moves.append((r.recognised_on, "recognition", r.id, r.revenue))
    for i in session.scalars(select(LedgerInvoice).where(LedgerInvoice.order_id == order.id)):
        moves.append((i.issued_on, "invoice", i.id, i.amount))
    for p in session.scalars(select(LedgerReceipt).where(LedgerReceipt.order_id == order.id)):
        moves.append((p.received_on, "receipt", p.id, net_of_vat(p.amount, order.vat_rate)))
    moves.sort(key=lambda m: (m[0], _RANK[m[1]], m[2]))
    return [m for m in moves if upto is None or m[0] <= upto]


def _order_points(session: Session, order: LedgerOrder, upto: date | None) -> list[VatPoint]:
    reached: dict[Trigger, Decimal] = dict.fromkeys(_RANK, ZERO)
    base = ZERO
    out: list[VatPoint] = []
    for on, trigger, source_id, amount in _moves(session, order, upto):
        reached[trigger] += amount
        new = max(base, *reached.values())
        if new == base:
            continue
        vat = to_cents(new * order.vat_rate) - to_cents(base * order.vat_rate)
        if vat:
            out.append(VatPoint(order_id=order.id, order_number=order.number, on=on,
                                trigger=trigger, source_id=source_id, vat_rate=order.vat_rate,
                                base=new - base, vat=vat))
        base = new
    return out


def vat_points(
    session: Session, date_from: date | None = None, date_to: date | None = None, *,
    order_id: int | None = None, hidden_orders: AbstractSet[int] = frozenset(),
) -> list[VatPoint]:
    """Output VAT falling due in ``[date_from, date_to]`` (inclusive), by tax point, oldest
    first; computed over each order's whole history up to ``date_to``. The orders in
    ``hidden_orders`` (of projects classified above the reader's clearance:
    :attr:`datamill.ledger.access.HiddenBooks.orders`) are left out."""
    q = select(LedgerOrder).order_by(LedgerOrder.id)
    if order_id is not None:
        q = q.where(LedgerOrder.id == order_id)
    if hidden_orders:
        q = q.where(LedgerOrder.id.not_in(hidden_orders))
    out = [pt for order in session.scalars(q) for pt in _order_points(session, order, date_to)
           if date_from is None or pt.on >= date_from]
    out.sort(key=lambda pt: (pt.on, _RANK[pt.trigger], pt.source_id))
    return out
