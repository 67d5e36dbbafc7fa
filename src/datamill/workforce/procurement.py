"""Procurement controls (§5.2): the annual budget and purchase requests with their approvals.

* **Annual procurement budget** per year and department: collection quantity × price and
  labelling quantity × price listed separately; approved by the dept. manager, then Finance
  (``dept_manager`` → ``finance_reviewer``).
* **Purchase request** (业务采购申请单): one kind (collection or labelling), stage, modality,
  language group, quantity and unit price. Approved in **3 levels, strictly in order**:
  ``dept_manager`` → ``vp`` → ``procurement``. A request that takes its kind's committed
  spend for the year past the approved annual budget (or has no approved budget) is **over
  budget** and also needs the finance head: ``dept_manager`` → ``vp`` → ``finance_head`` →
  ``procurement`` (the VP in charge is already in the chain).
* **Price deviation:** the unit price is compared with the current price system
  (:func:`datamill.workforce.pricing.effective_price`); more than 10% off flags the request
  and needs a written reason. Without a given price the price system's is used.
* **Dated when raised:** a request is dated today, or up to :data:`BACKDATE_GRACE_DAYS` days
  earlier (a paper request typed in late); never in the future (``request_future``). Dated
  earlier still, it needs a written ``backdate_reason`` (``request_backdated``), is marked
  ``backdated`` for the people who sign it (none of them its raiser), and its price is checked
  against today's price system as well as the one of its date: the larger deviation counts, so
  a request dated into an older half-year whose price was higher is flagged all the same.
* **Similar requests may be combined** before anyone signed them: same year, department, kind,
  stage, modality, language group, unit and unit price; the originals become ``combined``.

Approval roles: ``dept_manager``, ``vp``, ``finance_reviewer`` and ``finance_head`` are the
ledger's approval roles (read from ``ledger_approvers``, never written here); ``procurement`` is
a workforce role held in ``wf_procurement_approvers``. Nobody signs their own request. Every
step is audited.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.compliance.approvers import approval_role_of
from datamill.compliance.audit import record_audit
from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.models import User
from datamill.compliance.roles import Role
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.money import to_cents
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, lock_or_raise, not_found
from datamill.db.session import append_lock
from datamill.workforce.models import PriceEntry, Vendor
from datamill.workforce.policies import require_business, require_procurement_reader
from datamill.workforce.pricing import DEVIATION_LIMIT, effective_price, half_year_of
from datamill.workforce.procurement_models import (
    ProcurementApproval,
    ProcurementApprover,
    ProcurementBudget,
    PurchaseOrder,
    PurchaseRequest,
)
from datamill.workforce.procurement_schemas import (
    ApprovalOut,
    ProcurementBudgetOut,
    PurchaseRequestOut,
)
from datamill.workforce.vendors import to_decimal

__all__ = [
    "BACKDATE_GRACE_DAYS",
    "BUDGET_CHAIN",
    "KINDS",
    "MAX_QUANTITY",
    "OVER_BUDGET_CHAIN",
    "REQUEST_CHAIN",
    "WORKFORCE_APPROVAL_ROLES",
    "approval_role",
    "charged_project",
    "combine_requests",
    "create_procurement_budget",
    "create_request",
    "decide_budget",
    "decide_request",
    "get_request",
    "list_budgets",
    "list_requests",
    "register_procurement_approver",
]

KINDS = ("collection", "labelling")
WORKFORCE_APPROVAL_ROLES = ("procurement",)
BUDGET_CHAIN = ("dept_manager", "finance_reviewer")
REQUEST_CHAIN = ("dept_manager", "vp", "procurement")
OVER_BUDGET_CHAIN = ("dept_manager", "vp", "finance_head", "procurement")
_Q4 = Decimal("0.0001")


#: days before today a request may be dated without a reason (paper requests typed in late)
BACKDATE_GRACE_DAYS = 7


#: the largest quantity or unit price accepted (amounts stay far inside a 64-bit fen count)
MAX_QUANTITY = Decimal("1000000000")


def _qty(value: object, field: str) -> Decimal:
    d = to_decimal(value, field)
    if not d.is_finite() or d <= 0 or d > MAX_QUANTITY or d != d.quantize(_Q4):
        raise InvalidInput(f"{field} {d} must be positive, at most {MAX_QUANTITY:,} and have at "
                           "most 4 decimals", field=field,
                           reason_code="quantity_range", d=str(d), MAX_QUANTITY=f"{MAX_QUANTITY:,}")
    return d


#: the largest amount one budget line or request may come to
MAX_AMOUNT = Decimal("1000000000000")


def _amount(qty: Decimal, price: Decimal, field: str) -> Decimal:
    amount = to_cents(qty * price)
    if amount > MAX_AMOUNT:
        raise InvalidInput(f"{field} comes to {amount:,}, beyond the {MAX_AMOUNT:,} one line "
                           "may hold; check the quantity and the price", field=field,
                           reason_code="line_amount_too_large", amount=f"{amount:,}",
                           MAX_AMOUNT=f"{MAX_AMOUNT:,}")
    return amount


def _text(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise InvalidInput(f"{field} must be 1 to {limit} characters", field=field,
                           reason_code="text_length", limit=limit)
    return value




def approval_role(session: Session, user: User) -> str | None:
    """The user's procurement approval role: a workforce role, else their ledger role."""
    own = session.scalar(
        select(ProcurementApprover.approval_role).where(ProcurementApprover.user_id == user.id)
    )
    return own or approval_role_of(session, user.id)


def register_procurement_approver(
    session: Session, actor: User, user_id: int, role: str = "procurement"
) -> None:
    """Give a user the workforce ``procurement`` approval role (admins only)."""
    if actor.role != Role.ADMIN:
        raise Forbidden(f"only an admin may register approvers; {actor.username!r} is not one",
                        reason_code="approver_admin_only", username=str(actor.username))
    if role not in WORKFORCE_APPROVAL_ROLES:
        raise InvalidInput(
            f"unknown procurement role {role!r}; use one of {', '.join(WORKFORCE_APPROVAL_ROLES)}"
            " (dept_manager, vp, finance roles are ledger approval roles)",
            field="role",
            reason_code="procurement_role_unknown", role=str(role),
            value=', '.join(WORKFORCE_APPROVAL_ROLES),
        )
    get_or_raise(session, User, user_id, "user")
    row = session.scalar(select(ProcurementApprover).where(ProcurementApprover.user_id == user_id))
    if row is None:
        session.add(ProcurementApprover(user_id=user_id, approval_role=role))
    else:
        row.approval_role = role
    session.flush()
    record_audit(session, actor_id=actor.id, action="procurement.approver.registered",
                 object_type="user", object_id=user_id, data={"approval_role": role})


def _approvals(session: Session, subject_type: str, subject_id: int) -> list[ProcurementApproval]:
    return list(session.scalars(
        select(ProcurementApproval).where(
            ProcurementApproval.subject_type == subject_type,
            ProcurementApproval.subject_id == subject_id,
        ).order_by(ProcurementApproval.level)
    ))


def _sign(
    session: Session, actor: User, subject_type: str, subject_id: int, label: str,
    chain: tuple[str, ...] | list[str], decision: str, reason: str,
    requester_id: int | set[int] | None,
) -> tuple[int, bool]:
    """Record the next level's decision; (level, chain complete). Strictly in order, by role;
    never by a requester (``requester_id``: one person, or everyone who raised a part of it)."""
    if decision not in ("approve", "reject"):
        raise InvalidInput(f"decision must be approve or reject, not {decision!r}",
                           field="decision",
                           reason_code="decision_form", decision=str(decision))
    done = [a for a in _approvals(session, subject_type, subject_id) if a.decision == "approve"]
    level = len(done) + 1
    needed = chain[level - 1]
    role = approval_role(session, actor)
    if role != needed:
        raise Forbidden(
            f"{label} awaits level {level} of {len(chain)} ({needed}); {actor.username!r} is "
            f"{role or 'no procurement approver'}: the levels are "
            f"{' → '.join(chain)}, signed in that order, each by its role",
            level=level, needed_role=needed,
            reason_code="procurement_approval_order", label=str(label), value=str(len(chain)),
            username=str(actor.username), value_2=str(role or 'no procurement approver'),
            value_3=' → '.join(chain),
        )
    raised = requester_id if isinstance(requester_id, set) else {requester_id}
    if actor.id in raised:
        raise Forbidden(f"{actor.username!r} raised {label} (or a request combined into it) "
                        "and may not approve it",
                        reason_code="own_request_approval", username=str(actor.username),
                        label=str(label))
    if decision == "reject" and not reason.strip():
        raise InvalidInput("a rejection needs a reason", field="reason",
                           reason_code="rejection_reason_missing")
    check_note(reason, "reason", most=2000)  # the requester and the next signers read it
    session.add(ProcurementApproval(
        subject_type=subject_type, subject_id=subject_id, level=level, approval_role=role,
        approver_id=actor.id, decision=decision, reason=reason.strip(),
    ))
    session.flush()
    return level, decision == "approve" and level == len(chain)


def _next_role(session: Session, subject_type: str, row_id: int, chain: list[str]) -> str | None:
    done = sum(1 for a in _approvals(session, subject_type, row_id) if a.decision == "approve")
    return chain[done] if done < len(chain) else None


# -- annual budget -------------------------------------------------------------------------


def _budget_out(session: Session, b: ProcurementBudget) -> ProcurementBudgetOut:
    out = ProcurementBudgetOut.model_validate(b)
    out.chain = list(BUDGET_CHAIN)
    out.approvals = [ApprovalOut.model_validate(a) for a in _approvals(session, "budget", b.id)]
    out.next_role = (
        _next_role(session, "budget", b.id, list(BUDGET_CHAIN)) if b.status == "submitted"
        else None
    )
    return out


def create_procurement_budget(
    session: Session, actor: User, *, year: int, department: str,
    collection_quantity: object, collection_price: object,
    labelling_quantity: object, labelling_price: object,
) -> ProcurementBudgetOut:
    """Submit a department's annual budget: collection and labelling lines kept apart."""
    require_business(actor, "draw up the annual procurement budget")
    department = _text(department, "department", 64)
    if session.scalar(select(ProcurementBudget.id).where(
            ProcurementBudget.year == year, ProcurementBudget.department == department)):
        raise Conflict(f"{department} already has a {year} procurement budget",
                       reason_code="procurement_budget_exists", department=str(department),
                       year=year)
    cq, cp = _qty(collection_quantity, "collection_quantity"), _qty(collection_price,
                                                                      "collection_price")
    lq, lp = _qty(labelling_quantity, "labelling_quantity"), _qty(labelling_price,
                                                                   "labelling_price")
    b = ProcurementBudget(
        year=year, department=department, collection_quantity=cq, collection_price=cp,
        collection_amount=_amount(cq, cp, "collection_quantity"), labelling_quantity=lq, labelling_price=lp,
        labelling_amount=_amount(lq, lp, "labelling_quantity"), status="submitted", created_by=actor.id,
    )
    session.add(b)
    session.flush()
    record_audit(session, actor_id=actor.id, action="procurement.budget.submitted",
                 object_type="procurement_budget", object_id=b.id,
                 data={"year": year, "department": department,
                       "collection": str(b.collection_amount),
                       "labelling": str(b.labelling_amount)})
    return _budget_out(session, b)


def decide_budget(
    session: Session, actor: User, budget_id: int, decision: str = "approve", reason: str = ""
) -> ProcurementBudgetOut:
    """Dept. manager, then Finance (finance_reviewer) sign; a rejection ends it."""
    _require_approver(session, actor, "procurement budgets")
    b = lock_or_raise(session, ProcurementBudget, budget_id, "procurement budget")
    if b.status != "submitted":
        raise Conflict(f"procurement budget {budget_id} is {b.status}; nothing to sign",
                       reason_code="procurement_budget_state", budget_id=budget_id,
                       b_status=str(b.status))
    level, complete = _sign(session, actor, "budget", b.id,
                            f"the {b.year} budget of {b.department}", BUDGET_CHAIN, decision,
                            reason, None)
    if decision == "reject":
        b.status, b.decided_at = "rejected", utcnow()
    elif complete:
        b.status, b.decided_at = "approved", utcnow()
    session.flush()
    record_audit(session, actor_id=actor.id, action=f"procurement.budget.{decision}",
                 object_type="procurement_budget", object_id=b.id,
                 data={"level": level, "status": b.status, "reason": reason})
    return _budget_out(session, b)


def list_budgets(session: Session, actor: User, year: int | None = None
                 ) -> list[ProcurementBudgetOut]:
    _require_reader(session, actor)
    q = select(ProcurementBudget).order_by(ProcurementBudget.year, ProcurementBudget.department)
    if year is not None:
        q = q.where(ProcurementBudget.year == year)
    return [_budget_out(session, b) for b in session.scalars(q)]


def _require_approver(session: Session, actor: User, what: str) -> None:
    """Forbidden (``procurement_approver_only``) to anyone who signs no procurement level,
    before the budget or request is read: its state, year, department or number are not told
    to an annotator who posts a decision."""
    if approval_role(session, actor) is None:
        raise Forbidden(f"{actor.username!r} is no procurement approver: only the approvers "
                        f"of a chain's levels decide {what}",
                        reason_code="procurement_approver_only",
                        username=str(actor.username), what=what)


def _require_reader(session: Session, actor: User) -> None:
    if approval_role(session, actor) is None:
        require_procurement_reader(session, actor, "read procurement")


# -- purchase requests ---------------------------------------------------------------------


def _committed(session: Session, year: int, department: str, kind: str) -> Decimal:
    return Decimal(session.scalar(
        select(func.coalesce(func.sum(PurchaseRequest.amount), 0)).where(
            PurchaseRequest.year == year, PurchaseRequest.department == department,
            PurchaseRequest.kind == kind,
            PurchaseRequest.status.in_(("submitted", "approved")),
        )
    ) or 0)


def budget_room(session: Session, year: int, department: str, kind: str) -> Decimal | None:
    """What the approved annual budget of ``kind`` still allows (None: no approved budget)."""
    b = session.scalar(select(ProcurementBudget).where(
        ProcurementBudget.year == year, ProcurementBudget.department == department,
        ProcurementBudget.status == "approved"))
    if b is None:
        return None
    cap = b.collection_amount if kind == "collection" else b.labelling_amount
    return cap - _committed(session, year, department, kind)


def _request_out(session: Session, r: PurchaseRequest) -> PurchaseRequestOut:
    out = PurchaseRequestOut.model_validate(r)
    out.approvals = [ApprovalOut.model_validate(a) for a in _approvals(session, "request", r.id)]
    out.next_role = (
        _next_role(session, "request", r.id, list(r.chain)) if r.status == "submitted" else None
    )
    out.ordered_quantity = Decimal(session.scalar(
        select(func.coalesce(func.sum(PurchaseOrder.quantity), 0))
        .where(PurchaseOrder.request_id == r.id)) or 0)
    return out


#: the advisory lock (PostgreSQL) that serialises new purchase requests: their number is the
#: year's count + 1 and their budget check reads what the others committed
_REQUEST_LOCK = 0x64_6D_70_72  # "dmpr"


def _number(session: Session, year: int) -> str:
    """The year's next request number; call with the request lock held (``append_lock``)."""
    n = int(session.scalar(select(func.count()).select_from(PurchaseRequest)
                           .where(PurchaseRequest.year == year)) or 0) + 1
    return f"PR-{year}-{n:05d}"


def charged_project(session: Session, actor: User, project_id: int) -> None:
    """Check the project a purchase is charged to: the business buys for any project, member
    or not, but one classified above ``actor`` answers as a project never created (no list
    may name it to them: :func:`~datamill.compliance.classification.hidden_project_ids`)."""
    from datamill.production.models import Project

    get_or_raise(session, Project, project_id, "project")
    if project_id in hidden_project_ids(session, actor):
        raise not_found("project", project_id)


def _request_day(on: date | None, backdate_reason: str | None) -> tuple[date, str | None]:
    """The request's date and, when it is back-dated past the grace, its required reason."""
    today = business_today()
    on = on or today
    if on > today:
        raise InvalidInput(
            f"a purchase request is dated today ({today}) or earlier, not {on}: it asks for "
            "work being bought now", field="on", reason_code="request_future",
            on=on.isoformat(), today=today.isoformat())
    if (today - on).days <= BACKDATE_GRACE_DAYS:
        return on, None
    reason = (backdate_reason or "").strip()
    if not reason:
        raise InvalidInput(
            f"a purchase request dated {on} is {(today - on).days} days old (more than "
            f"{BACKDATE_GRACE_DAYS}): say why it is back-dated (backdate reason); the people who "
            "sign it see the reason, and its price is checked against today's price system too",
            field="backdate_reason", reason_code="request_backdated", on=on.isoformat(),
            days=(today - on).days, grace=BACKDATE_GRACE_DAYS)
    return on, reason


def _reference(
    session: Session, on: date, backdated: bool, vendor_id: int | None, stage: str,
    modality: str, language_group: str,
) -> list[PriceEntry]:
    """The price system's prices a request is measured against: the one in force on its date
    and, for a back-dated request, today's too (where today's half-year has one)."""
    ref = effective_price(session, on, vendor_id, stage, modality, language_group)
    if ref is None:
        raise InvalidInput(
            f"the price system has no {half_year_of(on)} price for {stage} × {modality} × "
            f"{language_group}; procurement sets one before requests are raised",
            field="unit_price",
            reason_code="procurement_price_missing", value=str(half_year_of(on)), stage=str(stage),
            modality=str(modality), language_group=str(language_group),
        )
    refs = [ref]
    if backdated:
        now = effective_price(session, business_today(), vendor_id, stage, modality,
                              language_group)
        if now is not None and now.half_year != ref.half_year:
            refs.append(now)
    return refs


def create_request(  # noqa: PLR0913 - the request's fields
    session: Session, actor: User, *, department: str, kind: str, stage: str, modality: str,
    language_group: str, unit: str, quantity: object, unit_price: object | None = None,
    on: date | None = None, project_id: int | None = None, vendor_id: int | None = None,
    deviation_reason: str | None = None, note: str = "", backdate_reason: str | None = None,
) -> PurchaseRequestOut:
    """Raise a purchase request; flags a price >10% off the price system (reason required)."""
    require_business(actor, "raise purchase requests")
    # what the signers read beside the price: no control or text-direction character (h6)
    for name, value in (("deviation_reason", deviation_reason), ("note", note),
                        ("backdate_reason", backdate_reason)):
        check_note(value, name, most=2000)
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}, not {kind!r}", field="kind",
                           reason_code="kind_unknown", value=', '.join(KINDS), kind=str(kind))
    department = _text(department, "department", 64)
    for name, value in (("stage", stage), ("modality", modality),
                        ("language_group", language_group), ("unit", unit)):
        _text(value, name, 32)
    if vendor_id is not None:
        get_or_raise(session, Vendor, vendor_id, "vendor")
    if project_id is not None:
        charged_project(session, actor, project_id)
    on, backdated = _request_day(on, backdate_reason)
    qty = _qty(quantity, "quantity")
    refs = _reference(session, on, backdated is not None, vendor_id, stage, modality,
                      language_group)
    if any(r.unit != unit for r in refs):
        raise InvalidInput(f"the price system counts {stage} in {refs[0].unit}, not {unit}",
                           field="unit",
                           reason_code="price_unit_mismatch", stage=str(stage),
                           unit=str(refs[0].unit), unit_2=str(unit))
    price = refs[0].unit_price if unit_price is None else _qty(unit_price, "unit_price")
    # the larger deviation counts: a back-dated request is measured against today's price too
    ref = max(refs, key=lambda r: abs(price - r.unit_price) / r.unit_price)
    deviation = ((price - ref.unit_price) / ref.unit_price).quantize(_Q4)
    flagged = abs(deviation) > DEVIATION_LIMIT
    reason = (deviation_reason or "").strip() or None
    if flagged and reason is None:
        raise InvalidInput(
            f"unit price {price} is {deviation:+.2%} off the price system's {ref.unit_price} "
            f"({ref.half_year}); more than 10% must be explained: give a deviation reason",
            field="deviation_reason", deviation=str(deviation),
            reason_code="request_price_deviation", price=str(price), deviation_2=f"{deviation:+.2%}",
            unit_price=str(ref.unit_price), half_year=str(ref.half_year),
        )
    amount = _amount(qty, price, "quantity")
    year = on.year
    append_lock(session, _REQUEST_LOCK)  # requests raised at once: one budget room, one number
    room = budget_room(session, year, department, kind)
    over = room is None or amount > room
    r = PurchaseRequest(
        number=_number(session, year), year=year, department=department, kind=kind,
        project_id=project_id, vendor_id=vendor_id, stage=stage, modality=modality,
        language_group=language_group, unit=unit, quantity=qty, unit_price=price, amount=amount,
        reference_price=ref.unit_price, deviation=deviation, flagged=flagged,
        deviation_reason=reason if flagged else None, over_budget=over,
        chain=list(OVER_BUDGET_CHAIN if over else REQUEST_CHAIN), status="submitted",
        note=note, created_by=actor.id, requested_on=on, backdate_reason=backdated,
    )
    session.add(r)
    session.flush()
    record_audit(session, actor_id=actor.id, action="procurement.request.submitted",
                 object_type="purchase_request", object_id=r.id, project_id=project_id,
                 data={"number": r.number, "amount": str(amount), "flagged": flagged,
                       "deviation": str(deviation), "reason": r.deviation_reason,
                       "requested_on": on.isoformat(), "backdate_reason": backdated,
                       "reference_half_year": ref.half_year,
                       "over_budget": over,
                       "budget_room": None if room is None else str(room)})
    return _request_out(session, r)


def _request(session: Session, request_id: int) -> PurchaseRequest:
    r = get_or_raise(session, PurchaseRequest, request_id, "purchase request")
    return r


def get_request(session: Session, actor: User, request_id: int) -> PurchaseRequestOut:
    _require_reader(session, actor)
    return _request_out(session, _request(session, request_id))


def list_requests(
    session: Session, actor: User, *, status: str | None = None, flagged_only: bool = False
) -> list[PurchaseRequestOut]:
    _require_reader(session, actor)
    q = select(PurchaseRequest).order_by(PurchaseRequest.id)
    if status:
        q = q.where(PurchaseRequest.status == status)
    if flagged_only:
        q = q.where(PurchaseRequest.flagged.is_(True))
    return [_request_out(session, r) for r in session.scalars(q)]


def decide_request(
    session: Session, actor: User, request_id: int, decision: str = "approve", reason: str = ""
) -> PurchaseRequestOut:
    """Sign the next level of a request (dept. manager → VP → [finance head] → procurement)."""
    _require_approver(session, actor, "purchase requests")
    # locked: a rejection and an approval at once never both land
    r = lock_or_raise(session, PurchaseRequest, request_id, "purchase request")
    if r.status != "submitted":
        raise Conflict(f"purchase request {r.number} is {r.status}; nothing to sign",
                       reason_code="request_state_sign", number=str(r.number),
                       r_status=str(r.status))
    level, complete = _sign(session, actor, "request", r.id, f"purchase request {r.number}",
                            list(r.chain), decision, reason, _raised_by(session, r))
    if decision == "reject":
        r.status, r.decided_at = "rejected", utcnow()
    elif complete:
        r.status, r.decided_at = "approved", utcnow()
    session.flush()
    record_audit(session, actor_id=actor.id, action=f"procurement.request.{decision}",
                 object_type="purchase_request", object_id=r.id, project_id=r.project_id,
                 data={"number": r.number, "level": level, "status": r.status,
                       "reason": reason})
    return _request_out(session, r)


def _raised_by(session: Session, r: PurchaseRequest) -> set[int]:
    """Who raised the request: its creator and, for a combined one, everyone who raised a
    request combined into it (at any depth). Combining makes the clerk who merged them the
    creator; the people whose requests it carries still never sign it (segregation of duties:
    a department manager's two requests, combined by someone else, were theirs to approve)."""
    people = {r.created_by} if r.created_by is not None else set()
    parts = [r.id]
    while parts:
        rows = session.execute(select(PurchaseRequest.id, PurchaseRequest.created_by).where(
            PurchaseRequest.combined_into_id.in_(parts))).all()
        parts = [row.id for row in rows]
        people |= {row.created_by for row in rows if row.created_by is not None}
    return people


_SIMILAR = ("year", "department", "kind", "stage", "modality", "language_group", "unit",
            "unit_price")


def combine_requests(
    session: Session, actor: User, request_ids: list[int], note: str = ""
) -> PurchaseRequestOut:
    """Merge similar, not yet signed requests into one; the originals become ``combined``."""
    require_business(actor, "combine purchase requests")
    check_note(note, "note", most=2000)
    ids = sorted(set(request_ids))
    if len(ids) < 2:
        raise InvalidInput("combine at least two requests", field="request_ids",
                           reason_code="combine_two_requests")
    rows = [_request(session, i) for i in ids]
    for r in rows:
        if r.status != "submitted" or _approvals(session, "request", r.id):
            raise Conflict(f"purchase request {r.number} is {r.status} or already signed; "
                           "only unsigned submitted requests may be combined",
                           reason_code="request_state_combine", number=str(r.number),
                           r_status=str(r.status))
    first = rows[0]
    for r in rows[1:]:
        differ = [f for f in _SIMILAR if getattr(r, f) != getattr(first, f)]
        if differ:
            raise InvalidInput(f"{r.number} and {first.number} differ in {', '.join(differ)}; "
                               "only similar requests may be combined", field="request_ids",
                               reason_code="requests_differ", number=str(r.number),
                               number_2=str(first.number), value=', '.join(differ))
    for r in rows:
        r.status = "combined"
    session.flush()
    qty = sum((r.quantity for r in rows), Decimal(0))
    amount = to_cents(qty * first.unit_price)
    room = budget_room(session, first.year, first.department, first.kind)
    over = room is None or amount > room
    projects = {r.project_id for r in rows}
    vendors = {r.vendor_id for r in rows}
    reasons = [f"{r.number}: {r.deviation_reason}" for r in rows if r.deviation_reason]
    backdated = [f"{r.number}: {r.backdate_reason}" for r in rows if r.backdate_reason]
    days = [r.requested_on for r in rows if r.requested_on is not None]
    append_lock(session, _REQUEST_LOCK)
    merged = PurchaseRequest(
        number=_number(session, first.year), year=first.year, department=first.department,
        kind=first.kind, project_id=projects.pop() if len(projects) == 1 else None,
        vendor_id=vendors.pop() if len(vendors) == 1 else None, stage=first.stage,
        modality=first.modality, language_group=first.language_group, unit=first.unit,
        quantity=qty, unit_price=first.unit_price, amount=amount,
        reference_price=first.reference_price, deviation=first.deviation,
        flagged=any(r.flagged for r in rows), deviation_reason="; ".join(reasons) or None,
        requested_on=min(days) if days else None, backdate_reason="; ".join(backdated) or None,
        over_budget=over, chain=list(OVER_BUDGET_CHAIN if over else REQUEST_CHAIN),
        status="submitted",
        note=note or "combined " + ", ".join(r.number for r in rows), created_by=actor.id,
    )
    session.add(merged)
    session.flush()
    for r in rows:
        r.combined_into_id = merged.id
    session.flush()
    record_audit(session, actor_id=actor.id, action="procurement.request.combined",
                 object_type="purchase_request", object_id=merged.id,
                 data={"number": merged.number, "from": [r.number for r in rows],
                       "amount": str(amount), "over_budget": over})
    return _request_out(session, merged)
