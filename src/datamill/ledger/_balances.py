"""Balance queries shared by the ledger services (exact sums in SQL over integer cents)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import day_start
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerBudget,
    LedgerCost,
    LedgerImpairment,
    LedgerProject,
    LedgerRecognition,
)

__all__ = [
    "WIP_TYPES",
    "accepted_volume",
    "approved_budget",
    "carried_cost",
    "incurred_cost",
    "onerous_balance",
    "provision_balance",
    "recognised_revenue",
    "wip_balance",
]

#: project types whose spend goes to WIP (product development goes to R&D expense).
WIP_TYPES = ("custom_service", "processing_only")


def _d(value: object) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def incurred_cost(
    session: Session, project_id: int, *, after: date | None = None, upto: date | None = None
) -> Decimal:
    """Posted cost with ``after < incurred_on <= upto``."""
    q = select(func.sum(LedgerCost.amount)).where(
        LedgerCost.project_id == project_id, LedgerCost.status == "posted"
    )
    if after is not None:
        q = q.where(LedgerCost.incurred_on > after)
    if upto is not None:
        q = q.where(LedgerCost.incurred_on <= upto)
    return _d(session.scalar(q))


def carried_cost(
    session: Session, project_id: int, *, after: date | None = None, upto: date | None = None
) -> Decimal:
    q = select(func.sum(LedgerRecognition.cost)).where(LedgerRecognition.project_id == project_id)
    if after is not None:
        q = q.where(LedgerRecognition.recognised_on > after)
    if upto is not None:
        q = q.where(LedgerRecognition.recognised_on <= upto)
    return _d(session.scalar(q))


def wip_balance(session: Session, project: LedgerProject, upto: date | None = None) -> Decimal:
    """Gross WIP (before impairment provision): incurred − carried; 0 for product development."""
    if project.project_type not in WIP_TYPES:
        return Decimal(0)
    return incurred_cost(session, project.id, upto=upto) - carried_cost(
        session, project.id, upto=upto
    )


def recognised_revenue(session: Session, order_id: int, upto: date | None = None) -> Decimal:
    """Revenue recognised on the order (only what was recognised on or before ``upto``)."""
    q = select(func.sum(LedgerRecognition.revenue)).where(LedgerRecognition.order_id == order_id)
    if upto is not None:
        q = q.where(LedgerRecognition.recognised_on <= upto)
    return _d(session.scalar(q))


def accepted_volume(session: Session, order_id: int) -> Decimal:
    q = select(func.sum(LedgerAcceptance.volume)).where(LedgerAcceptance.order_id == order_id)
    return _d(session.scalar(q))


def approved_budget(
    session: Session, project_id: int, upto: date | None = None
) -> LedgerBudget | None:
    """The latest approved budget version (the estimated total cost), if any; with ``upto``,
    as it stood at the end of that business day (a version approved later did not exist yet)."""
    q = select(LedgerBudget).where(LedgerBudget.project_id == project_id,
                                   LedgerBudget.status == "approved")
    if upto is not None:
        q = q.where(LedgerBudget.decided_at < day_start(upto + timedelta(days=1)))
    return session.scalars(q.order_by(LedgerBudget.version.desc())).first()


def provision_balance(session: Session, project_id: int, upto: date | None = None) -> Decimal:
    q = select(func.sum(LedgerImpairment.change)).where(LedgerImpairment.project_id == project_id)
    if upto is not None:
        q = q.where(LedgerImpairment.period_end <= upto)
    return _d(session.scalar(q))


def onerous_balance(session: Session, project_id: int, upto: date | None = None) -> Decimal:
    """The onerous-contract provision standing on the project (a liability, not against WIP)."""
    q = select(func.sum(LedgerImpairment.onerous_change)).where(
        LedgerImpairment.project_id == project_id)
    if upto is not None:
        q = q.where(LedgerImpairment.period_end <= upto)
    return _d(session.scalar(q))
