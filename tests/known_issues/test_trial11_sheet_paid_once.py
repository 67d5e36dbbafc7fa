"""Trial 11, HIGH 1a: a settlement sheet whose cost the ledger did not book is not paid.

On the old code ``workforce sheet-settle`` (and ``POST /settlements/{id}/settle``) paid a sheet
whose cost the ledger had refused ("... over the budget line"): the vendor was paid for work the
budget never took (in the trial, work already paid through a manual cost claim)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.ledger.events import sync_ledger
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementSheet
from datamill.workforce.vendors import create_vendor
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import confirmed_sheet, custom_order


def _world(runtime: Runtime, admin: User, budget_qty: str) -> int:
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "t11", custom_order(s, "O-T11"))
        approved_budget(s, lp, [line("annotation", "data_service", budget_qty, "30")], ap)
        vendor = create_vendor(s, admin, name="Huayu", kind="company", fee_rate="0.08")
        return confirmed_sheet(s, admin, vendor.id, "WF-T11", [(pp, "annotate", "100.00")])


def _settle(runtime: Runtime, sheet: int) -> tuple[int, dict[str, object]]:
    r = run_cli(runtime.settings.home, "workforce", "sheet-settle", str(sheet), "BANK-T11",
                "--as", "admin", "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def test_a_sheet_refused_by_the_budget_is_not_paid(
    runtime: Runtime, users: dict[str, User]
) -> None:
    sheet = _world(runtime, users["admin"], "1")  # a line of 30.00 for a cost of 108.00
    with runtime.session() as s:
        sync_ledger(s)
    code, out = _settle(runtime, sheet)
    assert code != 0, out
    assert "cannot be settled" in str(out["error"]) and "budget" in str(out["error"]), out
    assert "event-book" in str(out["error"]), out
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"{API}/settlements/{sheet}/settle", headers=login(c, "admin"),
                   json={"reference": "BANK-T11"})
        assert r.status_code == 409, r.text
        assert "not booked in the ledger" in r.text
    with runtime.session() as s:
        assert s.get(SettlementSheet, sheet).status == "confirmed"  # type: ignore[union-attr]


def test_a_sheet_not_synced_yet_is_booked_then_paid(
    runtime: Runtime, users: dict[str, User]
) -> None:
    sheet = _world(runtime, users["admin"], "10")  # 300.00: the cost fits
    code, out = _settle(runtime, sheet)  # no sync before: the settle books the cost first
    assert code == 0, out
    assert out["status"] == "settled"


def test_an_unsynced_sheet_over_budget_is_refused(
    runtime: Runtime, users: dict[str, User]
) -> None:
    sheet = _world(runtime, users["admin"], "1")
    code, out = _settle(runtime, sheet)
    assert code != 0 and "over the budget" in str(out["error"]), out


def test_the_web_page_does_not_pay_a_sheet_the_budget_refused(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """The sheets page's payment form asks what the API and CLI ask (it paid such a sheet)."""
    sheet = _world(runtime, users["admin"], "1")
    with runtime.session() as s:
        sync_ledger(s)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "admin")
        r = c.post(f"/workforce/sheets/{sheet}/settle",
                   data={"reference": "BANK-T11", "csrf_token": csrf_of(c)},
                   follow_redirects=False)
        assert r.status_code == 409, r.text
        assert "not booked in the ledger" in r.text
    with runtime.session() as s:
        assert s.get(SettlementSheet, sheet).status == "confirmed"  # type: ignore[union-attr]
