"""A settlement sheet of a project without books is not paid (new-user trial, HIGH 2).

On the old code a custom_service project with no ledger accounts (no contract, order or budget)
had its sheet drawn, confirmed and **settled**: ``sheet_cost_problems`` skipped the
``no_accounts`` events, so the vendor was paid while ``ledger event-problems`` showed the
``settlement.confirmed`` event stuck ``no_accounts`` — money out, nothing in the books. Now the
payment is refused (``sheet_no_accounts``, naming the project and what to do) on every face;
drawing and confirming the sheet stay allowed (what the vendor earned is owed either way)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.ledger.events import list_event_problems, sync_ledger
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementSheet
from datamill.workforce.vendors import create_vendor
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import approved_budget, line, make_approvers, production_project
from tests.unit.ledger.test_events import confirmed_sheet, custom_order


def _sheet(runtime: Runtime, admin: User) -> tuple[int, int]:
    """(production project without books, its confirmed sheet)."""
    with runtime.session() as s:
        pp = production_project(s, "no-books")
        vendor = create_vendor(s, admin, name="Huayu", kind="company", fee_rate="0.08")
        return pp, confirmed_sheet(s, admin, vendor.id, "WF-NB", [(pp, "annotate", "100.00")])


def test_a_sheet_of_a_project_without_books_is_not_paid(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pp, sheet = _sheet(runtime, users["admin"])  # drawn and confirmed: allowed
    with runtime.session() as s:
        sync_ledger(s)  # the event waits: no_accounts
    r = run_cli(runtime.settings.home, "workforce", "sheet-settle", str(sheet), "BANK-REF-1",
                "--as", "admin", "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    out = json.loads(r.stdout)
    assert r.returncode != 0, out  # was settled
    error = out["error"]
    assert error["reason_code"] == "sheet_no_accounts", out
    assert f"project {pp}" in error["message"] and "project-open" in error["message"], out
    with TestClient(create_app(runtime)) as c:
        resp = c.post(f"{API}/settlements/{sheet}/settle", headers=login(c, "admin"),
                      json={"reference": "BANK-REF-1"})
        assert resp.status_code == 409, resp.text
        assert resp.json()["reason_code"] == "sheet_no_accounts"
        zh = c.post(f"{API}/settlements/{sheet}/settle",
                    headers={**login(c, "admin"), "Accept-Language": "zh-CN"},
                    json={"reference": "BANK-REF-1"})
        assert zh.status_code == 409 and "暂不能结算" in zh.text, zh.text
    with runtime.session() as s:
        assert s.get(SettlementSheet, sheet).status == "confirmed"  # type: ignore[union-attr]
        assert [p.reason_code for p in list_event_problems(s)] == ["no_accounts"]


def test_once_the_project_has_books_the_sheet_is_paid(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pp, sheet = _sheet(runtime, users["admin"])
    with runtime.session() as s:
        from datamill.ledger.projects import open_ledger_project

        lp = open_ledger_project(s, pp, order_id=custom_order(s, "O-NB")).id
        approved_budget(s, lp, [line("annotate", "data_service", "10", "30")], make_approvers(s))
        sync_ledger(s)
    r = run_cli(runtime.settings.home, "workforce", "sheet-settle", str(sheet), "BANK-REF-1",
                "--as", "admin", "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert r.returncode == 0, r.stdout
    assert json.loads(r.stdout)["status"] == "settled"
