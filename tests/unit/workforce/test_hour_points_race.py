"""Two clerks booking one person's hour points at once (finance-clerk trial, round h4).

The monthly cap is 8 × working days across all projects (May 2024 with 21 working days: 168).
On PostgreSQL each booking read the person's points on the other projects, found room, and
wrote: 100 on one project and 100 on another at once were both booked (200 points, 32 over
the cap, 32 × 35.50 = 1,136.00 of labour cost too many). Now a booking locks the worker first,
so the second reads the first and is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.workforce.hour_points import book_points, set_working_days
from datamill.workforce.models import HourPoints
from datamill.workforce.vendors import create_grade, register_worker
from tests.unit.ledger.races import pg_runtime, race


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def _book(s: Session, admin_id: int, worker_id: int, project_id: int) -> None:
    admin = s.get(User, admin_id)
    assert admin is not None
    book_points(s, admin, worker_id, project_id, "2024-05", "100")


def test_two_bookings_at_once_never_pass_the_monthly_cap(pg: tuple[Runtime, str]) -> None:
    rt, _url = pg
    with rt.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        person = create_user(s, "li", "password1", "annotator")
        pids = []
        for name in ("pts-a", "pts-b"):
            p = Project(name=name, modality="speech.asr", language="zh-CN",
                        project_type="custom_service", data_owner="customer", spec={})
            s.add(p)
            s.flush()
            pids.append(p.id)
        create_grade(s, admin, "T3", "35.50")
        worker = register_worker(s, admin, person, grade="T3", languages=["zh-CN"])
        set_working_days(s, admin, "2024-05", 21)
        ids = (admin.id, worker.id)
    got = race(rt, [(_book, (*ids, pids[0])), (_book, (*ids, pids[1]))])
    assert got == ["InvalidInput", "ok"], got
    with rt.session() as s:
        total = s.scalar(select(func.sum(HourPoints.points)).where(HourPoints.month == "2024-05"))
        assert total == Decimal(100)


@pytest.mark.parametrize("month", ["0000-12", "1899-12", "2999-12"])
def test_points_for_a_month_the_ledger_cannot_book_are_refused(
    runtime: Runtime, month: str
) -> None:
    """``datamill workforce points 1 2 0000-12 8 --as pm`` was booked (480.00); its cost event
    could never be posted (year 0, before 1900, or centuries ahead), stayed pending, and every
    later ``ledger period-close`` was refused: "workforce events [...] are not booked yet"."""
    with runtime.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        person = create_user(s, "li", "password1", "annotator")
        p = Project(name="pts", modality="speech.asr", language="zh-CN",
                    project_type="custom_service", data_owner="customer", spec={})
        s.add(p)
        s.flush()
        create_grade(s, admin, "T3", "60")
        worker = register_worker(s, admin, person, grade="T3", languages=["zh-CN"])
        with pytest.raises(InvalidInput, match="hour points are booked for a month from 1900"):
            book_points(s, admin, worker.id, p.id, month, "8")
        assert book_points(s, admin, worker.id, p.id, "2024-05", "8").cost == Decimal("480.00")
