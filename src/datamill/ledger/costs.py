"""Costs: one generic posting service, expense claims and depreciation on top of it.

``post_cost(session, project_id, stage, category, amount, source_ref, ...)`` is the entry point
other domains use (workforce settlement sheets and hour points call it; the ledger never imports
them). It is idempotent on ``source_ref``: posting the same reference twice is refused with a
Conflict, so a retried job cannot book twice. Every posting is checked against the approved
budget line for its (stage, category): spending beyond the line needs a reason and its own
approval (VP in charge, then the finance head) and stays out of the books until approved.

``post_cost_reduction(...)`` books the other direction: a credit (a cost row with a negative
amount) that takes a project's cost down, with its source (a settlement correction that deducts
from a vendor, hour points cut after booking). It is idempotent on ``source_ref`` like
``post_cost``, dated in an open period like every posting, and refused when it would take the
project's posted cost of that kind (category) on that stage below zero. On a custom project
whose WIP already went to cost of sales, the part of the reduction the WIP no longer holds is
taken off the cost of sales (a negative carry, basis ``cost_reduction``), so WIP never goes
negative and the project's margin shows the lower cost.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import parse_decimal, parse_money, to_cents, to_decimal
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.ledger._balances import WIP_TYPES, accepted_volume, approved_budget, wip_balance
from datamill.ledger._periods import check_not_future, check_posting_date, first_open_day
from datamill.ledger.budgets import record_approval
from datamill.ledger.models import (
    LedgerBudget,
    LedgerBudgetLine,
    LedgerContract,
    LedgerCost,
    LedgerOrder,
    LedgerProject,
    LedgerRecognition,
)
from datamill.ledger.orders import check_text
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import CostOut
from datamill.ledger.settings import COST_CATEGORIES, OVER_BUDGET_LEVEL_ROLES

__all__ = [
    "approve_over_budget_cost",
    "check_claim",
    "depreciation_amount",
    "get_cost",
    "list_costs",
    "post_cost",
    "post_cost_reduction",
    "post_depreciation",
    "submit_expense_claim",
]


PRE_CONTRACT_DAYS = 366


def _committed(session: Session, project_id: int, stage: str, category: str) -> Decimal:
    """Posted + awaiting-approval spend on one budget line."""
    total = session.scalar(select(func.sum(LedgerCost.amount)).where(
        LedgerCost.project_id == project_id, LedgerCost.stage == stage,
        LedgerCost.category == category,
        LedgerCost.status.in_(("posted", "pending_approval"))))
    return Decimal(0) if total is None else Decimal(total)


def _refuse_unbudgeted(session: Session, budget: LedgerBudget, project_id: int, stage: str,
                       category: str, amount: Decimal) -> None:
    """Refuse a cost for a stage and category the approved budget has no line for, naming
    the lines it has: it read "over the budget line of 0: give over_budget_reason", which
    sent a clerk who mistyped a stage to ask the VP to approve an over-budget claim."""
    lines = ", ".join(f"{s}/{c}" for s, c in session.execute(
        select(LedgerBudgetLine.stage, LedgerBudgetLine.category)
        .where(LedgerBudgetLine.budget_id == budget.id)
        .order_by(LedgerBudgetLine.id))) or "-"
    raise InvalidInput(
        f"the approved budget (v{budget.version}) of project {project_id} has no "
        f"{stage}/{category} line; its lines: {lines}. Book the cost to one of them, or, "
        f"if {amount} on {stage}/{category} is spend the budget left out, give "
        "over_budget_reason: it then awaits VP + finance-head approval",
        field="stage", reason_code="cost_no_budget_line", version=budget.version,
        project_id=project_id, stage=stage, category=category, lines=lines,
        amount=str(amount))


def _check_incurred_on(
    session: Session, project: LedgerProject, incurred_on: date, source_ref: str
) -> None:
    """1900..2999, at most a year ahead, in an open period, and not more than a year before
    the project's contract was signed (work may start shortly before the signature)."""
    what = f"cost {source_ref}"
    check_posting_date(session, incurred_on, what, "incurred_on")
    if project.order_id is None:
        return
    signed = session.scalar(select(LedgerContract.signed_on).join(
        LedgerOrder, LedgerOrder.contract_id == LedgerContract.id).where(
        LedgerOrder.id == project.order_id))
    if signed is not None and incurred_on < signed - timedelta(days=PRE_CONTRACT_DAYS):
        raise InvalidInput(f"{what} is dated {incurred_on.isoformat()}, more than a year before "
                           f"its contract was signed on {signed.isoformat()}: check the date",
                           field="incurred_on",
                           reason_code="date_before_contract", what=str(what),
                           value=incurred_on.isoformat(), value_2=signed.isoformat())


def _require_supplier(supplier: str | None) -> None:
    if not (supplier or "").strip():
        raise InvalidInput("a data-service cost names its supplier, besides the project, "
                           "stage, quantity, unit price and amount", field="supplier",
                           reason_code="data_service_fields")


_Q4_MAX = Decimal("1000000000")  # quantities and unit prices stay far below this


def _claimed_amount(
    amount: Decimal | str | None, quantity: Decimal | str | None,
    unit_price: Decimal | str | None,
) -> tuple[Decimal, Decimal, Decimal]:
    """A data-service claim's (amount, quantity, unit price): quantity and unit price are
    required (§6.4); the amount is quantity × unit price half-up to the fen, and one given must
    be exactly that."""
    given = None
    if amount is not None and (not isinstance(amount, str) or amount.strip()):
        given = parse_money(amount, "amount")  # a negative or malformed amount: said first
    missing = [f for f, v in (("quantity", quantity), ("unit_price", unit_price))
               if v is None or (isinstance(v, str) and not v.strip())]
    if missing:
        raise InvalidInput(
            f"a data-service claim gives the quantity and the unit price (the amount is their "
            f"product); missing: {', '.join(missing)}", field=missing[0],
            reason_code="data_service_qty_price", value=', '.join(missing))
    qty, price = parse_decimal(quantity, "quantity"), parse_decimal(unit_price, "unit_price")
    for field, value in (("quantity", qty), ("unit_price", price)):
        if value <= 0 or value > _Q4_MAX or value != to_decimal(value, 4):
            raise InvalidInput(f"{field} {value} must be positive, at most {_Q4_MAX:,} and "
                               "have at most 4 decimal places", field=field,
                               reason_code="quantity_q4_range", value=str(value), Q4_MAX=f"{_Q4_MAX:,}")
    computed = to_cents(qty * price)
    if given is not None and given != computed:
        raise InvalidInput(
            f"amount {given} is not quantity × unit price ({qty} × {price} = {computed}); "
            "leave the amount out or give that", field="amount", computed=str(computed),
            reason_code="cost_amount_product", given=str(given), qty=str(qty), price=str(price),
            computed_2=str(computed))
    return parse_money(computed, "amount"), qty, price


def check_claim(  # noqa: PLR0913 - the claim's fields, keyword-only
    category: str, amount: Decimal | str | None, *, incurred_on: date, source_ref: str,
    supplier: str | None = None, quantity: Decimal | str | None = None,
    unit_price: Decimal | str | None = None,
) -> None:
    """The checks of a claim's own fields that need no database (as :func:`post_cost` makes
    them for a claim): the amount (a data-service claim's quantity × unit price) and a day not
    after today. :func:`datamill.paid_once.post_claim` makes them before it looks the supplier
    up, so a malformed claim is told what is wrong with it first."""
    if category == "data_service":
        _require_supplier(supplier)
    check_not_future(incurred_on, f"cost {source_ref}", "incurred_on")
    if category == "data_service":
        _claimed_amount(amount, quantity, unit_price)
    elif amount is not None:
        parse_money(amount, "amount")


def post_cost(  # noqa: PLR0913 - the posting's fields, all keyword-only
    session: Session, project_id: int, stage: str, category: str, amount: Decimal | str | None,
    source_ref: str, *, incurred_on: date, currency: str = "CNY", supplier: str | None = None,
    quantity: Decimal | str | None = None, unit_price: Decimal | str | None = None,
    description: str = "", over_budget_reason: str | None = None, actor_id: int | None = None,
    claim: bool = False,
) -> CostOut:
    """Book a cost to one project and stage (refused on a closed or unbudgeted project).

    ``claim``: a cost typed in by a person (the CLI's ``cost-post``, the API); a data-service
    claim then names its supplier and gives quantity and unit price, the amount being their
    product to the fen (left out: computed; given: checked) (§6.4), so plan variance reads its
    actual quantity. Settlement events carry theirs; older callers and generated postings are
    not held to it. (That the supplier is a qualified vendor is checked a layer up, where the
    ledger meets workforce: :func:`datamill.paid_once.post_claim`.)

    Returns the cost with ``status`` ``posted``, or ``pending_approval`` when it exceeds the
    budget line (then ``over_budget_reason`` is required; see :func:`approve_over_budget_cost`).
    """
    # locked: two postings at once each read the other's spend on the line (and a final
    # accounts close in between is seen)
    project = ledger_project_row(session, project_id, lock=True)
    # duplicates first: a retried posting is "already booked", whatever else changed since
    if session.scalar(select(LedgerCost.id).where(LedgerCost.source_ref == source_ref)) is not None:
        raise Conflict(f"a cost with source_ref {source_ref!r} is already booked",
                       source_ref=source_ref,
                       reason_code="cost_source_ref_used")
    if project.status == "closed":
        raise Conflict(f"project {project_id} is closed (final accounts {project.closed_on}); "
                       "it accepts no more costs", project_id=project_id,
                       closed_on=str(project.closed_on), reason_code="project_closed")
    if currency.upper() != "CNY":
        raise InvalidInput(f"costs are booked in CNY, not {currency}; convert at the spot rate "
                           "of the transaction date first", field="currency",
                           reason_code="cost_currency_cny", currency=str(currency))
    if category not in COST_CATEGORIES:
        raise InvalidInput(f"unknown cost category {category!r}; available: "
                           f"{', '.join(COST_CATEGORIES)}", field="category",
                           reason_code="cost_category_unknown", category=str(category),
                           value=', '.join(COST_CATEGORIES))
    check_text(source_ref, "source_ref")
    check_text(supplier, "supplier")
    check_note(over_budget_reason, "over_budget_reason")  # its signers read it (h10)
    if claim and category == "data_service":
        _require_supplier(supplier)
        amt, quantity, unit_price = _claimed_amount(amount, quantity, unit_price)
    elif amount is None:
        raise InvalidInput("the cost's amount is missing", field="amount",
                           reason_code="cost_amount_missing")
    else:
        amt = parse_money(amount, "amount")
    if claim:  # a claim is for work done: dated today or earlier, as invoices and receipts
        check_not_future(incurred_on, f"cost {source_ref}", "incurred_on")
    _check_incurred_on(session, project, incurred_on, source_ref)
    budget = approved_budget(session, project_id)
    if budget is None:
        raise Conflict(f"project {project_id} has no approved budget: budget first, spend later",
                       project_id=project_id, reason_code="no_budget")
    line = session.scalars(select(LedgerBudgetLine).where(
        LedgerBudgetLine.budget_id == budget.id, LedgerBudgetLine.stage == stage,
        LedgerBudgetLine.category == category)).first()
    limit = line.amount if line else Decimal(0)
    committed = _committed(session, project_id, stage, category)
    over = committed + amt > limit
    if line is None and not over_budget_reason:
        _refuse_unbudgeted(session, budget, project_id, stage, category, amt)
    if over and not over_budget_reason:
        raise InvalidInput(
            f"{amt} on {stage}/{category} brings spend to {committed + amt}, over the budget "
            f"line of {limit}: give over_budget_reason; it then awaits VP + finance-head approval",
            field="over_budget_reason", budget_line=str(limit), committed=str(committed),
            reason_code="over_budget", amount=str(amt), stage=stage, category=category,
            total=str(committed + amt))
    row = LedgerCost(
        project_id=project_id, stage=stage, category=category, amount=amt,
        source_ref=source_ref, supplier=supplier,
        quantity=None if quantity is None else to_decimal(quantity, 4),
        unit_price=None if unit_price is None else to_decimal(unit_price, 4),
        incurred_on=incurred_on, status="pending_approval" if over else "posted",
        over_budget=over, over_budget_reason=over_budget_reason if over else None,
        description=description, posted_by=actor_id,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"a cost with source_ref {source_ref!r} is already booked",
                       source_ref=source_ref,
                       reason_code="cost_source_ref_used") from err
    record_audit(session, actor_id=actor_id, action="ledger.cost.posted", object_type="ledger_cost",
                 object_id=row.id, project_id=project.production_project_id,
                 data={"amount": str(amt), "stage": stage, "category": category,
                       "status": row.status, "source_ref": source_ref})
    return CostOut.model_validate(row)


def _posted_on_line(session: Session, project_id: int, stage: str, category: str) -> Decimal:
    total = session.scalar(select(func.sum(LedgerCost.amount)).where(
        LedgerCost.project_id == project_id, LedgerCost.stage == stage,
        LedgerCost.category == category, LedgerCost.status == "posted"))
    return Decimal(0) if total is None else Decimal(total)


def _uncarry(session: Session, project: LedgerProject, on: date) -> LedgerRecognition | None:
    """After a reduction: what WIP no longer holds (already carried) comes off cost of sales."""
    if project.project_type not in WIP_TYPES or project.order_id is None:
        return None
    excess = -wip_balance(session, project)
    if excess <= 0:
        return None
    last = session.scalar(select(func.max(LedgerRecognition.recognised_on)).where(
        LedgerRecognition.project_id == project.id))
    day = first_open_day(session, max(on, last) if last else on)  # after the carry it undoes
    order = session.get(LedgerOrder, project.order_id)
    done = accepted_volume(session, order.id) if order else Decimal(0)
    share = min(done / order.total_volume, Decimal(1)) if order else Decimal(0)
    row = LedgerRecognition(order_id=project.order_id, project_id=project.id, recognised_on=day,
                            basis="cost_reduction", revenue=Decimal(0), cost=-excess,
                            completion=to_decimal(share, 6))
    session.add(row)
    session.flush()
    return row


def post_cost_reduction(  # noqa: PLR0913 - the posting's fields, all keyword-only
    session: Session, project_id: int, stage: str, category: str, amount: Decimal | str,
    source_ref: str, *, incurred_on: date, supplier: str | None = None, description: str = "",
    actor_id: int | None = None,
) -> CostOut:
    """Take ``amount`` (positive: the size of the reduction) off a project's cost of one kind.

    Booked as a posted cost row of ``-amount`` with ``source_ref`` (unique: a second posting of
    the same source is refused as already booked). Refused on a closed project, in a closed
    period, and when the project's posted ``category`` cost on ``stage`` is less than
    ``amount`` (a cost is never below zero). See the module docstring for WIP already carried.
    """
    project = ledger_project_row(session, project_id, lock=True)
    if session.scalar(select(LedgerCost.id).where(LedgerCost.source_ref == source_ref)) is not None:
        raise Conflict(f"a cost with source_ref {source_ref!r} is already booked",
                       source_ref=source_ref,
                       reason_code="cost_source_ref_used")
    if project.status == "closed":
        raise Conflict(f"project {project_id} is closed (final accounts {project.closed_on}); "
                       "its costs are final and take no reduction", project_id=project_id,
                       reason_code="reduction_project_closed", closed_on=str(project.closed_on))
    if category not in COST_CATEGORIES:
        raise InvalidInput(f"unknown cost category {category!r}; available: "
                           f"{', '.join(COST_CATEGORIES)}", field="category",
                           reason_code="cost_category_unknown", category=str(category),
                           value=', '.join(COST_CATEGORIES))
    amt = parse_money(amount, "amount")
    _check_incurred_on(session, project, incurred_on, source_ref)
    booked = _posted_on_line(session, project_id, stage, category)
    if amt > booked:
        raise Conflict(
            f"reducing project {project_id}'s {category} cost on {stage} by {amt} would take it "
            f"below zero: only {booked} is booked there; book the cost it corrects first",
            project_id=project_id, stage=stage, category=category, booked=str(booked),
            reduction=str(amt),
            reason_code="reduction_below_zero", amt=str(amt), booked_2=str(booked))
    row = LedgerCost(
        project_id=project_id, stage=stage, category=category, amount=-amt,
        source_ref=source_ref, supplier=supplier, incurred_on=incurred_on, status="posted",
        description=description, posted_by=actor_id,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"a cost with source_ref {source_ref!r} is already booked",
                       source_ref=source_ref,
                       reason_code="cost_source_ref_used") from err
    uncarried = _uncarry(session, project, incurred_on)
    record_audit(session, actor_id=actor_id, action="ledger.cost.reduced",
                 object_type="ledger_cost", object_id=row.id,
                 project_id=project.production_project_id,
                 data={"amount": str(-amt), "stage": stage, "category": category,
                       "source_ref": source_ref, "booked_before": str(booked),
                       "off_cost_of_sales": str(-uncarried.cost) if uncarried else "0"})
    return CostOut.model_validate(row)


def submit_expense_claim(
    session: Session, project_id: int, *, stage: str, supplier: str, quantity: Decimal | str,
    unit_price: Decimal | str, claim_no: str, incurred_on: date,
    over_budget_reason: str | None = None, actor_id: int | None = None,
) -> CostOut:
    """A data-service claim: project, stage, supplier, quantity × unit price."""
    if not supplier:
        raise InvalidInput("a data-service claim names its supplier", field="supplier",
                           reason_code="data_service_supplier")
    qty, price = to_decimal(quantity, 4), to_decimal(unit_price, 4)
    return post_cost(session, project_id, stage, "data_service", to_cents(qty * price),
                     f"claim:{claim_no}", incurred_on=incurred_on, supplier=supplier,
                     quantity=qty, unit_price=price, over_budget_reason=over_budget_reason,
                     actor_id=actor_id)


def depreciation_amount(days_used: int, annual_depreciation: Decimal | str) -> Decimal:
    """Days used / 365 × annual depreciation, to the cent.

    >>> depreciation_amount(30, "36500")
    Decimal('3000.00')
    """
    if not 0 < days_used <= 366:
        raise InvalidInput(f"days used must be 1..366, not {days_used}", field="days_used",
                           reason_code="days_used_range", days_used=str(days_used))
    return to_cents(Decimal(days_used) * Decimal(annual_depreciation) / 365)


def post_depreciation(
    session: Session, project_id: int, *, asset: str, days_used: int,
    annual_depreciation: Decimal | str, period_end: date, stage: str = "equipment",
    over_budget_reason: str | None = None, actor_id: int | None = None,
) -> CostOut:
    """Book one asset's monthly depreciation share (source_ref: asset + period, so once only)."""
    amount = depreciation_amount(days_used, annual_depreciation)
    return post_cost(session, project_id, stage, "equipment", amount,
                     f"depreciation:{asset}:{period_end.isoformat()}", incurred_on=period_end,
                     quantity=Decimal(days_used), unit_price=None,
                     description=f"{asset}: {days_used} days / 365 × {annual_depreciation}",
                     over_budget_reason=over_budget_reason, actor_id=actor_id)


def approve_over_budget_cost(
    session: Session, cost_id: int, approver_id: int, *, decision: str = "approve",
    reason: str = "",
) -> CostOut:
    """VP in charge, then finance head. Approved → posted; rejected → never booked.

    Neither is the person who posted the cost, and they are two people (segregation of
    duties, :func:`~datamill.ledger.budgets.refuse_conflicted_approver`)."""
    check_note(reason, "reason")  # who posted the cost and the next level read it
    row = lock_or_raise(session, LedgerCost, cost_id, "cost", cost_id=cost_id)  # one decision
    if row.status != "pending_approval":
        raise Conflict(f"cost {cost_id} is {row.status}; only over-budget costs await approval",
                       reason_code="cost_not_pending", cost_id=cost_id, row_status=str(row.status))
    if ledger_project_row(session, row.project_id).status == "closed":
        raise Conflict(f"project {row.project_id} is closed; it accepts no more costs",
                       reason_code="cost_project_closed", project_id=row.project_id)
    # the claimant never signs it; the VP and the finance head are two people
    level, complete = record_approval(session, "cost", row.id, OVER_BUDGET_LEVEL_ROLES,
                                      len(OVER_BUDGET_LEVEL_ROLES), approver_id, decision, reason,
                                      {row.posted_by: "posted"})
    dated: dict[str, str] = {}
    if decision == "reject":
        row.status = "rejected"
    elif complete:
        row.status = "posted"
        # its month may have closed while it waited: booked in the open period, as a
        # consumed event is (the closed month stays what its reviewer confirmed)
        on = first_open_day(session, row.incurred_on)
        if on != row.incurred_on:
            row.description = (f"{row.description} (dated {on.isoformat()}: "
                               f"{row.incurred_on.isoformat()} is in a closed period)").strip()
            row.incurred_on = on
            dated = {"dated": on.isoformat()}
    session.flush()
    record_audit(session, actor_id=approver_id, action=f"ledger.cost.over_budget_{decision}",
                 object_type="ledger_cost", object_id=row.id,
                 data={"level": level, "status": row.status, "reason": reason, **dated})
    return CostOut.model_validate(row)


def get_cost(session: Session, cost_id: int) -> CostOut:
    """One cost (NotFound when there is none)."""
    return CostOut.model_validate(get_or_raise(session, LedgerCost, cost_id, "cost",
                                               cost_id=cost_id))


def list_costs(session: Session, project_id: int) -> list[CostOut]:
    rows = session.scalars(select(LedgerCost).where(LedgerCost.project_id == project_id)
                           .order_by(LedgerCost.incurred_on, LedgerCost.id))
    return [CostOut.model_validate(r) for r in rows]
