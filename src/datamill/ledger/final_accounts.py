"""The final-accounts review (决算审核): a reviewer checks before a project's accounts close.

§6.6: before final accounts every expense must be entered and reimbursed, and a reviewer checks.
:func:`review_final_accounts` is that step. It refuses while

* workforce cost events of the project (settlement sheets and their corrections, hour points)
  are not booked,
* customer acceptances of the project (``delivery.accepted``) are not yet processed,
* costs still await over-budget approval, or
* its type-1 order has accepted volume but no final acceptance (``order_partly_accepted``):
  type 1 is one delivery, so what the customer accepted of it at final accounts is settled
  first, by the customer's final acceptance (``ledger final-accept``, the accepted share) or an
  amendment of the order to the accepted volume (the whole amount); closed, the project was
  locked with its WIP and no revenue, the order open for ever. A type-2 order (batches, one
  acceptance after the last) may still close before its last batch is accepted (§6.5 allows
  either order); its revenue follows the final acceptance,

and records who reviewed (a ledger approval row ``final_accounts``, level 1, plus an audit
record). :func:`~datamill.ledger.recognition.close_project` then requires that review, by a
person other than the one who closes, and checks the pending events again.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.people import person_name
from datamill.core.errors import Conflict, Forbidden
from datamill.core.storable import check_note
from datamill.ledger._balances import WIP_TYPES, accepted_volume
from datamill.ledger.budgets import approval_role_of
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerApproval,
    LedgerCost,
    LedgerEventReceipt,
    LedgerOrder,
    LedgerProject,
)
from datamill.ledger.projects import ledger_project_row
from datamill.production.models import DomainEvent

__all__ = ["REVIEWER_ROLES", "FinalReviewOut", "final_review", "pending_project_events",
           "require_final_review", "review_final_accounts"]

SUBJECT = "final_accounts"
#: workforce cost events (the same as :data:`datamill.ledger.events.COST_EVENT_TYPES`, which
#: imports the recognition that imports this module)
COST_EVENT_TYPES = ("settlement.confirmed", "settlement.reduced", "hour_points.booked")
#: ledger approval roles that may review final accounts
REVIEWER_ROLES = ("finance_reviewer", "finance_manager", "finance_head", "cfo")


class FinalReviewOut(BaseModel):
    project_id: int
    reviewer_id: int
    #: the reviewer by name (display name and username)
    reviewer: str = ""
    reviewer_role: str
    note: str
    reviewed_at: datetime


def pending_project_events(session: Session, project: LedgerProject) -> list[int]:
    """Ids of the project's domain events the ledger has not booked yet (oldest first)."""
    pp = project.production_project_id
    done = select(LedgerEventReceipt.domain_event_id).where(
        LedgerEventReceipt.status.in_(("booked", "skipped")))
    costs = select(DomainEvent.id).where(
        DomainEvent.project_id == pp, DomainEvent.type.in_(COST_EVENT_TYPES),
        DomainEvent.id.not_in(done))
    accepted = select(LedgerAcceptance.domain_event_id).where(
        LedgerAcceptance.domain_event_id.is_not(None))
    skipped = select(LedgerEventReceipt.domain_event_id).where(
        LedgerEventReceipt.status == "skipped")  # after a type 1/2 final acceptance
    acceptances = select(DomainEvent.id).where(
        DomainEvent.project_id == pp, DomainEvent.type == "delivery.accepted",
        DomainEvent.id.not_in(accepted), DomainEvent.id.not_in(skipped))
    ids = set(session.scalars(costs)) | set(session.scalars(acceptances))
    return sorted(ids)


def _refuse_open_items(session: Session, project: LedgerProject) -> None:
    pending = pending_project_events(session, project)
    if pending:
        raise Conflict(f"domain events {pending} of project {project.id} are not booked yet: "
                       "every expense and acceptance must be in before final accounts "
                       "(datamill ledger sync)", project_id=project.id, events=pending,
                       reason_code="final_events_unbooked")
    waiting = session.scalars(select(LedgerCost.id).where(
        LedgerCost.project_id == project.id, LedgerCost.status == "pending_approval")).all()
    if waiting:
        raise Conflict(f"costs {list(waiting)} of project {project.id} still await over-budget "
                       "approval: every expense must be in before final accounts",
                       project_id=project.id,
                       reason_code="final_costs_pending", value=str(list(waiting)))
    _refuse_partly_accepted(session, project)


def _refuse_partly_accepted(session: Session, project: LedgerProject) -> None:
    """A type-1 order with accepted volume but no final acceptance: settled before final
    accounts (refused, coded; see the module docstring)."""
    order = session.get(LedgerOrder, project.order_id) if project.order_id else None
    if (project.project_type not in WIP_TYPES or order is None
            or order.acceptance_type != 1 or order.status != "open"):
        return
    cum = accepted_volume(session, order.id)
    if cum:
        raise Conflict(
            f"order {order.number} of project {project.id} has {cum} of {order.total_volume} "
            f"{order.volume_unit} accepted but no final acceptance: record the customer's final "
            "acceptance (ledger final-accept) or amend the order to the accepted volume before "
            "final accounts", project_id=project.id, order_id=order.id, order=order.number,
            accepted=str(cum), total=str(order.total_volume), unit=order.volume_unit,
            reason_code="order_partly_accepted")


def final_review(session: Session, project_id: int) -> FinalReviewOut | None:
    """The recorded review of a project's final accounts, if any."""
    row = session.scalars(select(LedgerApproval).where(
        LedgerApproval.subject_type == SUBJECT, LedgerApproval.subject_id == project_id)).first()
    if row is None:
        return None
    return FinalReviewOut(project_id=project_id, reviewer_id=row.approver_id,
                          reviewer=person_name(session, row.approver_id),
                          reviewer_role=row.approval_role, note=row.reason,
                          reviewed_at=row.created_at)


def review_final_accounts(
    session: Session, project_id: int, *, reviewer_id: int, note: str = ""
) -> FinalReviewOut:
    """The reviewer's check before final accounts (see the module docstring)."""
    check_note(note, "note", most=2000)  # read beside the close: no bidi override (h10)
    project = ledger_project_row(session, project_id)
    if project.status == "closed":
        raise Conflict(f"project {project_id} was closed on {project.closed_on}",
                       reason_code="project_closed_on", project_id=project_id,
                       closed_on=str(project.closed_on))
    role = approval_role_of(session, reviewer_id)
    if role not in REVIEWER_ROLES:
        raise Forbidden(f"final accounts are reviewed by finance ({', '.join(REVIEWER_ROLES)}); "
                        f"{person_name(session, reviewer_id)} holds {role or 'no ledger approval role'}",
                        reason_code="final_reviewer_role", value=', '.join(REVIEWER_ROLES),
                        value_2=str(person_name(session, reviewer_id)),
                        value_3=str(role or 'no ledger approval role'))
    if final_review(session, project_id) is not None:
        raise Conflict(f"the final accounts of project {project_id} were already reviewed",
                       reason_code="final_reviewed_already", project_id=project_id)
    _refuse_open_items(session, project)
    session.add(LedgerApproval(subject_type=SUBJECT, subject_id=project.id, level=1,
                               approval_role=role, approver_id=reviewer_id, decision="approve",
                               reason=note.strip()))
    session.flush()
    record_audit(session, actor_id=reviewer_id, action="ledger.final_accounts.reviewed",
                 object_type="ledger_project", object_id=project.id,
                 project_id=project.production_project_id,
                 data={"role": role, "note": note.strip()})
    out = final_review(session, project.id)
    assert out is not None
    return out


def require_final_review(
    session: Session, project: LedgerProject, actor_id: int | None
) -> FinalReviewOut:
    """Refuse to close without a review by another person, or with events pending."""
    review = final_review(session, project.id)
    if review is None:
        raise Conflict(f"the final accounts of project {project.id} have not been reviewed: a "
                       "finance reviewer checks them first (datamill ledger review-final)",
                       project_id=project.id,
                       reason_code="final_not_reviewed")
    if actor_id is not None and review.reviewer_id == actor_id:
        raise Forbidden(f"the final accounts of project {project.id} were reviewed by this "
                        "user: a second person closes them",
                        reason_code="final_same_person", project_id=project.id)
    _refuse_open_items(session, project)
    return review
