"""Reversing a posted cost: a negative entry linked to the original, never an edit.

A cost typed in by mistake (wrong project, wrong amount, a vendor's work claimed that its
settlement sheet pays) is taken back by :func:`reverse_cost`: a posted cost of minus the
original's amount on the same project, stage and category, whose ``source_ref`` is
``reversal:<original id>`` (unique: a cost is reversed once) and whose description carries the
reason; audited as ``ledger.cost.reversed``. The reversal is dated the original's day when that
period is open, else the first open day (a closed period is never posted into). The original
stays as it was: the books show both. A negative amount is never posted as a new cost.

Not reversed here: a cost awaiting over-budget approval (reject it instead), a reduction or a
reversal itself, and a cost the ledger booked from another domain's event (a settlement sheet's:
correct the sheet with a correction sheet; hour points: book them again), on a closed project.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.storable import check_note
from datamill.db.lookup import lock_or_raise
from datamill.ledger._periods import first_open_day
from datamill.ledger.costs import post_cost_reduction
from datamill.ledger.models import LedgerCost, LedgerEventReceipt
from datamill.ledger.orders import check_text
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import CostOut

__all__ = ["REVERSAL_PREFIX", "reversal_of", "reverse_cost"]

#: ``source_ref`` of the reversal of cost N: ``reversal:N``
REVERSAL_PREFIX = "reversal:"


def reversal_of(session: Session, cost_id: int) -> LedgerCost | None:
    """The reversal of cost ``cost_id``, if it was reversed."""
    return session.scalars(select(LedgerCost).where(
        LedgerCost.source_ref == f"{REVERSAL_PREFIX}{cost_id}")).first()


def _check_reversible(session: Session, cost: LedgerCost) -> None:
    if cost.source_ref.startswith(REVERSAL_PREFIX) or cost.amount < 0:
        raise Conflict(f"cost {cost.id} ({cost.source_ref}, {cost.amount}) is itself a reversal "
                       "or reduction; post the cost again instead", cost_id=cost.id,
                       reason_code="cost_reversal_of_reversal", source_ref=str(cost.source_ref),
                       amount=str(cost.amount))
    if cost.status != "posted":
        raise Conflict(f"cost {cost.id} is {cost.status}, not posted: "
                       + ("reject it in its over-budget approval instead"
                          if cost.status == "pending_approval" else "nothing to reverse"),
                       cost_id=cost.id, cost_status=cost.status,
                       reason_code=("reversal_cost_pending" if cost.status == "pending_approval"
                                    else "reversal_cost_not_posted"))
    event = session.scalar(select(LedgerEventReceipt.domain_event_id).where(
        LedgerEventReceipt.cost_id == cost.id))
    if event is not None:
        raise Conflict(f"cost {cost.id} ({cost.source_ref}) was booked from event {event}; "
                       "correct it at its source (a settlement sheet by a correction sheet)",
                       cost_id=cost.id, event_id=event,
                       reason_code="cost_from_event", source_ref=str(cost.source_ref))
    done = reversal_of(session, cost.id)
    if done is not None:
        raise Conflict(f"cost {cost.id} was already reversed by cost {done.id} on "
                       f"{done.incurred_on.isoformat()}", cost_id=cost.id, reversal_id=done.id,
                       reason_code="cost_reversed_already", value=done.incurred_on.isoformat())


def reverse_cost(
    session: Session, cost_id: int, *, reason: str, actor_id: int | None = None
) -> CostOut:
    """Reverse posted cost ``cost_id`` (see the module docstring); the reversal's cost."""
    if not reason.strip():
        raise InvalidInput("give the reason for reversing the cost", field="reason",
                           reason_code="reversal_reason_missing")
    check_text(reason, "reason")
    check_note(reason, "reason")  # a bidi override too (h10)
    cost = lock_or_raise(session, LedgerCost, cost_id, "cost")
    project = ledger_project_row(session, cost.project_id, lock=True)
    if project.status == "closed":
        raise Conflict(f"project {project.id} is closed (final accounts {project.closed_on}); "
                       "its costs are final", project_id=project.id,
                       reason_code="costs_project_closed", closed_on=str(project.closed_on))
    _check_reversible(session, cost)
    on = first_open_day(session, cost.incurred_on)
    moved = "" if on == cost.incurred_on else (
        f" (dated {on.isoformat()}: {cost.incurred_on.isoformat()} is in a closed period)")
    out = post_cost_reduction(
        session, cost.project_id, cost.stage, cost.category, cost.amount,
        f"{REVERSAL_PREFIX}{cost.id}", incurred_on=on, supplier=cost.supplier,
        description=f"reversal of cost {cost.id} {cost.source_ref}: {reason.strip()}{moved}",
        actor_id=actor_id)
    record_audit(session, actor_id=actor_id, action="ledger.cost.reversed",
                 object_type="ledger_cost", object_id=cost.id,
                 project_id=project.production_project_id,
                 data={"reversal_id": out.id, "amount": str(out.amount),
                       "source_ref": cost.source_ref, "reason": reason.strip(),
                       "dated": on.isoformat()})
    return out
