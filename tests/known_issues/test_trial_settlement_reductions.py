"""Found by trial users (finance clerk, vendor manager): a correction sheet that deducts from a
vendor (``settlement.reduced``) and hour points cut after booking never reached the ledger (it
books positive costs only), so the project's cost stayed overstated.

The ledger now books both as a credit on the project's cost, with the event as its source:
once only, never below zero, never into a confirmed period; the reports follow.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.ledger._balances import incurred_cost, wip_balance
from datamill.ledger.costs import approve_over_budget_cost, post_cost_reduction
from datamill.ledger.events import book_cost_event, list_event_problems, sync_ledger
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.finance import project_finance
from datamill.ledger.journal import DEFAULT_ACCOUNTS, account_balance, journal_lines
from datamill.ledger.models import LedgerCost, LedgerEventReceipt, LedgerProject
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.period_close import close_period, confirm_period, pending_workforce_events
from datamill.ledger.recognition import list_recognitions
from datamill.ledger.reports import budget_vs_actual, margin_report, wip_rollforward
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from datamill.workforce.hour_points import book_points
from datamill.workforce.models import SettlementSheet
from datamill.workforce.settlement import confirm_sheet_by_business, create_correction_sheet
from datamill.workforce.vendors import create_grade, create_vendor, register_worker
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    close_reviewed,
    ledger_project,
    line,
    make_approvers,
)
from tests.unit.ledger.test_events import confirmed_sheet

D = Decimal
YEAR = (date(2018, 1, 1), date(2018, 12, 31))


def _code(key: str) -> str:
    return DEFAULT_ACCOUNTS[key][0]


def _scene(s: Session, users: dict[str, User], tag: str, acceptance_type: int = 1) -> dict[str, Any]:
    """A 100,000 CNY / 10 h custom order, its project (annotation 3,000, staff 5,000), a vendor
    with an 8 % fee and an in-house worker at 25 per point."""
    admin = users["admin"]
    ap = make_approvers(s)
    cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="CN")
    k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                        signed_on=date(2018, 1, 2))
    oid = create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                       amount=D(100000), currency="CNY", total_volume=D(10),
                       volume_unit="hours", acceptance_type=acceptance_type).id
    pp, lp = ledger_project(s, f"p-{tag}", oid)
    approved_budget(s, lp, [line("annotation", "data_service", "100", "30"),
                            line("staff", "labour", "1", "5000", "lot")], ap)
    vendor = create_vendor(s, admin, name=f"Vendor {tag}", kind="company", fee_rate="0.08")
    create_grade(s, admin, f"G-{tag}", "25")
    worker = register_worker(s, admin, users["ann1"], grade=f"G-{tag}")
    return {"oid": oid, "pp": pp, "lp": lp, "vendor": vendor.id, "worker": worker.id, "ap": ap}


def _correct(s: Session, admin: User, sheet_id: int, amount: str) -> SettlementSheet:
    """A correction sheet of ``amount``, confirmed by the vendor and then the business through
    workforce's own service (which records its event)."""
    corr = create_correction_sheet(s, admin, sheet_id, amount, "over-counted in review")
    row = s.get(SettlementSheet, corr.id)
    assert row is not None
    row.status = "vendor_confirmed"
    s.flush()
    confirm_sheet_by_business(s, admin, row.id)
    return row


def _costs(s: Session, lp: int) -> list[tuple[str, str, Decimal, str]]:
    return [(c.stage, c.category, c.amount, c.status) for c in s.scalars(
        select(LedgerCost).where(LedgerCost.project_id == lp).order_by(LedgerCost.id))]


def test_a_deducting_correction_takes_the_project_cost_down_once(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users, "RD1")
        sheet = confirmed_sheet(s, admin, sc["vendor"], "WF-RD1", [(sc["pp"], "annotate",
                                                                   "1000.00")])
        sync_ledger(s)  # 1,000 + 8 % fee
        corr = _correct(s, admin, sheet, "-100.00")
        ev = s.scalars(select(DomainEvent).where(DomainEvent.type == "settlement.reduced")).one()
        assert ev.payload["amount"] == "-108.00"
        # pending until booked: final accounts refuse (every expense must be in)
        with pytest.raises(Conflict, match=rf"domain events \[{ev.id}\]"):
            review_final_accounts(s, sc["lp"], reviewer_id=sc["ap"]["finance_reviewer"])
        assert pending_workforce_events(s) == [ev.id]  # and the period close waits for it

    for _ in range(2):  # consumed twice: booked once
        with runtime.session() as s:
            sync_ledger(s)
    with runtime.session() as s:
        ref = f"settlement:{corr.number}:{sc['pp']}:annotate"
        reduction = s.scalars(select(LedgerCost).where(LedgerCost.source_ref == ref)).one()
        assert (reduction.amount, reduction.status, reduction.incurred_on) == (
            D("-108.00"), "posted", date(2018, 3, 11))
        assert reduction.supplier == "Vendor RD1" and corr.number in reduction.description
        assert _costs(s, sc["lp"]) == [
            ("annotation", "data_service", D("1080.00"), "posted"),
            ("annotation", "data_service", D("-108.00"), "posted")]
        receipt = s.scalars(select(LedgerEventReceipt).where(
            LedgerEventReceipt.domain_event_id == ev.id)).one()
        assert (receipt.status, receipt.cost_id) == ("booked", reduction.id)
        assert list_event_problems(s) == []

        # the reports: budget vs actual, WIP, the journal (Dr payable / Cr WIP)
        bva = budget_vs_actual(s, sc["lp"])
        assert [(ln.stage, ln.actual) for ln in bva.lines if ln.category == "data_service"] == [
            ("annotation", D("972.00"))]
        [w] = [w for w in wip_rollforward(s, *YEAR) if w.project_id == sc["lp"]]
        assert (w.incurred, w.closing) == (D("972.00"), D("972.00"))
        lines = journal_lines(s, *YEAR)
        assert account_balance(lines, _code("wip")) == D("972.00")
        assert account_balance(lines, _code("credit_data_service")) == D("-972.00")
        assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines)

        # the customer accepts, final accounts: cost of sales and the profit show 972, not 1,080
        accept_delivery(s, monkeypatch, sc["pp"], "10", date(2018, 4, 2))
        sync_ledger(s)
        close_reviewed(s, sc["lp"], date(2018, 4, 30), sc["ap"])
        assert [r.cost for r in list_recognitions(s, sc["oid"])] == [D("972.00")]
        pf = project_finance(s, sc["pp"], 2018)
        assert (pf.cost, pf.margin) == (D("972.00"), D("99028.00"))
        [m] = margin_report(s, *YEAR)
        assert m.cost == D("972.00")


def test_a_reduction_below_what_is_booked_waits_with_its_reason(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users, "RD2")
        # 4,000 + fee is over the 3,000 line: the sheet's cost waits for a reason + approvals
        sheet = confirmed_sheet(s, admin, sc["vendor"], "WF-RD2", [(sc["pp"], "annotate",
                                                                   "4000.00")])
        sync_ledger(s)
        _correct(s, admin, sheet, "-1000.00")  # −1,080 incl. fee
        problems = {p.event_type: p for p in sync_ledger(s).problems}
        why = problems["settlement.reduced"].reason
        assert "would take it below zero: only 0 is booked there" in why, why
        assert problems["settlement.reduced"].amount == D("-1080.00")
        assert incurred_cost(s, sc["lp"]) == 0
        # the cost it corrects is booked and approved: the reduction goes through
        cost = book_cost_event(s, problems["settlement.confirmed"].event_id,
                               over_budget_reason="long recordings")
        assert "below zero" in sync_ledger(s).problems[0].reason  # awaiting approval: not posted
        approve_over_budget_cost(s, cost.id, sc["ap"]["vp"])
        approve_over_budget_cost(s, cost.id, sc["ap"]["finance_head"])
        run = sync_ledger(s)
        assert [c.amount for c in run.costs.booked] == [D("-1080.00")] and run.problems == []
        assert incurred_cost(s, sc["lp"]) == D("3240.00")
        # a direct reduction is held to the same floor, and to its source being booked once
        with pytest.raises(Conflict, match=r"below zero: only 3240\.00 is booked"):
            post_cost_reduction(s, sc["lp"], "annotation", "data_service", D("3240.01"), "fix:1",
                                incurred_on=date(2018, 3, 20))
        post_cost_reduction(s, sc["lp"], "annotation", "data_service", D(40), "fix:1",
                            incurred_on=date(2018, 3, 20))
        with pytest.raises(Conflict, match="already booked"):
            post_cost_reduction(s, sc["lp"], "annotation", "data_service", D(40), "fix:1",
                                incurred_on=date(2018, 3, 20))
        assert incurred_cost(s, sc["lp"]) == D("3200.00")


def test_hour_points_cut_after_booking_are_taken_off(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users, "RD3")
        book_points(s, admin, sc["worker"], sc["pp"], "2018-03", "60")  # 1,500
        sync_ledger(s)
        book_points(s, admin, sc["worker"], sc["pp"], "2018-03", "20")  # cut to 500
        run = sync_ledger(s)  # was: refused, "a reduction needs a correction entry"
        assert run.problems == []
        assert [(c.stage, c.category, c.amount) for c in run.costs.booked] == [
            ("staff", "labour", D("-1000.00"))]
        assert "cut from 1500.00 to 500.00" in s.scalars(select(LedgerCost).where(
            LedgerCost.amount < 0)).one().description
        assert sync_ledger(s).costs.booked == []  # once only
        assert incurred_cost(s, sc["lp"]) == D("500.00")
        # points back up: only the increase is booked again
        book_points(s, admin, sc["worker"], sc["pp"], "2018-03", "30")
        assert [c.amount for c in sync_ledger(s).costs.booked] == [D("250.00")]
        assert incurred_cost(s, sc["lp"]) == D("750.00")

        # March is closed (confirmed): nothing more is booked into it
        close_period(s, "2018-03", actor_id=sc["ap"]["finance_reviewer"])
        confirm_period(s, "2018-03", reviewer_id=sc["ap"]["finance_head"])
        with pytest.raises(Conflict, match=r"period 2018-03, which is closed"):
            post_cost_reduction(s, sc["lp"], "staff", "labour", D(10), "fix:march",
                                incurred_on=date(2018, 3, 31))
        # a cut of March's points consumed afterwards lands on the first open day, noted
        book_points(s, admin, sc["worker"], sc["pp"], "2018-03", "10")
        [cut] = sync_ledger(s).costs.booked
        assert (cut.amount, cut.incurred_on) == (D("-500.00"), date(2018, 4, 1))
        row = s.get(LedgerCost, cut.id)
        assert row is not None and "closed period 2018-03" in row.description
        assert incurred_cost(s, sc["lp"]) == D("250.00")
        assert incurred_cost(s, sc["lp"], upto=date(2018, 3, 31)) == D("750.00")  # unchanged


def test_a_reduction_after_the_wip_was_carried_lowers_cost_of_sales(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users, "RD4", acceptance_type=3)
        sheet = confirmed_sheet(s, admin, sc["vendor"], "WF-RD4", [(sc["pp"], "annotate",
                                                                   "1000.00")])
        sync_ledger(s)
        accept_delivery(s, monkeypatch, sc["pp"], "10", date(2018, 3, 20))
        sync_ledger(s)  # 100 % accepted: the whole WIP (1,080) is carried
        project = s.get(LedgerProject, sc["lp"])
        assert project is not None and wip_balance(s, project) == 0
        _correct(s, admin, sheet, "-100.00")
        run = sync_ledger(s)
        assert [c.amount for c in run.costs.booked] == [D("-108.00")] and run.problems == []
        # WIP held none of it: the 108 comes off cost of sales, after the carry it corrects
        assert wip_balance(s, project) == 0
        back = [r for r in list_recognitions(s, sc["oid"]) if r.basis == "cost_reduction"]
        assert [(r.cost, r.revenue, r.recognised_on) for r in back] == [
            (D("-108.00"), D(0), date(2018, 3, 20))]
        [m] = margin_report(s, *YEAR)
        assert (m.revenue, m.cost) == (D("100000.00"), D("972.00"))
        lines = journal_lines(s, *YEAR)
        assert account_balance(lines, _code("wip")) == 0
        assert account_balance(lines, _code("cogs")) == D("972.00")
        for w in wip_rollforward(s, *YEAR):
            assert w.closing == w.opening + w.incurred - w.carried == 0
        close_reviewed(s, sc["lp"], date(2018, 3, 31), sc["ap"])
        assert sum(r.cost for r in list_recognitions(s, sc["oid"])) == D("972.00")


def test_the_wip_report_over_the_cli_shows_the_reduction(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.ledger import app as cli_app

    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users, "RD5")
        sheet = confirmed_sheet(s, admin, sc["vendor"], "WF-RD5", [(sc["pp"], "annotate",
                                                                   "500.00")])
        _correct(s, admin, sheet, "-50.00")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    out = CliRunner().invoke(cli_app, ["sync", "--as", "pm"])
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(cli_app, ["report", "wip", "2018-01-01", "2018-12-31", "--as", "pm", "--json"])
    assert out.exit_code == 0, out.output
    [row] = [r for r in json.loads(out.output) if r["project_id"] == sc["lp"]]
    assert (row["incurred"], row["closing"]) == ("486.00", "486.00")  # 540 − 54
