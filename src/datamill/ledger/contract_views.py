"""Read models of the contracts pages (and of ``GET /ledger/contracts``, ``datamill ledger
contracts``): the list of contracts with their customers, a contract's history (who did what,
when, from the audit trail), its orders with their projects, and which step comes next and
which of its forms the reader may use.

The rules stay the services' (:mod:`datamill.ledger.contracts`): what :func:`contract_page`
says a reader may do is what those services and the matrix will let them do, so a page shows
only the forms that can succeed for that person (the services check again when a form is sent).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action
from datamill.core.errors import InvalidInput
from datamill.ledger.access import HiddenBooks, hidden_books
from datamill.ledger.budgets import approval_role_of
from datamill.ledger.contracts import (
    PRICE_ROLES,
    SIGNING_ROLES,
    ContractDetailOut,
    contract_detail,
)
from datamill.ledger.models import LedgerContract, LedgerCustomer, LedgerProject
from datamill.ledger.schemas import ContractOut, CustomerOut, OrderOut
from datamill.production.models import Project

__all__ = [
    "CONTRACT_STATUSES",
    "ContractEventOut",
    "ContractOrderRow",
    "ContractPage",
    "ContractRow",
    "contract_history",
    "contract_page",
    "contract_rows",
]

#: a contract's statuses, in the order of its chain (the list's filter offers these)
CONTRACT_STATUSES = ("draft", "price_approved", "signing_approved", "signed", "rejected",
                     "cancelled", "pending_record")
_ENDED = ("cancelled", "rejected")


class ContractRow(ContractOut):
    """A contract as the list shows it: with its customer's name and credit grade."""

    customer: str
    credit_grade: str


class ContractEventOut(BaseModel):
    """One audited step on a contract: what (``action``, e.g. ``ledger.contract.price_approved``),
    who (their username; None for the system) and when (UTC; pages show business time)."""

    action: str
    actor: str | None
    at: datetime
    reason: str = ""


class ContractOrderRow(BaseModel):
    """One of a contract's orders with the project that executes it (None: none opened yet)."""

    order: OrderOut
    project_name: str | None = None
    production_project_id: int | None = None
    project_status: str | None = None


class ContractPage(BaseModel):
    """What the contract page shows to one reader, and which of its forms they may use."""

    detail: ContractDetailOut
    customer: CustomerOut
    orders: list[ContractOrderRow]
    history: list[ContractEventOut]
    #: the step awaited: ``price`` or ``signing`` (of the draft or of its pending request),
    #: ``sign`` (approved, to be signed), or None (nothing awaited)
    next_step: str | None
    #: what the awaited approval is for: ``contract``, ``amendment`` or ``cancellation``
    subject: str | None
    #: the ledger approval roles that sign the awaited step
    step_roles: list[str]
    #: the reader's ledger approval role (None: none)
    approval_role: str | None
    can_approve: bool
    can_sign: bool
    can_cancel: bool
    can_amend: bool
    can_grade: bool
    #: may set the customer's language (whoever registers customers: sales, finance)
    can_set_language: bool = False


def contract_rows(session: Session, *, status: str | None = None) -> list[ContractRow]:
    """Every contract (of ``status`` if given), newest first, with its customer."""
    if status is not None and status not in CONTRACT_STATUSES:
        raise InvalidInput(f"unknown contract status {status!r}; available: "
                           f"{', '.join(CONTRACT_STATUSES)}", field="status",
                           reason_code="contract_status_unknown", status_value=str(status),
                           value=', '.join(CONTRACT_STATUSES))
    query = (select(LedgerContract, LedgerCustomer.name, LedgerCustomer.credit_grade)
             .join(LedgerCustomer, LedgerCustomer.id == LedgerContract.customer_id)
             .order_by(LedgerContract.id.desc()))
    if status is not None:
        query = query.where(LedgerContract.status == status)
    return [ContractRow.model_validate({**ContractOut.model_validate(k).model_dump(),
                                        "customer": name, "credit_grade": grade})
            for k, name, grade in session.execute(query).tuples()]


def contract_history(session: Session, contract_id: int) -> list[ContractEventOut]:
    """The contract's audited steps, oldest first: drafted, approved or rejected (each step of
    its requests too), signed, amendment and cancellation requested and applied."""
    rows = list(session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "ledger_contract", AuditRecord.object_id == contract_id)
        .order_by(AuditRecord.id)))
    actors = {r.actor_id for r in rows if r.actor_id is not None}  # theirs only, not every user
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(actors)))
                 .tuples().all()) if actors else {}
    return [ContractEventOut(action=r.action, at=r.at,
                             actor=names.get(r.actor_id) if r.actor_id is not None else None,
                             reason=str((r.data or {}).get("reason") or ""))
            for r in rows]


def _orders(session: Session, detail: ContractDetailOut) -> list[ContractOrderRow]:
    ids = [o.id for o in detail.orders]
    projects = {oid: (name, pid, status) for oid, name, pid, status in session.execute(
        select(LedgerProject.order_id, Project.name, Project.id, LedgerProject.status)
        .join(Project, Project.id == LedgerProject.production_project_id)
        .where(LedgerProject.order_id.in_(ids))).tuples()} if ids else {}
    out = []
    for o in detail.orders:
        name, pid, status = projects.get(o.id, (None, None, None))
        out.append(ContractOrderRow(order=o, project_name=name, production_project_id=pid,
                                    project_status=status))
    return out


def _awaited(detail: ContractDetailOut) -> tuple[str | None, str | None]:
    """(the step awaited, what it approves) for the contract of ``detail``."""
    status = detail.contract.status
    pending = next((r for r in [*detail.amendment_requests, *detail.cancellation_requests]
                    if r.status == "pending"), None)
    if status == "signed" and pending is not None:
        subject = "cancellation" if pending in detail.cancellation_requests else "amendment"
        return ("price" if not pending.approvals else "signing"), subject
    step = {"draft": "price", "price_approved": "signing", "signing_approved": "sign",
            "pending_record": "signing"}
    return step.get(status), "contract" if status in step else None


def contract_page(session: Session, reader: User, contract_id: int,
                  hidden: HiddenBooks | None = None) -> ContractPage:
    """The contract page for ``reader`` (a reader of the books; the caller checks that): the
    contract as :func:`~datamill.ledger.contracts.contract_detail` tells it to them (orders
    above their clearance left out and counted), its customer, orders and projects, history,
    the awaited step and the forms they may use."""
    detail = contract_detail(session, contract_id,
                             hidden if hidden is not None else hidden_books(session, reader))
    customer = CustomerOut.model_validate(session.get(LedgerCustomer,
                                                      detail.contract.customer_id))
    writes = check(session, reader, Action.LEDGER) is None
    role = approval_role_of(session, reader.id)
    step, subject = _awaited(detail)
    roles = {"price": PRICE_ROLES, "signing": SIGNING_ROLES}.get(step or "", ())
    status = detail.contract.status
    pending = detail.pending_amount is not None or detail.pending_cancellation is not None
    # sales draft and ask for changes (draft_contract); one never signed is cancelled at once,
    # so only by its drafter or a writer of the books (ledger.access.require_contract_canceller)
    asks = check(session, reader, Action.DRAFT_CONTRACT) is None
    drafter = session.scalar(select(LedgerContract.drafted_by).where(
        LedgerContract.id == contract_id))
    cancels = writes or (asks and (status == "signed" or drafter == reader.id))
    # a licence's contract is cancelled by revoking the licence, changed by renewing it
    # (ledger.contracts: licence_contract_catalog): no ledger form for either
    ledger_owned = detail.contract.kind != "licence"
    return ContractPage(
        detail=detail, customer=customer, orders=_orders(session, detail),
        history=contract_history(session, contract_id), next_step=step, subject=subject,
        step_roles=list(roles), approval_role=role,
        can_approve=writes and role is not None and role in roles,
        can_sign=writes and step == "sign",
        can_cancel=ledger_owned and cancels and status not in _ENDED and not pending,
        can_amend=ledger_owned and asks and status == "signed" and not pending,
        can_grade=writes,
        can_set_language=check(session, reader, Action.REGISTER_CUSTOMER) is None)
