"""The HTTP API and the CLI over the ledger services (thin faces)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.api.routers.ledger import router
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, set_vendor_qualified
from tests.unit.ledger.helpers import make_approvers, production_project

API = "/api/v1"


def _app(runtime: Runtime) -> TestClient:
    app = create_app(runtime)
    if not any(getattr(r, "path", "").startswith(f"{API}/ledger") for r in app.routes):
        app.include_router(router)
    return TestClient(app)


def _token(c: TestClient, username: str) -> dict[str, str]:
    r = c.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_api_flow(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        pid = production_project(s, "api-ledger")
        add_member(s, pid, users["pm"], None)  # the PM's own project (not asked by the ledger)
        make_approvers(s)
        vendor = create_vendor(s, users["admin"], name="Vendor A", kind="company",
                               agreement_no="FA-A", fee_rate="0.08")
        set_vendor_qualified(s, users["admin"], vendor.id, True, "assessed")
    with _app(runtime) as c:
        pm = _token(c, "pm")
        assert c.post(f"{API}/ledger/customers", headers=_token(c, "ann1"),
                      json={"name": "A", "customer_type": "big_tech", "country": "CN"}
                      ).status_code == 403
        cust = c.post(f"{API}/ledger/customers", headers=pm,
                      json={"name": "A", "customer_type": "big_tech", "country": "CN"}).json()
        k = c.post(f"{API}/ledger/contracts", headers=pm, json={
            "number": "K1", "customer_id": cust["id"], "signed_on": "2018-01-02"}).json()
        assert k["status"] == "pending_record"  # a second person confirms the record
        k = c.post(f"{API}/ledger/contracts/{k['id']}/approvals", headers=_token(c, "ap-vp"),
                   json={"step": "signing"}).json()
        assert k["status"] == "signed", k
        bad = c.post(f"{API}/ledger/contracts/{k['id']}/orders", headers=pm, json={
            "number": "O1", "business_line": "speech", "offering": "custom", "amount": "1000",
            "currency": "USD", "total_volume": "10", "acceptance_type": 1})
        assert bad.status_code == 422 and "does not match" in bad.text
        o = c.post(f"{API}/ledger/contracts/{k['id']}/orders", headers=pm, json={
            "number": "O1", "business_line": "speech", "offering": "custom",
            "amount": "100000.00", "currency": "CNY", "total_volume": "10",
            "acceptance_type": 3}).json()
        p = c.post(f"{API}/ledger/projects", headers=pm,
                   json={"production_project_id": pid, "order_id": o["id"]}).json()
        again = c.post(f"{API}/ledger/projects", headers=pm,
                       json={"production_project_id": pid, "order_id": o["id"]})
        assert again.status_code == 409
        b = c.post(f"{API}/ledger/projects/{p['id']}/budgets", headers=pm, json=[
            {"stage": "collection", "category": "data_service", "quantity": "200",
             "unit_price": "300"}]).json()
        assert b["total"] == "60000.00"
        b = c.post(f"{API}/ledger/budgets/{b['id']}/submit", headers=pm).json()
        assert b["next_role"] == "dept_manager"
        wrong = c.post(f"{API}/ledger/budgets/{b['id']}/approvals", headers=pm, json={})
        assert wrong.status_code == 403 and "awaits level 1" in wrong.text
        for role in ("dept_manager", "vp", "finance_reviewer"):
            r = c.post(f"{API}/ledger/budgets/{b['id']}/approvals",
                       headers=_token(c, f"ap-{role}"), json={"decision": "approve"})
            assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"
        cost = c.post(f"{API}/ledger/projects/{p['id']}/costs", headers=pm, json={
            "stage": "collection", "category": "data_service", "amount": "12345.67",
            "quantity": "1234.567", "unit_price": "10", "supplier": "Vendor A",
            "source_ref": "claim-1", "incurred_on": "2018-02-01"})
        assert cost.status_code == 201 and cost.json()["amount"] == "12345.67"
        wip = c.get(f"{API}/ledger/reports/wip", headers=pm,
                    params={"from": "2018-01-01", "to": "2018-12-31"}).json()
        assert wip[0]["closing"] == "12345.67"
        bva = c.get(f"{API}/ledger/projects/{p['id']}/budget-vs-actual", headers=pm).json()
        assert bva["actual_total"] == "12345.67"
        journal = c.get(f"{API}/ledger/journal.csv", headers=pm,
                        params={"from": "2018-01-01", "to": "2018-12-31"})
        assert journal.status_code == 200 and "12345.67" in journal.text
        assert c.post(f"{API}/ledger/recognition/run", headers=pm).json()["acceptances"] == 0


def test_cli_flow(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.ledger import app

    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        production_project(s, "cli-ledger")
        make_approvers(s)  # ap-vp confirms the contract recorded as signed
        vendor = create_vendor(s, users["admin"], name="V", kind="company", agreement_no="FA-V",
                               fee_rate="0.08")
        set_vendor_qualified(s, users["admin"], vendor.id, True, "assessed")
    cli = CliRunner()

    def ok(*args: str) -> str:
        r = cli.invoke(app, list(args))
        assert r.exit_code == 0, r.output
        return r.output

    ok("customer-add", "Cust", "ai_company", "US", "--as", "pm")
    ok("contract-add", "K9", "1", "--currency", "USD", "--signed-on", "2018-01-01",
       "--as", "pm")
    ok("contract-approve", "1", "signing", "--as", "ap-vp")  # the second person's confirmation
    r = cli.invoke(app, ["order-add", "1", "O9", "speech", "custom", "1000", "5",
                         "--currency", "USD", "--as", "pm"])
    assert r.exit_code == 2 and "needs fx_rate" in r.output
    assert "6,500.00 CNY" in ok("order-add", "1", "O9", "speech", "custom", "1000", "5",
                               "--currency", "USD", "--fx-rate", "6.5", "--as", "pm")
    ok("project-open", "cli-ledger", "--order-id", "1", "--as", "pm")
    lines = tmp_path / "lines.json"
    lines.write_text('[{"stage": "collection", "category": "data_service", '
                     '"quantity": 10, "unit_price": 250.5}]')
    assert "2,505.00" in ok("budget-create", "1", str(lines), "--as", "pm")
    assert "$" not in ok("quote", "1", "0.4", "--as", "pm")
    r = cli.invoke(app, ["cost-post", "1", "collection", "data_service", "10", "x",
                         date(2018, 1, 2).isoformat(), "--supplier", "V", "--quantity", "1",
                         "--unit-price", "10", "--as", "pm"])
    assert r.exit_code == 4 and "budget first" in r.output
    out = tmp_path / "j.csv"
    ok("journal", "2018-01-01", "2018-12-31", str(out), "--as", "pm")
    assert out.read_text().startswith("entry,date,account")
