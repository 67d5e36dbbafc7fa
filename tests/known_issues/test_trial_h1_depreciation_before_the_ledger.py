"""Final accounts charged years of depreciation from before the ledger began (review, h1).

Final accounts book the depreciation of every earlier open month that no period-end run booked
(a month's run skips a closed project). "Open" meant "not confirmed closed", and the months
went back to the asset's ``in_use_from``: a GPU server bought in July 2019 (36,500.00 a year)
and put on a project of a ledger that began in January 2024 was charged, at the project's
close on 15 March 2024, every month from July 2019 on: 1,720 days, 172,000.00, of which
164,500.00 for the 4½ years before the ledger (and the project) existed, which the system
datamill replaced had booked, if anyone did (with a smaller budget line the close was refused
as over budget instead). Those months had no run to lose: the close now goes back to the
ledger's first month (its first period-end run or cost), never before.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from datamill.ledger.assets import register_asset
from datamill.ledger.costs import post_cost
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.models import LedgerCost
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.recognition import close_project
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers


@pytest.mark.parametrize("begins", ["run", "cost"])
def test_the_close_books_no_month_before_the_ledger_began(runtime: Runtime, begins: str) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _pp, lp = ledger_project(s, "dep-old-asset", None, project_type="product_development")
        approved_budget(s, lp, [line("equipment", "equipment", "1", "200000", unit="lot")], ap)
        register_asset(s, "SRV-2019", name="GPU server bought in 2019",
                       annual_depreciation="36500.00", project_id=lp,
                       in_use_from=date(2019, 7, 1))
        first: list[tuple[Decimal, date]] = []
        if begins == "run":  # the ledger's first month-end run: January 2024 (31 days booked)
            close_period(s, "2024-01", actor_id=ap["finance_reviewer"])
            confirm_period(s, "2024-01", reviewer_id=ap["finance_manager"])
            first = [(Decimal("3100.00"), date(2024, 1, 31))]
        else:  # no run yet; the ledger's first entry is a cost of 10 January 2024
            post_cost(s, lp, "equipment", "equipment", "100.00", "rack-1",
                      incurred_on=date(2024, 1, 10))
            first = [(Decimal("100.00"), date(2024, 1, 10)),
                     (Decimal("3100.00"), date(2024, 1, 31))]  # January at the close
        review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        close_project(s, lp, date(2024, 3, 15), actor_id=ap["finance_manager"])
        costs = s.scalars(select(LedgerCost).where(LedgerCost.project_id == lp)
                          .order_by(LedgerCost.incurred_on)).all()
        assert [(c.amount, c.incurred_on) for c in costs] == [
            *first,
            (Decimal("2900.00"), date(2024, 2, 29)),  # 29 days, at final accounts
            (Decimal("1500.00"), date(2024, 3, 15)),  # 15 days up to the close
        ]  # before: 2019-07 .. 2023-12 too, 164,500.00 more


def test_an_empty_ledger_books_the_closing_month(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _pp, lp = ledger_project(s, "dep-first", None, project_type="product_development")
        approved_budget(s, lp, [line("equipment", "equipment", "1", "200000", unit="lot")], ap)
        register_asset(s, "SRV-2015", name="server bought in 2015",
                       annual_depreciation="36500.00", project_id=lp,
                       in_use_from=date(2015, 1, 1))
        review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        close_project(s, lp, date(2024, 3, 15), actor_id=ap["finance_manager"])
        costs = s.scalars(select(LedgerCost).where(LedgerCost.project_id == lp)).all()
        assert [(c.amount, c.incurred_on) for c in costs] == [
            (Decimal("1500.00"), date(2024, 3, 15))]  # before: every month from 2015
