"""Reports the business reads (§4.6, §6.8): annotation-output ratio and vendor throughput.

Both are measured from the work itself: each submitted assignment of a ``work`` task (checks
excluded) with the time its annotation recorded (``Annotation.time_spent_ms`` of that task and
author) and the item's volume in the modality's unit (speech: hours of audio; image: images).

* **Annotation-output ratio** (标产比) per project and stage = hours of annotation work per unit
  of data (speech: hours of work per hour of audio). The budget uses the ratio from a pre-start
  self-test or agreement (:mod:`datamill.ledger.budget_plan`); this is the ratio achieved.
* **Vendor throughput** per vendor (in-house staff as one row), project and stage: people,
  items and volume submitted, work hours, volume per work hour, and what of it was accepted
  (item status ``accepted``: only accepted volume reaches a settlement sheet).

``date_from`` / ``date_to`` select assignments by their submission date (inclusive).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.models import User
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action, role_with_article
from datamill.core.csv_cells import SafeDictWriter
from datamill.core.errors import Forbidden, InvalidInput
from datamill.db.lookup import id_is
from datamill.modalities.registry import get_modality
from datamill.production.models import Item, Project, Task, TaskAssignment
from datamill.production.work_time import time_spent_by_task_author
from datamill.workforce.models import Vendor, Worker
from datamill.workforce.policies import is_business, managed_vendor_id

__all__ = ["OutputRatioRow", "VendorThroughputRow", "output_ratio_report", "report_csv",
           "report_scope", "vendor_throughput"]

IN_HOUSE = "in-house"
MS_PER_HOUR = Decimal(3_600_000)


class OutputRatioRow(BaseModel):
    project_id: int
    project: str
    stage: str
    unit: str
    people: int
    items: int
    volume: Decimal
    work_hours: Decimal
    ratio: Decimal | None  # work hours per unit of data


class VendorThroughputRow(BaseModel):
    vendor_id: int | None
    vendor: str
    project_id: int
    project: str
    stage: str
    unit: str
    people: int
    items: int
    volume: Decimal
    work_hours: Decimal
    per_work_hour: Decimal | None  # volume per hour of work
    accepted_items: int
    accepted_volume: Decimal
    acceptance_rate: Decimal | None


@dataclass
class _Acc:
    people: set[int] = field(default_factory=set)
    items: int = 0
    base: int = 0
    ms: int = 0
    accepted: int = 0
    accepted_base: int = 0


def report_scope(session: Session, user: User, *, vendor_only: bool = False) -> int | None:
    """Who reads the reports, on every face (the API, the CLI and the finance page's CSVs): the
    business side, auditors and the readers of the books (finance, the ledger approvers, sales:
    these are finance reports, §6.8) see everything (None); a vendor manager sees only their own
    vendor's throughput (its id); others are refused."""
    if is_business(user) or check(session, user, Action.VIEW_LEDGER) is None:
        return None
    if not vendor_only:  # the output ratio spans every vendor's work
        raise Forbidden(f"only procurement, a project manager, finance or an auditor may read "
                        f"the annotation-output ratio; {user.username!r} is {role_with_article(user.role)}",
                        reason_code="ratio_report_role", username=str(user.username),
                        value=str(role_with_article(user.role)))
    mine = managed_vendor_id(session, user)
    if mine is None:
        raise Forbidden(f"{user.username!r} manages no vendor and may not read the "
                        "throughput reports",
                        reason_code="throughput_not_manager", username=str(user.username))
    return mine


def _bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    if date_from and date_to and date_to < date_from:
        raise InvalidInput("the period ends before it starts", field="to",
                           reason_code="period_end_before_start")
    lo = datetime.combine(date_from, time(), UTC) if date_from else None
    hi = datetime.combine(date_to + timedelta(days=1), time(), UTC) if date_to else None
    return lo, hi


def _rows(
    session: Session, project_id: int | None, date_from: date | None, date_to: date | None,
    vendor_id: int | None = None, reader: User | None = None,
) -> list[tuple[Any, ...]]:
    """(project, stage, user, vendor id, item status, item volume, time spent ms) per
    submitted work assignment; with a ``reader``, none of a project classified above their
    clearance (no list may name it to them, an explicit ``project_id`` included)."""
    spent = time_spent_by_task_author()  # the self-test's measure too (production.work_time)
    q = (select(Task.project_id, Task.stage, TaskAssignment.user_id, Worker.vendor_id,
                Item.status, Item.volume, spent.c.ms)
         .join(Task, Task.id == TaskAssignment.task_id)
         .join(Item, Item.id == Task.item_id)
         .outerjoin(Worker, Worker.user_id == TaskAssignment.user_id)
         .outerjoin(spent, (spent.c.task_id == Task.id)
                    & (spent.c.author_id == TaskAssignment.user_id))
         .where(TaskAssignment.status == "submitted", Task.kind == "work"))
    lo, hi = _bounds(date_from, date_to)
    if lo is not None:
        q = q.where(TaskAssignment.submitted_at >= lo)
    if hi is not None:
        q = q.where(TaskAssignment.submitted_at < hi)
    if project_id is not None:
        q = q.where(id_is(Task.project_id, project_id))
    if vendor_id is not None:
        q = q.where(id_is(Worker.vendor_id, vendor_id))
    if reader is not None:
        hidden = hidden_project_ids(session, reader)
        if hidden:
            q = q.where(Task.project_id.not_in(hidden))
    return [tuple(r) for r in session.execute(q).all()]


def _units(session: Session, project_ids: set[int]) -> dict[int, tuple[str, str, int]]:
    """project → (name, volume unit, base units per unit)."""
    out = {}
    for p in session.scalars(select(Project).where(Project.id.in_(project_ids))):
        plugin = get_modality(p.modality)
        out[p.id] = (p.name, plugin.volume_unit, int(plugin.volume_per_unit or 1))
    return out


def _q(value: Decimal, places: str = "0.0001") -> Decimal:
    return value.quantize(Decimal(places))


def _accumulate(rows: list[tuple[Any, ...]], key_of: Any) -> dict[Any, _Acc]:
    acc: dict[Any, _Acc] = defaultdict(_Acc)
    for project, stage, user, vendor, status, volume, ms in rows:
        a = acc[key_of(project, stage, vendor)]
        a.people.add(user)
        a.items += 1
        a.base += int(volume or 0)
        a.ms += int(ms or 0)
        if status == "accepted":
            a.accepted += 1
            a.accepted_base += int(volume or 0)
    return acc


def output_ratio_report(
    session: Session, *, project_id: int | None = None, date_from: date | None = None,
    date_to: date | None = None, reader: User | None = None,
) -> list[OutputRatioRow]:
    """Hours of annotation work per unit of data, per project and stage (as ``reader`` may see
    it: projects above their clearance left out)."""
    acc = _accumulate(_rows(session, project_id, date_from, date_to, reader=reader),
                      lambda project, stage, vendor: (project, stage))
    units = _units(session, {k[0] for k in acc})
    out = []
    for (project, stage), a in sorted(acc.items()):
        name, unit, per = units[project]
        volume = _q(Decimal(a.base) / per)
        hours = _q(Decimal(a.ms) / MS_PER_HOUR)
        out.append(OutputRatioRow(project_id=project, project=name, stage=stage, unit=unit,
                                  people=len(a.people), items=a.items, volume=volume,
                                  work_hours=hours,
                                  ratio=_q(hours / volume) if volume else None))
    return out


def vendor_throughput(
    session: Session, *, project_id: int | None = None, vendor_id: int | None = None,
    date_from: date | None = None, date_to: date | None = None, reader: User | None = None,
) -> list[VendorThroughputRow]:
    """Per vendor, project and stage: what was submitted, how fast, and what was accepted (as
    ``reader`` may see it: projects above their clearance left out)."""
    acc = _accumulate(_rows(session, project_id, date_from, date_to, vendor_id, reader),
                      lambda project, stage, vendor: (vendor, project, stage))
    units = _units(session, {k[1] for k in acc})
    names = {v.id: v.name for v in session.scalars(select(Vendor).where(
        Vendor.id.in_({k[0] for k in acc if k[0] is not None})))}
    out = []
    for (vendor, project, stage), a in sorted(acc.items(), key=lambda kv: (
            kv[0][0] is None, kv[0][0] or 0, kv[0][1], kv[0][2])):
        name, unit, per = units[project]
        volume = _q(Decimal(a.base) / per)
        hours = _q(Decimal(a.ms) / MS_PER_HOUR)
        out.append(VendorThroughputRow(
            vendor_id=vendor, vendor=names.get(vendor, IN_HOUSE) if vendor else IN_HOUSE,
            project_id=project, project=name, stage=stage, unit=unit, people=len(a.people),
            items=a.items, volume=volume, work_hours=hours,
            per_work_hour=_q(volume / hours) if hours else None,
            accepted_items=a.accepted, accepted_volume=_q(Decimal(a.accepted_base) / per),
            acceptance_rate=_q(Decimal(a.accepted) / a.items) if a.items else None))
    return out


def report_csv(rows: list[Any], model: type[BaseModel]) -> str:
    """Either report as CSV (``model``: its row class; decimals as text, None as empty)."""
    fields = list(model.model_fields)
    buf = io.StringIO()
    writer = SafeDictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.model_dump().items()})
    return buf.getvalue()
