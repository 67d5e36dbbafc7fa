"""Numbers computed from production data: worker dashboards and the yearly vendor evaluation.

Yearly evaluation (合格供应商年度评价) from three measures, each in [0, 1]:

- **response speed**: median hours from handing a package to the vendor to its first claimed
  task; ≤ 24 h scores 1, ≥ 168 h scores 0, linear between;
- **volume**: the vendor's accepted work on settled sheets of that year, valued at its settled
  amount (the one measure that adds up across modalities: hours of speech, images, thousands
  of characters ...), relative to the largest vendor's that year;
- **quality**: share of the vendor's submitted production tasks never returned for rework
  (answers to golden check tasks are scored by ``workforce.golden``, not counted here).

score = 0.3 × speed + 0.3 × volume + 0.4 × quality; rating A ≥ 0.85, B ≥ 0.70, C ≥ 0.50, else D.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import day_start
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.days import MAX_YEAR, MIN_YEAR
from datamill.core.errors import InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.modalities.registry import get_modality
from datamill.production.models import Item, Project, Task, TaskAssignment
from datamill.workforce.models import (
    HourPoints,
    PackageHandoff,
    QualificationAttempt,
    QualificationTest,
    SettlementLine,
    SettlementSheet,
    Vendor,
    VendorEvaluation,
    Worker,
)
from datamill.workforce.policies import (
    is_business,
    managed_vendor_id,
    require_business,
    require_vendor_scope,
)
from datamill.workforce.schemas import EvaluationOut, WorkerDashboard
from datamill.workforce.vendors import get_worker

__all__ = ["evaluate_vendor", "paid_by", "sees_vendor_money", "worker_dashboard"]

_Q = Decimal("0.0001")
_PAID = ("confirmed", "settled")


def _volume_key(unit: str, modality: str | None) -> str:
    """What a settlement line's quantity counts: ``hour`` and ``item`` as priced; a ``volume``
    line its project's volume unit (kchars, frames; hours counted with ``hour``), so that
    thousands of characters and point-cloud frames are never added up as one "volume"."""
    if unit != "volume" or modality is None:
        return unit
    vu = get_modality(modality).volume_unit
    return "hour" if vu == "hours" else vu


def worker_dashboard(session: Session, actor: User, worker_id: int) -> WorkerDashboard:
    """Throughput, rework, accuracy on qualification tests and earnings of one worker.

    Earnings are the worker's own money only: hour points for in-house staff, the sheets of an
    individual supplier (their gross, corrections included, beside the income tax withheld). A company's or studio's worker gets their accepted volume instead (the
    business pays their vendor, not them); the vendor's amount for it is reported to those who
    may see the vendor's prices (:func:`sees_vendor_money`)."""
    worker = get_worker(session, worker_id, actor)
    if actor.id != worker.user_id:
        require_vendor_scope(session, actor, worker.vendor_id, f"worker {worker_id}")
    user = session.get(User, worker.user_id)
    rows = session.execute(
        select(
            TaskAssignment.status,
            TaskAssignment.return_reason,
            Task.stage,
            Item.volume,
            Item.status,
            Project.modality,
        )
        .join(Task, Task.id == TaskAssignment.task_id)
        .join(Item, Item.id == Task.item_id)
        .join(Project, Project.id == Task.project_id)
        # production work only: answers to golden check tasks are scored, not counted as work
        .where(TaskAssignment.user_id == worker.user_id, Task.kind == "work")
    ).all()
    submitted = [r for r in rows if r[0] == "submitted"]
    returned = sum(1 for r in rows if r[1] is not None)
    worked = sum(1 for r in rows if r[0] != "claimed")
    annotated = _in_units((r[5], r[3] or 0) for r in submitted if r[2] == "annotate")
    hours = annotated.get("hours", Decimal(0))
    scores: dict[str, Decimal] = {}
    for project_id, score in session.execute(
        select(QualificationTest.project_id, QualificationAttempt.score)
        .join(QualificationTest, QualificationTest.id == QualificationAttempt.test_id)
        .where(QualificationAttempt.worker_id == worker.id)
    ).all():
        key = str(project_id)
        scores[key] = max(scores.get(key, Decimal(0)), score)
    basis = paid_by(session, worker)
    earnings: Decimal | None = None
    if basis == "hour_points":
        earnings = sum(
            session.scalars(select(HourPoints.cost).where(HourPoints.worker_id == worker.id)),
            Decimal("0.00"),
        )
    accepted = session.execute(
        select(SettlementLine.unit, SettlementLine.items, SettlementLine.quantity,
               SettlementLine.amount, Project.modality)
        .join(SettlementSheet, SettlementSheet.id == SettlementLine.sheet_id)
        .outerjoin(Project, Project.id == SettlementLine.project_id)
        .where(SettlementLine.worker_id == worker.id, SettlementSheet.status.in_(_PAID))
    ).all()
    money = sum((r[3] for r in accepted), Decimal("0.00"))
    tax_withheld: Decimal | None = None
    if basis == "own_rate":  # the individual's sheets: corrections and the tax withheld too
        earnings, tax_withheld = _individual_totals(session, worker)
    volume: dict[str, Decimal] = {}
    for unit, _items, quantity, _amount, modality in accepted:
        if unit == "adjustment":
            continue
        key = _volume_key(unit, modality)
        volume[key] = volume.get(key, Decimal(0)) + quantity
    return WorkerDashboard(
        worker_id=worker.id,
        username=user.username if user else "?",
        submitted_tasks=len(submitted),
        annotated_hours=hours.quantize(_Q, rounding=ROUND_HALF_UP),
        annotated_volume={u: v.quantize(_Q, rounding=ROUND_HALF_UP) for u, v in annotated.items()},
        returned_tasks=returned,
        rework_rate=(Decimal(returned) / worked).quantize(_Q) if worked else Decimal(0),
        accepted_items=sum(1 for r in submitted if r[4] == "accepted"),
        qualification_scores=scores,
        paid_by=basis,
        earnings=earnings,
        accepted_tasks=sum(int(r[1]) for r in accepted),
        accepted_volume={u: v.quantize(_Q, rounding=ROUND_HALF_UP) for u, v in volume.items()},
        vendor_amount=(money if basis == "vendor" and sees_vendor_money(session, actor, worker)
                       else None),
        tax_withheld=tax_withheld,
    )


def _individual_totals(session: Session, worker: Worker) -> tuple[Decimal, Decimal]:
    """An individual supplier's gross and income tax withheld over the confirmed or paid sheets
    of their vendor (the person is the vendor), corrections included: summing only their own
    lines left out every correction (a line of no worker) and the tax, so the page showed
    2,120.00 earned where the sheets paid 7,120.00 gross, 1,139.20 of it withheld."""
    gross, tax = session.execute(
        select(func.coalesce(func.sum(SettlementSheet.gross), 0),
               func.coalesce(func.sum(SettlementSheet.tax_withheld), 0))
        .where(SettlementSheet.vendor_id == worker.vendor_id,
               SettlementSheet.status.in_(_PAID))
    ).one()
    return Decimal(gross).quantize(Decimal("0.01")), Decimal(tax).quantize(Decimal("0.01"))


def paid_by(session: Session, worker: Worker) -> Literal["hour_points", "own_rate", "vendor"]:
    """How a worker is paid (domain §5): in-house staff by hour points at their grade, an
    individual supplier (个人供应商) by their own sheets, a company's or studio's worker by their
    vendor, which the business pays by accepted volume × the vendor's contract price."""
    if worker.vendor_id is None:
        return "hour_points"
    vendor = session.get(Vendor, worker.vendor_id)
    return "own_rate" if vendor is not None and vendor.kind == "individual" else "vendor"


def sees_vendor_money(session: Session, actor: User, worker: Worker) -> bool:
    """Whether ``actor`` may see the vendor's contract money for ``worker``'s work: the business
    side and that vendor's manager; never the vendor's other workers (the vendor's price is
    not their pay)."""
    return is_business(actor) or (
        worker.vendor_id is not None and managed_vendor_id(session, actor) == worker.vendor_id)


def _in_units(volumes: Iterable[tuple[str, int]]) -> dict[str, Decimal]:
    """(modality, volume in its base unit) pairs added up per volume unit (``hours``,
    ``images`` ...): figures of different modalities are never added together."""
    out: dict[str, Decimal] = {}
    for modality, volume in volumes:
        plugin = get_modality(modality)
        unit = plugin.volume_unit
        out[unit] = out.get(unit, Decimal(0)) + Decimal(volume) / plugin.volume_per_unit
    return out


def _accepted(session: Session, year: int) -> dict[int, tuple[Decimal, dict[str, Decimal]]]:
    """Per vendor: the settled amount of its regular sheets of ``year`` and the accepted
    volume per unit."""
    rows = session.execute(
        select(SettlementSheet.vendor_id, Project.modality,
               func.coalesce(func.sum(SettlementLine.amount), 0),
               func.coalesce(func.sum(SettlementLine.duration_ms), 0))
        .join(SettlementLine, SettlementLine.sheet_id == SettlementSheet.id)
        .outerjoin(Project, Project.id == SettlementLine.project_id)
        .where(
            SettlementSheet.kind == "regular",
            SettlementSheet.status.in_(_PAID),
            SettlementSheet.period_start >= date(year, 1, 1),
            SettlementSheet.period_start < date(year + 1, 1, 1),
        )
        .group_by(SettlementSheet.vendor_id, Project.modality)
    ).all()
    out: dict[int, tuple[Decimal, dict[str, Decimal]]] = {}
    for vendor_id, modality, amount, volume in rows:
        total, units = out.get(int(vendor_id), (Decimal(0), {}))
        if modality is not None:  # a line of no project (a fee, an adjustment) has no volume
            for unit, value in _in_units([(modality, int(volume))]).items():
                units[unit] = units.get(unit, Decimal(0)) + value
        out[int(vendor_id)] = (total + Decimal(amount), units)
    return out


def _response_hours(session: Session, vendor_id: int, year: int) -> list[Decimal]:
    start, end = day_start(date(year, 1, 1)), day_start(date(year + 1, 1, 1))  # the business's year
    rows = session.execute(
        select(PackageHandoff.handed_at, func.min(TaskAssignment.claimed_at))
        .join(Task, Task.package_id == PackageHandoff.package_id)
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(
            PackageHandoff.vendor_id == vendor_id,
            PackageHandoff.handed_at >= start,
            PackageHandoff.handed_at < end,
        )
        .group_by(PackageHandoff.id, PackageHandoff.handed_at)
    ).all()
    out = []
    for handed, first in rows:
        if first is None:
            continue
        if isinstance(first, str):  # SQLite's aggregate can come back as text
            first = datetime.fromisoformat(first)
        if first.tzinfo is None:
            first = first.replace(tzinfo=UTC)
        out.append(Decimal((first - handed).total_seconds()) / 3600)
    return out


def evaluate_vendor(session: Session, actor: User, vendor_id: int, year: int) -> EvaluationOut:
    """Compute (and store, replacing any earlier one) the vendor's evaluation for ``year``."""
    require_business(actor, "evaluate vendors")
    if not MIN_YEAR <= year <= MAX_YEAR:  # the API's path takes these; a form took any (500)
        raise InvalidInput(f"year {year} is not a calendar year {MIN_YEAR}..{MAX_YEAR}; "
                           "give a year in that range", field="year",
                           reason_code="year_out_of_range", year=year, MIN_YEAR=MIN_YEAR,
                           MAX_YEAR=MAX_YEAR)
    get_or_raise(session, Vendor, vendor_id, "vendor")
    hours = _response_hours(session, vendor_id, year)
    med = Decimal(median(hours)) if hours else None
    speed = Decimal(0) if med is None else min(Decimal(1), max(Decimal(0), (168 - med) / 144))
    accepted = _accepted(session, year)
    mine, units = accepted.get(vendor_id, (Decimal(0), {}))
    top = max((amount for amount, _ in accepted.values()), default=Decimal(0))
    volume = mine / top if top > 0 else Decimal(0)
    flags = (
        session.execute(
            select(TaskAssignment.return_reason)
            .join(Worker, Worker.user_id == TaskAssignment.user_id)
            .join(Task, Task.id == TaskAssignment.task_id)
            .where(
                Worker.vendor_id == vendor_id,
                Task.kind == "work",  # a golden check answer is never returned: not counted
                TaskAssignment.status != "claimed",
                TaskAssignment.claimed_at >= datetime(year, 1, 1, tzinfo=UTC),
                TaskAssignment.claimed_at < datetime(year + 1, 1, 1, tzinfo=UTC),
            )
        )
        .scalars()
        .all()
    )
    quality = Decimal(sum(1 for f in flags if f is None)) / len(flags) if flags else Decimal(0)
    score = (Decimal("0.3") * speed + Decimal("0.3") * volume + Decimal("0.4") * quality).quantize(
        _Q
    )
    rating = (
        "A"
        if score >= Decimal("0.85")
        else "B"
        if score >= Decimal("0.7")
        else "C"
        if score >= Decimal("0.5")
        else "D"
    )
    metrics = {
        "median_response_hours": None if med is None else str(med.quantize(Decimal("0.01"))),
        "packages_measured": len(hours),
        "accepted_hours": str(units.get("hours", Decimal(0)).quantize(_Q)),
        "accepted_volume": {u: str(v.quantize(_Q)) for u, v in sorted(units.items())},
        "accepted_amount": str(mine.quantize(Decimal("0.01"))),
        "tasks_measured": len(flags),
        "speed": str(speed.quantize(_Q)),
        "volume": str(volume.quantize(_Q)),
        "quality": str(quality.quantize(_Q)),
    }
    row = session.scalars(
        select(VendorEvaluation).where(
            VendorEvaluation.vendor_id == vendor_id, VendorEvaluation.year == year
        )
    ).first()
    if row is None:
        row = VendorEvaluation(
            vendor_id=vendor_id, year=year, metrics=metrics, score=score, rating=rating
        )
        session.add(row)
    else:
        row.metrics, row.score, row.rating, row.computed_at = metrics, score, rating, utcnow()
    record_audit(
        session,
        actor_id=actor.id,
        action="vendor.evaluated",
        object_type="vendor",
        object_id=vendor_id,
        data={"year": year, "score": str(score), "rating": rating},
    )
    session.flush()
    return EvaluationOut.model_validate(row)
