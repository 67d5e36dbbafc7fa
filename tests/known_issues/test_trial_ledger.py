"""Found by a trial user (finance clerk): money input, closed periods, receipts above the order,
reference data and one bad acceptance blocking every recognition."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.business_clock import business_day
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import parse_money
from datamill.ledger._periods import period_of
from datamill.ledger.assets import month_bounds
from datamill.ledger.costs import post_cost
from datamill.ledger.events import list_event_problems
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import create_contract, create_customer, create_order, order_row
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.receivables import issue_invoice, record_receipt
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


def _order(s: Session, tag: str, *, amount: str = "165.00", acceptance_type: int = 3,
           volume: str = "10") -> int:
    cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="CN")
    k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                        signed_on=date(2018, 1, 1))
    return create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                        amount=D(amount), currency="CNY", total_volume=D(volume),
                        volume_unit="hours", acceptance_type=acceptance_type).id


def _project(s: Session, tag: str, ap: dict[str, int], **kw: str) -> tuple[int, int, int]:
    """(order id, production project id, ledger project id) with an approved budget."""
    oid = _order(s, tag, **kw)  # type: ignore[arg-type]
    pp, lp = ledger_project(s, f"p-{tag}", oid)
    approved_budget(s, lp, [line("annotation", "data_service", "10", "100")], ap)
    return oid, pp, lp


def _close(s: Session, period: str, ap: dict[str, int]) -> None:
    close_period(s, period, actor_id=ap["finance_reviewer"])
    confirm_period(s, period, reviewer_id=ap["finance_head"])


# --- 1. one money validator ------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e20", "1000000000000000",
                                 "100.005", "abc", "0", "-5"])
def test_money_parser_refuses_what_is_not_an_amount(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_money(raw)


def test_money_parser_takes_cents_and_negative_only_when_allowed() -> None:
    assert parse_money("100.5") == D("100.50")
    assert parse_money("1000000000000") == D("1000000000000.00")
    with pytest.raises(InvalidInput, match="exponent notation"):  # 1e3 was a typo's 1000.00
        parse_money("1E+12")
    assert parse_money("-5", allow_negative=True) == D("-5.00")


@pytest.mark.parametrize(("amount", "why"), [
    ("NaN", "not a finite number"), ("Infinity", "not a finite number"),
    ("1e20", "exponent notation"), ("1000000000000000", "out of range"),
    ("100.005", "more than two decimal places"),
])
def test_cli_money_is_refused_as_invalid_input(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch, amount: str,
    why: str,
) -> None:
    from datamill.cli import _common
    from datamill.cli.ledger import app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    assert cli.invoke(app, ["customer-add", "C", "big_tech", "CN", "--as", "pm"]).exit_code == 0
    r = cli.invoke(app, ["contract-add", "K-x", "1", "--amount", amount, "--as", "pm", "--json"])
    assert r.exit_code == 2, r.output
    assert "invalid_input" in r.output and why in r.output
    assert "Traceback" not in r.output


def test_api_money_uses_the_same_bound_and_cents(runtime: Runtime, users: dict[str, User]) -> None:
    from datamill.api.routers.ledger import router
    from datamill.server import create_app

    app = create_app(runtime)
    if not any(getattr(r, "path", "").startswith("/api/v1/ledger") for r in app.routes):
        app.include_router(router)
    with runtime.session() as s:
        oid = _order(s, "api")
        contract_id = order_row(s, oid).contract_id
    with TestClient(app) as c:
        tok = c.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
        h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        body = {"business_line": "speech", "offering": "custom", "currency": "CNY",
                "total_volume": "1", "acceptance_type": 1}
        for n, amount in enumerate(["1000000000000000", "100.005", "NaN"]):
            r = c.post(f"/api/v1/ledger/contracts/{contract_id}/orders", headers=h,
                       json={**body, "number": f"O-bad{n}", "amount": amount})
            assert r.status_code == 422, r.text


def test_three_decimals_are_refused_not_rounded(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _, _, lp = _project(s, "dec", ap)
        with pytest.raises(InvalidInput, match="more than two decimal places"):
            post_cost(s, lp, "annotation", "data_service", "100.005", "R-dec",
                      incurred_on=date(2018, 2, 1), supplier="V")
        cust = create_customer(s, "C-dec2", customer_type="big_tech", country="CN")
        with pytest.raises(InvalidInput, match="more than two decimal places"):
            create_contract(s, "K-dec2", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 1), amount="100.005")


# --- 2. closed periods ---------------------------------------------------------------------

def test_postings_in_a_confirmed_period_are_refused_up_front(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid, pp, lp = _project(s, "closed", ap)
        _close(s, "2018-12", ap)
        with pytest.raises(Conflict, match=r"period 2018-12, which is closed.*2019-01-01"):
            post_cost(s, lp, "annotation", "data_service", "5.00", "REF-closed",
                      incurred_on=date(2018, 12, 15), supplier="Vendor A")
        with pytest.raises(Conflict, match="period 2018-12"):
            record_receipt(s, oid, "R-1", received_on=date(2018, 12, 2), amount="10")
        with pytest.raises(Conflict, match="period 2018-12"):
            issue_invoice(s, oid, "INV-1", issued_on=date(2018, 12, 2), amount="10")
        # the open period still takes them
        assert post_cost(s, lp, "annotation", "data_service", "5.00", "REF-open",
                         incurred_on=date(2019, 1, 2), supplier="Vendor A").status == "posted"
        # an acceptance consumed from production, dated in the closed month: first open day
        accept_delivery(s, monkeypatch, pp, "2", date(2018, 12, 20))
        assert process_acceptance_events(s).acceptances == 1
        acc = s.scalars(select(LedgerAcceptance)).one()
        assert acc.accepted_on == date(2019, 1, 1)


# --- 3. receipts above the order -----------------------------------------------------------

def test_a_receipt_above_the_order_including_vat_is_refused(runtime: Runtime) -> None:
    with runtime.session() as s:
        oid = _order(s, "rcpt")
        with pytest.raises(InvalidInput, match=r"at most 174\.90 more"):
            record_receipt(s, oid, "R-big", received_on=date(2018, 12, 2), amount="999999999999")
        record_receipt(s, oid, "R-1", received_on=date(2018, 12, 2), amount="100")
        with pytest.raises(InvalidInput, match=r"at most 74\.90 more"):
            record_receipt(s, oid, "R-2", received_on=date(2018, 12, 3), amount="75")
        assert record_receipt(s, oid, "R-3", received_on=date(2018, 12, 3),
                              amount="74.90").amount == D("74.90")


# --- 4. reference data ---------------------------------------------------------------------

def test_invalid_reference_data_is_refused(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "C-ref", customer_type="big_tech", country="CN")
        with pytest.raises(InvalidInput, match="ISO 4217"):
            create_contract(s, "K-xyz", customer_id=cust.id, kind="custom", currency="XYZ",
                            signed_on=date(2018, 1, 1))
        k = create_contract(s, "K-ref", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 1))
        with pytest.raises(InvalidInput, match="vat_rate"):
            create_order(s, k.id, "O-vat", business_line="speech", offering="custom",
                         amount="100", currency="CNY", total_volume="1", volume_unit="hours",
                         acceptance_type=1, vat_rate="1.5")
        _, _, lp = _project(s, "refdata", ap)
        for on in (date(1999, 1, 5), date(2099, 1, 5), date(1899, 1, 5)):
            with pytest.raises(InvalidInput, match=r"is dated"):
                post_cost(s, lp, "annotation", "data_service", "5", f"R-{on}", incurred_on=on,
                          supplier="V")
        with pytest.raises(InvalidInput, match="supplier"):
            post_cost(s, lp, "annotation", "data_service", "5", "R-nosup",
                      incurred_on=date(2018, 2, 1), claim=True)
        with pytest.raises(InvalidInput, match=r"1900\.\.2999"):
            month_bounds("1899-01")
        with pytest.raises(InvalidInput, match=r"1900\.\.2999"):
            close_period(s, "1899-01", actor_id=ap["finance_reviewer"])


def test_cli_cost_post_needs_a_supplier_for_data_service(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.ledger import app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        ap = make_approvers(s)
        _project(s, "clisup", ap)
    r = CliRunner().invoke(app, ["cost-post", "1", "annotation", "data_service", "5.00", "R-x",
                                 "2018-02-01", "--as", "pm", "--json"])
    assert r.exit_code == 2 and "supplier" in r.output, r.output


# --- 5. one bad acceptance -----------------------------------------------------------------

def test_one_acceptance_above_the_order_is_set_aside_the_rest_recognised(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _, bad_pp, _ = _project(s, "over", ap, volume="1")
        _, good_pp, _ = _project(s, "fine", ap, volume="10")
        accept_delivery(s, monkeypatch, bad_pp, "5", date(2018, 3, 2))  # 5 h on a 1 h order
        accept_delivery(s, monkeypatch, good_pp, "4", date(2018, 3, 3))
        run = process_acceptance_events(s)
        assert run.acceptances == 1 and len(run.recognitions) == 1
        [problem] = list_event_problems(s)
        assert problem.event_type == "delivery.accepted"
        assert "above its total volume" in problem.reason
        # a second run retries it, still set aside, nothing booked twice
        assert process_acceptance_events(s).acceptances == 0
        assert len(list_event_problems(s)) == 1
        # the period close lists it (run once the month has ended)
        now = utcnow()
        monkeypatch.setattr("datamill.business_clock.utcnow",
                            lambda: now + timedelta(days=32))
        closed = close_period(s, period_of(business_day(now)), actor_id=ap["finance_reviewer"])
        assert any("above its total volume" in p for p in closed.pending_events)
        assert json.dumps(closed.model_dump(mode="json"))  # still serialisable


def test_order_amend_takes_the_set_aside_acceptance(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.ledger import app
    from datamill.ledger.events import sync_ledger
    from datamill.ledger.orders import amend_order_volume

    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        ap = make_approvers(s)
        oid, pp, _ = _project(s, "amend", ap, volume="4")
        accept_delivery(s, monkeypatch, pp, "1", date(2018, 3, 2))
        accept_delivery(s, monkeypatch, pp, "5", date(2018, 3, 3))  # 6 h on a 4 h order
        assert process_acceptance_events(s).acceptances == 1
        [problem] = list_event_problems(s)
        assert "above its total volume 4" in problem.reason
        with pytest.raises(InvalidInput, match="reason"):
            amend_order_volume(s, oid, "6", reason=" ")
        with pytest.raises(InvalidInput, match="not below the 1"):
            amend_order_volume(s, oid, "0.5", reason="too low")
    r = CliRunner().invoke(app, ["order-amend", str(oid), "6", "--reason",
                                 "the customer accepted 6 h", "--as", "pm", "--json"])
    assert r.exit_code == 0, r.output
    with runtime.session() as s:
        run = sync_ledger(s)
        assert run.acceptances is not None and run.acceptances.acceptances == 1
        assert list_event_problems(s) == []
        # trial 14: the run's own answer listed the acceptance it took as still a problem
        assert run.problems == [] and run.costs.problems == []
        assert len(s.scalars(select(LedgerAcceptance)).all()) == 2
