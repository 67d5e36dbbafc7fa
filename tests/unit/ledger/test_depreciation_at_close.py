"""The closing month's depreciation was lost at final accounts (finance-clerk trial, round h4).

An asset (36,500.00 a year) in use on a project from 1 March; the project's final accounts
close on 15 March. The March period-end run skips assets of closed projects, so the 15 days
in use before the close (15 / 365 × 36,500 = 1,500.00) were never booked anywhere: the
project's cost was 1,500.00 short, though "before final accounts every expense must be
entered". The close now books the closing month's days up to its date (once: the month's run
finds it booked).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from datamill.ledger.assets import register_asset
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.models import LedgerCost
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.recognition import close_project
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers


def test_the_close_books_the_closing_months_depreciation(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _pp, lp = ledger_project(s, "dep-close", None, project_type="product_development")
        approved_budget(s, lp, [line("equipment", "equipment", "1", "10000", unit="lot")], ap)
        register_asset(s, "SRV-1", name="GPU server", annual_depreciation="36500.00",
                       project_id=lp, in_use_from=date(2018, 3, 1))
        review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        close_project(s, lp, date(2018, 3, 15), actor_id=ap["finance_manager"])
        report = close_period(s, "2018-03", actor_id=ap["finance_reviewer"])
        costs = s.scalars(select(LedgerCost).where(LedgerCost.project_id == lp)).all()
        assert [(c.amount, c.incurred_on, c.status) for c in costs] == [
            (Decimal("1500.00"), date(2018, 3, 15), "posted")]
        [dep] = report.report["depreciation"]
        assert (dep["days_used"], dep["amount"], dep["status"]) == (15, "1500.00", "posted")


def test_the_close_books_earlier_months_no_run_booked(runtime: Runtime) -> None:
    # in use from 20 December 2017, December's run booked its 12 days; no run of January or
    # February happened before the close (and runs skip a closed project afterwards): their
    # 31 + 28 days were lost, only March's 15 were booked
    with runtime.session() as s:
        ap = make_approvers(s)
        _pp, lp = ledger_project(s, "dep-months", None, project_type="product_development")
        approved_budget(s, lp, [line("equipment", "equipment", "1", "10000", unit="lot")], ap)
        register_asset(s, "SRV-2", name="GPU server", annual_depreciation="36500.00",
                       project_id=lp, in_use_from=date(2017, 12, 20))
        close_period(s, "2017-12", actor_id=ap["finance_reviewer"])
        confirm_period(s, "2017-12", reviewer_id=ap["finance_manager"])
        review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        close_project(s, lp, date(2018, 3, 15), actor_id=ap["finance_manager"])
        costs = s.scalars(select(LedgerCost).where(LedgerCost.project_id == lp)
                          .order_by(LedgerCost.incurred_on)).all()
        assert [(c.amount, c.incurred_on) for c in costs] == [
            (Decimal("1200.00"), date(2017, 12, 31)),  # booked by December's run: 12 days
            (Decimal("3100.00"), date(2018, 1, 31)),  # 31 days, at final accounts
            (Decimal("2800.00"), date(2018, 2, 28)),  # 28 days
            (Decimal("1500.00"), date(2018, 3, 15)),  # 15 days up to the close
        ]
        for month in ("2018-01", "2018-02", "2018-03"):  # each month's run finds its own
            [dep] = close_period(s, month, actor_id=ap["finance_reviewer"]).report["depreciation"]
            assert dep["status"] == "posted", (month, dep)
