"""Whether a settlement sheet's cost is in the ledger, asked before the sheet is paid.

A sheet is paid once its cost is **booked** (``posted``): the ledger books each of the sheet's
``settlement.confirmed`` / ``settlement.reduced`` events as a ``data_service`` cost on its
budget line, and refuses one that would take the line over its budget (a ``problem`` receipt)
or books it ``pending_approval`` when someone gave the reason for the overspend. Paying such
a sheet would pay the vendor for work the budget never took, e.g. work already paid through a
manual cost claim (trial 11: a claim of 17.60 and a sheet of 9.50 for the same 11 images). So
the faces ask :func:`require_sheet_cost_booked` before workforce records the payment (the
ledger and workforce never import each other).

The sheet's events not synced yet are booked here first (as ``datamill ledger sync`` would);
an event of a project without ledger accounts (``no_accounts``) is no refusal: the ledger
keeps no budget for it, and its payment is held until its cost is booked
(:mod:`datamill.ledger.vendor_payments`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.errors import Conflict, DatamillError
from datamill.ledger._event_runs import lock_event_runs
from datamill.ledger.events import REDUCED, SETTLEMENT, book_one_event
from datamill.ledger.models import LedgerCost, LedgerEventReceipt
from datamill.production.models import DomainEvent

__all__ = ["require_sheet_cost_booked", "sheet_cost_problems"]

_DONE = ("booked", "skipped")


def _sheet_events(session: Session, sheet_id: int) -> list[DomainEvent]:
    return [ev for ev in session.scalars(select(DomainEvent).where(
        DomainEvent.type.in_((SETTLEMENT, REDUCED))).order_by(DomainEvent.id))
        if (ev.payload or {}).get("sheet_id") == sheet_id]


def sheet_cost_problems(
    session: Session, sheet_id: int, *, actor_id: int | None = None
) -> list[str]:
    """Why each of sheet ``sheet_id``'s cost events is not booked and posted (empty: it is, or
    the ledger keeps no accounts for its projects). Books the events not synced yet."""
    lock_event_runs(session)
    problems: list[str] = []
    for ev in _sheet_events(session, sheet_id):
        receipt = session.scalars(select(LedgerEventReceipt).where(
            LedgerEventReceipt.domain_event_id == ev.id)).first()
        if receipt is None or receipt.status not in _DONE:
            try:
                book_one_event(session, ev, actor_id)
            except DatamillError as err:
                if err.details.get("reason_code") == "no_accounts":
                    continue
                problems.append(f"event {ev.id} ({ev.type}): {err.message}; raise the "
                                "budget line, or book it over budget (datamill ledger event-book "
                                f"{ev.id} --over-budget-reason ...) and have it approved")
                continue
            receipt = session.scalars(select(LedgerEventReceipt).where(
                LedgerEventReceipt.domain_event_id == ev.id)).first()
        cost = (session.get(LedgerCost, receipt.cost_id)
                if receipt is not None and receipt.cost_id is not None else None)
        if cost is not None and cost.status != "posted":
            problems.append(f"event {ev.id} ({ev.type}): cost {cost.id} of {cost.amount} is "
                            f"{cost.status}; it is paid once the over-budget approval "
                            f"(POST /api/v1/ledger/costs/{cost.id}/approvals) posts it")
    return problems


def require_sheet_cost_booked(
    session: Session, sheet_id: int, number: str, *, actor_id: int | None = None
) -> None:
    """Refuse to pay sheet ``number`` while the ledger has not booked and posted its cost."""
    problems = sheet_cost_problems(session, sheet_id, actor_id=actor_id)
    if problems:
        raise Conflict(
            f"sheet {number} cannot be settled: its cost is not booked in the ledger, so paying "
            "it would pay the vendor for work the budget never took (paid twice, e.g. through "
            "a manual cost claim as well): " + "; ".join(problems),
            reason_code="sheet_cost_not_booked", sheet_id=sheet_id)
