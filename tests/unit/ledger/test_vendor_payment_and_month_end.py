"""A vendor payment is journalled only after its cost, never into a closed month; a month is
closed only after its last day (trial user's findings 1a and 1b).

On the old code a sheet whose cost was refused ("no approved budget") was still paid in the
journal (Dr payable / Cr bank: a payable with a debit balance and no cost behind it), dated in a
month closed before the payment was recorded; and ``period-close`` ran and closed the current
month on its fourth day."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict
from datamill.ledger._periods import period_of
from datamill.ledger.events import list_event_problems, sync_ledger
from datamill.ledger.journal import DEFAULT_ACCOUNTS, account_balance, journal_lines
from datamill.ledger.period_close import close_period, confirm_period
from datamill.runtime import Runtime
from datamill.workforce.settlement import settle_sheet
from datamill.workforce.vendors import create_vendor
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import confirmed_sheet, custom_order

D = Decimal
ALL = (date(2000, 1, 1), date(2100, 1, 1))
PAYABLE, BANK = DEFAULT_ACCOUNTS["credit_data_service"][0], DEFAULT_ACCOUNTS["bank"][0]


def _vendor_lines(lines: list) -> list:  # type: ignore[type-arg]
    return [ln for ln in lines if ln.entry.startswith("V")]


def test_a_payment_waits_for_its_cost(runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "nobudget", custom_order(s, "O-NB"))
        vendor = create_vendor(s, admin, name="Early Pay", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, admin, vendor.id, "WF-EARLY", [(pp, "annotate", "100.00")])
        sync_ledger(s)  # the cost is refused: no approved budget
        settle_sheet(s, admin, sheet, reference="BANK-E1", paid_on=date(2018, 3, 14))
        lines = journal_lines(s, *ALL)
        assert _vendor_lines(lines) == []  # no payment of a payable never booked
        assert account_balance(lines, PAYABLE) == 0
        [held] = [p for p in list_event_problems(s) if p.event_type == "settlement.paid"]
        assert held.reason.startswith("book the settlement's cost first")
        assert "WF-EARLY" in held.reason and "no approved budget" in held.reason
        assert "project 'nobudget'" in held.reason and held.amount == D("108.00")
        # the month of the payment is not closed while it waits
        with pytest.raises(Conflict, match="not booked yet"):
            close_period(s, "2018-03", actor_id=ap["finance_reviewer"])

        approved_budget(s, lp, [line("annotation", "data_service", "10", "30")], ap)
        sync_ledger(s)  # the cost is booked: the payment follows on the day it was paid
        lines = journal_lines(s, *ALL)
        assert {ln.date for ln in _vendor_lines(lines)} == {date(2018, 3, 14)}
        assert account_balance(lines, PAYABLE) == 0
        assert account_balance(lines, BANK) == D("-108.00")
        assert [p for p in list_event_problems(s) if p.event_type == "settlement.paid"] == []


def test_a_payment_recorded_after_its_month_closed_is_dated_in_the_open_one(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "late", custom_order(s, "O-LATE"))
        approved_budget(s, lp, [line("annotation", "data_service", "10", "30")], ap)
        vendor = create_vendor(s, admin, name="Late Pay", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, admin, vendor.id, "WF-LATE", [(pp, "annotate", "100.00")])
        sync_ledger(s)
        for month in ("2018-03", "2018-04"):
            close_period(s, month, actor_id=ap["finance_reviewer"])
            confirm_period(s, month, reviewer_id=ap["finance_head"])
        settle_sheet(s, admin, sheet, reference="BANK-L1", paid_on=date(2018, 3, 14))
        lines = journal_lines(s, *ALL)
        paid = _vendor_lines(lines)
        assert {ln.date for ln in paid} == {date(2018, 5, 1)}  # the first open day
        assert "paid 2018-03-14" in paid[0].memo
        assert journal_lines(s, date(2018, 3, 1), date(2018, 4, 30)) == [
            ln for ln in journal_lines(s, date(2018, 3, 1), date(2018, 4, 30))
            if not ln.entry.startswith("V")]
        assert account_balance(lines, PAYABLE) == 0
        # closing a later month does not move it again
        close_period(s, "2018-05", actor_id=ap["finance_reviewer"])
        confirm_period(s, "2018-05", reviewer_id=ap["finance_head"])
        assert {ln.date for ln in _vendor_lines(journal_lines(s, *ALL))} == {date(2018, 5, 1)}


def test_a_month_is_closed_only_after_its_last_day(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.ledger import app

    today = business_today()
    this_month = period_of(today)
    with runtime.session() as s:
        ap = make_approvers(s)
        for month in (this_month, period_of(today + timedelta(days=40))):
            with pytest.raises(Conflict, match=f"period {month} has not ended yet"):
                close_period(s, month, actor_id=ap["finance_reviewer"])
    # prepared once the month is over (clock moved on), its confirmation is not early either
    monkeypatch.setattr("datamill.business_clock.utcnow",
                        lambda: utcnow() + timedelta(days=32))
    with runtime.session() as s:
        assert close_period(s, this_month, actor_id=ap["finance_reviewer"]).status == "prepared"
    monkeypatch.undo()
    with runtime.session() as s, pytest.raises(Conflict, match="has not ended yet"):
        confirm_period(s, this_month, reviewer_id=ap["finance_head"])

    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["period-close", this_month, "--as", "admin", "--json"])
    assert r.exit_code != 0
    body = json.loads(r.output)
    assert "has not ended yet" in body["error"]["message"], r.output
