"""The full demo ends as a company's books stand on a working day: every month it posted in
that has ended is closed (run by one person, confirmed by another), this month is open, and
every project with revenue shows a margin between 0 and 100 %.

Before, the money story closed only the last month that had ended, and did so before the
catalog booked its development 90 days back: that development was pushed into this (open)
month, the months behind it were never closed, and the catalog's datasets read their whole
development cost against one month's licences."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from datamill.business_clock import business_today
from datamill.catalog.licences import dataset_report
from datamill.compliance.users import get_user
from datamill.demo.catalog_demo import run_catalog_demo
from datamill.demo.money_demo import close_ended_months, run_money_demo
from datamill.demo.script import run_loop, setup_people_and_project
from datamill.ledger._periods import closed_through
from datamill.ledger.finance import project_finance
from datamill.ledger.models import LedgerCost, LedgerPeriodClose, LedgerProject
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.runtime import Runtime
from tests.unit.production.helpers import speech_folder


def _months(first: date, last: date) -> list[str]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(f"{month:%Y-%m}")
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def test_demo_closes_every_ended_month_and_margins_are_real(runtime: Runtime,
                                                             tmp_path: Path) -> None:
    pid = setup_people_and_project(runtime)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, speech_folder(tmp_path, 8))
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    assert run_loop(runtime, pid, tmp_path / "deliveries").delivery_path
    run_money_demo(runtime, pid)
    run_catalog_demo(runtime, tmp_path)
    lines = close_ended_months(runtime)

    today = business_today()
    last_ended = today.replace(day=1) - timedelta(days=1)
    with runtime.session() as s:
        first_cost = s.scalar(select(func.min(LedgerCost.incurred_on)))
        assert first_cost is not None
        # the catalog's development keeps its day, 90 days back (was moved to this month)
        assert first_cost == today - timedelta(days=90)
        periods = {p.period: p for p in s.scalars(select(LedgerPeriodClose))}
        ended = _months(first_cost, last_ended)
        assert sorted(periods) == ended, lines
        assert all(p.status == "closed" and p.reviewed_by != p.prepared_by
                   for p in periods.values())
        assert closed_through(s) == last_ended
        assert f"{today:%Y-%m}" not in periods  # this month has not ended: open
        # trial (h13): the demo ended on the last closed month's report, all zeros (the story is
        # posted this month); it ends on this month's report so far, with the story's figures
        head = f"{today:%Y-%m} so far (the report its close will run, as of today):"
        so_far = lines[lines.index(head) + 1:]
        assert so_far and so_far[0] == "Depreciation:", lines
        [custom] = [ln for ln in so_far if ln.startswith("  custom: revenue")]
        assert "revenue 0.00" not in custom and "cost 0.00" not in custom, so_far

        # every project with revenue: a margin strictly between 0 and 100 %
        margins = {}
        for lp in s.scalars(select(LedgerProject)):
            f = project_finance(s, lp.production_project_id, today.year)
            if f.revenue:
                margins[f.name] = f.margin_pct
        for r in dataset_report(s, get_user(s, "catalog-sales")):
            if r.revenue:
                margins[r.name] = r.margin_pct  # a fraction, as the ledger's
        assert set(margins) == {"demo-asr-en", "zh-CN-farfield-tv-asr"}, margins
        assert all(m is not None and Decimal(0) < m < Decimal(1) for m in margins.values()), \
            margins
        # the custom project's gross margin in the band §9 gives (40.4-47.9 %), give or take
        # the rounding of a few seconds of audio
        assert Decimal("0.35") < margins["demo-asr-en"] < Decimal("0.55"), margins
    # a second run closes nothing again (a closed month is never re-run)
    assert close_ended_months(runtime)[0].startswith(f"{today:%Y-%m} is open")
