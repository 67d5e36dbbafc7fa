"""Output VAT at its tax point (domain §6.5, §6.7), derived from the ledger's rows.

The **VAT tax point** is the earliest of recognition, invoice and advance receipt. Per order,
the taxable amount (excluding VAT, CNY) reached so far is the largest of

* the revenue recognised (custom work by acceptance, catalog licences at delivery + acceptance),
* the amount invoiced (an invoice's ``amount`` excludes VAT), and
* the cash received, less the VAT in it (``amount / (1 + rate)``; before anything is due it is
  an advance),

and whenever one of these takes it higher, output VAT on the increase falls due on that day.

VAT is charged **per invoice, rounded per invoice** (Chinese VAT practice: each fapiao states
its own tax, and the return declares the sum of the invoices' tax): the output VAT due on an
order at any moment is the sum of its invoices' VAT (each ``to_cents(amount × rate)``, as
printed and stored on the invoice) plus, for the part of the taxable amount not invoiced yet
(revenue recognised or advances received ahead of the invoice: 未开票收入), ``rate × that
rest`` rounded once (:func:`vat_due`). Each tax point books the increase of that figure. So once
an order is fully invoiced, its VAT points, the journal's VAT output and ``ledger report vat``
add up to exactly the sum of its invoices' VAT: rounding the order's cumulative base once
booked 306.31 on five invoices of 5,105.09 whose printed VAT added up to 306.30 (invoices of
0.01 and 0.08 carry VAT 0.00). An invoice that only bills what was already taxed may so move
the figure by a cent either way: a point with ``base`` 0 and that cent (the rounding of the
uninvoiced rest giving way to the invoice's own). Amounts taxed once stay taxed: a later
downward true-up of recognised revenue does not undo VAT already due (that takes a red-letter
invoice: :mod:`datamill.ledger.invoice_reversal`; one lowers the taxable amount by its own,
down to what revenue recognised or cash received keeps taxed, and gives back the VAT on the
difference, booked as a negative point in its ``B`` entry).

The rate is the order's ``vat_rate`` (custom work ``DATAMILL_SERVICE_VAT_RATE``, 6 % unless
set; catalog licences
``DATAMILL_CATALOG_VAT_RATE``, 13 % unless set, taken when the catalog opens the licence order). Recognitions without revenue (cost true-ups, write-offs) are
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

__all__ = ["VatPoint", "net_of_vat", "vat_due", "vat_points"]

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


def vat_due(base: Decimal, invoiced: Decimal, invoices_vat: Decimal, rate: Decimal) -> Decimal:
    """Output VAT due on an order whose taxable amount reached ``base``, of which ``invoiced``
    is invoiced with ``invoices_vat`` of VAT (the sum of each invoice's own, rounded per
    invoice): that, plus ``rate`` × the uninvoiced rest rounded to the cent.

    >>> vat_due(Decimal("0.09"), Decimal("0.09"), Decimal("0.01"), Decimal("0.06"))
    Decimal('0.01')
    >>> vat_due(Decimal("100.10"), Decimal("0.10"), Decimal("0.01"), Decimal("0.06"))
    Decimal('6.01')
    """
    return invoices_vat + to_cents(max(base - invoiced, ZERO) * rate)


def _moves(session: Session, order: LedgerOrder, upto: date | None) -> list[
        tuple[date, Trigger, int, Decimal, Decimal]]:
    """(date, trigger, row id, amount excl. VAT, the invoice's own VAT or 0) of the order's
    recognitions, invoices and receipts, oldest first (on one day: recognition, invoice,
    receipt)."""
    moves: list[tuple[date, Trigger, int, Decimal, Decimal]] = []
    for r in session.scalars(select(LedgerRecognition).where(
            LedgerRecognition.order_id == order.id, LedgerRecognition.revenue != 0)):
        moves.append((r.recognised_on, "recognition", r.id, r.revenue, ZERO))
    for i in session.scalars(select(LedgerInvoice).where(LedgerInvoice.order_id == order.id)):
        moves.append((i.issued_on, "invoice", i.id, i.amount, i.vat))
    for p in session.scalars(select(LedgerReceipt).where(LedgerReceipt.order_id == order.id)):
        moves.append((p.received_on, "receipt", p.id, net_of_vat(p.amount, order.vat_rate),
                      ZERO))
    moves.sort(key=lambda m: (m[0], _RANK[m[1]], m[2]))
    return [m for m in moves if upto is None or m[0] <= upto]


def _order_points(session: Session, order: LedgerOrder, upto: date | None) -> list[VatPoint]:
    reached: dict[Trigger, Decimal] = dict.fromkeys(_RANK, ZERO)
    base = due = invoices_vat = ZERO
    out: list[VatPoint] = []
    for on, trigger, source_id, amount, own_vat in _moves(session, order, upto):
        reached[trigger] += amount
        invoices_vat += own_vat
        # a red-letter invoice or a reversing receipt (negative) gives back what only the
        # invoice or the advance it reverses had taxed
        new = max(base + min(amount, ZERO) if trigger in ("invoice", "receipt") else base,
                  *reached.values())
        now = vat_due(new, reached["invoice"], invoices_vat, order.vat_rate)
        if now != due or new != base:  # a 0.01 invoice raises the base with VAT 0.00
            out.append(VatPoint(order_id=order.id, order_number=order.number, on=on,
                                trigger=trigger, source_id=source_id, vat_rate=order.vat_rate,
                                base=new - base, vat=now - due))
        base, due = new, now
    return out


def vat_points(
    session: Session, date_from: date | None = None, date_to: date | None = None, *,
    order_id: int | None = None, hidden_orders: AbstractSet[int] = frozenset(),
) -> list[VatPoint]:
    """Output VAT falling due in ``[date_from, date_to]`` (inclusive), by tax point, oldest
    first; computed over each order's whole history up to ``date_to``. The orders in
    ``hidden_orders`` (of projects classified above the reader's clearance:
    :attr:`datamill.ledger.access.HiddenBooks.orders`) are left out. A range that ends before
    it starts is refused (``date_range_order``), as every report's: the API answered ``[]``."""
    from datamill.ledger.reports import check_range

    if date_from is not None and date_to is not None:
        check_range(date_from, date_to)
    q = select(LedgerOrder).order_by(LedgerOrder.id)
    if order_id is not None:
        q = q.where(LedgerOrder.id == order_id)
    if hidden_orders:
        q = q.where(LedgerOrder.id.not_in(hidden_orders))
    out = [pt for order in session.scalars(q) for pt in _order_points(session, order, date_to)
           if date_from is None or pt.on >= date_from]
    out.sort(key=lambda pt: (pt.on, _RANK[pt.trigger], pt.source_id))
    return out
