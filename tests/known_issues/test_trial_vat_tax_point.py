"""Found by a trial user (finance clerk): output VAT was journalised only when the customer paid,
so it was missing at the tax point, and catalog licence revenue was booked without a VAT line.

Domain §6.5: the VAT tax point is the earliest of recognition, invoice and advance receipt;
§6.7: custom work 6 %, catalog licences 16 %. The journal now books output VAT there.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.ledger.events import sync_ledger
from datamill.ledger.journal import DEFAULT_ACCOUNTS, account_balance, journal_lines
from datamill.ledger.orders import (
    create_contract,
    create_customer,
    create_licence_contract,
    create_order,
)
from datamill.ledger.receivables import issue_invoice, record_receipt
from datamill.ledger.recognition import process_acceptance_events
from datamill.ledger.schemas import JournalLine
from datamill.ledger.vat import vat_points
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal
YEAR = (date(2018, 1, 1), date(2018, 12, 31))


def _code(key: str) -> str:
    return DEFAULT_ACCOUNTS[key][0]


def _balanced(lines: list[JournalLine]) -> None:
    for entry in {ln.entry for ln in lines}:
        mine = [ln for ln in lines if ln.entry == entry]
        assert sum(ln.debit for ln in mine) == sum(ln.credit for ln in mine), entry


def _vat_lines(lines: list[JournalLine]) -> list[tuple[str, date, Decimal]]:
    return [(ln.entry[0], ln.date, ln.credit - ln.debit) for ln in lines
            if ln.account == _code("vat_output")]


def _customer_contract(s: Session, tag: str, kind: str) -> int:
    cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="CN")
    if kind == "licence":  # a catalog licence's contract is the catalog's (LIC- + its number)
        return create_licence_contract(s, f"180102/{tag[-2:].upper()}A", customer_id=cust.id,
                                       currency="CNY", signed_on=date(2018, 1, 2),
                                       amount=Decimal("1000000")).id
    return create_contract(s, f"K-{tag}", customer_id=cust.id, kind=kind,
                           signed_on=date(2018, 1, 2)).id


def test_custom_vat_falls_due_at_the_earliest_of_recognition_invoice_and_advance(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = create_order(s, _customer_contract(s, "V1", "custom"), "O-V1",
                           business_line="speech", offering="custom", amount=D(100000),
                           currency="CNY", total_volume=D(10), volume_unit="hours",
                           acceptance_type=3).id  # 6 %
        pp, lp = ledger_project(s, "p-v1", oid)
        approved_budget(s, lp, [line("annotation", "data_service", "10", "100")], ap)
        # 40 % accepted on 10 March: revenue 40,000 -> its VAT (2,400) is due now, unpaid
        accept_delivery(s, monkeypatch, pp, "4", date(2018, 3, 10))
        process_acceptance_events(s)
        march = journal_lines(s, date(2018, 3, 1), date(2018, 3, 10))
        assert _vat_lines(march) == [("R", date(2018, 3, 10), D("2400.00"))]  # was: none
        # invoiced ahead of recognition: 60,000 billed -> VAT on the 20,000 more
        issue_invoice(s, oid, "INV-V1", issued_on=date(2018, 3, 15), amount=D(60000))
        # an advance of 84,800 incl. VAT (80,000 net) -> VAT on 20,000 more again
        record_receipt(s, oid, "BANK-V1", received_on=date(2018, 3, 20), amount=D(84800))
        # the rest accepted in April: the tax point of the last 20,000 is its recognition
        accept_delivery(s, monkeypatch, pp, "6", date(2018, 4, 10))
        process_acceptance_events(s)

        points = vat_points(s, *YEAR)
        assert [(p.on, p.trigger, p.base, p.vat) for p in points] == [
            (date(2018, 3, 10), "recognition", D("40000.00"), D("2400.00")),
            (date(2018, 3, 15), "invoice", D("20000.00"), D("1200.00")),
            (date(2018, 3, 20), "receipt", D("20000.00"), D("1200.00")),
            (date(2018, 4, 10), "recognition", D("20000.00"), D("1200.00")),
        ]
        lines = journal_lines(s, *YEAR)
        _balanced(lines)
        assert _vat_lines(lines) == [("R", date(2018, 3, 10), D("2400.00")),
                                     ("B", date(2018, 3, 15), D("1200.00")),
                                     ("P", date(2018, 3, 20), D("1200.00")),
                                     ("R", date(2018, 4, 10), D("1200.00"))]
        assert account_balance(lines, _code("vat_output")) == D("-6000.00")  # 6 % of 100,000
        # the customer owes the amount incl. VAT less what was paid
        assert account_balance(lines, _code("receivable")) == D("106000.00") - D("84800.00")
        # a period's journal holds that period's VAT only, computed over the whole history
        april = journal_lines(s, date(2018, 4, 1), date(2018, 4, 30))
        assert account_balance(april, _code("vat_output")) == D("-1200.00")
        _balanced(april)


def test_licence_revenue_carries_its_vat_line(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from datamill.cli import _common
    from datamill.cli.ledger import app as cli_app
    from datamill.server import create_app

    with runtime.session() as s:
        oid = create_order(s, _customer_contract(s, "V2", "licence"), "L-V2",
                           business_line="speech", offering="product_licence",
                           amount=D(50000), currency="CNY", total_volume=D(1),
                           volume_unit="licences", acceptance_type=1, vat_rate=D("0.16")).id
        # the catalog records the buyer's acceptance (as catalog.licences.accept_licence does)
        s.add(DomainEvent(type="licence.accepted", project_id=None, payload={
            "order_id": oid, "number": "180601/ABC", "delivered_on": "2018-06-01",
            "accepted_on": "2018-06-05"}))
        s.flush()
        sync_ledger(s)
        lines = journal_lines(s, *YEAR)
        _balanced(lines)
        entry = {(ln.account, ln.debit, ln.credit) for ln in lines if ln.entry.startswith("R")}
        assert entry == {
            (_code("receivable"), D("50000.00"), D(0)),
            (_code("revenue_licence"), D(0), D("50000.00")),
            (_code("receivable"), D("8000.00"), D(0)),   # was missing: no VAT line
            (_code("vat_output"), D(0), D("8000.00")),   # 16 % (domain §6.7, catalog)
        }
        assert account_balance(lines, _code("receivable")) == D("58000.00")
        # paid in full: nothing left owed, and no second VAT at payment
        record_receipt(s, oid, "BANK-V2", received_on=date(2018, 7, 1), amount=D(58000))
        lines = journal_lines(s, *YEAR)
        assert account_balance(lines, _code("receivable")) == 0
        assert account_balance(lines, _code("vat_output")) == D("-8000.00")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    out = CliRunner().invoke(cli_app, ["report", "vat", "2018-01-01", "2018-12-31", "--as", "pm", "--json"])
    assert out.exit_code == 0, out.output
    assert [(p["on"], p["trigger"], p["vat"]) for p in json.loads(out.output)] == [
        ("2018-06-05", "recognition", "8000.00")]
    with TestClient(create_app(runtime)) as c:
        tok = c.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
        pm = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        r = c.get("/api/v1/ledger/reports/vat?from=2018-06-01&to=2018-06-30", headers=pm)
        assert r.status_code == 200, r.text
        assert [(p["order_id"], p["vat_rate"], p["base"], p["vat"]) for p in r.json()] == [
            (oid, "0.1600", "50000.00", "8000.00")]
