"""Hour points are booked for days worked (trial h1, left-out 3 of the last round).

On 2 December a clerk booked 160 points of December for one person: the cap was the whole
month's (8 × 23 weekdays = 184), though two days had been worked. Domain §5.4: points per
person = 8 a day × working days, and labour cost is booked from them monthly, so the current
month's cap is 8 × the working days up to today (``worked_days``); a past month keeps its
whole cap. The API's working-days answer says what may be booked so far.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.workforce.hour_points import book_points, working_days_out
from datamill.workforce.vendors import create_grade, register_worker


def test_the_current_month_takes_the_points_of_the_days_worked(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wednesday 2 December 2026, Beijing: Tuesday the 1st and today worked
    monkeypatch.setattr("datamill.business_clock.utcnow",
                        lambda: datetime(2026, 12, 2, 4, tzinfo=UTC))
    with sqlite_runtime.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        ann = create_user(s, "ann1", "password1", "annotator")
        p = Project(name="pts", modality="speech.asr", language="zh-CN",
                    project_type="custom_service", data_owner="customer", spec={})
        s.add(p)
        s.flush()
        create_grade(s, admin, "T3", "35.50")
        w = register_worker(s, admin, ann, grade="T3", languages=["zh-CN"])
        with pytest.raises(InvalidInput, match=r"160 points in 2026-12 exceed the 16 worked "
                                               r"so far \(8 × 2 working days") as err:
            book_points(s, admin, w.id, p.id, "2026-12", "160")
        assert err.value.details["reason_code"] == "points_ahead_of_work"
        assert book_points(s, admin, w.id, p.id, "2026-12", "16").cost == Decimal("568.00")
        assert book_points(s, admin, w.id, p.id, "2026-11", "168").points == 168  # whole month
        got = working_days_out(s, "2026-12")
        assert (got.working_days, got.cap, got.worked_days, got.cap_to_date) == (
            23, Decimal(184), 2, Decimal(16))
