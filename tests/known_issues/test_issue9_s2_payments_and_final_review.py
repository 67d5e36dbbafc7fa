"""Issue 9 §2: payments are journalled (customer receipts, vendor payments) and a project's
final accounts need a finance reviewer and refuse to close while its domain events are pending."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import Conflict, Forbidden
from datamill.ledger.events import sync_ledger
from datamill.ledger.final_accounts import final_review, review_final_accounts
from datamill.ledger.journal import DEFAULT_ACCOUNTS, account_balance, journal_lines, trial_balance
from datamill.ledger.receivables import issue_invoice, record_receipt
from datamill.ledger.recognition import close_project, process_acceptance_events
from datamill.runtime import Runtime
from datamill.workforce.hour_points import book_points
from datamill.workforce.settlement import settle_sheet
from datamill.workforce.vendors import create_grade, create_vendor, register_worker
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)
from tests.unit.ledger.test_events import confirmed_sheet, custom_order

D = Decimal
ALL = (date(2000, 1, 1), date(2100, 1, 1))


def _code(key: str) -> str:
    return DEFAULT_ACCOUNTS[key][0]


def _balanced(lines: list) -> None:  # type: ignore[type-arg]
    tb = trial_balance(lines)
    assert sum(r.debit for r in tb) == sum(r.credit for r in tb)
    for entry in {ln.entry for ln in lines}:  # every entry balances on its own
        mine = [ln for ln in lines if ln.entry == entry]
        assert sum(ln.debit for ln in mine) == sum(ln.credit for ln in mine), entry


def test_receipts_and_vendor_payments_are_journalled_and_clear_the_balances(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = custom_order(s, "O-PAY", amount="100000", hours="10")
        pp, lp = ledger_project(s, "paid", oid)
        approved_budget(s, lp, [line("annotation", "data_service", "100", "30")], ap)
        vendor = create_vendor(s, admin, name="Pay Data", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, admin, vendor.id, "WF-PAY", [(pp, "annotate", "1000.00")])
        sync_ledger(s)  # the sheet's cost: Dr WIP / Cr payable 1,080.00
        lines = journal_lines(s, *ALL)
        assert account_balance(lines, _code("credit_data_service")) == D("-1080.00")
        settle_sheet(s, admin, sheet, reference="BANK-V1", paid_on=date(2018, 3, 14))
        lines = journal_lines(s, *ALL)
        _balanced(lines)
        assert account_balance(lines, _code("credit_data_service")) == 0  # payable cleared
        assert account_balance(lines, _code("bank")) == D("-1080.00")
        [paid] = [ln for ln in lines if ln.entry.startswith("V") and ln.debit]
        assert paid.date == date(2018, 3, 14) and "WF-PAY" in paid.memo

        accept_delivery(s, monkeypatch, pp, "10", date(2018, 3, 20))
        process_acceptance_events(s)
        review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        close_project(s, lp, date(2018, 3, 31))
        inv = issue_invoice(s, oid, "INV-PAY", issued_on=date(2018, 4, 1), amount=D(100000))
        lines = journal_lines(s, *ALL)
        # recognised at final accounts, the VAT tax point: 100,000 + 6 % output VAT is due
        assert account_balance(lines, _code("receivable")) == D("106000.00")
        assert account_balance(lines, _code("vat_output")) == D("-6000.00")
        record_receipt(s, oid, "BANK-C1", received_on=date(2018, 4, 20), amount=D(50000),
                       invoice_id=inv.id)
        lines = journal_lines(s, *ALL)
        _balanced(lines)
        # 50,000 incl. VAT clears that much of the receivable; the VAT was booked already
        assert account_balance(lines, _code("receivable")) == D("56000.00")
        assert account_balance(lines, _code("vat_output")) == D("-6000.00")
        record_receipt(s, oid, "BANK-C2", received_on=date(2018, 5, 2), amount=D(56000),
                       invoice_id=inv.id)
        lines = journal_lines(s, *ALL)
        _balanced(lines)
        assert account_balance(lines, _code("receivable")) == 0  # paid in full incl. VAT
        assert account_balance(lines, _code("vat_output")) == D("-6000.00")
        assert account_balance(lines, _code("bank")) == D("104920.00")  # 106,000 − 1,080
        # a period's journal holds only that period's payments
        april = journal_lines(s, date(2018, 4, 1), date(2018, 4, 30))
        assert {ln.entry[0] for ln in april} == {"P"}
        _balanced(april)


def test_final_accounts_need_a_reviewer_and_nothing_pending(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "reviewed", custom_order(s, "O-REV"))
        approved_budget(s, lp, [line("annotation", "data_service", "100", "30"),
                                line("staff", "labour", "1", "5000", "lot")], ap)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3")
        accept_delivery(s, monkeypatch, pp, "10", date(2018, 4, 2))
        book_points(s, admin, worker.id, pp, "2018-03", "40")  # an event not yet booked
        with pytest.raises(Conflict, match="not been reviewed"):
            close_project(s, lp, date(2018, 4, 30))  # no review: refused
        with pytest.raises(Conflict, match=r"domain events \[\d+, \d+\] of project"):
            review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        with pytest.raises(Forbidden, match="reviewed by finance"):
            review_final_accounts(s, lp, reviewer_id=ap["vp"])
        sync_ledger(s)  # books the points and the acceptance
        assert final_review(s, lp) is None
        out = review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"], note="all in")
        assert (out.reviewer_id, out.reviewer_role, out.note) == (
            ap["finance_reviewer"], "finance_reviewer", "all in")
        with pytest.raises(Conflict, match="already reviewed"):
            review_final_accounts(s, lp, reviewer_id=ap["finance_manager"])
        book_points(s, admin, worker.id, pp, "2018-04", "8")  # a late event after the review
        with pytest.raises(Conflict, match="not booked yet"):
            close_project(s, lp, date(2018, 4, 30), actor_id=ap["dept_manager"])
        sync_ledger(s)
        with pytest.raises(Forbidden, match="second person"):
            close_project(s, lp, date(2018, 4, 30), actor_id=ap["finance_reviewer"])
        assert close_project(s, lp, date(2018, 4, 30),
                             actor_id=ap["dept_manager"]).status == "closed"
        closed = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.project.closed")).one()
        assert closed.actor_id == ap["dept_manager"]
        assert closed.data["reviewed_by"] == ap["finance_reviewer"]
        reviewed = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.final_accounts.reviewed")).one()
        assert reviewed.actor_id == ap["finance_reviewer"]
