"""The books keep one calendar, the business's (``DATAMILL_BUSINESS_TIMEZONE``, default
Asia/Shanghai): a customer acceptance at 01:00 on 1 May Beijing time (17:00 UTC on 30 April) is
May's revenue, as the settlement period that pays the vendors for the same work is May's. The
ledger used to date it by its UTC day (April) while settlement periods were Beijing days, so the
revenue and the cost of one piece of work could fall in different months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from datamill.business_clock import business_day, business_today, day_start
from datamill.config import BadSetting, Settings, business_timezone, get_settings
from datamill.core.clock import utcnow
from datamill.ledger.models import LedgerRecognition
from datamill.ledger.recognition import process_acceptance_events
from datamill.runtime import Runtime
from datamill.web.routes._common import when
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)
from tests.unit.ledger.test_controls import _order

NIGHT = datetime(2018, 4, 30, 17, tzinfo=UTC)  # 2018-05-01 01:00 in Beijing


def test_days_are_the_business_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAMILL_BUSINESS_TIMEZONE", raising=False)
    assert str(business_timezone()) == "Asia/Shanghai"
    assert business_day(NIGHT) == date(2018, 5, 1)
    assert business_day(NIGHT.replace(tzinfo=None)) == date(2018, 5, 1)  # SQLite's naive UTC
    assert day_start(date(2018, 5, 1)) == datetime(2018, 4, 30, 16, tzinfo=UTC)
    assert when(NIGHT) == "2018-05-01 01:00 UTC+08:00" and when(None) == ""
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", "UTC")
    assert business_day(NIGHT) == date(2018, 4, 30) and business_today() == utcnow().date()
    assert when(NIGHT, seconds=True) == "2018-04-30 17:00:00 UTC"
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", "America/New_York")  # behind UTC, with DST
    assert when(NIGHT) == "2018-04-30 13:00 UTC-04:00"
    assert day_start(date(2018, 1, 2)) == datetime(2018, 1, 2, 5, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["Mars/Olympus", "../etc/passwd", "UTC+8"])
def test_a_zone_that_is_none_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", bad)
    with pytest.raises(BadSetting, match=r"DATAMILL_BUSINESS_TIMEZONE.*IANA time zone") as err:
        business_timezone()
    assert err.value.details["field"] == "DATAMILL_BUSINESS_TIMEZONE"
    get_settings.cache_clear()  # the settings are read once per process
    try:
        with pytest.raises(BadSetting, match=r"DATAMILL_BUSINESS_TIMEZONE.*Asia/Shanghai"):
            get_settings()
    finally:
        get_settings.cache_clear()
    assert Settings(business_timezone="Europe/Berlin").business_timezone == "Europe/Berlin"
    assert Settings(business_timezone=" ").business_timezone == "Asia/Shanghai"  # set, empty


@pytest.mark.parametrize(("zone", "day"), [(None, date(2018, 5, 1)), ("UTC", date(2018, 4, 30))])
def test_revenue_falls_on_the_business_day_of_acceptance(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, zone: str | None, day: date
) -> None:
    if zone is None:
        monkeypatch.delenv("DATAMILL_BUSINESS_TIMEZONE", raising=False)
    else:
        monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", zone)
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "night", _order(s, "30000", acceptance_type=3, volume="10"))
        approved_budget(s, lp, [line("collection", "data_service", "10", "1000")], ap)
        accept_delivery(s, monkeypatch, pp, "4", day, stamp=NIGHT)
    with runtime.session() as s:
        assert process_acceptance_events(s).acceptances == 1
        [rec] = s.scalars(select(LedgerRecognition)).all()
        assert rec.recognised_on == day  # was 2018-04-30 (the UTC day) under Beijing time too
