"""Revenue and cost recognition from customer acceptance, and final accounts.

Driven by production's ``delivery.accepted`` domain events (accepted volume and items):

* types 1 and 2 recognise the order on the acceptance report **and** completed final
  accounts (§6.5): final acceptance and final accounts (:func:`close_project`) may come in
  either order; whichever comes second recognises the revenue and carries the whole WIP, dated
  the later of the two dates (once only: the order then moves on to ``closed``). The final
  acceptance is the customer's acceptance of the whole order, **once**: the accepted volume
  reaching the order's total (deliveries before it add up: type 1 is one final acceptance, a
  delivery in parts is fine before it), an amendment of the order down to the volume already
  accepted (:func:`~datamill.ledger.orders.amend_order_volume`), or the acceptance report
  itself (:func:`record_final_acceptance`, ``ledger final-accept``), which states the volume the
  customer accepted. Revenue = completion × the order amount, completion = accepted volume /
  order volume (§6.5): 100 % when all is accepted, the accepted share at the contract price when
  the customer finally accepts less (199.99 h of 200 h); amend the order first when the customer
  pays the whole price for less. After the final acceptance the order takes no more acceptance
  (``order_finally_accepted``: a delivery after it is set aside, more work is a new order).
  Final accounts are refused (``order_partly_accepted``) while a type-1 order has accepted
  volume but no final acceptance (closing then locked the project with its WIP and no
  revenue, the order open for ever); a type-2 order may close before its last batch's
  acceptance, and the remaining batches, the report or the amendment recognise after it;
* type 3 recognises, per accepted batch, completion × estimated total revenue − revenue already
  recognised (completion = accepted volume / total volume) and carries estimated total cost
  (the approved budget) × completion − cost already carried, **never more than the WIP holds**
  (cost incurred up to the acceptance − cost already carried): WIP is an inventory and cannot
  go negative (§6.6, opening + incurred − carried = closing), so when the estimate runs ahead of
  the spend the carry is capped and the shortfall follows with the next batch (which trues up
  to its own completion), at the month end (:func:`carry_period_cost`) or at final accounts
  (which carries what is left);
* type 3 again **each period** (§6.5: cumulative cost = estimated total expenditure ×
  completion, less cost already carried): the month-end run calls :func:`carry_period_cost`,
  which carries, dated the month's last day, what the formula asks at the completion reached
  by then, capped at what WIP holds. Cost booked after an acceptance (say, a December invoice
  for work accepted in November) is so carried in the month it was booked, not only at the
  next acceptance or at final accounts (the margin showed 100 % until then);
* catalog licences are recognised at delivery + the buyer's acceptance (:func:`recognise_licence`).

Invoices never create revenue. Until recognition, custom costs sit in WIP; at final accounts of a
type-3 order (:func:`close_project`) what is left in WIP is carried (the true-up of estimate vs
actual). Final accounts lock the project against further costs and mark the production project's
accounts closed, so the workforce refuses to book more work on it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.compliance.audit import record_audit
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, DatamillError, InvalidInput
from datamill.core.money import to_cents, to_decimal
from datamill.db.lookup import get_or_raise
from datamill.ledger._balances import (
    WIP_TYPES,
    accepted_volume,
    approved_budget,
    carried_cost,
    incurred_cost,
    onerous_balance,
    provision_balance,
    recognised_revenue,
    wip_balance,
)
from datamill.ledger._event_runs import lock_event_runs, problem_code
from datamill.ledger._periods import (
    check_not_future,
    closed_periods,
    first_open_day,
    period_of,
    require_open_period,
)
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.assets import depreciate_to_close
from datamill.ledger.final_accounts import require_final_review
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerCost,
    LedgerEventReceipt,
    LedgerImpairment,
    LedgerOrder,
    LedgerProject,
    LedgerRecognition,
)
from datamill.ledger.orders import order_row, parse_volume
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import AcceptanceRunOut, ProjectOut, RecognitionOut
from datamill.production.models import Delivery, DomainEvent
from datamill.production.projects import close_project_accounts

__all__ = [
    "Type3Step",
    "carry_period_cost",
    "close_project",
    "list_recognitions",
    "process_acceptance_events",
    "recognise_licence",
    "recognise_reached_total",
    "record_final_acceptance",
    "type3_step",
]

MS_PER_HOUR = Decimal(3_600_000)


class Type3Step(NamedTuple):
    completion: Decimal
    revenue: Decimal
    cost: Decimal


def type3_step(
    *, total_revenue: Decimal, estimated_total_cost: Decimal, total_volume: Decimal,
    accepted_volume: Decimal, revenue_so_far: Decimal, cost_so_far: Decimal,
    incurred: Decimal | None = None,
) -> Type3Step:
    """One period's percentage-of-completion recognition (cumulative amounts rounded to cents).

    ``incurred``: the cost incurred so far; when given, the carry is capped at what WIP holds
    (``incurred − cost_so_far``, never below 0), so WIP never goes negative.

    >>> type3_step(total_revenue=Decimal(1000), estimated_total_cost=Decimal(600),
    ...            total_volume=Decimal(10), accepted_volume=Decimal(4),
    ...            revenue_so_far=Decimal(0), cost_so_far=Decimal(0))
    Type3Step(completion=Decimal('0.400000'), revenue=Decimal('400.00'), cost=Decimal('240.00'))
    >>> type3_step(total_revenue=Decimal(1000), estimated_total_cost=Decimal(600),
    ...            total_volume=Decimal(10), accepted_volume=Decimal(4),
    ...            revenue_so_far=Decimal(0), cost_so_far=Decimal(0), incurred=Decimal(150))
    Type3Step(completion=Decimal('0.400000'), revenue=Decimal('400.00'), cost=Decimal('150.00'))
    """
    if total_volume <= 0:
        raise InvalidInput("total volume must be positive", field="total_volume",
                           reason_code="total_volume_positive")
    if not 0 <= accepted_volume <= total_volume:
        raise InvalidInput(f"accepted volume {accepted_volume} outside 0..{total_volume}",
                           field="accepted_volume",
                           reason_code="accepted_volume_range",
                           accepted_volume=str(accepted_volume), total_volume=str(total_volume))
    share = accepted_volume / total_volume
    revenue = to_cents(total_revenue * accepted_volume / total_volume) - revenue_so_far
    cost = to_cents(estimated_total_cost * accepted_volume / total_volume) - cost_so_far
    if incurred is not None:
        cost = min(cost, max(incurred - cost_so_far, Decimal(0)))
    return Type3Step(to_decimal(share, 6), revenue, cost)


def _exact_volume(order: LedgerOrder, payload: dict[str, object]) -> Decimal:
    """The accepted volume of one ``delivery.accepted`` event in the order's unit, unrounded:
    items for ``items``/``utterances``; the modality's volume when the delivery's unit is the
    order's (``images``, ``hours``); hours from milliseconds for events that predate the unit."""
    if order.volume_unit in ("items", "utterances"):
        return Decimal(int(str(payload.get("accepted_items", payload.get("accepted_utterances", 0)))))
    per_unit = int(str(payload.get("volume_per_unit") or 0))
    if payload.get("volume_unit") == order.volume_unit and per_unit > 0:
        return Decimal(int(str(payload.get("accepted_volume", 0)))) / per_unit
    if order.volume_unit == "hours":
        return Decimal(int(str(payload.get("accepted_duration_ms", 0)))) / MS_PER_HOUR
    return Decimal(1)  # databases: one accepted delivery is one database


def _event_volume(session: Session, order: LedgerOrder, payload: dict[str, object]) -> Decimal:
    """The volume (4 places) one event adds to the order: the cumulative accepted volume,
    exact and rounded once, less what the order holds already. Rounding each batch on its own
    and adding the rounded figures drifts (three thirds of 10 h made 9.9999 h, so the order was
    never fully accepted); this way the batches always add up to the rounded exact whole."""
    before = Decimal(0)
    for event_id, volume in session.execute(select(
            LedgerAcceptance.domain_event_id, LedgerAcceptance.volume).where(
            LedgerAcceptance.order_id == order.id)):
        ev = session.get(DomainEvent, event_id) if event_id is not None else None
        before += volume if ev is None else _exact_volume(order, ev.payload or {})
    exact = _exact_volume(order, payload)
    return max(to_decimal(before + exact, 4) - accepted_volume(session, order.id), Decimal(0))


def _release_provision(
    session: Session, project: LedgerProject, on: date, actor_id: int | None
) -> None:
    """The WIP is fully carried: release any impairment provision left on it, and any
    onerous-contract provision (the contract's loss is now in its cost)."""
    provided = provision_balance(session, project.id)
    onerous = onerous_balance(session, project.id)
    if provided or onerous:
        session.add(LedgerImpairment(
            project_id=project.id, period_end=on, wip=Decimal(0),
            contract_amount=Decimal(0), cost_to_complete=Decimal(0), taxes=Decimal(0),
            nrv=Decimal(0), provision=Decimal(0), change=-provided, onerous=Decimal(0),
            onerous_change=-onerous, reason="released at final accounts", created_by=actor_id))


def _recognise_final(
    session: Session, order: LedgerOrder, project: LedgerProject, acceptance_id: int | None,
    actor_id: int | None = None,
) -> LedgerRecognition | None:
    """Types 1/2: recognise 100 % once both the final acceptance and final accounts exist.

    Dated the later of the two; carries the whole WIP at that date; idempotent (None when one
    of the two is still missing or the order was already recognised)."""
    if order.final_accepted_on is None or project.status != "closed" or project.closed_on is None:
        return None
    done = session.scalar(select(LedgerRecognition.id).where(
        LedgerRecognition.order_id == order.id, LedgerRecognition.basis == "final_acceptance"))
    if done is not None:
        return None
    on = max(order.final_accepted_on, project.closed_on)
    share = min(accepted_volume(session, order.id) / order.total_volume, Decimal(1))
    rec = LedgerRecognition(
        order_id=order.id, project_id=project.id, recognised_on=on, basis="final_acceptance",
        revenue=to_cents(order.amount_cny * share) - recognised_revenue(session, order.id),
        cost=wip_balance(session, project, upto=on), completion=to_decimal(share, 6),
        acceptance_id=acceptance_id,
    )
    session.add(rec)
    _release_provision(session, project, on, actor_id)
    order.status = "closed"
    session.flush()
    return rec


def _final_acceptance(
    session: Session, order: LedgerOrder, project: LedgerProject, on: date,
    acceptance_id: int | None, actor_id: int | None = None,
) -> LedgerRecognition | None:
    """Types 1/2: the customer's final acceptance report; recognised now if final accounts are
    already complete, else at final accounts."""
    order.status, order.final_accepted_on = "accepted", on
    session.flush()
    return _recognise_final(session, order, project, acceptance_id, actor_id)


def _apply_acceptance(
    session: Session, order: LedgerOrder, project: LedgerProject, on: date,
    acceptance_id: int | None,
) -> LedgerRecognition | None:
    """What the order's accepted volume, as it now stands on ``on``, recognises."""
    cum = accepted_volume(session, order.id)
    if order.acceptance_type in (1, 2):
        if cum == order.total_volume:
            return _final_acceptance(session, order, project, on, acceptance_id)
        return None
    budget = approved_budget(session, project.id)
    if budget is None:
        raise Conflict(f"project {project.id} has no approved budget: type-3 recognition needs "
                       "the estimated total cost", project_id=project.id,
                       reason_code="no_budget_type3")
    carried = carried_cost(session, project.id)
    incurred = incurred_cost(session, project.id, upto=on)
    args = {"total_revenue": order.amount_cny, "estimated_total_cost": budget.total,
            "total_volume": order.total_volume, "accepted_volume": cum,
            "revenue_so_far": recognised_revenue(session, order.id), "cost_so_far": carried}
    step = type3_step(**args, incurred=incurred)
    rec = LedgerRecognition(order_id=order.id, project_id=project.id,
                            recognised_on=on, basis="batch_acceptance",
                            revenue=step.revenue, cost=step.cost, completion=step.completion,
                            acceptance_id=acceptance_id)
    if cum == order.total_volume:
        order.status, order.final_accepted_on = "accepted", on
    session.add(rec)
    session.flush()
    estimated = type3_step(**args).cost
    if step.cost != estimated:  # the estimate ran ahead of the spend: say so in the audit trail
        record_audit(session, actor_id=None, action="ledger.recognition.carry_capped",
                     object_type="ledger_order", object_id=order.id,
                     project_id=project.production_project_id,
                     data={"recognition_id": rec.id, "estimated_carry": str(estimated),
                           "carried": str(step.cost), "incurred": str(incurred),
                           "reason": f"the estimate × completion ({estimated}) is more than "
                                     f"the WIP holds ({incurred} incurred − {carried} already "
                                     "carried); the rest follows with the next batch or at "
                                     "final accounts"})
    return rec


def carry_period_cost(
    session: Session, period_end: date, *, actor_id: int | None = None,
) -> list[RecognitionOut]:
    """The month-end carry of type-3 orders (§6.5 "each period"): for each open type-3 project
    with an approved budget, carry (basis ``period_carry``, dated ``period_end``, no revenue)
    estimated total cost × completion at ``period_end`` − cost carried up to then, capped at
    what WIP holds then (incurred − carried); a downward revision of the estimate gives a
    negative true-up. Idempotent: run again for the same day it finds nothing more to carry.

    Left alone: projects closed (final accounts carried what was left), orders with a
    recognition dated after ``period_end`` (a later batch already trued up to its own
    completion: carrying now would count the catch-up twice), and a ``period_end`` in a closed
    month (nothing is booked into it). Called by the month-end run
    (:func:`datamill.ledger.period_close.close_period`) after the month's depreciation and
    before its impairment test and reports; each carry is audited."""
    if period_of(period_end) in closed_periods(session):
        return []
    made: list[RecognitionOut] = []
    for project, order in session.execute(select(LedgerProject, LedgerOrder).join(
            LedgerOrder, LedgerOrder.id == LedgerProject.order_id).where(
            LedgerProject.project_type.in_(WIP_TYPES), LedgerProject.status != "closed",
            LedgerOrder.acceptance_type == 3, LedgerOrder.offering == "custom",
            LedgerOrder.status.in_(("open", "accepted"))).order_by(LedgerProject.id)).all():
        rec = _carry_to(session, order, project, period_end, actor_id)
        if rec is not None:
            made.append(RecognitionOut.model_validate(rec))
    return made


def _carry_to(
    session: Session, order: LedgerOrder, project: LedgerProject, on: date,
    actor_id: int | None,
) -> LedgerRecognition | None:
    """One project's month-end carry (see :func:`carry_period_cost`), or None."""
    budget = approved_budget(session, project.id)
    later = session.scalar(select(LedgerRecognition.id).where(
        LedgerRecognition.order_id == order.id, LedgerRecognition.recognised_on > on).limit(1))
    if budget is None or later is not None:
        return None
    accepted = Decimal(session.scalar(select(func.sum(LedgerAcceptance.volume)).where(
        LedgerAcceptance.order_id == order.id, LedgerAcceptance.accepted_on <= on)) or 0)
    if not accepted:
        return None
    carried = carried_cost(session, project.id, upto=on)
    incurred = incurred_cost(session, project.id, upto=on)
    step = type3_step(total_revenue=order.amount_cny, estimated_total_cost=budget.total,
                      total_volume=order.total_volume, accepted_volume=accepted,
                      revenue_so_far=Decimal(0), cost_so_far=carried, incurred=incurred)
    if not step.cost:
        return None
    rec = LedgerRecognition(order_id=order.id, project_id=project.id, recognised_on=on,
                            basis="period_carry", revenue=Decimal(0), cost=step.cost,
                            completion=step.completion)
    session.add(rec)
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.recognition.period_carry",
                 object_type="ledger_order", object_id=order.id,
                 project_id=project.production_project_id,
                 data={"recognition_id": rec.id, "period_end": on.isoformat(),
                       "completion": str(step.completion), "cost": str(step.cost),
                       "estimated_total_cost": str(budget.total), "incurred": str(incurred),
                       "carried_before": str(carried)})
    return rec


def _add_acceptance(
    session: Session, order: LedgerOrder, volume: Decimal, on: date, *,
    event_id: int | None = None, delivery_id: int | None = None,
) -> LedgerAcceptance:
    if order.acceptance_type in (1, 2) and order.final_accepted_on is not None:
        raise Conflict(
            f"order {order.number} (acceptance type {order.acceptance_type}) was finally "
            f"accepted on {order.final_accepted_on}: it is accepted once, so it takes no later "
            "delivery; more work is a new order", order_id=order.id, order=order.number,
            acceptance_type=order.acceptance_type, on=str(order.final_accepted_on),
            reason_code="order_finally_accepted")
    if order.status != "open":
        raise Conflict(f"order {order.number} is already {order.status}; it accepts no more "
                       "volume", order_id=order.id, order=order.number, status=order.status,
                       reason_code="order_not_open")
    cum = accepted_volume(session, order.id)
    if cum + volume > order.total_volume:
        raise InvalidInput(
            f"accepting {volume} {order.volume_unit} brings order {order.number} to "
            f"{cum + volume}, above its total volume {order.total_volume}; correct the "
            "acceptance report or amend the order", order_id=order.id, event_id=event_id,
            reason_code="over_total_volume", volume=str(volume), unit=order.volume_unit,
            order=order.number, total=str(cum + volume), limit=str(order.total_volume))
    acc = LedgerAcceptance(order_id=order.id, domain_event_id=event_id, delivery_id=delivery_id,
                           volume=volume, accepted_on=on)
    session.add(acc)
    session.flush()
    return acc


def process_acceptance_events(session: Session, *, actor_id: int | None = None,
                              hidden: HiddenBooks = NOTHING_HIDDEN) -> AcceptanceRunOut:
    """Consume new ``delivery.accepted`` events of projects with ledger accounts (idempotent).

    Every event is processed; what is told back (``acceptances``, ``recognitions``) leaves out
    those of the projects in ``hidden`` (the caller's: classified above their clearance).

    One event that cannot be taken (e.g. more volume than the order holds) is set aside: it
    keeps a ``problem`` receipt with the reason (listed with the other pending events, retried
    on every run) and the rest of the run goes through. An acceptance dated in a closed period
    is recorded on the first open day, with the original date in its audit entry. A second
    run at once waits for this one to commit and then finds its events done.
    """
    lock_event_runs(session)
    done = select(LedgerAcceptance.domain_event_id).where(
        LedgerAcceptance.domain_event_id.is_not(None))
    skipped = select(LedgerEventReceipt.domain_event_id).where(
        LedgerEventReceipt.status == "skipped")
    events = session.scalars(select(DomainEvent).where(
        DomainEvent.type == "delivery.accepted", DomainEvent.id.not_in(done),
        DomainEvent.id.not_in(skipped)).order_by(DomainEvent.id)).all()
    made: list[RecognitionOut] = []
    count = 0
    for ev in events:
        project = session.scalars(select(LedgerProject).where(
            LedgerProject.production_project_id == ev.project_id)).first()
        if project is None or project.order_id is None:
            continue  # no accounts (yet): picked up once the project is opened in the ledger
        try:
            with session.begin_nested():
                rec = _take_acceptance(session, ev, project, project.order_id, actor_id)
        except DatamillError as err:
            _set_aside(session, ev, err)
            continue
        _clear_problem(session, ev)
        if project.id in hidden.projects:
            continue  # taken, not told back: above the caller's clearance
        count += 1
        if rec is not None:
            made.append(RecognitionOut.model_validate(rec))
    return AcceptanceRunOut(acceptances=count, recognitions=made)


def _take_acceptance(
    session: Session, ev: DomainEvent, project: LedgerProject, order_id: int,
    actor_id: int | None,
) -> LedgerRecognition | None:
    order = order_row(session, order_id, lock=True)  # its accepted volume is checked and added
    delivery_id = ev.payload.get("delivery_id")
    delivery = session.get(Delivery, delivery_id) if delivery_id else None
    stamp = delivery.accepted_at if delivery and delivery.accepted_at else ev.created_at
    accepted_on = business_day(stamp)  # the day settlement dates this work's cost by too
    on = first_open_day(session, accepted_on)
    acc = _add_acceptance(session, order, _event_volume(session, order, ev.payload), on,
                          event_id=ev.id, delivery_id=delivery.id if delivery else None)
    rec = _apply_acceptance(session, order, project, acc.accepted_on, acc.id)
    data = {"event_id": ev.id, "volume": str(acc.volume),
            "revenue": str(rec.revenue) if rec else "0", "cost": str(rec.cost) if rec else "0"}
    if on != accepted_on:
        data["accepted_on"] = accepted_on.isoformat()
        data["note"] = (f"accepted in closed period {period_of(accepted_on)}; recorded on "
                        f"{on.isoformat()}, the first open day")
    record_audit(session, actor_id=actor_id, action="ledger.acceptance.recorded",
                 object_type="ledger_order", object_id=order.id,
                 project_id=project.production_project_id, data=data)
    return rec


def _set_aside(session: Session, ev: DomainEvent, err: DatamillError) -> None:
    """Keep an acceptance the ledger cannot take pending, with why (a ``problem`` receipt: the
    error's sentence, and its code and values where it has one). A delivery accepted after the
    final acceptance of a type 1/2 order (``order_finally_accepted``) is ``skipped`` instead,
    with the same reason: it can never be taken, and pending it barred the project's final
    accounts for ever."""
    code, params = problem_code(err)
    status = "skipped" if code == "order_finally_accepted" else "problem"
    row = session.scalars(select(LedgerEventReceipt).where(
        LedgerEventReceipt.domain_event_id == ev.id)).first()
    if row is None:
        session.add(LedgerEventReceipt(domain_event_id=ev.id, event_type=ev.type,
                                       status=status, reason=err.message,
                                       reason_code=code, reason_params=params))
    else:
        row.status, row.reason = status, err.message
        row.reason_code, row.reason_params = code, params
        row.attempts += 1
        row.updated_at = utcnow()
    session.flush()


def _clear_problem(session: Session, ev: DomainEvent) -> None:
    """A set-aside acceptance taken on a later run is no longer a problem."""
    session.execute(delete(LedgerEventReceipt).where(
        LedgerEventReceipt.domain_event_id == ev.id))


def record_final_acceptance(
    session: Session, order_id: int, accepted_on: date, *, volume: Decimal | str | None = None,
    actor_id: int | None = None,
) -> RecognitionOut | None:
    """The customer's final acceptance report of a type 1/2 order (once).

    ``volume``: what the report accepts, in the order's unit, from the volume the deliveries
    accepted so far up to the order's total; by default the volume accepted so far, or the
    whole order when no delivery was accepted (a report outside datamill's deliveries). What it
    adds to the deliveries' volume is recorded as one acceptance dated ``accepted_on``.
    Revenue is then completion × the order amount (see the module docstring).

    Recognised once final accounts are complete too: the recognition is returned when they
    already are, else None (it follows at :func:`close_project`)."""
    order = order_row(session, order_id, lock=True)  # its accepted volume is checked and added
    if order.acceptance_type == 3:
        raise InvalidInput(f"order {order.number} is type 3: it is recognised batch by batch "
                           "from accepted volume", field="acceptance_type",
                           reason_code="order_type3_batches", number=str(order.number))
    if order.offering != "custom":
        raise InvalidInput(f"order {order.number} is a licence: use recognise_licence",
                           reason_code="order_is_licence", number=str(order.number))
    if order.status != "open":
        raise Conflict(f"order {order.number} is already {order.status}; it accepts no more "
                       "volume", order_id=order.id, order=order.number, status=order.status,
                       reason_code="order_not_open")
    check_not_future(accepted_on, f"the final acceptance of order {order.number}", "accepted_on")
    require_open_period(session, accepted_on, f"the final acceptance of order {order.number}")
    project = session.scalars(select(LedgerProject).where(
        LedgerProject.order_id == order_id)).first()
    if project is None:
        raise Conflict(f"order {order.number} has no project: costs and WIP live on a project",
                       reason_code="order_no_project", number=str(order.number))
    cum = accepted_volume(session, order.id)
    vol = _report_volume(order, cum, volume)
    if vol > cum:
        _add_acceptance(session, order, vol - cum, accepted_on)
    rec = _final_acceptance(session, order, project, accepted_on, None, actor_id)
    record_audit(session, actor_id=actor_id, action="ledger.order.final_acceptance",
                 object_type="ledger_order", object_id=order.id,
                 project_id=project.production_project_id,
                 data={"accepted_on": accepted_on.isoformat(), "volume": str(vol),
                       "total_volume": str(order.total_volume),
                       "revenue": str(rec.revenue) if rec else "0",
                       "cost": str(rec.cost) if rec else "0"})
    return RecognitionOut.model_validate(rec) if rec else None


def _report_volume(order: LedgerOrder, accepted: Decimal, volume: Decimal | str | None) -> Decimal:
    """The volume a final acceptance report accepts (see :func:`record_final_acceptance`)."""
    if volume is None:
        return accepted or order.total_volume
    vol = parse_volume(volume, "volume")
    if not (accepted <= vol <= order.total_volume and vol > 0):
        raise InvalidInput(
            f"the final acceptance of order {order.number} accepts from the {accepted} "
            f"{order.volume_unit} the deliveries accepted up to its total "
            f"{order.total_volume}, more than 0, not {volume}", field="volume",
            reason_code="final_volume_out_of_range", order=order.number,
            accepted=str(accepted), total=str(order.total_volume), unit=order.volume_unit,
            volume=str(volume))
    return vol


def recognise_reached_total(
    session: Session, order: LedgerOrder, *, actor_id: int | None = None,
) -> LedgerRecognition | None:
    """An open custom order whose accepted volume now equals its total (it was amended down to
    what the customer accepted) is complete: recognise as its last acceptance would have,
    dated that acceptance's day (or the first open day after it). Types 1/2: that is the
    final acceptance (revenue once final accounts are complete too); type 3: the true-up to
    100 %. None when nothing is due."""
    cum = accepted_volume(session, order.id)
    if order.status != "open" or order.offering != "custom" or not cum \
            or cum != order.total_volume:
        return None
    project = session.scalars(select(LedgerProject).where(
        LedgerProject.order_id == order.id)).first()
    last = session.scalars(select(LedgerAcceptance).where(
        LedgerAcceptance.order_id == order.id).order_by(
        LedgerAcceptance.accepted_on.desc(), LedgerAcceptance.id.desc())).first()
    if project is None or last is None:
        return None
    on = first_open_day(session, last.accepted_on)
    rec = _apply_acceptance(session, order, project, on, last.id)
    record_audit(session, actor_id=actor_id, action="ledger.order.total_reached",
                 object_type="ledger_order", object_id=order.id,
                 project_id=project.production_project_id,
                 data={"accepted_on": on.isoformat(), "volume": str(cum),
                       "revenue": str(rec.revenue) if rec else "0",
                       "cost": str(rec.cost) if rec else "0"})
    return rec


def recognise_licence(
    session: Session, order_id: int, *, delivered_on: date, accepted_on: date,
    actor_id: int | None = None,
) -> RecognitionOut:
    """A catalog licence: revenue at a point in time, on delivery + the buyer's acceptance.

    Its development was expensed as R&D, so no cost is carried."""
    order = order_row(session, order_id)
    if order.offering != "product_licence":
        raise InvalidInput(f"order {order.number} is {order.offering}, not a product licence",
                           reason_code="order_not_licence", number=str(order.number),
                           offering=str(order.offering))
    if order.status != "open":
        raise Conflict(f"licence order {order.number} is already {order.status}",
                       reason_code="licence_order_state", number=str(order.number),
                       order_status=str(order.status))
    if accepted_on < delivered_on:
        raise InvalidInput("a licence is accepted after its delivery", field="accepted_on",
                           reason_code="licence_accepted_before_delivery")
    require_open_period(session, accepted_on, f"the licence recognition of order {order.number}")
    rec = LedgerRecognition(order_id=order.id, recognised_on=accepted_on, basis="licence",
                            revenue=order.amount_cny, cost=Decimal(0), completion=Decimal(1))
    order.status, order.final_accepted_on = "accepted", accepted_on
    session.add(rec)
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.licence.recognised",
                 object_type="ledger_order", object_id=order.id,
                 data={"revenue": str(rec.revenue), "delivered_on": delivered_on.isoformat()})
    return RecognitionOut.model_validate(rec)


def close_project(
    session: Session, project_id: int, closed_on: date, *, actor_id: int | None = None
) -> ProjectOut:
    """Final accounts: every expense in; lock the project against further costs.

    Needs the reviewer's check first (:func:`~datamill.ledger.final_accounts.
    review_final_accounts`, by a person other than ``actor_id``); refused while the
    project's domain events are pending or costs await over-budget approval.

    * type 1/2 orders: if the final acceptance is in, recognise now (completion × the order
      amount, dated the later of acceptance and ``closed_on``), carrying the whole WIP; if
      not, the project is locked and the recognition follows the final acceptance (the last
      batch, the report, an amendment to the accepted volume); refused
      (``order_partly_accepted``) while a type-1 order is accepted in part but not finally;
    * type 3 orders: all volume must be accepted; what is left in WIP is carried (the true-up);
    * a carried WIP releases any impairment provision;
    * assets in use are depreciated for their days of the closing month up to ``closed_on``.
    The production project's accounts are marked closed (the workforce books no more work)."""
    project = ledger_project_row(session, project_id)
    if project.status == "closed":
        raise Conflict(f"project {project_id} was closed on {project.closed_on}",
                       reason_code="project_closed_on", project_id=project_id,
                       closed_on=str(project.closed_on))
    check_not_future(closed_on, f"the final accounts of project {project_id}", "closed_on")
    require_open_period(session, closed_on, f"the final accounts of project {project_id}")
    # reviewed, nothing pending, no type-1 order accepted in part only
    review = require_final_review(session, project, actor_id)
    order = session.get(LedgerOrder, project.order_id) if project.order_id else None
    depreciate_to_close(session, project_id, closed_on, actor_id=actor_id)  # the last month
    later = session.scalars(select(LedgerCost.id).where(
        LedgerCost.project_id == project_id, LedgerCost.status == "posted",
        LedgerCost.incurred_on > closed_on)).all()
    if later:
        raise InvalidInput(f"costs {later} are dated after {closed_on}; close on or after "
                           "the last cost's date", field="closed_on",
                           reason_code="final_costs_after_close", later=str(later),
                           closed_on=str(closed_on))
    wip = project.project_type in WIP_TYPES
    if wip and order is None:
        raise Conflict(f"project {project_id} has no performance order",
                       reason_code="project_no_order", project_id=project_id)
    if wip and order is not None and order.acceptance_type == 3 and order.status != "accepted":
        raise Conflict(f"order of project {project_id} is not finally accepted; final accounts "
                       "of a type-3 order follow the last batch's acceptance",
                       reason_code="final_type3_not_accepted", project_id=project_id)
    project.status, project.closed_on = "closed", closed_on
    if wip and order is not None:
        if order.acceptance_type in (1, 2):
            _recognise_final(session, order, project, None, actor_id)
        else:
            rest = wip_balance(session, project, upto=closed_on)
            if rest:
                session.add(LedgerRecognition(
                    order_id=order.id, project_id=project.id, recognised_on=closed_on,
                    basis="final_accounts", revenue=Decimal(0), cost=rest,
                    completion=Decimal(1)))
            _release_provision(session, project, closed_on, actor_id)
            order.status = "closed"
    elif order is not None:
        order.status = "closed"
    close_project_accounts(session, project.production_project_id, closed_on,
                           actor_id=actor_id)
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.project.closed",
                 object_type="ledger_project", object_id=project.id,
                 project_id=project.production_project_id,
                 data={"closed_on": closed_on.isoformat(), "reviewed_by": review.reviewer_id})
    return ProjectOut.model_validate(project)


def list_recognitions(session: Session, order_id: int | None = None) -> list[RecognitionOut]:
    q = select(LedgerRecognition).order_by(LedgerRecognition.recognised_on, LedgerRecognition.id)
    if order_id is not None:
        get_or_raise(session, LedgerOrder, order_id, "performance order")
        q = q.where(LedgerRecognition.order_id == order_id)
    return [RecognitionOut.model_validate(r) for r in session.scalars(q)]
