"""Issue 9, demo: the §9 money story on top of the speech demo's delivered and accepted project —
the trial balance balances and revenue is the accepted volume × the order's price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from datamill.business_clock import business_today
from datamill.core.money import to_cents
from datamill.demo.money_demo import COLLECTOR, EN_PRICE, run_money_demo
from datamill.demo.script import run_loop, setup_people_and_project
from datamill.ledger.budgets import budgeted_margin
from datamill.ledger.journal import DEFAULT_ACCOUNTS, account_balance, journal_lines, trial_balance
from datamill.ledger.models import (
    LedgerBudget,
    LedgerCost,
    LedgerInvoice,
    LedgerOrder,
    LedgerPeriodClose,
    LedgerProject,
    LedgerReceipt,
    LedgerRecognition,
)
from datamill.ledger.receivables import receivables
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Delivery
from datamill.runtime import Runtime
from datamill.workforce.procurement_models import PurchaseRequest
from datamill.workforce.throughput import vendor_throughput
from tests.unit.production.helpers import speech_folder

ALL = (date(2000, 1, 1), date(2100, 1, 1))


def _balanced(rt: Runtime) -> list:  # type: ignore[type-arg]
    with rt.session() as s:
        lines = journal_lines(s, *ALL)
    tb = trial_balance(lines)
    assert sum(r.debit for r in tb) == sum(r.credit for r in tb) > 0
    return lines


def test_money_story_after_the_speech_demo(runtime: Runtime, tmp_path: Path) -> None:
    pid = setup_people_and_project(runtime)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, speech_folder(tmp_path, 8))
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    result = run_loop(runtime, pid, tmp_path / "deliveries")
    assert result.delivery_path, result.steps

    lines = run_money_demo(runtime, pid)
    text = "\n".join(lines)
    assert "FLAGGED +11.32%" in text and "trial balance" in text

    journal = _balanced(runtime)
    assert account_balance(journal, DEFAULT_ACCOUNTS["receivable"][0]) < 0  # the ZH advance
    # the vendor is paid; the recording supplier's claim is still payable (its terms run)
    with runtime.session() as s:
        recorded = s.scalar(select(func.sum(LedgerCost.amount)).where(
            LedgerCost.supplier == COLLECTOR))
    assert recorded and recorded > 0
    assert account_balance(journal, DEFAULT_ACCOUNTS["credit_data_service"][0]) == -recorded
    with runtime.session() as s:
        ms = s.scalar(select(func.sum(Delivery.accepted_volume_base)).where(
            Delivery.project_id == pid))
        hours = (Decimal(int(ms)) / 3_600_000).quantize(Decimal("0.0001"))
        en = s.scalars(select(LedgerOrder).where(LedgerOrder.acceptance_type == 3)).one()
        revenue = s.scalar(select(func.sum(LedgerRecognition.revenue)).where(
            LedgerRecognition.order_id == en.id))
        assert revenue == to_cents(hours * EN_PRICE) == en.amount_cny > 0
        zh = s.scalars(select(LedgerOrder).where(LedgerOrder.acceptance_type == 2)).one()
        assert zh.amount_cny == Decimal("138000.00") and zh.status == "open"
        # prices as §9 has them: Mandarin 407–496/h, foreign 1,056–1,911/h
        assert Decimal(407) <= zh.amount_cny / zh.total_volume <= Decimal(500)
        assert Decimal(1000) <= EN_PRICE <= Decimal(1911)
        closed = s.scalars(select(LedgerProject).where(
            LedgerProject.production_project_id == pid)).one()
        assert closed.status == "closed"
        # in the order they were made (PostgreSQL returns updated rows in no fixed order)
        requests = s.scalars(select(PurchaseRequest).order_by(PurchaseRequest.id)).all()
        assert [r.status for r in requests] == ["approved", "approved"]
        assert [r.flagged for r in requests] == [False, True]
        # the months are closed at the end of the demo (tests/unit/demo/test_demo_month_end.py)
        assert s.scalars(select(LedgerPeriodClose)).all() == []
        [flow] = [r for r in vendor_throughput(s, project_id=pid)
                  if r.vendor == "Huayu Data Services"]
        assert flow.accepted_volume > 0
        # trial (h5): the invoice, its payment and the advance were dated the month's end (in
        # the future) and the demo said "paid in full" while the receivables as of today showed
        # the invoice unpaid: now dated today, and today's receivables agree
        today = business_today()
        assert max(s.scalars(select(LedgerReceipt.received_on))) <= today
        assert max(s.scalars(select(LedgerInvoice.issued_on))) <= today
        [cust] = receivables(s, today)
        assert cust.receivable == 0 and cust.received > 0 and cust.advances > 0
    assert "paid in full" in text


def test_money_story_standalone_sets_up_the_commercial_side(sqlite_runtime: Runtime) -> None:
    lines = run_money_demo(sqlite_runtime, None)
    assert lines[-1].startswith("commercial side set up")
    # trial (h5): it printed "approved at three levels" for a budget that needed four
    with sqlite_runtime.session() as s:
        budget = s.scalars(select(LedgerBudget)).one()
    [said] = [ln for ln in lines if ln.startswith("Mandarin project") and "budget" in ln]
    words = {3: "three", 4: "four", 5: "five"}
    assert f"approved at {words[budget.required_levels]} levels" in said, said
    # trial (h13): the Mandarin budget's margin was -4.97 % (600 subjects × 180 against a
    # 138,000 order), outside the approval band [0.20, 0.70], yet approved as the story went on
    margin = budgeted_margin(Decimal("138000.00"), budget.total)
    assert Decimal("0.20") <= margin <= Decimal("0.70") and budget.required_levels == 3, said
    assert f"margin {margin:.2%}" in said, said
    with sqlite_runtime.session() as s:
        assert s.scalars(select(LedgerRecognition)).all() == []
        assert len(s.scalars(select(LedgerOrder)).all()) == 2
    _balanced(sqlite_runtime)  # the Mandarin points are booked: WIP against payroll
