"""Contract controls (domain §6.1, §6.6): approvals, the amount cap, amendments, cancellation.

* A drafted contract goes **draft → price_approved → signing_approved → signed**: a
  price-reasonableness approval (a finance approver), then a signing approval (the VP in
  charge, the CFO or the president), then the signature. Neither approver may be the person who
  drafted it, and they are two people (one person signs one step: reason ``second_step``); a
  rejection is final (draft again). Orders are split off signed contracts only.
* The sum of a contract's orders may not exceed its amount (both excluding VAT, in the contract
  currency); :func:`contract_detail` shows the remainder. It leaves out, for a reader, the orders
  whose project is classified above their clearance (counted in ``hidden_orders``).
* An amendment changes the amount, with its reason, and **goes back through the contract's
  chain before it takes effect**: :func:`amend_contract` records the request (pending; the
  contract keeps its approved amount, and orders are split only under that), then the price
  step and the signing step are signed (:func:`approve_contract` on the signed contract signs
  its pending amendment), by two people other than the requester; the signing approval applies
  the new amount (checked again then). A raise and a cut alike: both change the price the
  price-reasonableness approval confirmed. One amendment is pending at a time (reason
  ``amendment_pending``); a rejected one is kept, with its reason, and never applies.
* An amount is never below what is already booked on the contract (reason
  ``contract_below_booked``): the orders split off, the revenue recognised, the invoices issued
  (excl. VAT) and the cash received (less the orders' VAT), each in the contract currency at
  the orders' rates.
* The cancellation of a signed contract **goes through the same chain as an amendment**:
  :func:`cancel_contract` records the request (pending, ``pending_cancellation``: the
  contract stays signed and its orders open), then the price step and the signing step are
  signed (:func:`approve_contract` on the signed contract), by two people other than the
  requester (``own_approval``, ``second_step``); the signing approval cancels it, everything
  checked again then. One request (amendment or cancellation) is pending at a time (reasons
  ``amendment_pending``, ``cancellation_pending``); a rejected one is kept and never applies.
  A contract never signed (no order is split off it) is cancelled at once.
* A contract signed outside datamill (its approvals done on paper) is **recorded by one person
  and confirmed by another**: :func:`record_signed_contract` (``datamill ledger contract-add``,
  ``POST /ledger/contracts``) keeps it ``pending_record``, no order split off it, until a
  second person with a signing approval role (VP, CFO, president), not its recorder, signs its
  signing step (:func:`approve_contract`, step ``signing``): then it is ``signed`` (a
  rejection makes it ``rejected``). Before, the one person who recorded it made it signed at
  once, past the price and signing approvals and the separation of duties of §6.1.
* A licence's contract (kind ``licence``, issued with the catalog licence) follows the
  licence: it is cancelled only by the licence's revocation (:func:`cancel_licence_contract`,
  ``datamill catalog licence-revoke``) and changed only by a renewal (a new licence and
  contract), never through this chain (reason ``licence_contract_catalog``): a contract
  cancelled here left its licence live, its links and downloads working, and the licence no
  longer revocable. The ledger makes no such contract either
  (:func:`~datamill.ledger.orders.refuse_licence_contract_terms`).
* A cancellation is refused once the contract has revenue recognised, an acceptance, an
  invoice or a receipt on any of its orders (reason ``contract_booked``): that work was
  delivered and billed, and a cancellation would leave revenue and a receivable on a contract
  shown as cancelled; settle it instead (or amend what is left). A contract whose orders carry
  only cost (the failed trial of domain §6.6) is cancelled: the WIP of every unfinished
  order's project is written off in full (Dr contract write-off loss / Cr WIP), any impairment
  provision released, the orders cancelled and the projects' accounts closed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.iso import check_minor_units
from datamill.core.money import parse_money, to_cents
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.ledger._balances import WIP_TYPES, wip_balance
from datamill.ledger._periods import require_open_period
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.budgets import approval_role_of, refuse_conflicted_approver
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerApproval,
    LedgerContract,
    LedgerContractChange,
    LedgerCost,
    LedgerCustomer,
    LedgerInvoice,
    LedgerOrder,
    LedgerProject,
    LedgerReceipt,
    LedgerRecognition,
)
from datamill.ledger.orders import check_signed_on, create_contract
from datamill.ledger.recognition import _release_provision
from datamill.ledger.schemas import ContractOut, OrderOut
from datamill.production.projects import close_project_accounts

__all__ = [
    "MAX_REASON",
    "PRICE_ROLES",
    "SIGNING_ROLES",
    "BookedOut",
    "ContractDetailOut",
    "amend_contract",
    "approve_contract",
    "booked_on_contract",
    "cancel_contract",
    "cancel_licence_contract",
    "contract_detail",
    "contract_row",
    "draft_contract",
    "list_contracts",
    "orders_total",
    "record_signed_contract",
    "sign_contract",
]

#: who may confirm the price is reasonable, and who may approve the signing.
PRICE_ROLES = ("finance_reviewer", "finance_manager", "finance_head", "cfo")
SIGNING_ROLES = ("vp", "cfo", "president")
#: the longest reason an approval, an amendment or a cancellation takes, in characters (the
#: API's limit, checked here for the CLI and the library too)
MAX_REASON = 4000
_STEPS = {"price": (1, "draft", "price_approved", PRICE_ROLES),
          "signing": (2, "price_approved", "signing_approved", SIGNING_ROLES)}
#: an amendment's change row: requested (pending), then applied (``amendment``) or rejected
#: a decision as its audit action ends (``price_rejected``; until h2 a rejection was written
#: ``price_rejectd``, which the words tables still read)
_DONE = {"approve": "approved", "reject": "rejected"}
PENDING, APPLIED, REJECTED = "amend_pending", "amendment", "amend_rejected"
#: a cancellation's change row: requested (pending), then applied (``cancellation``) or rejected
CANCEL_PENDING, CANCELLED, CANCEL_REJECTED = "cancel_pending", "cancellation", "cancel_rejected"
#: a request's status as the reads show it, by its row's kind
_REQUEST_STATUS = {PENDING: "pending", REJECTED: "rejected", CANCEL_PENDING: "pending",
                   CANCEL_REJECTED: "rejected"}
#: the approvals of an amendment request (subject id: its change row)
CHANGE_SUBJECT = "contract_change"


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
    #: ``effective`` (applied), ``pending`` (awaits its approvals) or ``rejected``
    status: str = "effective"
    #: the amendment's own price and signing approvals (requests only)
    approvals: list[ContractApprovalOut] = []


class BookedOut(BaseModel):
    """What is booked on a contract's orders, in the contract currency (excl. VAT): the floor
    of its amount. ``floor`` is the largest; ``floor_kind`` names it."""

    ordered: Decimal
    recognised: Decimal
    invoiced: Decimal
    received: Decimal
    accepted_orders: int
    floor: Decimal
    floor_kind: str


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
    #: amendment requests: the pending one (awaiting its price and signing approvals) and the
    #: rejected ones; ``changes`` lists only what took effect
    amendment_requests: list[ContractChangeOut] = []
    #: the amount a pending amendment asks for (None: none pending)
    pending_amount: Decimal | None = None
    #: cancellation requests: the pending one (awaiting its price and signing approvals) and
    #: the rejected ones; an applied cancellation is in ``changes``
    cancellation_requests: list[ContractChangeOut] = []
    #: the date a pending cancellation request cancels the contract on (None: none pending)
    pending_cancellation: date | None = None
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


#: a contract signed outside datamill, recorded by one person, awaiting a second's confirmation
RECORD_PENDING = "pending_record"


def record_signed_contract(
    session: Session, number: str, *, customer_id: int, signed_on: date, kind: str = "custom",
    currency: str = "CNY", amount: Decimal | str | None = None, actor_id: int | None = None,
) -> ContractOut:
    """Record a contract signed outside datamill on ``signed_on``: ``pending_record`` until a
    second person with a signing approval role confirms it (see the module docstring)."""
    out = create_contract(session, number, customer_id=customer_id, kind=kind,
                          currency=currency, signed_on=signed_on, amount=amount,
                          actor_id=actor_id)
    row = contract_row(session, out.id)
    row.status, row.drafted_by = RECORD_PENDING, actor_id
    session.flush()
    return ContractOut.model_validate(row)


def _confirm_record(
    session: Session, row: LedgerContract, approver_id: int, step: str, decision: str,
    reason: str,
) -> ContractOut:
    """The second person's confirmation of a contract recorded as signed outside datamill."""
    if step != "signing":
        raise Conflict(f"contract {row.number} was recorded as signed outside datamill: a "
                       "second person with a signing approval role confirms it (step "
                       "signing), not the price step", contract_id=row.id,
                       reason_code="contract_record_step", number=row.number)
    label = f"contract {row.number}"
    refuse_conflicted_approver(session, "contract", row.id, approver_id,
                               {row.drafted_by: "recorded"}, label=label)
    role = _require_role(session, approver_id, step)
    session.add(LedgerApproval(subject_type="contract", subject_id=row.id, level=_STEPS[step][0],
                               approval_role=role, approver_id=approver_id, decision=decision,
                               reason=reason))
    row.status = "signed" if decision == "approve" else "rejected"
    session.flush()
    record_audit(session, actor_id=approver_id, action=f"ledger.contract.record_{_DONE[decision]}",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "role": role, "reason": reason,
                       "signed_on": row.signed_on.isoformat() if row.signed_on else None})
    return _contract_out(session, row)


def _pending_change(session: Session, contract_id: int) -> LedgerContractChange | None:
    """The contract's request awaiting its approvals: an amendment or a cancellation."""
    return session.scalars(select(LedgerContractChange).where(
        LedgerContractChange.contract_id == contract_id,
        LedgerContractChange.kind.in_((PENDING, CANCEL_PENDING)))
        .order_by(LedgerContractChange.id)).first()


def _refuse_pending(row: LedgerContract, pending: LedgerContractChange | None) -> None:
    """One request at a time: decide the pending amendment or cancellation first."""
    if pending is None:
        return
    if pending.kind == CANCEL_PENDING:
        raise Conflict(f"contract {row.number} has a cancellation (on {pending.changed_on}) "
                       "awaiting its approvals: decide it first", contract_id=row.id,
                       reason_code="cancellation_pending", number=row.number,
                       on=pending.changed_on.isoformat())
    raise Conflict(f"contract {row.number} already has an amendment to {pending.new_amount} "
                   "awaiting its approvals: decide it first", contract_id=row.id,
                   reason_code="amendment_pending", number=row.number,
                   amount=str(pending.new_amount))


def _refuse_licence_contract(row: LedgerContract, what: str) -> None:
    """A licence's contract follows its licence (see the module docstring): ``what`` (its
    cancellation, amendment or approval) is refused here (``licence_contract_catalog``)."""
    if row.kind != "licence":
        return
    raise Conflict(f"contract {row.number} is a catalog licence's contract: {what} goes "
                   "through the licence, not the ledger; revoke the licence (datamill catalog "
                   "licence-revoke) to cancel it, renew it (datamill catalog licence-renew) "
                   "for new terms", contract_id=row.id, reason_code="licence_contract_catalog",
                   number=row.number)


def _check_decision(step: str, decision: str, reason: str) -> None:
    check_note(reason, "reason", most=MAX_REASON)
    if step not in _STEPS:
        raise InvalidInput(f"unknown approval step {step!r}; available: price, signing",
                           field="step",
                           reason_code="approval_step_unknown", step=str(step))
    if decision not in ("approve", "reject"):
        raise InvalidInput("decision must be approve or reject", field="decision",
                           reason_code="decision_approve_reject")
    if decision == "reject" and not reason:
        raise InvalidInput("a rejection needs its reason", field="reason",
                           reason_code="rejection_needs_reason")


def _require_role(session: Session, approver_id: int, step: str) -> str:
    roles = _STEPS[step][3]
    role = approval_role_of(session, approver_id)
    if role not in roles:
        raise Forbidden(f"the {step} approval is signed by {', '.join(roles)}; this user's "
                        f"ledger approval role is {role or 'none'}", reason_code="approval_role",
                        step=step, roles=list(roles), role=role or "none")
    return role


def approve_contract(
    session: Session, contract_id: int, approver_id: int, step: str, *,
    decision: str = "approve", reason: str = "",
) -> ContractOut:
    """Sign one approval step (``price`` then ``signing``) as ``approver_id``: of the drafted
    contract, or, on a signed contract, of its pending amendment (see the module docstring)."""
    _check_decision(step, decision, reason)
    level, before, after, _ = _STEPS[step]
    row = contract_row(session, contract_id, lock=True)
    if row.status == "signed" and (change := _pending_change(session, row.id)) is not None:
        return _approve_request(session, row, change, approver_id, step, decision, reason)
    if decision == "approve":  # a licence's contract is never approved into being here
        _refuse_licence_contract(row, "its approval")
    if row.status == RECORD_PENDING:
        return _confirm_record(session, row, approver_id, step, decision, reason)
    if row.status != before:
        raise Conflict(f"contract {row.number} is {row.status}: the {step} approval needs a "
                       f"{before} contract (draft → price → signing → signed), or a signed "
                       "one with an amendment or a cancellation pending",
                       contract_id=contract_id,
                       reason_code="contract_step_state", number=str(row.number),
                       row_status=str(row.status), step=str(step), before=str(before))
    label = f"contract {row.number}"
    refuse_conflicted_approver(session, "contract", row.id, approver_id,
                               {row.drafted_by: "drafted"}, label=label)
    role = _require_role(session, approver_id, step)
    session.add(LedgerApproval(subject_type="contract", subject_id=row.id, level=level,
                               approval_role=role, approver_id=approver_id, decision=decision,
                               reason=reason))
    row.status = after if decision == "approve" else "rejected"
    session.flush()
    record_audit(session, actor_id=approver_id, action=f"ledger.contract.{step}_{_DONE[decision]}",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "role": role, "reason": reason})
    return _contract_out(session, row)


def _request_step(row: LedgerContract, change: LedgerContractChange, signed: int,
                  step: str) -> None:
    """The request's chain goes price → signing: refuse the step out of turn."""
    level, next_step = _STEPS[step][0], "price" if signed == 0 else "signing"
    if signed + 1 == level:
        return
    if change.kind == CANCEL_PENDING:
        raise Conflict(f"the cancellation of contract {row.number} awaits its {next_step} "
                       f"approval, not the {step} one (price → signing)", contract_id=row.id,
                       reason_code="cancellation_step", number=row.number, step=step,
                       next_step=next_step)
    raise Conflict(f"the amendment of contract {row.number} to {change.new_amount} awaits "
                   f"its {next_step} approval, not the {step} one (price → signing)",
                   contract_id=row.id, reason_code="amendment_step", number=row.number,
                   amount=str(change.new_amount), step=step, next_step=next_step)


def _approve_request(  # noqa: PLR0913 - the contract, its request and the decision
    session: Session, row: LedgerContract, change: LedgerContractChange, approver_id: int,
    step: str, decision: str, reason: str,
) -> ContractOut:
    """Sign one step of the pending amendment or cancellation request ``change``."""
    level = _STEPS[step][0]
    cancelling = change.kind == CANCEL_PENDING
    if decision == "approve":  # a request made before licence contracts were refused here:
        # rejected, never applied (the licence's revocation applies a cancellation's)
        _refuse_licence_contract(row, f"its {'cancellation' if cancelling else 'amendment'}")
    signed = int(session.scalar(select(func.count()).select_from(LedgerApproval).where(
        LedgerApproval.subject_type == CHANGE_SUBJECT,
        LedgerApproval.subject_id == change.id)) or 0)
    _request_step(row, change, signed, step)
    label = f"the {'cancellation' if cancelling else 'amendment'} of contract {row.number}"
    refuse_conflicted_approver(session, CHANGE_SUBJECT, change.id, approver_id,
                               {change.actor_id: "requested"}, label=label)
    role = _require_role(session, approver_id, step)
    applies = decision == "approve" and step == "signing"
    if applies and cancelling:  # everything the request was checked for, checked again now
        _refuse_cancellation(session, row, change.changed_on)
    elif applies:
        assert change.new_amount is not None
        _refuse_below_booked(session, row, change.new_amount)
    session.add(LedgerApproval(subject_type=CHANGE_SUBJECT, subject_id=change.id, level=level,
                               approval_role=role, approver_id=approver_id, decision=decision,
                               reason=reason))
    kind = "cancellation" if cancelling else "amendment"
    action = f"ledger.contract.{kind}_{step}_{_DONE[decision]}"
    if decision == "reject":
        change.kind = CANCEL_REJECTED if cancelling else REJECTED
    elif applies and cancelling:
        session.flush()
        _cancel_now(session, row, change, actor_id=approver_id)
        return _contract_out(session, row)
    elif applies:
        change.kind, change.old_amount, row.amount = APPLIED, row.amount, change.new_amount
        action = "ledger.contract.amended"
    session.flush()
    record_audit(session, actor_id=approver_id, action=action,
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "role": role, "reason": reason, "step": step,
                       "change_id": change.id, "old_amount": str(change.old_amount),
                       "new_amount": str(change.new_amount), "request": change.reason,
                       **({"on": change.changed_on.isoformat()} if cancelling else {})})
    return _contract_out(session, row)


def _contract_out(session: Session, row: LedgerContract) -> ContractOut:
    pending = _pending_change(session, row.id)
    out = ContractOut.model_validate(row)
    if pending is None:
        return out
    if pending.kind == CANCEL_PENDING:
        return out.model_copy(update={"pending_cancellation": pending.changed_on})
    return out.model_copy(update={"pending_amount": pending.new_amount})


def sign_contract(
    session: Session, contract_id: int, signed_on: date, *, actor_id: int | None = None
) -> ContractOut:
    """Record the signature of a contract whose price and signing were approved."""
    row = contract_row(session, contract_id, lock=True)
    if row.status != "signing_approved":
        raise Conflict(f"contract {row.number} is {row.status}: it is signed after its price "
                       "and signing approvals", contract_id=contract_id,
                       reason_code="contract_sign_state", number=str(row.number),
                       row_status=str(row.status))
    check_signed_on(signed_on, row.number)
    row.status, row.signed_on = "signed", signed_on
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.contract.signed",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "signed_on": signed_on.isoformat()})
    return _contract_out(session, row)


def booked_on_contract(session: Session, contract_id: int) -> BookedOut:
    """What the contract's orders already hold (see :class:`BookedOut`)."""
    orders = session.scalars(select(LedgerOrder).where(
        LedgerOrder.contract_id == contract_id)).all()
    ids = [o.id for o in orders]

    def per_order(column: Any, order_col: Any) -> dict[int, Decimal]:
        rows = session.execute(select(order_col, func.sum(column)).where(
            order_col.in_(ids)).group_by(order_col)).tuples().all()
        return {int(k): Decimal(v or 0) for k, v in rows if k is not None}

    revenue = per_order(LedgerRecognition.revenue, LedgerRecognition.order_id)
    invoices = per_order(LedgerInvoice.amount, LedgerInvoice.order_id)
    receipts = per_order(LedgerReceipt.amount, LedgerReceipt.order_id)
    accepted = int(session.scalar(select(func.count(func.distinct(LedgerAcceptance.order_id)))
                                  .where(LedgerAcceptance.order_id.in_(ids))) or 0)
    recognised = invoiced = received = Decimal(0)
    for o in orders:
        fx = Decimal(o.fx_rate) or Decimal(1)
        recognised += revenue.get(o.id, Decimal(0)) / fx
        invoiced += invoices.get(o.id, Decimal(0)) / fx
        received += receipts.get(o.id, Decimal(0)) / (1 + Decimal(o.vat_rate)) / fx
    amounts = {"ordered": orders_total(session, contract_id), "recognised": to_cents(recognised),
               "invoiced": to_cents(invoiced), "received": to_cents(received)}
    kind = max(amounts, key=lambda k: amounts[k])
    return BookedOut(**amounts, accepted_orders=accepted, floor=amounts[kind], floor_kind=kind)


def _refuse_below_booked(session: Session, row: LedgerContract, amount: Decimal) -> None:
    booked = booked_on_contract(session, row.id)
    if amount <= 0 or amount < booked.floor:
        raise Conflict(f"contract {row.number} cannot be amended to {amount} {row.currency}: "
                       f"{booked.floor} is already {booked.floor_kind} on it (ordered "
                       f"{booked.ordered}, recognised {booked.recognised}, invoiced "
                       f"{booked.invoiced}, received {booked.received} excl. VAT); a contract "
                       "is never below what is booked on it", contract_id=row.id,
                       reason_code="contract_below_booked", number=row.number,
                       amount=str(amount), currency=row.currency, floor=str(booked.floor),
                       floor_kind=booked.floor_kind, orders_total=str(booked.ordered))


def amend_contract(
    session: Session, contract_id: int, amount: Decimal | str, *, reason: str, on: date,
    actor_id: int | None = None,
) -> ContractOut:
    """Ask to change a signed contract's amount, with its reason (audited): the request is
    pending (``pending_amount``) until its price and signing approvals (see the module
    docstring); the contract keeps its approved amount meanwhile."""
    check_note(reason, "reason", most=MAX_REASON)
    if not reason.strip():
        raise InvalidInput("an amendment needs its reason", field="reason",
                           reason_code="amendment_reason_missing")
    row = contract_row(session, contract_id, lock=True)
    _refuse_licence_contract(row, "its amendment")
    if row.status != "signed":
        raise Conflict(f"contract {row.number} is {row.status}: only a signed contract is "
                       "amended", contract_id=contract_id,
                       reason_code="amend_not_signed", number=str(row.number),
                       row_status=str(row.status))
    new = parse_money(amount, "amount")
    if (why := check_minor_units(new, row.currency)) is not None:
        raise InvalidInput(why, field="amount", reason_code="minor_units", amount=f"{new.normalize():f}",
                           currency=row.currency.upper())
    _refuse_pending(row, _pending_change(session, row.id))
    if row.amount is not None and new == row.amount:
        raise InvalidInput(f"contract {row.number} is already {new} {row.currency}",
                           field="amount",
                           reason_code="contract_amount_same", number=str(row.number),
                           new=str(new), currency=str(row.currency))
    _refuse_below_booked(session, row, new)
    old = row.amount
    change = LedgerContractChange(contract_id=row.id, kind=PENDING, changed_on=on,
                                  old_amount=old, new_amount=new, reason=reason,
                                  actor_id=actor_id)
    session.add(change)
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.contract.amendment_requested",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "old_amount": None if old is None else str(old),
                       "new_amount": str(new), "reason": reason, "on": on.isoformat(),
                       "change_id": change.id})
    return _contract_out(session, row)


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


def _refuse_cancellation(session: Session, row: LedgerContract, on: date) -> None:
    """What a cancellation dated ``on`` is checked for, when it is asked and when it applies:
    an open period, nothing booked (``contract_booked``), no cost pending or dated later."""
    # the write-off and the projects' close are dated ``on``: never into a closed month
    require_open_period(session, on, f"the cancellation of contract {row.number}")
    booked = booked_on_contract(session, row.id)
    if booked.recognised or booked.invoiced or booked.received or booked.accepted_orders:
        raise Conflict(f"contract {row.number} cannot be cancelled: its orders hold revenue "
                       f"{booked.recognised}, invoices {booked.invoiced}, receipts "
                       f"{booked.received} (excl. VAT) and {booked.accepted_orders} accepted "
                       "order(s); delivered and billed work is settled, not cancelled",
                       contract_id=row.id, reason_code="contract_booked",
                       number=row.number, recognised=str(booked.recognised),
                       invoiced=str(booked.invoiced), received=str(booked.received),
                       accepted_orders=booked.accepted_orders)
    project_ids = session.scalars(select(LedgerProject.id).where(
        LedgerProject.order_id.in_([o.id for o in _live_orders(session, row)]),
        LedgerProject.status != "closed")).all()
    blocking = session.scalars(select(LedgerCost.id).where(
        LedgerCost.project_id.in_(project_ids),
        (LedgerCost.status == "pending_approval") | (LedgerCost.incurred_on > on))).all()
    if blocking:
        raise Conflict(f"costs {list(blocking)} await approval or are dated after {on}: decide "
                       "or correct them before the cancellation", contract_id=row.id,
                       reason_code="cancel_costs_pending", value=str(list(blocking)), on=str(on))


def _live_orders(session: Session, row: LedgerContract) -> list[LedgerOrder]:
    return list(session.scalars(select(LedgerOrder).where(
        LedgerOrder.contract_id == row.id, LedgerOrder.status.not_in(("closed", "cancelled")))
        .order_by(LedgerOrder.id)))


def _refuse_ended(row: LedgerContract) -> None:
    if row.status in ("cancelled", "rejected"):
        raise Conflict(f"contract {row.number} is already {row.status}", contract_id=row.id,
                       reason_code="contract_already_state", number=str(row.number),
                       row_status=str(row.status))


def _cancel_now(
    session: Session, row: LedgerContract, change: LedgerContractChange, *,
    actor_id: int | None,
) -> None:
    """Apply the cancellation ``change`` (checked by :func:`_refuse_cancellation`): write off
    the unfinished orders' WIP, cancel the orders and the contract, audited."""
    on = change.changed_on
    written = {o.number: str(_write_off(session, o, on, actor_id))
               for o in _live_orders(session, row)}
    change.kind, change.old_amount, change.new_amount = CANCELLED, row.amount, None
    row.status = "cancelled"
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.contract.cancelled",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "reason": change.reason, "on": on.isoformat(),
                       "requested_by": change.actor_id, "change_id": change.id,
                       "written_off": written})


def cancel_contract(
    session: Session, contract_id: int, *, on: date, reason: str, actor_id: int | None = None
) -> ContractOut:
    """Cancel a contract on ``on`` with its reason (see the module docstring): a signed one is
    asked for (``pending_cancellation``) and cancelled by its signing approval, its unfinished
    projects' WIP written off in full; one never signed is cancelled at once."""
    check_note(reason, "reason", most=MAX_REASON)
    if not reason.strip():
        raise InvalidInput("a cancellation needs its reason", field="reason",
                           reason_code="cancellation_reason_missing")
    row = contract_row(session, contract_id, lock=True)
    _refuse_licence_contract(row, "its cancellation")
    _refuse_ended(row)
    _refuse_pending(row, _pending_change(session, row.id))
    _refuse_cancellation(session, row, on)
    signed = row.status == "signed"
    change = LedgerContractChange(contract_id=row.id, kind=CANCEL_PENDING, changed_on=on,
                                  old_amount=row.amount, new_amount=None, reason=reason,
                                  actor_id=actor_id)
    session.add(change)
    session.flush()
    if not signed:  # a draft, or approved and never signed: no order is split off it
        _cancel_now(session, row, change, actor_id=actor_id)
        return _contract_out(session, row)
    record_audit(session, actor_id=actor_id, action="ledger.contract.cancellation_requested",
                 object_type="ledger_contract", object_id=row.id,
                 data={"number": row.number, "reason": reason, "on": on.isoformat(),
                       "change_id": change.id})
    return _contract_out(session, row)


def cancel_licence_contract(
    session: Session, contract_id: int, *, on: date, reason: str, actor_id: int | None = None
) -> ContractOut:
    """Cancel the contract of a licence revoked before its acceptance, at once: the catalog's
    revocation (a sales right, audited) is the decision, and the contract (``kind`` licence)
    was issued with the licence, not through the contract chain. Any other contract is
    refused (:func:`cancel_contract` asks for its cancellation). A cancellation request
    pending on it (asked in the ledger before that was refused) is the one applied; a pending
    amendment is rejected with it (a licence's terms change by renewal)."""
    row = contract_row(session, contract_id, lock=True)
    if row.kind != "licence":
        raise Conflict(f"contract {row.number} is a {row.kind} contract: its cancellation goes "
                       "through its price and signing approvals", contract_id=row.id,
                       reason_code="contract_cancel_kind", number=str(row.number),
                       row_kind=str(row.kind))
    _refuse_ended(row)
    pending = _pending_change(session, row.id)
    if pending is not None and pending.kind != CANCEL_PENDING:
        pending.kind, pending = REJECTED, None
    _refuse_cancellation(session, row, on)
    if pending is None:
        pending = LedgerContractChange(contract_id=row.id, kind=CANCEL_PENDING, actor_id=actor_id)
        session.add(pending)
    pending.changed_on, pending.reason = on, reason
    session.flush()
    _cancel_now(session, row, pending, actor_id=actor_id)
    return _contract_out(session, row)


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

    def approvals_of(subject_type: str, subject_id: int) -> list[ContractApprovalOut]:
        return [ContractApprovalOut(step="price" if a.level == 1 else "signing",
                                    approval_role=a.approval_role,
                                    approver=names.get(a.approver_id, "?"),
                                    decision=a.decision, reason=a.reason)
                for a in session.scalars(select(LedgerApproval).where(
                    LedgerApproval.subject_type == subject_type,
                    LedgerApproval.subject_id == subject_id).order_by(LedgerApproval.level))]

    changes: list[ContractChangeOut] = []
    requests: list[ContractChangeOut] = []
    cancels: list[ContractChangeOut] = []
    for c in session.scalars(select(LedgerContractChange).where(
            LedgerContractChange.contract_id == row.id).order_by(LedgerContractChange.id)):
        cancelling = c.kind in (CANCEL_PENDING, CANCEL_REJECTED)
        out = ContractChangeOut(
            kind=CANCELLED if cancelling else APPLIED if c.kind in (PENDING, REJECTED)
            else c.kind, changed_on=c.changed_on,
            old_amount=c.old_amount, new_amount=c.new_amount, reason=c.reason,
            actor=names.get(c.actor_id) if c.actor_id else None,
            status=_REQUEST_STATUS.get(c.kind, "effective"),
            approvals=approvals_of(CHANGE_SUBJECT, c.id))
        (cancels if cancelling else requests if c.kind in _REQUEST_STATUS
         else changes).append(out)
    approvals = approvals_of("contract", row.id)
    return ContractDetailOut(
        contract=_contract_out(session, row), customer=customer.name if customer else "?",
        orders=[OrderOut.model_validate(o) for o in orders],
        orders_total=split if len(orders) == len(every) else sum(
            (Decimal(o.amount) for o in orders), Decimal(0)),
        remainder=None if row.amount is None or len(orders) < len(every) else row.amount - split,
        approvals=approvals, changes=changes, amendment_requests=requests,
        pending_amount=next((c.new_amount for c in requests if c.status == "pending"), None),
        cancellation_requests=cancels,
        pending_cancellation=next((c.changed_on for c in cancels if c.status == "pending"), None),
        hidden_orders=len(every) - len(orders))


def list_contracts(session: Session) -> list[ContractOut]:
    """Every contract, newest first."""
    return [ContractOut.model_validate(r) for r in session.scalars(
        select(LedgerContract).order_by(LedgerContract.id.desc()))]
