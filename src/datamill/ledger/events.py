"""Costs from other domains' recorded events, and one sync over every pending ledger event.

Workforce records, in production's ``domain_events`` outbox (the ledger never imports it):

* ``settlement.confirmed``: one per confirmed sheet × project × stage; ``amount`` is accepted
  volume × unit price (the price system's all-in price; ``fee`` is the management fee's part of
  it, a sheet drawn before that rule booked it on top), with ``supplier``, ``stage``,
  ``incurred_on`` (the period's last day) and ``source_ref`` ``settlement:<sheet>:<project>:<stage>``;
* ``settlement.reduced``: the same, for a correction sheet that takes a project × stage's
  settled cost down, or a confirmed sheet voided (``voided``: true, the whole cost taken back,
  source reference ``settlement:<sheet>:void:<project>:<stage>``); ``amount`` is negative (the
  deduction);
* ``hour_points.booked``: one per booking of a person's points on a project for a month;
  ``cost`` is the cost of **all** their points there that month (a re-booking replaces it);
  ``booked_on`` the business day of the booking;

:func:`process_cost_events` books them through :func:`~datamill.ledger.costs.post_cost`:

* idempotently: the event's ``source_ref`` becomes the cost's unique ``source_ref`` and each
  event gets one :class:`LedgerEventReceipt`, so a second run books nothing twice;
* settlement → ``data_service`` on the stage's budget line (a production stage ``annotate`` or
  ``collect`` also matches a line named ``annotation`` / ``collection``);
* settlement reductions → a credit on the same budget line
  (:func:`~datamill.ledger.costs.post_cost_reduction`): the project's cost goes down, with the
  event's ``source_ref``; refused (left pending with the reason) while it would take the
  project's posted cost of that kind on that line below zero;
* hour points → ``labour`` on the budget's labour line (``staff`` when there is none or several),
  dated the month's last day, or the day they were booked when that is earlier (points of the
  current month are the month's work so far, §5.4: dated the month end, they were a cost "after"
  any close of the project that month, and a close on the month end was a future date, so a
  project with current-month points could not be closed before the month was over); a re-booking books only the difference (an increase as a cost,
  a cut as a reduction on the line the points were booked to), and an older event for the
  same person × project × month is superseded by the newer one;
* what cannot be booked (no ledger project, closed project, no approved budget, over the budget
  line, a reduction below zero) is never lost and never stops the run: the event stays pending with a ``problem``
  receipt saying why (:func:`list_event_problems`) and is retried on every run.
  :func:`book_cost_event` books an over-budget one with a reason; it then awaits the VP +
  finance-head approval like every over-budget cost.

:func:`sync_ledger` runs everything pending: cost events first (so WIP is complete), then the
customer acceptances (``delivery.accepted`` → revenue and carried cost) and accepted catalog
licences (``licence.accepted`` → revenue, :mod:`datamill.ledger.licence_events`).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day, business_today
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, DatamillError, InvalidInput, NotFound
from datamill.core.money import to_cents
from datamill.core.storable import check_note
from datamill.ledger._balances import approved_budget
from datamill.ledger._event_runs import lock_event_runs, problem_code
from datamill.ledger._periods import first_open_day, period_of
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.costs import post_cost, post_cost_reduction
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerBudgetLine,
    LedgerCost,
    LedgerEventReceipt,
    LedgerProject,
)
from datamill.ledger.recognition import process_acceptance_events
from datamill.ledger.schemas import (
    AcceptanceRunOut,
    CostEventRunOut,
    CostOut,
    EventProblemOut,
    SyncOut,
)
from datamill.ledger.vendor_payments import VENDOR_PAID, held_payments
from datamill.production.models import DomainEvent, Project

__all__ = [
    "COST_EVENT_TYPES",
    "STAGE_ALIASES",
    "book_cost_event",
    "book_one_event",
    "list_event_problems",
    "process_cost_events",
    "sync_ledger",
]

SETTLEMENT = "settlement.confirmed"
REDUCED = "settlement.reduced"
HOUR_POINTS = "hour_points.booked"
ACCEPTED = "delivery.accepted"
COST_EVENT_TYPES = (SETTLEMENT, REDUCED, HOUR_POINTS)
#: production stage → the budget-line stage a PM usually writes for it.
STAGE_ALIASES = {
    "collect": "collection", "record": "collection", "annotate": "annotation",
    "transcribe": "annotation", "review": "annotation", "inspect": "inspection",
}
LABOUR_STAGE = "staff"
_LIVE = ("posted", "pending_approval")

_Outcome = tuple[str, LedgerCost | None, str]  # (booked | skipped, cost, why)


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"event payload lacks {key!r}", field=key,
                           reason_code="event_field_missing")
    return value


def _money(payload: dict[str, Any], key: str) -> Decimal:
    raw = payload.get(key)
    if not isinstance(raw, str | int):
        raise InvalidInput(f"event {key} {raw!r} is not a decimal string", field=key,
                           reason_code="event_decimal_form", raw=str(raw))
    try:
        return to_cents(str(raw))
    except InvalidOperation as err:
        raise InvalidInput(f"event {key} {raw!r} is not a decimal string", field=key,
                           reason_code="event_decimal_form", raw=str(raw)) from err


def _ledger_project(session: Session, ev: DomainEvent) -> LedgerProject:
    row = None
    if ev.project_id is not None:
        row = session.scalars(select(LedgerProject).where(
            LedgerProject.production_project_id == ev.project_id)).first()
    if row is None:
        raise Conflict(f"production project {ev.project_id} has no ledger project: open its "
                       "accounts (datamill ledger project-open) and sync again",
                       project_id=ev.project_id, reason_code="no_accounts")
    return row


def _line_stages(session: Session, project: LedgerProject, category: str) -> list[str]:
    budget = approved_budget(session, project.id)
    if budget is None:
        return []
    return list(session.scalars(select(LedgerBudgetLine.stage).where(
        LedgerBudgetLine.budget_id == budget.id, LedgerBudgetLine.category == category)))


def _budget_stage(session: Session, project: LedgerProject, stage: str) -> str:
    names = _line_stages(session, project, "data_service")
    if stage not in names and STAGE_ALIASES.get(stage) in names:
        return STAGE_ALIASES[stage]
    return stage


def _open_day(session: Session, on: date) -> tuple[date, str]:
    """A consumed event dated in a closed period is booked on the first open day, noted."""
    day = first_open_day(session, on)
    if day == on:
        return on, ""
    return day, (f" (dated {on.isoformat()} in closed period {period_of(on)}; booked in the "
                 "first open period)")


def _cost_by_ref(session: Session, ref: str) -> LedgerCost | None:
    return session.scalars(select(LedgerCost).where(LedgerCost.source_ref == ref)).first()


def _book_settlement(
    session: Session, ev: DomainEvent, project: LedgerProject, reason: str | None,
    actor_id: int | None,
) -> _Outcome:
    p = ev.payload or {}
    ref = _text(p, "source_ref")
    found = _cost_by_ref(session, ref)
    if found is not None:
        return "booked", found, ""
    stage = _text(p, "stage")
    try:
        on = date.fromisoformat(_text(p, "incurred_on"))
    except ValueError as err:
        raise InvalidInput(f"event incurred_on {p.get('incurred_on')!r} is not a date",
                           reason_code="event_incurred_on_form", value=str(p.get('incurred_on'))) from err
    # a sheet drawn before its period ends (e.g. on a Saturday for the week): the cost is
    # dated no later than the day it is booked, so final accounts may close today
    booked_on, note = _open_day(session, min(on, business_today()))
    budget_stage = _budget_stage(session, project, stage)
    out = post_cost(session, project.id, budget_stage, "data_service",
                    _money(p, "amount"), ref, incurred_on=booked_on,
                    quantity=_settled_quantity(session, project, budget_stage, p),
                    currency=str(p.get("currency") or "CNY"),
                    supplier=str(p.get("supplier") or "") or None,
                    description=f"settlement sheet {p.get('sheet_number', '')} · {stage}{note}",
                    over_budget_reason=reason, actor_id=actor_id)
    return "booked", session.get(LedgerCost, out.id), ""


def _settled_quantity(
    session: Session, project: LedgerProject, stage: str, p: dict[str, Any]
) -> Decimal | None:
    """The quantity a settlement event settled, where its unit is the budget line's (a sheet
    priced per ``hour`` against a line in ``hours``), so plan variance reads the actual
    volume beside the amount; None where it has none or counts in another unit."""
    raw, unit = p.get("quantity"), p.get("unit")
    budget = approved_budget(session, project.id)
    if raw is None or not isinstance(unit, str) or budget is None:
        return None
    line_unit = session.scalar(select(LedgerBudgetLine.unit).where(
        LedgerBudgetLine.budget_id == budget.id, LedgerBudgetLine.stage == stage,
        LedgerBudgetLine.category == "data_service"))
    if line_unit not in (unit, f"{unit}s"):
        return None
    try:
        return Decimal(str(raw))
    except ArithmeticError:
        return None


def _book_reduction(session: Session, ev: DomainEvent, project: LedgerProject) -> _Outcome:
    """A correction sheet's deduction: a credit on the project × stage's cost (idempotent)."""
    p = ev.payload or {}
    ref = _text(p, "source_ref")
    found = _cost_by_ref(session, ref)
    if found is not None:
        return "booked", found, ""
    amount = _money(p, "amount")
    if amount >= 0:
        raise InvalidInput(f"settlement.reduced event {ev.id} carries {amount}: a reduction is "
                           "negative", field="amount",
                           reason_code="reduction_event_sign", ev_id=ev.id, amount=str(amount))
    stage = _text(p, "stage")
    try:
        on = date.fromisoformat(_text(p, "incurred_on"))
    except ValueError as err:
        raise InvalidInput(f"event incurred_on {p.get('incurred_on')!r} is not a date",
                           reason_code="event_incurred_on_form", value=str(p.get('incurred_on'))) from err
    booked_on, note = _open_day(session, on)
    out = post_cost_reduction(
        session, project.id, _budget_stage(session, project, stage), "data_service", -amount,
        ref, incurred_on=booked_on, supplier=str(p.get("supplier") or "") or None,
        description=f"settlement {'sheet voided' if p.get('voided') else 'correction'} "
                    f"{p.get('sheet_number', '')} · {stage}{note}")
    return "booked", session.get(LedgerCost, out.id), ""


def _superseded_by(session: Session, ev: DomainEvent, key: str) -> int | None:
    later = session.scalars(select(DomainEvent).where(
        DomainEvent.type == HOUR_POINTS, DomainEvent.project_id == ev.project_id,
        DomainEvent.id > ev.id).order_by(DomainEvent.id.desc()))
    return next((x.id for x in later if (x.payload or {}).get("source_ref") == key), None)


def _points(payload: dict[str, Any]) -> Decimal | None:
    try:
        value = Decimal(str(payload.get("points")))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _month_end(month: str) -> date:
    try:
        year, mon = (int(x) for x in month.split("-"))
        return date(year, mon, calendar.monthrange(year, mon)[1])
    except ValueError as err:
        raise InvalidInput(f"event month {month!r} is not YYYY-MM", field="month",
                           reason_code="event_month_form", month=str(month)) from err


def _points_day(ev: DomainEvent, month: str) -> date:
    """The day a booking of ``month``'s points is dated: the month's last day, or the business
    day the points were booked on (the event's ``booked_on``; its moment for events from
    before that field) when that is earlier: the current month's work so far."""
    raw = (ev.payload or {}).get("booked_on")
    try:
        booked = date.fromisoformat(str(raw)) if raw else business_day(ev.created_at)
    except ValueError as err:
        raise InvalidInput(f"event booked_on {raw!r} is not a date", field="booked_on",
                           reason_code="event_booked_on_form", raw=str(raw)) from err
    return min(_month_end(month), booked)


def _book_hour_points(
    session: Session, ev: DomainEvent, project: LedgerProject, reason: str | None,
    actor_id: int | None,
) -> _Outcome:
    p = ev.payload or {}
    key = _text(p, "source_ref")
    newer = _superseded_by(session, ev, key)
    if newer is not None:
        return "skipped", None, f"superseded by event {newer} (a later booking of the same points)"
    ref = f"{key}#{ev.id}"
    found = _cost_by_ref(session, ref)
    if found is not None:
        return "booked", found, ""
    cost, month = _money(p, "cost"), _text(p, "month")
    booked = Decimal(session.scalar(select(func.sum(LedgerCost.amount)).where(
        LedgerCost.source_ref.startswith(f"{key}#", autoescape=True),
        LedgerCost.status.in_(_LIVE))) or 0)
    delta = cost - booked
    if delta == 0:
        return "skipped", None, "this cost is already booked"
    person = p.get("person", p.get("worker_id"))
    booked_on, note = _open_day(session, _points_day(ev, month))
    if delta < 0:  # points cut: take the difference off the line they were booked to
        first = session.scalars(select(LedgerCost).where(
            LedgerCost.source_ref.startswith(f"{key}#", autoescape=True),
            LedgerCost.status.in_(_LIVE)).order_by(LedgerCost.id)).first()
        out = post_cost_reduction(
            session, project.id, first.stage if first else LABOUR_STAGE, "labour", -delta, ref,
            incurred_on=booked_on, actor_id=actor_id,
            description=f"hour points {person} {month} cut from {booked} to {cost}{note}")
        return "booked", session.get(LedgerCost, out.id), ""
    stages = _line_stages(session, project, "labour")
    stage = stages[0] if len(stages) == 1 else LABOUR_STAGE
    out = post_cost(session, project.id, stage, "labour", delta, ref,
                    incurred_on=booked_on, currency=str(p.get("currency") or "CNY"),
                    quantity=_points(p) if booked == 0 else None,
                    description=f"hour points {person} {month}{note}", over_budget_reason=reason,
                    actor_id=actor_id)
    return "booked", session.get(LedgerCost, out.id), ""


def _book(
    session: Session, ev: DomainEvent, reason: str | None, actor_id: int | None
) -> _Outcome:
    project = _ledger_project(session, ev)
    if ev.type == SETTLEMENT:
        return _book_settlement(session, ev, project, reason, actor_id)
    if ev.type == REDUCED:
        return _book_reduction(session, ev, project)
    return _book_hour_points(session, ev, project, reason, actor_id)


def _receipt(
    session: Session, ev: DomainEvent, status: str, reason: str, cost: LedgerCost | None = None,
    *, error: DatamillError | None = None,
) -> None:
    """Record what became of ``ev``; a ``problem`` from ``error`` keeps its code and values."""
    code, params = problem_code(error) if error is not None else (None, None)
    row = session.scalars(select(LedgerEventReceipt).where(
        LedgerEventReceipt.domain_event_id == ev.id)).first()
    if row is None:
        session.add(LedgerEventReceipt(domain_event_id=ev.id, event_type=ev.type, status=status,
                                       reason=reason, cost_id=cost.id if cost else None,
                                       reason_code=code, reason_params=params))
    else:
        row.status, row.reason, row.cost_id = status, reason, cost.id if cost else None
        row.reason_code, row.reason_params = code, params
        row.attempts += 1
        row.updated_at = utcnow()
    session.flush()


def process_cost_events(session: Session, *, actor_id: int | None = None,
                        hidden: HiddenBooks = NOTHING_HIDDEN) -> CostEventRunOut:
    """Book every pending ``settlement.confirmed`` / ``settlement.reduced`` /
    ``hour_points.booked`` event (idempotent).

    One event that cannot be booked is left pending with its reason; the others go through.
    Runs at once take turns (:func:`~datamill.ledger._event_runs.lock_event_runs`). Every event
    is processed; what is told back (``booked``, ``skipped``, ``problems``) leaves out the
    books in ``hidden`` (the caller's: projects classified above their clearance).
    """
    lock_event_runs(session)
    done = select(LedgerEventReceipt.domain_event_id).where(
        LedgerEventReceipt.status.in_(("booked", "skipped")))
    events = session.scalars(select(DomainEvent).where(
        DomainEvent.type.in_(COST_EVENT_TYPES), DomainEvent.id.not_in(done))
        .order_by(DomainEvent.id)).all()
    booked: list[CostOut] = []
    skipped = 0
    for ev in events:
        try:
            with session.begin_nested():
                status, cost, why = _book(session, ev, None, actor_id)
        except DatamillError as err:
            _receipt(session, ev, "problem", err.message, error=err)
            continue
        _receipt(session, ev, status, why, cost)
        if ev.project_id in hidden.production_projects or (
                cost is not None and cost.project_id in hidden.projects):
            continue  # processed, not told back: above the caller's clearance
        if cost is None:
            skipped += 1
        else:
            booked.append(CostOut.model_validate(cost))
    return CostEventRunOut(booked=booked, skipped=skipped,
                           problems=list_event_problems(session, hidden))


def book_cost_event(
    session: Session, event_id: int, *, over_budget_reason: str, actor_id: int | None = None
) -> CostOut:
    """Book one pending cost event that is over its budget line, with the reason for it.

    The cost then awaits the VP + finance-head approval (``approve_over_budget_cost``)."""
    lock_event_runs(session)  # a sync at once books it or leaves it; its receipt is read after
    ev = session.get(DomainEvent, event_id)
    if ev is None or ev.type not in COST_EVENT_TYPES:
        raise NotFound(f"no cost event with id {event_id}", event_id=event_id,
                       reason_code="cost_event_unknown")
    check_note(over_budget_reason, "over_budget_reason")  # its signers read it (h10)
    if not over_budget_reason.strip():
        raise InvalidInput("give the reason for spending over the budget",
                           field="over_budget_reason",
                           reason_code="over_budget_reason_missing")
    receipt = session.scalars(select(LedgerEventReceipt).where(
        LedgerEventReceipt.domain_event_id == event_id)).first()
    if receipt is not None and receipt.status != "problem":
        raise Conflict(f"event {event_id} is already {receipt.status}"
                       + (f" as cost {receipt.cost_id}" if receipt.cost_id else ""),
                       reason_code="event_booked_already", event_id=event_id,
                       receipt_status=receipt.status, cost_id=receipt.cost_id)
    with session.begin_nested():
        status, cost, why = _book(session, ev, over_budget_reason.strip(), actor_id)
    if cost is None:
        raise Conflict(f"nothing to book for event {event_id}: {why}",
                       reason_code="event_nothing_to_book", event_id=event_id, why=str(why))
    _receipt(session, ev, status, why, cost)
    return CostOut.model_validate(cost)


def book_one_event(session: Session, ev: DomainEvent, actor_id: int | None = None) -> None:
    """Book one pending cost event as a sync would: its receipt says what became of it; a
    refusal is recorded as a ``problem`` and raised."""
    try:
        with session.begin_nested():
            status, cost, why = _book(session, ev, None, actor_id)
    except DatamillError as err:
        _receipt(session, ev, "problem", err.message, error=err)
        raise
    _receipt(session, ev, status, why, cost)


def _event_amount(ev: DomainEvent) -> Decimal | None:
    raw = (ev.payload or {}).get("cost" if ev.type == HOUR_POINTS else "amount")
    try:
        return to_cents(str(raw)) if isinstance(raw, str | int) else None
    except InvalidOperation:
        return None


def list_event_problems(session: Session,
                        hidden: HiddenBooks = NOTHING_HIDDEN) -> list[EventProblemOut]:
    """Events the ledger could not take yet, with why: cost events with a ``problem`` receipt,
    customer acceptances waiting for the project's ledger accounts (or refused), and vendor
    payments waiting for their sheet's cost (:mod:`datamill.ledger.vendor_payments`).

    The events of projects in ``hidden`` (:func:`~datamill.ledger.access.hidden_books`:
    classified above the reader's clearance) are left out, as in every report over several
    projects, on every face; the others name their project (``project_name``)."""
    out: list[EventProblemOut] = []
    for receipt, ev in session.execute(
            select(LedgerEventReceipt, DomainEvent)
            .join(DomainEvent, DomainEvent.id == LedgerEventReceipt.domain_event_id)
            .where(LedgerEventReceipt.status == "problem").order_by(DomainEvent.id)):
        if ev.project_id in hidden.production_projects:
            continue
        out.append(EventProblemOut(
            event_id=ev.id, event_type=ev.type, project_id=ev.project_id,
            source_ref=(ev.payload or {}).get("source_ref"),
            amount=_event_amount(ev) if ev.type in COST_EVENT_TYPES else None,
            reason=receipt.reason, attempts=receipt.attempts, created_at=ev.created_at,
            reason_code=receipt.reason_code, reason_params=receipt.reason_params or {}))
    accepted = select(LedgerAcceptance.domain_event_id).where(
        LedgerAcceptance.domain_event_id.is_not(None))
    noted = select(LedgerEventReceipt.domain_event_id)
    opened = select(LedgerProject.production_project_id).where(LedgerProject.order_id.is_not(None))
    for ev in session.scalars(select(DomainEvent).where(
            DomainEvent.type == ACCEPTED, DomainEvent.id.not_in(accepted),
            DomainEvent.id.not_in(noted),
            or_(DomainEvent.project_id.is_(None), DomainEvent.project_id.not_in(opened)))
            .order_by(DomainEvent.id)):
        if ev.project_id in hidden.production_projects:
            continue
        out.append(EventProblemOut(
            event_id=ev.id, event_type=ev.type, project_id=ev.project_id, source_ref=None,
            amount=None, attempts=0, created_at=ev.created_at,
            reason_code="no_ledger_project", reason_params={"project_id": ev.project_id},
            reason=f"production project {ev.project_id} has no ledger project with a "
                   "performance order: revenue waits until its accounts are opened"))
    for vp in held_payments(session):  # a vendor payment waits for its sheet's cost
        if vp.project_ids & hidden.production_projects:  # its reason names those books
            continue
        out.append(EventProblemOut(
            event_id=vp.event_id, event_type=VENDOR_PAID, project_id=None,
            source_ref=f"settlement:{vp.sheet_number}", amount=vp.net + vp.withheld,
            reason=vp.held or "", attempts=0, created_at=vp.recorded_at,
            reason_code=vp.held_code, reason_params=vp.held_params or {}))
    out.sort(key=lambda x: x.event_id)
    ids = {p.project_id for p in out if p.project_id is not None}
    if ids:  # each names its project (those hidden from the reader were left out above)
        names = dict(session.execute(select(Project.id, Project.name)
                                     .where(Project.id.in_(ids))).tuples().all())
        for p in out:
            if p.project_id is not None:
                p.project_name = names.get(p.project_id)
    return out


def sync_ledger(session: Session, *, actor_id: int | None = None,
                hidden: HiddenBooks = NOTHING_HIDDEN) -> SyncOut:
    """Process every pending event the ledger consumes: costs first, then acceptances.

    Never refuses the run: an acceptance that cannot be taken (e.g. more volume than the order
    holds; ``ledger order-amend`` raises the total) is set aside with its reason in
    ``problems`` and retried on the next run; ``acceptance_problem`` reports a run that failed
    as a whole. Runs at once take turns: the second waits for the first to commit and finds
    its events done. What is told back (``problems``, the costs' ``booked`` and ``skipped``,
    the acceptances and recognitions) leaves out the events of projects in ``hidden`` (the
    caller's: :func:`list_event_problems`); every event is processed."""
    lock_event_runs(session)
    costs = process_cost_events(session, actor_id=actor_id, hidden=hidden)
    from datamill.ledger.licence_events import process_licence_events

    process_licence_events(session, actor_id=actor_id)  # catalog licences: point-in-time revenue
    acceptances: AcceptanceRunOut | None = None
    problem: str | None = None
    try:
        with session.begin_nested():
            acceptances = process_acceptance_events(session, actor_id=actor_id, hidden=hidden)
    except DatamillError as err:
        problem = err.message
        ev = session.get(DomainEvent, err.details.get("event_id") or 0)
        if ev is not None:
            _receipt(session, ev, "problem", err.message, error=err)
            if ev.project_id in hidden.production_projects:  # its reason may name its books
                problem = "the acceptance run stopped at a project above your clearance"
    else:
        session.execute(delete(LedgerEventReceipt).where(
            LedgerEventReceipt.event_type == ACCEPTED,
            LedgerEventReceipt.domain_event_id.in_(select(LedgerAcceptance.domain_event_id))))
        session.flush()
    left = list_event_problems(session, hidden)  # after the acceptances: the costs' list,
    costs = costs.model_copy(update={"problems": left})  # taken before them, named some too
    return SyncOut(costs=costs, acceptances=acceptances, acceptance_problem=problem,
                   problems=left)
