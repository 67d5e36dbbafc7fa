"""Contract controls (domain §6.1, §6.6): approvals, the amount cap, amendments, cancellation.

* A drafted contract goes **draft → price_approved → signing_approved → signed**: a
  price-reasonableness approval (a finance approver), then a signing approval (the VP in
  charge, the CFO or the president), then the signature. Neither approver may be the person who
  drafted it; a rejection is final (draft again). Orders are split off signed contracts only.
* The sum of a contract's orders may not exceed its amount (both excluding VAT, in the contract
  currency); :func:`contract_detail` shows the remainder. It leaves out, for a reader, the orders
  whose project is classified above their clearance (counted in ``hidden_orders``).
* An amendment changes the amount, with its reason (never below the orders already split off).
* A cancellation writes the WIP of every unfinished order's project off in full (Dr contract
  write-off loss / Cr WIP), releases any impairment provision, cancels the orders and closes the
  projects' accounts. Revenue already recognised stays.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.iso import check_minor_units
from datamill.core.money import parse_money
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.ledger._balances import WIP_TYPES, wip_balance
from datamill.ledger._periods import require_open_period
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.budgets import approval_role_of
from datamill.ledger.models import (
    LedgerApproval,
    LedgerContract,
    LedgerContractChange,
    LedgerCost,
    LedgerCustomer,
    LedgerOrder,
    LedgerProject,
    LedgerRecognition,
)
from datamill.ledger.orders import create_contract
from datamill.ledger.recognition import _release_provision
from datamill.ledger.schemas import ContractOut, OrderOut
from datamill.production.projects import close_project_accounts

__all__ = [
    "PRICE_ROLES",
    "SIGNING_ROLES",
    "ContractDetailOut",
    "amend_contract",
    "approve_contract",
    "cancel_contract",
    "contract_detail",
    "contract_row",
    "draft_contract",
    "list_contracts",
    "orders_total",
    "sign_contract",
]

#: who may confirm the price is reasonable, and who may approve the signing.
PRICE_ROLES = ("finance_reviewer", "finance_manager", "finance_head", "cfo")
SIGNING_ROLES = ("vp", "cfo", "president")
_STEPS = {"price": (1, "draft", "price_approved", PRICE_ROLES),
          "signing": (2, "price_approved", "signing_approved", SIGNING_ROLES)}


class ContractApprovalOut(BaseModel):
    step: str
    approval_role: str
    approver: str
    decision: str
    reason: str


class ContractChangeOut(BaseModel):
    kind: str
    changed_on: date
    old_amount: Decimal | None
    new_amount: Decimal | None
    reason: str
    actor: str | None


class ContractDetailOut(BaseModel):
    """A contract as its reader may see it: ``orders`` leaves out those whose project is
    classified above the reader's clearance (``hidden_orders`` counts them); then
    ``orders_total`` is the sum of the orders shown and ``remainder`` is not told (None): the
    contract's amount less a remainder that counted them would give their sum away."""

    contract: ContractOut
    customer: str
    orders: list[OrderOut]
    orders_total: Decimal
    remainder: Decimal | None
    approvals: list[ContractApprovalOut]
    changes: list[ContractChangeOut]
    #: orders left out of ``orders``: their project is classified above the reader's clearance
    hidden_orders: int = 0


def contract_row(session: Session, contract_id: int, *, lock: bool = False) -> LedgerContract:
    """The contract, or NotFound; ``lock``: locked until the transaction ends (a change of its
    status or amount checked against what another request may be writing)."""
    fetch = lock_or_raise if lock else get_or_raise
    row = fetch(session, LedgerContract, contract_id, "contract", contract_id=contract_id)
    return row


def orders_total(session: Session, contract_id: int) -> Decimal:
    """Sum of the contract's order amounts (excl. VAT, contract currency), cancelled ones too."""
    total = session.scalar(select(func.sum(LedgerOrder.amount)).where(
        LedgerOrder.contract_id == contract_id))
    return Decimal(0) if total is None else Decimal(total)


def draft_contract(
    session: Session, number: str, *, customer_id: int, amount: Decimal | str, kind: str = "custom",
    currency: str = "CNY", actor_id: int | None = None,
) -> ContractOut:
    """A contract awaiting its price-reasonableness and signing approvals."""
    amt = parse_money(amount, "amount")
    out = create_contract(session, number, customer_id=customer_id, kind=kind, currency=currency,
                          signed_on=None, amount=amt, actor_id=actor_id)
    row = contract_row(session, out.id)
    row.status, row.drafted_by = "draft", actor_id
    session.flush()
    return ContractOut.model_validate(row)


def approve_contract(
    session: Session, contract_id: int, approver_id: int, step: str, *,
    decision: str = "approve", reason: str = "",
) -> ContractOut:
    """Sign one approval step (``price`` then ``signing``) as ``approver_id``."""
    if step not in _STEPS:
        raise InvalidInput(f"unknown approval step {step!r}; available: price, signing",
                           field="step")
    if decision not in ("approve", "reject"):
        raise InvalidInput("decision must be approve or reject", field="decision")
    level, before, after, roles = _STEPS[step]
    row = contract_row(session, contract_id, lock=True)
    if row.status != before:
        raise Conflict(f"contract {row.number} is {row.status}: the {step} approval needs a "
                       f"{before} contract (draft → price → signing → signed)",
                       contract_id=contract_id)
    role = approval_role_of(session, approver_id)
    if role not in roles:
        raise Forbidden(f"the {step} approval is signed by {', '.join(roles)}; this user's "
                        f"ledger approval role is {role or 'none'}")
    if row.drafted_by is not None and row.drafted_by == approver_id:
        raise Forbidden(f"contract {row.number} was drafted by this user: a second person "
                        "approves it")
    if decision == "reject" and not reason:
        raise InvalidInput("a rejection needs its reason", field="reason")
    session.add(LedgerApproval(subject_type="contract", subject_id=row.id, level=level,
                               approval_role=role, approver_id=approver_id, decision=decision,
                               reason=reason))
    row.status = after if decision == "approve" else "rejected"
    session.flush()
    record_audit(session, actor_id=approver_id, action=f"ledger.contract.{step}_{decision}d",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "role": role, "reason": reason})
    return ContractOut.model_validate(row)


def sign_contract(
    session: Session, contract_id: int, signed_on: date, *, actor_id: int | None = None
) -> ContractOut:
    """Record the signature of a contract whose price and signing were approved."""
    row = contract_row(session, contract_id, lock=True)
    if row.status != "signing_approved":
        raise Conflict(f"contract {row.number} is {row.status}: it is signed after its price "
                       "and signing approvals", contract_id=contract_id)
    row.status, row.signed_on = "signed", signed_on
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.contract.signed",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "signed_on": signed_on.isoformat()})
    return ContractOut.model_validate(row)


def amend_contract(
    session: Session, contract_id: int, amount: Decimal | str, *, reason: str, on: date,
    actor_id: int | None = None,
) -> ContractOut:
    """Change a signed contract's amount, with its reason (audited)."""
    if not reason.strip():
        raise InvalidInput("an amendment needs its reason", field="reason")
    row = contract_row(session, contract_id, lock=True)
    if row.status != "signed":
        raise Conflict(f"contract {row.number} is {row.status}: only a signed contract is "
                       "amended", contract_id=contract_id)
    new = parse_money(amount, "amount")
    if (why := check_minor_units(new, row.currency)) is not None:
        raise InvalidInput(why, field="amount")
    split = orders_total(session, contract_id)
    if new <= 0 or new < split:
        raise InvalidInput(f"the amended amount {new} is below the {split} {row.currency} "
                           "already split into orders", field="amount", orders_total=str(split))
    old = row.amount
    session.add(LedgerContractChange(contract_id=row.id, kind="amendment", changed_on=on,
                                     old_amount=old, new_amount=new, reason=reason,
                                     actor_id=actor_id))
    row.amount = new
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.contract.amended",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "old_amount": None if old is None else str(old),
                       "new_amount": str(new), "reason": reason, "on": on.isoformat()})
    return ContractOut.model_validate(row)


def _write_off(
    session: Session, order: LedgerOrder, on: date, actor_id: int | None
) -> Decimal:
    project = session.scalars(select(LedgerProject).where(
        LedgerProject.order_id == order.id)).first()
    order.status = "cancelled"
    if project is None or project.status == "closed":
        return Decimal(0)
    wip = wip_balance(session, project, upto=on) if project.project_type in WIP_TYPES else Decimal(0)
    if wip:
        session.add(LedgerRecognition(order_id=order.id, project_id=project.id,
                                      recognised_on=on, basis="write_off", revenue=Decimal(0),
                                      cost=wip, completion=Decimal(0)))
    _release_provision(session, project, on, actor_id)
    project.status, project.closed_on = "closed", on
    close_project_accounts(session, project.production_project_id, on, actor_id=actor_id)
    return wip


def cancel_contract(
    session: Session, contract_id: int, *, on: date, reason: str, actor_id: int | None = None
) -> ContractOut:
    """Cancel a contract and write its unfinished projects' WIP off in full."""
    if not reason.strip():
        raise InvalidInput("a cancellation needs its reason", field="reason")
    row = contract_row(session, contract_id, lock=True)
    # the write-off and the projects' close are dated ``on``: never into a closed month
    require_open_period(session, on, f"the cancellation of contract {row.number}")
    if row.status in ("cancelled", "rejected"):
        raise Conflict(f"contract {row.number} is already {row.status}", contract_id=contract_id)
    live = session.scalars(select(LedgerOrder).where(
        LedgerOrder.contract_id == row.id, LedgerOrder.status.not_in(("closed", "cancelled")))
        .order_by(LedgerOrder.id)).all()
    project_ids = session.scalars(select(LedgerProject.id).where(
        LedgerProject.order_id.in_([o.id for o in live]),
        LedgerProject.status != "closed")).all()
    blocking = session.scalars(select(LedgerCost.id).where(
        LedgerCost.project_id.in_(project_ids),
        (LedgerCost.status == "pending_approval") | (LedgerCost.incurred_on > on))).all()
    if blocking:
        raise Conflict(f"costs {list(blocking)} await approval or are dated after {on}: decide "
                       "or correct them before the cancellation", contract_id=contract_id)
    written = {o.number: str(_write_off(session, o, on, actor_id)) for o in live}
    session.add(LedgerContractChange(contract_id=row.id, kind="cancellation", changed_on=on,
                                     old_amount=row.amount, new_amount=None, reason=reason,
                                     actor_id=actor_id))
    row.status = "cancelled"
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.contract.cancelled",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "reason": reason, "on": on.isoformat(),
                       "written_off": written})
    return ContractOut.model_validate(row)


def contract_detail(session: Session, contract_id: int,
                    hidden: HiddenBooks = NOTHING_HIDDEN) -> ContractDetailOut:
    """The contract, its orders, the remainder under its amount, approvals and changes.

    Orders in ``hidden`` (:func:`~datamill.ledger.access.hidden_books`: their project is
    classified above the reader's clearance) are left out and counted in ``hidden_orders``, as
    every read of the books over several projects, on every face."""
    row = contract_row(session, contract_id)
    customer = session.get(LedgerCustomer, row.customer_id)
    every = session.scalars(select(LedgerOrder).where(LedgerOrder.contract_id == row.id)
                            .order_by(LedgerOrder.id)).all()
    orders = [o for o in every if not hidden.hides(None, o.id)]
    split = orders_total(session, row.id)
    names = dict(session.execute(select(User.id, User.username)).tuples().all())
    approvals = [
        ContractApprovalOut(step="price" if a.level == 1 else "signing",
                            approval_role=a.approval_role, approver=names.get(a.approver_id, "?"),
                            decision=a.decision, reason=a.reason)
        for a in session.scalars(select(LedgerApproval).where(
            LedgerApproval.subject_type == "contract", LedgerApproval.subject_id == row.id)
            .order_by(LedgerApproval.level))]
    changes = [
        ContractChangeOut(kind=c.kind, changed_on=c.changed_on, old_amount=c.old_amount,
                          new_amount=c.new_amount, reason=c.reason,
                          actor=names.get(c.actor_id) if c.actor_id else None)
        for c in session.scalars(select(LedgerContractChange).where(
            LedgerContractChange.contract_id == row.id).order_by(LedgerContractChange.id))]
    return ContractDetailOut(
        contract=ContractOut.model_validate(row), customer=customer.name if customer else "?",
        orders=[OrderOut.model_validate(o) for o in orders],
        orders_total=split if len(orders) == len(every) else sum(
            (Decimal(o.amount) for o in orders), Decimal(0)),
        remainder=None if row.amount is None or len(orders) < len(every) else row.amount - split,
        approvals=approvals, changes=changes, hidden_orders=len(every) - len(orders))


def list_contracts(session: Session) -> list[ContractOut]:
    """Every contract, newest first."""
    return [ContractOut.model_validate(r) for r in session.scalars(
        select(LedgerContract).order_by(LedgerContract.id.desc()))]
