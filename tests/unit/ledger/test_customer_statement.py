"""A customer's statement (trial h7: a customer's accounts saw no invoice or payment of
theirs on any face): its invoices and receipts with what is still open, read by its own
accounts (another organisation's is 404) and by readers of the books; nothing internal in
it (costs, margins, credit grade)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.catalog.access import link_customer_user
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.users import create_user
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.receivables import issue_invoice, record_receipt
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import people
from tests.unit.ledger.helpers import make_approvers


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


def _books(rt: Runtime) -> tuple[int, int]:
    """Acme (an invoiced and part-paid order) and Other Co (an invoice of its own)."""
    who = people(rt)
    with rt.session() as s:
        ap = make_approvers(s)
        ids, orders = [], []
        for name in ("Acme AI", "Other Co"):
            cust = create_customer(s, name, customer_type="ai_company", country="CN")
            k = draft_contract(s, f"K-{name[:2]}", customer_id=cust.id, amount=Decimal(20000),
                               actor_id=ap["dept_manager"])
            approve_contract(s, k.id, ap["finance_reviewer"], "price")
            approve_contract(s, k.id, ap["vp"], "signing")
            sign_contract(s, k.id, date(2018, 1, 5))
            order = create_order(s, k.id, f"O-{name[:2]}", business_line="speech",
                                 offering="custom", amount=Decimal(10000), currency="CNY",
                                 total_volume=Decimal(10), volume_unit="hours",
                                 acceptance_type=1)
            issue_invoice(s, order.id, f"INV-{name[:2]}", issued_on=business_today(),
                          amount=Decimal(1000))
            ids.append(cust.id)
            orders.append(order.id)
        record_receipt(s, orders[0], "RC-1", received_on=business_today(),
                       amount=Decimal(500))
        create_user(s, "cust2", "password1", "customer")
        link_customer_user(s, who["sales"], who["cust"], ids[0])
    return ids[0], ids[1]


def test_a_customer_reads_its_own_statement(sqlite_runtime: Runtime, client: TestClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    acme, other = _books(sqlite_runtime)
    cust = login(client, "cust")
    r = client.get(f"{API}/ledger/customers/{acme}/statement", headers=cust)
    assert r.status_code == 200, r.text
    got = r.json()
    assert [i["number"] for i in got["invoices"]] == ["INV-Ac"]
    assert [x["reference"] for x in got["receipts"]] == ["RC-1"]
    assert (got["invoiced_total"], got["received_total"], got["open_total"]) == (
        "1060.00", "500.00", "560.00"), got
    assert not {"cost", "margin", "credit_grade", "ecl", "wip"} & set(got), got
    for headers in (cust, login(client, "cust2")):  # another's, and an unlinked account
        r = client.get(f"{API}/ledger/customers/{other}/statement", headers=headers)
        assert r.status_code == 404, r.text
    r = client.get(f"{API}/ledger/customers/{other}/statement", headers=login(client, "ann"))
    assert r.status_code == 403, r.text
    r = client.get(f"{API}/ledger/customers/{other}/statement", headers=login(client, "pm"))
    assert r.status_code == 200 and r.json()["invoices"][0]["number"] == "INV-Ot", r.text
    monkeypatch.setattr(_common, "_runtime", [sqlite_runtime])
    runner = CliRunner()
    res = runner.invoke(app, ["ledger", "statement", str(other), "--as", "cust", "--json"])
    assert res.exit_code != 0 and json.loads(res.stdout)["error"]["code"] == "not_found"
    res = runner.invoke(app, ["ledger", "statement", str(acme), "--as", "cust"])
    assert res.exit_code == 0 and "invoice INV-Ac" in res.stdout, res.stdout
    assert "open 560.00 CNY" in res.stdout, res.stdout


def test_the_catalog_page_shows_it_to_the_customer(sqlite_runtime: Runtime,
                                                   client: TestClient) -> None:
    """The customer's catalog page (zh-CN) lists its own invoices and payments, never
    another organisation's; staff's page has no such section (they read the ledger)."""
    from tests.known_issues._web import web_login

    _books(sqlite_runtime)
    web_login(client, "cust")
    page = client.get("/catalog", headers={"Accept-Language": "zh-CN"}).text
    assert 'data-testid="customer-statement"' in page and "您的发票与付款" in page, page
    assert "INV-Ac" in page and "RC-1" in page and "INV-Ot" not in page
    assert "未结清 560.00 CNY" in page
    web_login(client, "sales")
    assert 'data-testid="customer-statement"' not in client.get("/catalog").text
