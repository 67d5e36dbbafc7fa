"""An asset is not registered on a project whose final accounts are done, nor in use during a
closed month (trial h7).

`ledger asset-add MIC-1 "Studio mic" 36500 3 2026-12-01` was accepted for a project closed on
2026-12-06: the asset stood "in use" there for ever, every month-end run skipped it as
``project_closed``, and its days before the close were never charged. The final-accounts lock
now refuses it as it refuses a cost.
"""

from __future__ import annotations

from datetime import date

import pytest

from datamill.core.errors import Conflict
from datamill.ledger.assets import register_asset
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.recognition import close_project
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers


def test_an_asset_on_a_closed_project_is_refused(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _pp, lp = ledger_project(s, "asset-closed", None, project_type="product_development")
        approved_budget(s, lp, [line("equipment", "equipment", "1", "10000", unit="lot")], ap)
        review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        close_project(s, lp, date(2018, 3, 15), actor_id=ap["finance_manager"])
        with pytest.raises(Conflict, match=r"closed .*no more assets") as err:
            register_asset(s, "MIC-1", name="Studio mic", annual_depreciation="36500.00",
                           project_id=lp, in_use_from=date(2018, 3, 1))
        assert err.value.details["reason_code"] == "project_closed"


def test_an_asset_in_use_in_a_closed_month_is_refused(runtime: Runtime) -> None:
    """`asset-add MIC-2 "Studio mic" 36500 1 2026-11-01` with November closed was accepted and
    November's 30 days (3,000.00) were never charged: the month's run went without the asset,
    December's books December only, final accounts skip closed months. Now refused, saying
    what to do; from the first open day it is registered."""
    with runtime.session() as s:
        ap = make_approvers(s)
        _pp, lp = ledger_project(s, "asset-late", None, project_type="product_development")
        approved_budget(s, lp, [line("equipment", "equipment", "1", "10000", unit="lot")], ap)
        close_period(s, "2018-03", actor_id=ap["finance_reviewer"])
        confirm_period(s, "2018-03", reviewer_id=ap["finance_manager"])
        with pytest.raises(Conflict, match=r"30 days, 3000\.00 .*from 2018-04-01") as err:
            register_asset(s, "MIC-2", name="Studio mic", annual_depreciation="36500.00",
                           project_id=lp, in_use_from=date(2018, 3, 2))
        assert err.value.details["reason_code"] == "asset_closed_months"
        # out of use before the ledger's first month: nothing lost, registered
        register_asset(s, "OLD-1", name="old mic", annual_depreciation="365.00", project_id=lp,
                       in_use_from=date(2017, 1, 1), in_use_to=date(2018, 2, 28))
        ok = register_asset(s, "MIC-3", name="Studio mic", annual_depreciation="36500.00",
                            project_id=lp, in_use_from=date(2018, 4, 1))
        assert ok.in_use_from == date(2018, 4, 1)
