"""Reports computed from the same rows the journal is derived from (so they reconcile).

Date ranges are inclusive: ``date_from <= d <= date_to``.

A report over several projects is computed without the books in ``hidden``
(:func:`datamill.ledger.access.hidden_books`: projects classified above the reader's clearance,
and their orders), so a reader's reports agree with one another and name nothing they may not
see; the faces pass the reader's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.core.money import to_cents, to_decimal
from datamill.ledger._balances import (
    WIP_TYPES,
    approved_budget,
    carried_cost,
    incurred_cost,
    wip_balance,
)
from datamill.ledger.access import (
    NOTHING_HIDDEN,
    HiddenBooks,
    project_names,
    require_ledger_access,
    require_project_reader,
)
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerBudgetLine,
    LedgerContract,
    LedgerCost,
    LedgerCustomer,
    LedgerEventReceipt,
    LedgerOrder,
    LedgerProject,
    LedgerRecognition,
)
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import (
    BudgetVsActualLine,
    BudgetVsActualOut,
    MarginRow,
    MonthRow,
    UnitEconomicsRow,
    WipRow,
)
from datamill.ledger.settings import LedgerSettings
from datamill.production.models import DomainEvent

__all__ = [
    "budget_vs_actual",
    "check_range",
    "margin_report",
    "monthly_summary",
    "readable_budget_vs_actual",
    "unit_economics",
    "visible_recognitions",
    "wip_rollforward",
]

ZERO = Decimal(0)


def _pct(num: Decimal, den: Decimal) -> Decimal | None:
    return to_decimal(num / den, 6) if den else None


def visible_recognitions(hidden: HiddenBooks) -> list[ColumnElement[bool]]:
    """WHERE clauses keeping the recognitions of books not in ``hidden``."""
    if not hidden:
        return []
    return [or_(LedgerRecognition.project_id.is_(None),
                LedgerRecognition.project_id.not_in(hidden.projects)),
            or_(LedgerRecognition.order_id.is_(None),
                LedgerRecognition.order_id.not_in(hidden.orders))]


def check_range(date_from: date, date_to: date) -> None:
    """Refuse a report range that ends before it starts (it would list nothing, silently)."""
    if date_to < date_from:
        raise InvalidInput(f"the range ends on {date_to.isoformat()}, before it starts on "
                           f"{date_from.isoformat()}: give the earlier date first",
                           field="date_to",
                           reason_code="date_range_order", value=date_to.isoformat(),
                           value_2=date_from.isoformat())


def margin_report(
    session: Session, date_from: date, date_to: date, *, settings: LedgerSettings | None = None,
    hidden: HiddenBooks = NOTHING_HIDDEN,
) -> list[MarginRow]:
    """Revenue, cost and gross margin by line × offering × domestic/overseas × customer type
    (less the books in ``hidden``)."""
    check_range(date_from, date_to)
    home = (settings or LedgerSettings()).home_country
    rows = session.execute(
        select(LedgerOrder.business_line, LedgerOrder.offering, LedgerCustomer.country,
               LedgerCustomer.customer_type, func.sum(LedgerRecognition.revenue),
               func.sum(LedgerRecognition.cost))
        .join(LedgerOrder, LedgerOrder.id == LedgerRecognition.order_id)
        .join(LedgerContract, LedgerContract.id == LedgerOrder.contract_id)
        .join(LedgerCustomer, LedgerCustomer.id == LedgerContract.customer_id)
        .where(LedgerRecognition.recognised_on >= date_from,
               LedgerRecognition.recognised_on <= date_to,
               LedgerRecognition.basis != "write_off",  # a non-operating loss, not cost of sales
               *visible_recognitions(hidden))
        .group_by(LedgerOrder.business_line, LedgerOrder.offering, LedgerCustomer.country,
                  LedgerCustomer.customer_type)
    ).all()
    acc: dict[tuple[str, str, str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line, offering, country, ctype, revenue, cost in rows:
        key = (line, offering, "domestic" if country == home else "overseas", ctype)
        acc[key][0] += Decimal(revenue or 0)
        acc[key][1] += Decimal(cost or 0)
    return [
        MarginRow(business_line=k[0], offering=k[1], region=k[2], customer_type=k[3],
                  revenue=rev, cost=cost, margin=rev - cost, margin_pct=_pct(rev - cost, rev))
        for k, (rev, cost) in sorted(acc.items())
    ]


def unit_economics(session: Session, date_from: date, date_to: date, *,
                   hidden: HiddenBooks = NOTHING_HIDDEN) -> list[UnitEconomicsRow]:
    """Price and cost per accepted audio hour, per order measured in hours (less the orders
    in ``hidden``)."""
    check_range(date_from, date_to)
    out: list[UnitEconomicsRow] = []
    for order in session.scalars(select(LedgerOrder).where(LedgerOrder.volume_unit == "hours")
                                 .order_by(LedgerOrder.id)):
        if order.id in hidden.orders:
            continue
        hours = Decimal(session.scalar(select(func.sum(LedgerAcceptance.volume)).where(
            LedgerAcceptance.order_id == order.id, LedgerAcceptance.accepted_on >= date_from,
            LedgerAcceptance.accepted_on <= date_to)) or 0)
        rev, cost = session.execute(
            select(func.sum(LedgerRecognition.revenue), func.sum(LedgerRecognition.cost))
            .where(LedgerRecognition.order_id == order.id,
                   LedgerRecognition.recognised_on >= date_from,
                   LedgerRecognition.recognised_on <= date_to)).one()
        rev, cost = Decimal(rev or 0), Decimal(cost or 0)
        if not hours and not rev and not cost:
            continue
        out.append(UnitEconomicsRow(
            order_id=order.id, order_number=order.number, accepted_hours=hours, revenue=rev,
            cost=cost, price_per_hour=to_decimal(rev / hours, 2) if hours else None,
            cost_per_hour=to_decimal(cost / hours, 2) if hours else None))
    return out


def wip_rollforward(session: Session, date_from: date, date_to: date, *,
                    hidden: HiddenBooks = NOTHING_HIDDEN) -> list[WipRow]:
    """Per custom project: opening + incurred − carried = closing, and spend vs estimate
    (less the projects in ``hidden``)."""
    check_range(date_from, date_to)
    before = date_from - timedelta(days=1)
    out: list[WipRow] = []
    projects = [p for p in session.scalars(select(LedgerProject).where(
                    LedgerProject.project_type.in_(WIP_TYPES)).order_by(LedgerProject.id))
                if p.id not in hidden.projects]
    names = project_names(session, (p.id for p in projects))
    for p in projects:
        opening = wip_balance(session, p, upto=before)
        incurred = incurred_cost(session, p.id, after=before, upto=date_to)
        carried = carried_cost(session, p.id, after=before, upto=date_to)
        budget = approved_budget(session, p.id)
        est = budget.total if budget else None
        spent = incurred_cost(session, p.id, upto=date_to)
        out.append(WipRow(project_id=p.id, opening=opening, incurred=incurred, carried=carried,
                          closing=opening + incurred - carried, estimated_total_cost=est,
                          spent_pct=_pct(spent, est) if est else None,
                          production_project_id=p.production_project_id,
                          project_name=names.get(p.id)))
    return out


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def monthly_summary(session: Session, year: int, *,
                    hidden: HiddenBooks = NOTHING_HIDDEN) -> list[MonthRow]:
    """Revenue, carried cost, margin, R&D expense and closing WIP for each month of ``year``
    (less the books in ``hidden``)."""
    rd_ids = [i for i in session.scalars(select(LedgerProject.id).where(
        LedgerProject.project_type.not_in(WIP_TYPES))) if i not in hidden.projects]
    wip_projects = [p for p in session.scalars(select(LedgerProject).where(
        LedgerProject.project_type.in_(WIP_TYPES))) if p.id not in hidden.projects]
    out: list[MonthRow] = []
    for m in range(1, 13):
        start, end = date(year, m, 1), _month_end(year, m)
        rev, cost = session.execute(
            select(func.sum(LedgerRecognition.revenue), func.sum(LedgerRecognition.cost))
            .where(LedgerRecognition.recognised_on >= start,
                   LedgerRecognition.recognised_on <= end,
                   LedgerRecognition.basis != "write_off",
                   *visible_recognitions(hidden))).one()
        rd = session.scalar(select(func.sum(LedgerCost.amount)).where(
            LedgerCost.project_id.in_(rd_ids), LedgerCost.status == "posted",
            LedgerCost.incurred_on >= start, LedgerCost.incurred_on <= end)) if rd_ids else None
        rev, cost = Decimal(rev or 0), Decimal(cost or 0)
        wip = sum((wip_balance(session, p, upto=end) for p in wip_projects), ZERO)
        out.append(MonthRow(month=f"{year}-{m:02d}", revenue=rev, cost=cost, margin=rev - cost,
                            rd_expense=Decimal(rd or 0), wip_closing=wip))
    return out


def _held_spend(session: Session, project: LedgerProject) -> list[tuple[str, str, Decimal]]:
    """Spend held awaiting approval, as (stage, category, amount): costs booked over budget
    with a reason (``pending_approval``: VP + finance head approve), and workforce events
    (hour points, settlement sheets) the ledger set aside as ``over_budget`` until someone
    gives the reason (``datamill ledger event-book EVENT --over-budget-reason ...``)."""
    held = [(st, cat, Decimal(amount or 0)) for st, cat, amount in session.execute(
        select(LedgerCost.stage, LedgerCost.category, func.sum(LedgerCost.amount))
        .where(LedgerCost.project_id == project.id, LedgerCost.status == "pending_approval")
        .group_by(LedgerCost.stage, LedgerCost.category))]
    for params in session.scalars(
            select(LedgerEventReceipt.reason_params)
            .join(DomainEvent, DomainEvent.id == LedgerEventReceipt.domain_event_id)
            .where(DomainEvent.project_id == project.production_project_id,
                   LedgerEventReceipt.status == "problem",
                   LedgerEventReceipt.reason_code == "over_budget")):
        p = params or {}
        try:
            amount = Decimal(str(p.get("amount")))
        except ArithmeticError:  # a receipt recorded without its amount
            continue
        held.append((str(p.get("stage") or "?"), str(p.get("category") or "?"), amount))
    return held


def budget_vs_actual(session: Session, project_id: int) -> BudgetVsActualOut:
    """Approved budget lines against posted spend, per (stage, category); ``pending`` is the
    spend held awaiting approval (:func:`_held_spend`), in no actual figure yet."""
    project = ledger_project_row(session, project_id)
    budget = approved_budget(session, project_id)
    lines: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    if budget is not None:
        for ln in session.scalars(select(LedgerBudgetLine).where(
                LedgerBudgetLine.budget_id == budget.id)):
            lines[(ln.stage, ln.category)][0] += ln.amount
    for stage, category, amount in session.execute(
            select(LedgerCost.stage, LedgerCost.category, func.sum(LedgerCost.amount))
            .where(LedgerCost.project_id == project_id, LedgerCost.status == "posted")
            .group_by(LedgerCost.stage, LedgerCost.category)):
        lines[(stage, category)][1] += Decimal(amount or 0)
    for stage, category, amount in _held_spend(session, project):
        lines[(stage, category)][2] += amount
    # money in cents everywhere: a stage with nothing spent reads 0.00, never 0
    rows = [BudgetVsActualLine(stage=s, category=c, budget=to_cents(b), actual=to_cents(a),
                               variance=to_cents(b - a), pending=to_cents(h))
            for (s, c), (b, a, h) in sorted(lines.items())]
    total_b = to_cents(budget.total if budget else ZERO)
    total_a = to_cents(sum((r.actual for r in rows), ZERO))
    total_h = to_cents(sum((r.pending for r in rows), ZERO))
    return BudgetVsActualOut(project_id=project_id, budget_total=total_b, actual_total=total_a,
                             spent_pct=_pct(total_a, total_b), lines=rows,
                             pending_total=total_h,
                             production_project_id=project.production_project_id,
                             project_name=project_names(session, [project_id]).get(project_id))


def readable_budget_vs_actual(session: Session, reader: User, project_id: int) -> BudgetVsActualOut:
    """:func:`budget_vs_actual` of ledger project ``project_id`` for ``reader``: refused
    (Forbidden) unless the ledger's one reader rule,
    :func:`~datamill.ledger.access.require_project_reader` (a reader of the books cleared for
    the project; membership is not asked), lets them read the project's books. The API, the
    project's finance page and the CLI all read it through that rule."""
    require_ledger_access(session, reader, write=False)  # before the project's existence
    require_project_reader(session, reader,
                           ledger_project_row(session, project_id).production_project_id)
    return budget_vs_actual(session, project_id)
