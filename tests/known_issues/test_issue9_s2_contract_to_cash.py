"""Issue 9 §2, contract to cash: contract approvals and cap, cancellation write-off, invoices
without revenue, receivables and ECL, the auditor's trace, the period-end run."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.assets import register_asset
from datamill.ledger.contracts import (
    amend_contract,
    approve_contract,
    cancel_contract,
    contract_detail,
    draft_contract,
    sign_contract,
)
from datamill.ledger.costs import depreciation_amount, post_cost, submit_expense_claim
from datamill.ledger.journal import journal_lines
from datamill.ledger.line_reports import line_margin, speech_cost_per_hour
from datamill.ledger.models import LedgerCost, LedgerImpairment, LedgerRecognition
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.receivables import ecl_rate, issue_invoice, receivables, record_receipt
from datamill.ledger.recognition import process_acceptance_events
from datamill.ledger.reports import margin_report
from datamill.ledger.trace import contract_trace, trace_csv
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    close_reviewed,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal


def _signed(s, ap, number: str = "K1", amount: str = "100000", grade: str = "2") -> int:  # type: ignore[no-untyped-def]
    cust = create_customer(s, f"cust-{number}", customer_type="big_tech", country="CN",
                           credit_grade=grade)
    k = draft_contract(s, number, customer_id=cust.id, amount=D(amount),
                       actor_id=ap["dept_manager"])
    approve_contract(s, k.id, ap["finance_reviewer"], "price")
    approve_contract(s, k.id, ap["vp"], "signing")
    return sign_contract(s, k.id, date(2018, 1, 5)).id


def _order(s, contract_id: int, number: str, amount: str, acceptance_type: int = 1,  # type: ignore[no-untyped-def]
           volume: str = "100", offering: str = "custom", line_: str = "speech") -> int:
    return create_order(s, contract_id, number, business_line=line_, offering=offering,
                        amount=D(amount), currency="CNY", total_volume=D(volume),
                        volume_unit="hours", acceptance_type=acceptance_type).id


def test_contract_approval_order_and_amount_cap(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "A", customer_type="big_tech", country="CN")
        k = draft_contract(s, "K-A", customer_id=cust.id, amount=D(100000),
                           actor_id=ap["finance_reviewer"])
        assert k.status == "draft" and k.signed_on is None
        with pytest.raises(Conflict, match="orders are split off signed contracts only"):
            _order(s, k.id, "O-early", "1000")
        with pytest.raises(Conflict, match="needs a price_approved contract"):
            approve_contract(s, k.id, ap["vp"], "signing")  # signing before price
        with pytest.raises(Conflict, match="after its price and signing approvals"):
            sign_contract(s, k.id, date(2018, 1, 5))
        with pytest.raises(Forbidden, match="vp"):
            approve_contract(s, k.id, ap["vp"], "price")  # wrong role for the price step
        with pytest.raises(Forbidden, match="a second person"):
            approve_contract(s, k.id, ap["finance_reviewer"], "price")  # the drafter
        assert approve_contract(s, k.id, ap["finance_manager"], "price").status == "price_approved"
        with pytest.raises(Forbidden, match="finance_reviewer"):
            approve_contract(s, k.id, ap["finance_reviewer"], "signing")
        assert approve_contract(s, k.id, ap["vp"], "signing").status == "signing_approved"
        assert sign_contract(s, k.id, date(2018, 1, 5)).status == "signed"
        _order(s, k.id, "O-1", "60000")
        with pytest.raises(InvalidInput, match=r"100,000\.00 − 60,000\.00 already in orders = "
                                               r"40,000\.00"):
            _order(s, k.id, "O-2", "40000.01")
        _order(s, k.id, "O-2", "40000")
        detail = contract_detail(s, k.id)
        assert detail.orders_total == D(100000) and detail.remainder == 0
        assert [a.step for a in detail.approvals] == ["price", "signing"]
        with pytest.raises(InvalidInput, match="needs its reason"):
            amend_contract(s, k.id, D(120000), reason=" ", on=date(2018, 2, 1))
        with pytest.raises(Conflict, match="below what is booked"):
            amend_contract(s, k.id, D(90000), reason="scope cut", on=date(2018, 2, 1))
        amend_contract(s, k.id, D(120000), reason="extra 20 h dialect", on=date(2018, 2, 1),
                       actor_id=ap["vp"])
        # the raise waits for its price and signing approvals (trial: a PM alone raised it)
        assert contract_detail(s, k.id).remainder == D(0)
        approve_contract(s, k.id, ap["finance_manager"], "price")
        approve_contract(s, k.id, ap["cfo"], "signing")
        detail = contract_detail(s, k.id)
        assert detail.remainder == D(20000)
        assert detail.changes[0].reason == "extra 20 h dialect"
        assert detail.changes[0].old_amount == D(100000)


def test_rejection_is_final(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "R", customer_type="other", country="CN")
        k = draft_contract(s, "K-R", customer_id=cust.id, amount=D(5000))
        with pytest.raises(InvalidInput, match="reason"):
            approve_contract(s, k.id, ap["finance_reviewer"], "price", decision="reject")
        out = approve_contract(s, k.id, ap["finance_reviewer"], "price", decision="reject",
                               reason="price below cost")
        assert out.status == "rejected"
        with pytest.raises(Conflict):
            approve_contract(s, k.id, ap["vp"], "signing")


def test_cancellation_writes_wip_off_and_the_journal_balances(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-X", "100000")
        oid = _order(s, k, "O-X", "100000")
        _, lp = ledger_project(s, "trial", oid)
        approved_budget(s, lp, [line("collection", "data_service", "200", "300")], ap)
        submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=D(100),
                             unit_price=D(300), claim_no="x1", incurred_on=date(2018, 2, 10))
        # provision first, so the write-off also releases it
        s.add(LedgerImpairment(project_id=lp, period_end=date(2018, 2, 28), wip=D(30000),
                               contract_amount=D(0), cost_to_complete=D(0), taxes=D(0),
                               nrv=D(25000), provision=D(5000), change=D(5000)))
        s.flush()
        with pytest.raises(InvalidInput, match="reason"):
            cancel_contract(s, k, on=date(2018, 3, 15), reason="")
        cancel_contract(s, k, on=date(2018, 3, 15), reason="speaker could not re-record",
                        actor_id=ap["vp"])
        # a signed contract's cancellation goes through its price and signing approvals
        approve_contract(s, k, ap["finance_manager"], "price")
        assert approve_contract(s, k, ap["cfo"], "signing").status == "cancelled"
        w = s.scalars(select(LedgerRecognition).where(LedgerRecognition.basis == "write_off")).one()
        assert (w.cost, w.revenue) == (D(30000), D(0))
        lines = journal_lines(s, date(2018, 1, 1), date(2018, 12, 31))
        assert sum(x.debit for x in lines) == sum(x.credit for x in lines)
        wip = [x for x in lines if x.account == "5001"]
        assert sum(x.debit - x.credit for x in wip) == 0  # the WIP is gone in full
        loss = [x for x in lines if x.account == "6711"]
        assert sum(x.debit for x in loss) == D(30000)
        prov = [x for x in lines if x.account == "1471"]
        assert sum(x.credit - x.debit for x in prov) == 0  # provision released
        # a write-off is a non-operating loss, not cost of sales in the margin reports
        assert margin_report(s, date(2018, 1, 1), date(2018, 12, 31)) == []
        assert all(r.cost == 0 for r in line_margin(s, date(2018, 1, 1), date(2018, 12, 31)))
        with pytest.raises(Conflict, match="accepts no more costs"):
            submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=D(1),
                                 unit_price=D(1), claim_no="x2", incurred_on=date(2018, 3, 20))
        with pytest.raises(Conflict, match="already cancelled"):
            cancel_contract(s, k, on=date(2018, 3, 16), reason="again")
        detail = contract_detail(s, k)
        assert detail.contract.status == "cancelled" and detail.orders[0].status == "cancelled"
        assert detail.changes[-1].kind == "cancellation"


def test_invoice_without_acceptance_gives_no_revenue_and_receivables_net(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-I", "100000", grade="2")  # 60-day term
        oid = _order(s, k, "O-I", "100000", acceptance_type=3)
        pp, lp = ledger_project(s, "inv", oid)
        approved_budget(s, lp, [line("collection", "data_service", "200", "300")], ap)
        issue_invoice(s, oid, "INV-ADV", issued_on=date(2018, 2, 1), amount=D(20000))
        record_receipt(s, oid, "BANK-1", received_on=date(2018, 2, 3), amount=D(21200))
        assert s.scalars(select(LedgerRecognition)).all() == []  # invoice ≠ revenue
        [c] = receivables(s, date(2018, 2, 28))
        assert (c.due, c.receivable, c.advances, c.net) == (D(0), D(0), D(21200), D(-21200))
        with pytest.raises(InvalidInput, match="above its amount"):
            issue_invoice(s, oid, "INV-BIG", issued_on=date(2018, 2, 1), amount=D(80001))
        accept_delivery(s, monkeypatch, pp, "40", date(2018, 3, 1))
        process_acceptance_events(s)
        [c] = receivables(s, date(2018, 3, 31))
        # 40 % of 100,000 recognised → 42,400 due incl. 6 % VAT, less the 21,200 advance
        assert (c.due, c.receivable, c.advances, c.net) == (D(42400), D(21200), D(0), D(21200))
        [item] = c.items
        assert item.credit_starts == date(2018, 3, 1) and item.due_on == date(2018, 4, 30)
        assert item.ecl == D("636.00")  # not overdue: 3 %
        # the same open amount 200 days overdue, then 500, then 800
        for as_of, rate in ((date(2018, 11, 16), "0.12"), (date(2019, 9, 12), "0.50"),
                            (date(2020, 7, 9), "1.00")):
            [c] = receivables(s, as_of)
            assert c.items[0].ecl_rate == D(rate)
            assert c.ecl == (D(21200) * D(rate)).quantize(D("0.01"))
        assert c.ageing["2-3y"] == D(21200)


def test_ecl_rates_and_depreciation_example() -> None:
    assert [ecl_rate(d) for d in (0, 1, 365, 366, 730, 731)] == [
        D("0.03"), D("0.12"), D("0.12"), D("0.50"), D("0.50"), D("1.00")]
    assert depreciation_amount(30, D(36500)) == D(3000)


def test_trace_is_complete_from_contract_to_payment(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-T", "50000")
        oid = _order(s, k, "O-T", "50000", acceptance_type=1, volume="10")
        pp, lp = ledger_project(s, "traced", oid)
        approved_budget(s, lp, [line("collection", "data_service", "100", "300")], ap)
        submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=D(50),
                             unit_price=D(300), claim_no="t1", incurred_on=date(2018, 2, 1))
        # a vendor's acceptance-settlement sheet, as the workforce event books it
        post_cost(s, lp, "collection", "data_service", "3000", f"settlement:WS-T:{pp}:collection",
                  incurred_on=date(2018, 2, 8), supplier="V", quantity="10")
        assert not contract_trace(s, k).complete
        accept_delivery(s, monkeypatch, pp, "10", date(2018, 3, 1))
        process_acceptance_events(s)
        close_reviewed(s, lp, date(2018, 3, 5), ap)
        [acc] = contract_trace(s, k).orders[0].acceptances
        inv = issue_invoice(s, oid, "INV-T", issued_on=date(2018, 3, 6), acceptance_id=acc.id)
        assert inv.amount == D(50000) and inv.vat == D(3000)
        t = contract_trace(s, k)
        assert "invoice INV-T of order O-T is not paid" in t.gaps
        record_receipt(s, oid, "BANK-T", received_on=date(2018, 4, 1), amount=D(53000),
                       invoice_id=inv.id)
        t = contract_trace(s, k)
        assert t.complete, t.gaps
        o = t.orders[0]
        assert o.project is not None and o.project.production_project_id == pp
        assert len(o.deliveries) == 1 and o.acceptances[0].delivery_id == o.deliveries[0].id
        assert o.revenue == D(50000) and o.invoiced == D(53000) and o.received == D(53000)
        [settled] = o.settlements  # the cost side: what the vendors were paid
        assert settled.amount == D(3000) and settled.supplier == "V"
        kinds = [row.split(",")[0] for row in trace_csv(s, k).splitlines()[1:]]
        assert kinds == ["contract", "order", "project", "delivery", "acceptance", "invoice",
                         "receipt", "recognition", "settlement"]


def test_period_close_is_idempotent_and_needs_a_reviewer(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-P", "100000")
        oid = _order(s, k, "O-P", "100000", acceptance_type=3)
        pp, lp = ledger_project(s, "monthly", oid)
        approved_budget(s, lp, [line("collection", "data_service", "200", "300"),
                                line("equipment", "equipment", "1", "10000", unit="lot")], ap,
                        approved_on=date(2018, 1, 6))  # the books exist by the period end
        register_asset(s, "SRV-1", name="recording server", annual_depreciation=D(36500),
                       project_id=lp, in_use_from=date(2018, 3, 2))  # 30 days in March
        submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=D(100),
                             unit_price=D(300), claim_no="p1", incurred_on=date(2018, 3, 10))
        accept_delivery(s, monkeypatch, pp, "25", date(2018, 3, 20))
        process_acceptance_events(s)
        first = close_period(s, "2018-03", actor_id=ap["finance_reviewer"])
        dep = first.report["depreciation"]
        assert dep == [{"asset": "SRV-1", "project_id": lp, "days_used": 30,
                        "amount": "3000.00", "cost_id": dep[0]["cost_id"], "status": "posted"}]
        assert len(first.report["impairment"]) == 1 and first.status == "prepared"
        assert {r["line"]: r["revenue"] for r in first.report["line_margin"]}["custom"] == "25000.00"
        with pytest.raises(Conflict, match=r'send \{"rerun": true\} to the API \(rerun=True in '):
            close_period(s, "2018-03", actor_id=ap["finance_reviewer"])
        again = close_period(s, "2018-03", actor_id=ap["finance_reviewer"], rerun=True)
        assert again.report == first.report
        assert again.identical is True and again.digest == first.digest and again.runs == 2
        n = len(s.scalars(select(LedgerCost).where(LedgerCost.category == "equipment")).all())
        assert n == 1  # depreciation booked once
        with pytest.raises(Forbidden, match="second person"):
            confirm_period(s, "2018-03", reviewer_id=ap["finance_reviewer"])
        assert confirm_period(s, "2018-03", reviewer_id=ap["finance_manager"]).status == "closed"
        assert close_period(s, "2018-03", rerun=True).identical is True
        u = speech_cost_per_hour(s, date(2018, 3, 1), date(2018, 3, 31))
        assert u.hours == D(25) and u.cost_per_hour == (u.cost / 25).quantize(D("0.01"))
        assert [r.line for r in line_margin(s, date(2018, 1, 1), date(2018, 12, 31))] == [
            "custom", "catalog", "services"]


def test_cli_trace_and_period_close(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from datamill.cli import _common
    from datamill.cli.main import app

    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "cli-cust", customer_type="other", country="CN").id
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()

    def run(*args: str, code: int = 0) -> Any:
        res = cli.invoke(app, ["ledger", *args, "--json"])
        assert res.exit_code == code, res.output
        return json.loads(res.stdout)

    k = run("contract-draft", "K-CLI", str(cust), "1000", "--as", "ap-dept_manager")
    assert k["status"] == "draft"
    run("contract-approve", str(k["id"]), "price", "--as", "ap-finance_reviewer")
    run("contract-approve", str(k["id"]), "signing", "--as", "ap-vp")
    assert run("contract-sign", str(k["id"]), "--signed-on", "2018-01-02",
               "--as", "ap-vp")["status"] == "signed"
    err = run("order-add", str(k["id"]), "O-CLI", "speech", "custom", "1500", "10",
              "--as", "ap-vp", code=2)
    assert "remainder" in err["error"]
    run("order-add", str(k["id"]), "O-CLI", "speech", "custom", "1000", "10", "--as", "ap-vp")
    t = run("trace", "K-CLI", "--as", "ap-vp", "--csv", str(tmp_path / "t.csv"))
    assert t["contract"]["remainder"] == "0.00" and not t["complete"]
    assert (tmp_path / "t.csv").read_text().startswith("kind,contract,order")
    first = run("period-close", "2018-01", "--as", "ap-finance_reviewer",
                "--output-dir", str(tmp_path / "pc"))
    assert (tmp_path / "pc" / "period-close-2018-01.txt").read_text().startswith("Period close")
    assert "<pre>" in (tmp_path / "pc" / "period-close-2018-01.html").read_text()
    saved = json.loads((tmp_path / "pc" / "period-close-2018-01.json").read_text())
    assert saved["digest"] == first["digest"]
    assert "already run (prepared); to run it again (it must give the identical result) add " \
           "--rerun on the command line" in run("period-close", "2018-01", "--as",
                                                "ap-finance_reviewer", code=4)["error"]["message"]
    again = run("period-close", "2018-01", "--rerun", "--as", "ap-finance_reviewer")
    assert again["identical"] is True and again["digest"] == first["digest"]
    run("period-confirm", "2018-01", "--as", "ap-finance_reviewer", code=6)
    assert run("period-confirm", "2018-01", "--as", "ap-cfo")["status"] == "closed"
    assert ap  # the approvers exist


def test_api_contract_to_cash(runtime: Runtime) -> None:
    from fastapi.testclient import TestClient

    from datamill.server import create_app

    with runtime.session() as s:
        make_approvers(s)
        cust = create_customer(s, "api-cust", customer_type="other", country="CN").id
        _, rd = ledger_project(s, "api-rd", None, project_type="product_development")
    api = "/api/v1/ledger"
    with TestClient(create_app(runtime)) as c:
        def auth(name: str) -> dict[str, str]:
            r = c.post("/api/v1/auth/token", json={"username": name, "password": "password1"})
            assert r.status_code == 201, r.text
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        dm, fr, vp = auth("ap-dept_manager"), auth("ap-finance_reviewer"), auth("ap-vp")
        k = c.post(f"{api}/contracts/drafts", headers=dm,
                   json={"number": "K-API", "customer_id": cust, "amount": "5000"}).json()
        r = c.post(f"{api}/contracts/{k['id']}/approvals", headers=vp, json={"step": "price"})
        assert r.status_code == 403
        assert c.post(f"{api}/contracts/{k['id']}/approvals", headers=fr,
                      json={"step": "price"}).json()["status"] == "price_approved"
        c.post(f"{api}/contracts/{k['id']}/approvals", headers=vp, json={"step": "signing"})
        r = c.post(f"{api}/contracts/{k['id']}/sign", headers=vp, json={"signed_on": "2018-01-03"})
        assert r.json()["status"] == "signed"
        order = {"number": "O-API", "business_line": "speech", "offering": "custom",
                 "amount": "6000", "currency": "CNY", "total_volume": "5", "acceptance_type": 1}
        r = c.post(f"{api}/contracts/{k['id']}/orders", headers=vp, json=order)
        assert r.status_code == 422 and "remainder" in r.text
        oid = c.post(f"{api}/contracts/{k['id']}/orders", headers=vp,
                     json={**order, "amount": "5000"}).json()["id"]
        r = c.post(f"{api}/orders/{oid}/invoices", headers=vp,
                   json={"number": "INV-API", "issued_on": "2018-01-04", "amount": "1000"})
        assert r.status_code == 201 and r.json()["vat"] == "60.00"
        t = c.get(f"{api}/contracts/{k['id']}/trace", headers=vp).json()
        assert t["orders"][0]["revenue"] == "0.00" and not t["complete"]  # to the cent
        assert any("invoice ≠ revenue" in g for g in t["gaps"])
        r = c.get(f"{api}/contracts/{k['id']}/trace.csv", headers=vp)
        assert r.headers["content-type"].startswith("text/csv") and "INV-API" in r.text
        first = c.post(f"{api}/periods/2018-01/close", headers=fr, json={})
        assert first.status_code == 200, first.text
        twice = c.post(f"{api}/periods/2018-01/close", headers=fr, json={})
        assert twice.status_code == 409 and '{"rerun": true}' in twice.json()["detail"]
        again = c.post(f"{api}/periods/2018-01/close", headers=fr, json={"rerun": True}).json()
        assert again["identical"] is True and again["digest"] == first.json()["digest"]
        assert c.post(f"{api}/periods/2018-01/confirm", headers=fr).status_code == 403
        assert c.post(f"{api}/periods/2018-01/confirm", headers=vp).json()["status"] == "closed"
        r = c.get(f"{api}/reports/lines.csv?from=2018-01-01&to=2018-12-31", headers=vp)
        assert r.text.startswith("line,revenue,cost,margin,margin_pct")
        r = c.get(f"{api}/receivables?as_of=2018-02-01", headers=vp).json()
        assert r[0]["invoiced"] == "1060.00" and r[0]["net"] == "0.00"
        # in use from the first open day: January is closed (an asset in use in a closed
        # month is refused, asset_closed_months)
        asset = {"code": "MIC-1", "name": "studio mic", "annual_depreciation": "3650",
                 "project_id": rd, "in_use_from": "2018-02-01"}
        r = c.post(f"{api}/assets", headers=vp, json=asset)
        # a writer of the books cleared for the project, member or not (require_project_writer)
        assert r.status_code == 201, r.text


def test_web_trace_page_and_line_chart(runtime: Runtime) -> None:
    from fastapi.testclient import TestClient

    from datamill.server import create_app
    from tests.known_issues._web import web_login

    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-<web>", "1000")
        _order(s, k, "O-WEB", "1000")
    with TestClient(create_app(runtime)) as c:
        web_login(c, "ap-vp")
        page = c.get("/finance?year=2018")
        assert page.status_code == 200, page.text
        assert 'id="chart-lines"' in page.text and "bylines" in page.text
        assert f'href="/finance/contracts/{k}/trace"' in page.text
        trace = c.get(f"/finance/contracts/{k}/trace")
        assert trace.status_code == 200 and "O-WEB" in trace.text
        assert "K-&lt;web&gt;" in trace.text and "K-<web>" not in trace.text
        assert "order O-WEB has no project" in trace.text
        csv_ = c.get(f"/finance/contracts/{k}/trace.csv")
        assert csv_.headers["content-type"].startswith("text/csv")
        assert csv_.text.splitlines()[1].startswith("contract,K-<web>")
        lines = c.get("/finance/lines.csv?from=2018-01-01&to=2018-12-31")
        assert lines.text.startswith("line,revenue")
