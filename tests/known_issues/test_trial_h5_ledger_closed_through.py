"""Found by a finance trial user: back-dated postings into months before a closed one, cash
dated ahead, foreign-currency invoices typed as CNY, and loose reference data."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput
from datamill.demo.catalog_demo import run_catalog_demo
from datamill.ledger.contracts import cancel_contract
from datamill.ledger.costs import post_cost
from datamill.ledger.models import LedgerAcceptance, LedgerCost, LedgerImpairment
from datamill.ledger.orders import create_contract, create_customer, create_order, order_row
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.receivables import issue_invoice, list_invoices, record_receipt
from datamill.ledger.recognition import process_acceptance_events
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal


def _order(s: Session, tag: str, *, currency: str = "CNY", amount: str = "165.00",
           fx_rate: str | None = None) -> int:
    cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="CN")
    k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom", currency=currency,
                        signed_on=date(2018, 1, 1))
    return create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                        amount=D(amount), currency=currency, total_volume=D(10),
                        volume_unit="hours", acceptance_type=3, fx_rate=fx_rate).id


def _project(s: Session, tag: str, ap: dict[str, int]) -> tuple[int, int, int]:
    oid = _order(s, tag)
    pp, lp = ledger_project(s, f"p-{tag}", oid)
    approved_budget(s, lp, [line("annotation", "data_service", "10", "100")], ap)
    return oid, pp, lp


def _close(s: Session, period: str, ap: dict[str, int]) -> None:
    close_period(s, period, actor_id=ap["finance_reviewer"])
    confirm_period(s, period, reviewer_id=ap["finance_head"])


# --- 1. the books are closed through the end of the latest closed month ---------------------

def test_months_before_a_closed_month_take_no_postings(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid, pp, lp = _project(s, "back", ap)
        _close(s, "2018-11", ap)  # September and August were never run
        for day, ref in ((date(2018, 9, 15), "T6-SEP"), (date(2018, 8, 15), "T6-AUG")):
            with pytest.raises(Conflict, match=r"period 2018-\d\d, which counts as closed: the "
                               r"later period 2018-11 is closed.*2018-12-01 or later"):
                post_cost(s, lp, "annotation", "data_service", "5.00", ref, incurred_on=day,
                          supplier="Vendor A")
        with pytest.raises(Conflict, match="2018-11 is closed"):
            record_receipt(s, oid, "BANK-SEP", received_on=date(2018, 9, 20), amount="10")
        with pytest.raises(Conflict, match="2018-11 is closed"):
            issue_invoice(s, oid, "INV-SEP", issued_on=date(2018, 9, 20), amount="10")
        with pytest.raises(Conflict, match=r"cancellation of contract K-back.*2018-11 is closed"):
            cancel_contract(s, order_row(s, oid).contract_id, on=date(2018, 10, 1),
                            reason="failed trial")
        # the closed month itself, as before, and the first open day still takes them
        with pytest.raises(Conflict, match="period 2018-11, which is closed"):
            post_cost(s, lp, "annotation", "data_service", "5.00", "T6-NOV",
                      incurred_on=date(2018, 11, 30), supplier="Vendor A")
        assert post_cost(s, lp, "annotation", "data_service", "5.00", "T6-DEC",
                         incurred_on=date(2018, 12, 1), supplier="Vendor A").status == "posted"
        # an event from production dated in a never-run month before it: the first open day
        accept_delivery(s, monkeypatch, pp, "2", date(2018, 9, 20))
        assert process_acceptance_events(s).acceptances == 1
        assert s.scalars(select(LedgerAcceptance)).one().accepted_on == date(2018, 12, 1)
        # a month before the closed one gets no run of its own (its postings would be refused)
        with pytest.raises(Conflict, match="2018-09 lies before 2018-11, which is closed"):
            close_period(s, "2018-09", actor_id=ap["finance_reviewer"])


def test_setup_after_the_close_leaves_the_closed_figures_alone(runtime: Runtime) -> None:
    """A contract signed, a project opened and its budget approved after November closed
    are not postings (no journal entry): they are taken, and the re-run of November is
    identical without booking an impairment test into the closed month."""
    with runtime.session() as s:
        ap = make_approvers(s)
        _project(s, "first", ap)
        _close(s, "2018-11", ap)
        tested = len(s.scalars(select(LedgerImpairment)).all())
        cust = create_customer(s, "C-late", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-late", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 11, 2))
        oid = create_order(s, k.id, "O-late", business_line="speech", offering="custom",
                           amount=D(500), currency="CNY", total_volume=D(10),
                           volume_unit="hours", acceptance_type=3).id
        _, lp = ledger_project(s, "p-late", oid)
        approved_budget(s, lp, [line("annotation", "data_service", "10", "10")], ap)
        again = close_period(s, "2018-11", actor_id=ap["finance_reviewer"], rerun=True)
        assert again.identical is True and again.status == "closed"
        assert len(s.scalars(select(LedgerImpairment)).all()) == tested


# --- 2. cash and invoices are not dated ahead -------------------------------------------------

def test_receipts_and_invoices_dated_after_today_are_refused(runtime: Runtime) -> None:
    tomorrow = business_today() + timedelta(days=1)
    with runtime.session() as s:
        oid = _order(s, "future")
        with pytest.raises(InvalidInput, match="after today"):
            record_receipt(s, oid, "BANK-F", received_on=tomorrow, amount="10")
        with pytest.raises(InvalidInput, match="after today"):
            issue_invoice(s, oid, "INV-F", issued_on=tomorrow, amount="10")
        today = business_today()
        assert record_receipt(s, oid, "BANK-T", received_on=today, amount="10").amount == D(10)


# --- 3. invoices and receipts in the order's currency ------------------------------------------

def test_foreign_order_invoices_and_receipts_convert_at_the_order_rate(runtime: Runtime) -> None:
    with runtime.session() as s:
        oid = _order(s, "usd", currency="USD", amount="1000.00", fx_rate="7.1")  # 7,100 CNY
        inv = issue_invoice(s, oid, "INV-USD", issued_on=date(2018, 12, 2), amount="100")
        assert (inv.amount, inv.currency, inv.currency_amount) == (D("710.00"), "USD", D(100))
        cny = issue_invoice(s, oid, "INV-CNY", issued_on=date(2018, 12, 2), amount="71",
                            currency="cny")
        assert (cny.amount, cny.currency_amount) == (D(71), D(10))
        with pytest.raises(InvalidInput, match="USD \\(the order's currency\\) or CNY, not EUR"):
            issue_invoice(s, oid, "INV-EUR", issued_on=date(2018, 12, 2), amount="1",
                          currency="EUR")
        with pytest.raises(InvalidInput, match=r"above its amount 7,100\.00 CNY \(1,000\.00 USD"):
            issue_invoice(s, oid, "INV-BIG", issued_on=date(2018, 12, 2), amount="999999")
        rc = record_receipt(s, oid, "BANK-USD", received_on=date(2018, 12, 3), amount="106")
        assert (rc.amount, rc.currency_amount) == (D("752.60"), D(106))
        assert [i.currency_amount for i in list_invoices(s, oid)] == [D(100), D(10)]


def test_cli_and_api_take_the_currency(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.api.routers.ledger import router
    from datamill.cli import _common
    from datamill.cli.ledger import app
    from datamill.server import create_app

    with runtime.session() as s:
        oid = _order(s, "face", currency="USD", amount="1000.00", fx_rate="7.1")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    r = cli.invoke(app, ["invoice", str(oid), "INV-1", "2018-12-02", "--amount", "100",
                         "--as", "pm"])
    assert r.exit_code == 0, r.output
    assert "710.00 CNY" in r.output and "100.00 USD" in r.output
    r = cli.invoke(app, ["receipt", str(oid), "BANK-1", "2018-12-02", "5", "--currency", "GBP",
                         "--as", "pm", "--json"])
    assert r.exit_code == 2 and json.loads(r.output)["error"]["field"] == "currency", r.output
    web = create_app(runtime)
    if not any(getattr(rt, "path", "").startswith("/api/v1/ledger") for rt in web.routes):
        web.include_router(router)
    with TestClient(web) as c:
        tok = c.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
        h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        resp = c.post(f"/api/v1/ledger/orders/{oid}/receipts", headers=h,
                    json={"reference": "BANK-2", "received_on": "2018-12-03", "amount": "71",
                          "currency": "CNY"})
        assert resp.status_code == 201, resp.text
        assert resp.json()["amount"] == "71.00" and resp.json()["currency_amount"] == "10.00"
        resp = c.post(f"/api/v1/ledger/orders/{oid}/invoices", headers=h,
                    json={"number": "INV-2", "issued_on": "2018-12-03", "amount": "1",
                          "currency": "EUR"})
        assert resp.status_code == 422, resp.text


# --- 4. reference data ------------------------------------------------------------------------

def test_reference_data_follows_iso_and_refuses_control_characters(
    runtime: Runtime, users: dict[str, User]
) -> None:
    from datamill.api.routers.ledger import router
    from datamill.server import create_app

    with runtime.session() as s:
        cust = create_customer(s, "C-ref", customer_type="big_tech", country="JP")
        with pytest.raises(InvalidInput, match="JPY has no minor unit"):
            create_contract(s, "K-jpy", customer_id=cust.id, kind="custom", currency="JPY",
                            signed_on=date(2018, 1, 1), amount="1000000.55")
        k = create_contract(s, "K-jpy2", customer_id=cust.id, kind="custom", currency="JPY",
                            signed_on=date(2018, 1, 1))
        with pytest.raises(InvalidInput, match="JPY has no minor unit"):
            create_order(s, k.id, "O-jpy0", business_line="speech", offering="custom",
                         amount="1000.5", currency="JPY", total_volume=D(1),
                         volume_unit="hours", acceptance_type=1, fx_rate="0.05")
        with pytest.raises(InvalidInput, match=r"is 0\.00 CNY, nothing to book"):
            create_order(s, k.id, "O-jpy1", business_line="speech", offering="custom",
                         amount="1000", currency="JPY", total_volume=D(1),
                         volume_unit="hours", acceptance_type=1, fx_rate="0.000001")
        with pytest.raises(InvalidInput, match="not an ISO 3166 alpha-2 code"):
            create_customer(s, "C-zz", customer_type="big_tech", country="ZZ")
        with pytest.raises(InvalidInput, match="control character"):
            create_customer(s, "x\x1by", customer_type="big_tech", country="CN")
    web = create_app(runtime)
    if not any(getattr(rt, "path", "").startswith("/api/v1/ledger") for rt in web.routes):
        web.include_router(router)
    with TestClient(web) as c:
        tok = c.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
        h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        r = c.post("/api/v1/ledger/customers", headers=h,
                   json={"name": "x\u0000y", "customer_type": "big_tech", "country": "CN"})
        assert r.status_code in (400, 422), r.text
        assert "control character" in r.text


# --- the demo: the catalog's development is booked after the money story's close -------------

def test_catalog_demo_books_development_after_a_closed_month(
    runtime: Runtime, tmp_path: Path
) -> None:
    """A month closed before the catalog part runs (the full demo now closes its months at
    the end, after the catalog): the development dated 90 days back would fall before a
    closed month, refused, so it books on the first open day."""
    today = business_today()
    last = today.replace(day=1) - timedelta(days=1)
    with runtime.session() as s:
        ap = make_approvers(s)
        _close(s, f"{last:%Y-%m}", ap)
    lines = run_catalog_demo(runtime, tmp_path)
    assert "\n".join(lines).count("accepted") == 3
    with runtime.session() as s:
        days = s.scalars(select(LedgerCost.incurred_on)).all()
    assert days and min(days) == today.replace(day=1)
