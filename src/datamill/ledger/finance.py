"""Read models for the finance pages: one project's accounts, and the year's overview.

Built from the same services and balance queries as the reports and the journal, so every figure
on a page reconciles with the CSV export.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.money import to_decimal
from datamill.ledger._balances import accepted_volume, carried_cost, incurred_cost, wip_balance
from datamill.ledger.access import (
    NOTHING_HIDDEN,
    HiddenBooks,
    missing_books,
    require_books_page_reader,
)
from datamill.ledger.budgets import approval_role_of, get_budget
from datamill.ledger.costs import list_costs
from datamill.ledger.events import list_event_problems
from datamill.ledger.models import (
    LedgerApproval,
    LedgerBudget,
    LedgerContract,
    LedgerCustomer,
    LedgerOrder,
    LedgerProject,
)
from datamill.ledger.recognition import list_recognitions
from datamill.ledger.reports import budget_vs_actual, margin_report, monthly_summary
from datamill.ledger.schemas import (
    BudgetOut,
    BudgetVsActualOut,
    CostOut,
    EventProblemOut,
    MarginRow,
    MonthRow,
    OrderOut,
    RecognitionOut,
)
from datamill.ledger.settings import LedgerSettings
from datamill.production.models import Project

__all__ = [
    "ApprovalOut",
    "FinanceOverviewOut",
    "ProjectFinanceOut",
    "ProjectRow",
    "WipMonth",
    "can_sign",
    "finance_overview",
    "project_finance",
    "readable_project_finance",
]

ZERO = Decimal(0)


class ApprovalOut(BaseModel):
    level: int
    approval_role: str
    approver: str
    decision: str
    reason: str
    created_at: datetime


class WipMonth(BaseModel):
    month: str
    opening: Decimal
    incurred: Decimal
    carried: Decimal
    closing: Decimal


class ProjectFinanceOut(BaseModel):
    ledger_project_id: int
    production_project_id: int
    name: str
    project_type: str
    status: str
    order: OrderOut | None
    customer: str | None
    region: str | None
    accepted_volume: Decimal
    budget: BudgetOut | None
    approvals: list[ApprovalOut]
    budget_vs_actual: BudgetVsActualOut
    costs: list[CostOut]
    wip: list[WipMonth]
    recognitions: list[RecognitionOut]
    revenue: Decimal
    cost: Decimal
    margin: Decimal
    margin_pct: Decimal | None


class ProjectRow(BaseModel):
    ledger_project_id: int
    production_project_id: int
    name: str
    project_type: str
    status: str
    order_number: str | None


class FinanceOverviewOut(BaseModel):
    year: int
    margin: list[MarginRow]
    monthly: list[MonthRow]
    revenue: Decimal
    cost: Decimal
    margin_total: Decimal
    projects: list[ProjectRow]
    problems: list[EventProblemOut]


def _approvals(session: Session, budget_id: int) -> list[ApprovalOut]:
    rows = session.execute(
        select(LedgerApproval, User.username).join(User, User.id == LedgerApproval.approver_id)
        .where(LedgerApproval.subject_type == "budget", LedgerApproval.subject_id == budget_id)
        .order_by(LedgerApproval.level))
    return [ApprovalOut(level=a.level, approval_role=a.approval_role, approver=name,
                        decision=a.decision, reason=a.reason, created_at=a.created_at)
            for a, name in rows]


def _wip_months(session: Session, project: LedgerProject, year: int) -> list[WipMonth]:
    out: list[WipMonth] = []
    for m in range(1, 13):
        start = date(year, m, 1)
        end = date(year + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        before = start - timedelta(days=1)
        opening = wip_balance(session, project, upto=before)
        incurred = (incurred_cost(session, project.id, after=before, upto=end)
                    if project.project_type in ("custom_service", "processing_only") else ZERO)
        carried = carried_cost(session, project.id, after=before, upto=end)
        out.append(WipMonth(month=f"{year}-{m:02d}", opening=opening, incurred=incurred,
                            carried=carried, closing=opening + incurred - carried))
    return out


def _pct(num: Decimal, den: Decimal) -> Decimal | None:
    return to_decimal(num / den, 6) if den else None


def project_finance(
    session: Session, production_project_id: int, year: int, *, settings: LedgerSettings | None = None
) -> ProjectFinanceOut:
    """Order, latest budget with its approvals, budget vs actual, WIP by month, recognition."""
    prod = session.get(Project, production_project_id)
    project = session.scalars(select(LedgerProject).where(
        LedgerProject.production_project_id == production_project_id)).first()
    if prod is None or project is None:
        raise missing_books(production_project_id)
    order = session.get(LedgerOrder, project.order_id) if project.order_id else None
    customer = None
    if order is not None:
        customer = session.execute(
            select(LedgerCustomer).join(LedgerContract,
                                        LedgerContract.customer_id == LedgerCustomer.id)
            .where(LedgerContract.id == order.contract_id)).scalar_one_or_none()
    home = (settings or LedgerSettings()).home_country
    latest = session.scalars(select(LedgerBudget).where(LedgerBudget.project_id == project.id)
                             .order_by(LedgerBudget.version.desc())).first()
    recs = [r for r in list_recognitions(session) if r.project_id == project.id
            or (order is not None and r.order_id == order.id)]
    revenue = sum((r.revenue for r in recs), ZERO)
    cost = sum((r.cost for r in recs), ZERO)
    return ProjectFinanceOut(
        ledger_project_id=project.id, production_project_id=prod.id, name=prod.name,
        project_type=project.project_type, status=project.status,
        order=OrderOut.model_validate(order) if order else None,
        customer=customer.name if customer else None,
        region=None if customer is None else ("domestic" if customer.country == home
                                              else "overseas"),
        accepted_volume=accepted_volume(session, order.id) if order else ZERO,
        budget=get_budget(session, latest.id) if latest else None,
        approvals=_approvals(session, latest.id) if latest else [],
        budget_vs_actual=budget_vs_actual(session, project.id),
        costs=list_costs(session, project.id), wip=_wip_months(session, project, year),
        recognitions=recs, revenue=revenue, cost=cost, margin=revenue - cost,
        margin_pct=_pct(revenue - cost, revenue),
    )


def readable_project_finance(
    session: Session, reader: User, production_project_id: int, year: int, *,
    settings: LedgerSettings | None = None,
) -> tuple[ProjectFinanceOut, str | None]:
    """:func:`project_finance` for ``reader`` with their approval role, by the rule of
    ``GET /ledger/projects/{id}/budget-vs-actual`` and the CLI's ``ledger budget-vs-actual``
    (a reader of the books cleared for the project, member or not):
    :func:`~datamill.ledger.access.require_books_page_reader` refuses a non-reader (Forbidden,
    before the project's existence is told) and answers a reader not cleared for the project
    as a project without books (NotFound)."""
    role = require_books_page_reader(session, reader, production_project_id)
    return project_finance(session, production_project_id, year, settings=settings), role


def can_sign(session: Session, user_id: int, budget: BudgetOut | None) -> bool:
    """Whether ``user_id`` holds the role of the budget's next approval level."""
    return (budget is not None and budget.status == "submitted" and budget.next_role is not None
            and approval_role_of(session, user_id) == budget.next_role)


def finance_overview(
    session: Session, year: int, *, settings: LedgerSettings | None = None,
    hidden: HiddenBooks = NOTHING_HIDDEN,
) -> FinanceOverviewOut:
    """The year's margin by line × offering × region × customer type, months and projects,
    without the books in ``hidden`` (projects classified above the reader's clearance:
    :func:`~datamill.ledger.access.hidden_books`), and the events still waiting to be
    booked (those of the hidden projects left out too)."""
    margin = margin_report(session, date(year, 1, 1), date(year, 12, 31), settings=settings,
                           hidden=hidden)
    monthly = monthly_summary(session, year, hidden=hidden)
    revenue = sum((m.revenue for m in monthly), ZERO)
    cost = sum((m.cost for m in monthly), ZERO)
    projects = [
        ProjectRow(ledger_project_id=lp.id, production_project_id=p.id, name=p.name,
                   project_type=lp.project_type, status=lp.status,
                   order_number=number)
        for lp, p, number in session.execute(
            select(LedgerProject, Project, LedgerOrder.number)
            .join(Project, Project.id == LedgerProject.production_project_id)
            .outerjoin(LedgerOrder, LedgerOrder.id == LedgerProject.order_id)
            .order_by(LedgerProject.id))
        if lp.id not in hidden.projects
    ]
    return FinanceOverviewOut(year=year, margin=margin, monthly=monthly, revenue=revenue,
                              cost=cost, margin_total=revenue - cost, projects=projects,
                              problems=list_event_problems(session, hidden))
