"""In-house hour points (工时积分制): points per person × project × month, priced by grade.

A person's points in a month across all projects are capped at 8 × working days (Monday–Friday
unless ``set_working_days`` records the month's real count, e.g. after public holidays). Points
are for work done (domain §5.4): in the current month the cap is 8 × the working days up to
today (:func:`worked_days`), so 160 points cannot be booked on the 2nd.
Project labour cost = points × the point rate of the person's grade, fixed when booked.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.money import to_cents
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.production.models import DomainEvent, Project
from datamill.production.projects import require_accounts_open
from datamill.workforce.models import Grade, HourPoints, Worker, WorkingMonth
from datamill.workforce.policies import require_business, require_project_business
from datamill.workforce.schemas import HourPointsOut, WorkingDaysOut
from datamill.workforce.vendors import to_decimal

__all__ = [
    "POINTS_PER_DAY",
    "book_points",
    "monthly_cap",
    "project_labour_cost",
    "set_working_days",
    "worked_days",
    "working_days",
    "working_days_out",
]

POINTS_PER_DAY = 8
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


#: the first year points are booked in (the ledger posts nothing before 1900)
FIRST_YEAR = 1900


def _parse_month(month: str) -> tuple[int, int]:
    m = _MONTH.match(month)
    if m is None:
        raise InvalidInput(f"month {month!r} must look like 2024-05", field="month",
                           reason_code="month_form", month=str(month))
    return int(m.group(1)), int(m.group(2))


def _bookable_month(month: str) -> None:
    """Points are booked for work done: a month from 1900 up to the current one. Any other
    (0000-12, 1899-12, 2999-12) was booked, and its cost event could never reach the ledger:
    it stayed pending and every later period close was refused for it."""
    year, mon = _parse_month(month)
    today = business_today()
    if year < FIRST_YEAR or (year, mon) > (today.year, today.month):
        raise InvalidInput(f"hour points are booked for a month from {FIRST_YEAR}-01 up to "
                           f"this month ({today:%Y-%m}), not {month}", field="month",
                           reason_code="hour_points_month_range", FIRST_YEAR=FIRST_YEAR,
                           today=f"{today:%Y-%m}", month=str(month))


def working_days(session: Session, month: str) -> int:
    year, mon = _parse_month(month)
    row = session.scalars(select(WorkingMonth).where(WorkingMonth.month == month)).first()
    if row is not None:
        return row.working_days
    return sum(
        1
        for day in range(1, calendar.monthrange(year, mon)[1] + 1)
        if calendar.weekday(year, mon, day) < 5
    )


def worked_days(session: Session, month: str, today: date | None = None) -> int:
    """The month's working days already worked by ``today`` (the business's today): all of a
    past month's; in the current month its Monday–Friday days up to and including today, never
    more than the month's (recorded) count. Holidays are not placed on the calendar, so early
    in a month with holidays this may count a day or two more than were worked: it caps,
    never refuses, honest bookings."""
    year, mon = _parse_month(month)
    today = today or business_today()
    days = working_days(session, month)
    if (year, mon) != (today.year, today.month):
        return days
    elapsed = sum(1 for d in range(1, today.day + 1) if calendar.weekday(year, mon, d) < 5)
    return min(days, elapsed)


def set_working_days(session: Session, actor: User, month: str, days: int) -> int:
    """Record a month's real working days (after public holidays: October's National Day week),
    so its cap is 8 × that count (``workforce working-days``, ``PUT /working-days/{month}``).

    A count whose cap is below what someone already booked that month is refused: lowering it
    afterwards left those points standing above the cap."""
    require_business(actor, "set working days")
    year, mon = _parse_month(month)
    if not 0 <= days <= calendar.monthrange(year, mon)[1]:
        raise InvalidInput(f"{month} cannot have {days} working days", field="days",
                           reason_code="working_days_range", month=str(month), days=days)
    booked = session.execute(
        select(HourPoints.worker_id, func.sum(HourPoints.points))
        .where(HourPoints.month == month).group_by(HourPoints.worker_id)
        .order_by(func.sum(HourPoints.points).desc())
    ).first()
    if booked is not None and Decimal(booked[1]) > POINTS_PER_DAY * days:
        raise Conflict(
            f"{month} with {days} working days caps a person at {POINTS_PER_DAY * days} points, "
            f"but worker {booked[0]} already has {booked[1]} booked that month: book their "
            "points down first", field="days", worker_id=booked[0], points=str(booked[1]),
            reason_code="working_days_below_booked", month=str(month), days=days,
            value=str(POINTS_PER_DAY * days), booked=str(booked[1]))
    row = session.scalars(select(WorkingMonth).where(WorkingMonth.month == month)).first()
    if row is None:
        session.add(WorkingMonth(month=month, working_days=days))
    else:
        row.working_days = days
    record_audit(
        session,
        actor_id=actor.id,
        action="calendar.working_days",
        object_type="calendar",
        data={"month": month, "days": days},
    )
    session.flush()
    return days


def working_days_out(session: Session, month: str) -> WorkingDaysOut:
    """The month's working days (recorded, else Monday–Friday) and the cap they make."""
    days = working_days(session, month)
    worked = worked_days(session, month)
    return WorkingDaysOut(month=month, working_days=days, cap=Decimal(POINTS_PER_DAY * days),
                          worked_days=worked, cap_to_date=Decimal(POINTS_PER_DAY * worked))


def monthly_cap(session: Session, month: str) -> Decimal:
    return Decimal(POINTS_PER_DAY * working_days(session, month))


def book_points(
    session: Session, actor: User, worker_id: int, project_id: int, month: str, points: object
) -> HourPointsOut:
    """Set a person's points on a project for a month (replacing earlier points for that key)."""
    require_business(actor, "book hour points")
    _bookable_month(month)
    worked = worked_days(session, month)
    cap = Decimal(POINTS_PER_DAY * worked)
    pts = to_decimal(points, "points")
    if pts < 0 or pts != pts.quantize(Decimal("0.01")):
        raise InvalidInput(
            f"points {pts} must be non-negative with at most 2 decimals", field="points",
            reason_code="points_form", pts=str(pts),
        )
    # the project first: one the actor may not see answers as missing, whoever the worker is
    get_or_raise(session, Project, project_id, "project")
    require_project_business(session, actor, project_id, "book hour points on it")
    # locked: two bookings of one person at once each read the other's points under the cap
    worker = lock_or_raise(session, Worker, worker_id, "worker", worker_id=worker_id)
    if worker.vendor_id is not None:
        raise InvalidInput("hour points are for in-house staff; vendor work is settled by volume",
                           reason_code="hour_points_in_house")
    if worker.grade_id is None:
        raise Conflict(
            f"worker {worker_id} has no grade, so their points have no price; set a grade first",
            reason_code="worker_no_grade", worker_id=worker_id,
        )
    require_accounts_open(session, project_id, "hour points")
    grade = session.get(Grade, worker.grade_id)
    if grade is None:
        raise NotFound("the worker's grade is missing",
                       reason_code="worker_grade_missing")
    row = session.scalars(
        select(HourPoints).where(
            HourPoints.worker_id == worker_id,
            HourPoints.project_id == project_id,
            HourPoints.month == month,
        )
    ).first()
    others = sum(
        (
            r
            for r in session.scalars(
                select(HourPoints.points).where(
                    HourPoints.worker_id == worker_id,
                    HourPoints.month == month,
                    HourPoints.project_id != project_id,
                )
            )
        ),
        Decimal(0),
    )
    if others + pts > cap and worked < working_days(session, month):
        raise InvalidInput(
            f"{others + pts} points in {month} exceed the {cap} worked so far (8 × {worked} "
            f"working days up to {business_today()}); {others} are already booked to other "
            "projects: book the rest as the days are worked", field="points",
            reason_code="points_ahead_of_work", points=str(others + pts), cap=str(cap),
            worked_days=worked, month=month)
    if others + pts > cap:
        raise InvalidInput(
            f"{others + pts} points in {month} exceed the cap of {cap} "
            f"(8 × {working_days(session, month)} "
            f"working days); {others} are already booked to other projects",
            field="points",
            reason_code="points_over_cap", value=str(others + pts), month=str(month), cap=str(cap),
            value_2=str(working_days(session, month)), others=str(others),
        )
    cost = to_cents(pts * grade.point_rate)
    if row is None:
        row = HourPoints(
            worker_id=worker_id,
            project_id=project_id,
            month=month,
            points=pts,
            point_rate=grade.point_rate,
            cost=cost,
            booked_by=actor.id,
        )
        session.add(row)
    else:
        row.points, row.point_rate, row.cost = pts, grade.point_rate, cost
        row.booked_by, row.updated_at = actor.id, utcnow()
    person = session.get(User, worker.user_id)
    session.add(DomainEvent(type="hour_points.booked", project_id=project_id, payload={
        "source_ref": f"hour_points:{project_id}:{worker_id}:{month}", "worker_id": worker_id,
        "person": person.username if person else str(worker_id), "month": month,
        "points": str(pts), "cost": str(cost), "currency": "CNY",
        "booked_on": business_today().isoformat()}))
    record_audit(
        session,
        actor_id=actor.id,
        action="hour_points.booked",
        object_type="worker",
        object_id=worker_id,
        project_id=project_id,
        data={"month": month, "points": str(pts), "cost": str(cost)},
    )
    session.flush()
    return HourPointsOut.model_validate(row)


def project_labour_cost(
    session: Session, actor: User, project_id: int, month: str | None = None
) -> Decimal:
    """Booked points × grade rate for a project (one month, or all months)."""
    require_business(actor, "read labour cost", read=True)
    q = select(HourPoints.cost).where(HourPoints.project_id == project_id)
    if month is not None:
        _parse_month(month)
        q = q.where(HourPoints.month == month)
    return sum(session.scalars(q), Decimal("0.00"))
