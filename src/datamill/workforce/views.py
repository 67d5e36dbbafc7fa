"""Read models of the workforce pages: package progress, names, evaluations and a worker's
earnings per period. Reads only (the faces translate them); callers have made the access checks
(the vendor wall lives in the services that list the rows passed in).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.production.models import Project, Task
from datamill.workforce.models import (
    HourPoints,
    SettlementLine,
    SettlementSheet,
    Vendor,
    VendorEvaluation,
    Worker,
)

__all__ = [
    "PAID_STATUSES", "accepted_by_period", "earnings_by_period", "evaluations_by_vendor",
    "package_rows", "project_names", "usernames", "vendor_names", "worker_names",
]

# settlement sheets whose lines count as a worker's earnings
PAID_STATUSES = ("confirmed", "settled")

def package_rows(session: Session, packages: list[Any],
                  hidden: AbstractSet[int] = frozenset()) -> list[dict[str, Any]]:
    """Progress per package: tasks done / all tasks, plus who it is assigned to (none of a
    project in ``hidden``: classified above the viewer's clearance)."""
    packages = [p for p in packages if p.project_id not in hidden]
    ids = [p.id for p in packages]
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    if ids:
        for pkg_id, status, n in session.execute(
            select(Task.package_id, Task.status, func.count())
            .where(Task.package_id.in_(ids))
            .group_by(Task.package_id, Task.status)
        ).all():
            if pkg_id is not None:
                counts[int(pkg_id)][str(status)] = int(n)
    names = usernames(session, {p.assignee_id for p in packages if p.assignee_id})
    projects = {
        pid: name
        for pid, name in session.execute(
            select(Project.id, Project.name).where(
                Project.id.in_({p.project_id for p in packages})
            )
        ).all()
    }
    out = []
    for p in packages:
        c = counts[p.id]
        total = sum(n for s, n in c.items() if s != "cancelled")  # cancelled: item superseded
        done = c.get("done", 0)
        out.append({
            "id": p.id, "name": p.name, "stage": p.stage, "status": p.status,
            "project": projects.get(p.project_id, str(p.project_id)),
            "assignee": names.get(p.assignee_id) if p.assignee_id else None,
            "total": total, "done": done,
            "percent": round(100 * done / total) if total else 0,
        })
    return out


def usernames(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all())


def project_names(session: Session, project_ids: AbstractSet[int]) -> dict[int, str]:
    """Project id → name (a printed sheet names projects, not ids)."""
    if not project_ids:
        return {}
    return {int(i): str(n) for i, n in session.execute(
        select(Project.id, Project.name).where(Project.id.in_(project_ids))).all()}


def worker_names(session: Session, worker_ids: AbstractSet[int]) -> dict[int, str]:
    """Worker id → the person's display name, else their username (a printed sheet's lines)."""
    if not worker_ids:
        return {}
    rows = session.execute(
        select(Worker.id, User.display_name, User.username)
        .join(User, User.id == Worker.user_id).where(Worker.id.in_(worker_ids))
    ).all()
    return {int(w): str(d or u) for w, d, u in rows}


def vendor_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Vendor.id, Vendor.name)).all())


def evaluations_by_vendor(session: Session, year: int) -> dict[int, VendorEvaluation]:
    rows = session.scalars(select(VendorEvaluation).where(VendorEvaluation.year == year))
    return {e.vendor_id: e for e in rows}


def earnings_by_period(session: Session, worker_id: int, in_house: bool) -> list[dict[str, Any]]:
    """Money per settlement period (a vendor's worker: their lines' amounts, which are the
    vendor's money unless the vendor is an individual) or per month (in-house hour points).
    An individual supplier's are their sheets' gross per period, corrections included (a
    correction's line names no worker)."""
    rows: Sequence[Row[Any, Any]]
    worker = session.get(Worker, worker_id)
    vendor = session.get(Vendor, worker.vendor_id) if worker and worker.vendor_id else None
    if in_house:
        rows = session.execute(
            select(HourPoints.month, HourPoints.cost).where(HourPoints.worker_id == worker_id)
        ).all()
    elif vendor is not None and vendor.kind == "individual":
        rows = session.execute(
            select(SettlementSheet.period_start, SettlementSheet.gross)
            .where(SettlementSheet.vendor_id == vendor.id,
                   SettlementSheet.status.in_(PAID_STATUSES))
        ).all()
    else:
        rows = session.execute(
            select(SettlementSheet.period_start, SettlementLine.amount)
            .join(SettlementSheet, SettlementSheet.id == SettlementLine.sheet_id)
            .where(SettlementLine.worker_id == worker_id, SettlementSheet.status.in_(PAID_STATUSES))
        ).all()
    sums: dict[str, Decimal] = {}
    for period, amount in rows:
        key = period.isoformat() if isinstance(period, date) else str(period)
        sums[key] = sums.get(key, Decimal("0.00")) + amount
    return [{"period": k, "value": str(v)} for k, v in sorted(sums.items())]


def accepted_by_period(session: Session, worker_id: int) -> list[dict[str, Any]]:
    """Accepted tasks per settlement period on confirmed or paid sheets: what a vendor's worker
    is shown instead of money (the business pays their vendor, not them)."""
    sums: dict[str, int] = {}
    for period, items in session.execute(
        select(SettlementSheet.period_start, SettlementLine.items)
        .join(SettlementSheet, SettlementSheet.id == SettlementLine.sheet_id)
        .where(SettlementLine.worker_id == worker_id, SettlementSheet.status.in_(PAID_STATUSES))
    ).all():
        sums[period.isoformat()] = sums.get(period.isoformat(), 0) + int(items)
    return [{"period": k, "value": str(v)} for k, v in sorted(sums.items())]


def _last_day(period_start: date, period_end: date) -> date:
    return max(period_start, period_end - timedelta(days=1))


def worker_settlement_lines(
    session: Session, worker_id: int, *, with_money: bool = True,
) -> list[dict[str, Any]]:
    """A worker's settlement lines, newest period first: the period, the project and stage, the
    tasks (items) and accepted volume, the unit price and amount, and the sheet's status (what
    the earnings page lists per settlement period). ``with_money=False`` (a vendor's worker
    looking at their own work) leaves the unit price and amount out: they are the vendor's
    contract price, not the worker's pay."""
    rows = session.execute(
        select(SettlementSheet.number, SettlementSheet.period_start, SettlementSheet.period_end,
               SettlementSheet.status, Project.name, SettlementLine.stage, SettlementLine.items,
               SettlementLine.quantity, SettlementLine.unit, SettlementLine.unit_price,
               SettlementLine.amount)
        .join(SettlementSheet, SettlementSheet.id == SettlementLine.sheet_id)
        .outerjoin(Project, Project.id == SettlementLine.project_id)
        .where(SettlementLine.worker_id == worker_id)
        .order_by(SettlementSheet.period_start.desc(), SettlementLine.id)
    ).all()
    # the days of work, the last one included (``period_end`` is excluded), as the sheets say
    return [{"sheet": r[0], "period": f"{r[1].isoformat()} – {_last_day(r[1], r[2]).isoformat()}",
             "status": r[3],
             "project": r[4] or "", "stage": r[5] or "", "items": r[6], "quantity": r[7],
             "unit": r[8], "unit_price": r[9] if with_money else None,
             "amount": r[10] if with_money else None} for r in rows]
