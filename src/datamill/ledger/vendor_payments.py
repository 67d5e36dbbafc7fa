"""Vendor payments (workforce's ``settlement.paid``): whether and on what date they are posted.

Workforce records a paid settlement sheet as a ``settlement.paid`` event (the ledger never
imports workforce). Its journal entry clears the payable the sheet's costs booked (Dr payable /
Cr bank and income tax withheld), so a payment is posted only:

* **after its cost**: every ``settlement.confirmed`` / ``settlement.reduced`` event of the sheet
  is booked. Until then the payment is **held**: not journalled (it would leave a payable with a
  debit balance and no cost behind it), listed among the events waiting to be booked with what
  to do first ("book the settlement's cost first: ..."), and posted by itself once the cost is
  in (``datamill ledger sync``). A month is not closed while a payment dated in it is held;
* **never into a closed period**: a payment recorded after the month of its ``paid_on`` (or a
  later month) was closed is dated the day after the latest month closed when it was recorded, as
  every posting the ledger takes from another domain's event
  (:func:`~datamill.ledger._periods.first_open_day`); its memo keeps the day it was paid. The
  date is derived from when the event was recorded and when each month was confirmed (a closed
  month is never reopened), so it never moves afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.ledger._periods import month_end
from datamill.ledger.models import LedgerEventReceipt, LedgerPeriodClose
from datamill.production.models import DomainEvent, Project

__all__ = ["VENDOR_PAID", "VendorPayment", "held_payments", "vendor_payments"]

#: the workforce's event for a settled (paid) settlement sheet
VENDOR_PAID = "settlement.paid"
#: the workforce's events that book a sheet's cost (and so its payable)
_SHEET_COSTS = ("settlement.confirmed", "settlement.reduced")
_DONE = ("booked", "skipped")
_LONG_AGO = datetime(1900, 1, 1, tzinfo=UTC)  # a closed month without its confirmation time


@dataclass(frozen=True)
class VendorPayment:
    """One ``settlement.paid`` event as the ledger posts it."""

    event_id: int
    sheet_number: str
    reference: str
    paid_on: date
    #: the journal date: ``paid_on``, or the first open day when its month was closed first
    posted_on: date
    net: Decimal
    withheld: Decimal
    recorded_at: datetime
    #: why it is not journalled yet (its cost is not booked), None when it is
    held: str | None
    #: production projects of the sheet's cost events (for a reader's clearance)
    project_ids: frozenset[int]
    #: ``held``'s refusal code and its details (the pages word it in the reader's language)
    held_code: str | None = None
    held_params: dict[str, object] | None = None


def _utc(at: datetime) -> datetime:
    """Naive UTC (SQLite hands timestamps back without their zone)."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo is not None else at


def _posted_on(paid_on: date, recorded_at: datetime, closed: dict[str, datetime]) -> date:
    """``paid_on``, or the day after the latest month closed when it was recorded (the months
    before a closed month count as closed too: :mod:`datamill.ledger._periods`)."""
    shut = [period for period, at in closed.items() if at <= recorded_at]
    if not shut:
        return paid_on
    through = month_end(max(shut))
    return paid_on if paid_on > through else through + timedelta(days=1)


def _held_reason(number: str, costs: list[DomainEvent],
                 receipts: dict[int, LedgerEventReceipt], names: dict[int, str]) -> str | None:
    waiting = [ev for ev in costs
               if (r := receipts.get(ev.id)) is None or r.status not in _DONE]
    if costs and not waiting:
        return None
    if not costs:
        return (f"book the settlement's cost first: no cost of sheet {number} reached the "
                "ledger (no settlement.confirmed event names it), so the payment has no payable "
                "to clear; it is journalled once the sheet's cost is booked")
    why = "; ".join(
        f"event {ev.id} ({ev.type}, project {names.get(ev.project_id or 0, ev.project_id)!r}): "
        + (r.reason if (r := receipts.get(ev.id)) is not None and r.reason
           else "not synced yet (datamill ledger sync)")
        for ev in waiting)
    return (f"book the settlement's cost first: the payment of sheet {number} clears the "
            f"payable its cost books, and {len(waiting)} of its {len(costs)} cost event"
            f"{'' if len(costs) == 1 else 's'} {'is' if len(waiting) == 1 else 'are'} not "
            f"booked: {why}. Fix that (e.g. approve the project's budget), then datamill "
            "ledger sync: the payment is journalled once its cost is in")


def _held_code(number: str, costs: list[DomainEvent],
               receipts: dict[int, LedgerEventReceipt]) -> dict[str, Any]:
    """:func:`_held_reason`'s code and details: ``payment_cost_missing`` (no cost of the sheet
    reached the ledger) or ``payment_cost_waiting`` (``waiting`` of its ``costs`` events are
    not booked); nothing for a payment that is not held."""
    waiting = [ev for ev in costs
               if (r := receipts.get(ev.id)) is None or r.status not in _DONE]
    if costs and not waiting:
        return {}
    if not costs:
        return {"held_code": "payment_cost_missing", "held_params": {"number": number}}
    return {"held_code": "payment_cost_waiting",
            "held_params": {"number": number, "waiting": len(waiting), "costs": len(costs)}}


def vendor_payments(session: Session) -> list[VendorPayment]:
    """Every well-formed ``settlement.paid`` event, in the order recorded (a malformed one is
    not money: the sheet itself stays the record)."""
    paid = list(session.scalars(select(DomainEvent).where(DomainEvent.type == VENDOR_PAID)
                                .order_by(DomainEvent.id)))
    if not paid:
        return []
    closed = {row.period: _utc(row.reviewed_at or _LONG_AGO)
              for row in session.scalars(select(LedgerPeriodClose).where(
                  LedgerPeriodClose.status == "closed"))}
    costs: dict[object, list[DomainEvent]] = {}
    for ev in session.scalars(select(DomainEvent).where(DomainEvent.type.in_(_SHEET_COSTS))
                              .order_by(DomainEvent.id)):
        costs.setdefault((ev.payload or {}).get("sheet_id"), []).append(ev)
    ids = [ev.id for evs in costs.values() for ev in evs]
    receipts = {r.domain_event_id: r for r in session.scalars(select(LedgerEventReceipt).where(
        LedgerEventReceipt.domain_event_id.in_(ids)))} if ids else {}
    # the names of the cost events' projects, read once for every held payment's reason
    names = dict(session.execute(select(Project.id, Project.name).where(
        Project.id.in_({ev.project_id for evs in costs.values() for ev in evs
                        if ev.project_id is not None}))).tuples().all()) if ids else {}
    out = []
    for ev in paid:
        p = ev.payload or {}
        try:
            paid_on = date.fromisoformat(str(p.get("paid_on")))
            net, withheld = Decimal(str(p["net_payable"])), Decimal(str(p["tax_withheld"]))
        except (KeyError, ValueError, ArithmeticError):
            continue
        number = str(p.get("sheet_number", ""))
        mine = costs.get(p.get("sheet_id"), [])
        out.append(VendorPayment(
            event_id=ev.id, sheet_number=number, reference=str(p.get("reference", "")),
            paid_on=paid_on, posted_on=_posted_on(paid_on, _utc(ev.created_at), closed),
            net=net, withheld=withheld, recorded_at=ev.created_at,
            held=_held_reason(number, mine, receipts, names),
            **_held_code(number, mine, receipts),
            project_ids=frozenset(e.project_id for e in mine if e.project_id is not None)))
    return out


def held_payments(session: Session, upto: date | None = None) -> list[VendorPayment]:
    """The payments waiting for their cost, those dated up to ``upto`` when given."""
    return [p for p in vendor_payments(session)
            if p.held is not None and (upto is None or p.posted_on <= upto)]
