"""Trial 11, M2 / M5 (exponent) / LOW: the ledger refuses what has not happened yet, amounts
in exponent notation and report ranges that end before they start.

On the old code ``ledger close 3 2027-06-30`` and ``cost-post ... 2027-03-01`` were accepted
(invoices and receipts after today were refused already), ``cost-post ... 1e3`` booked 1000.00
and ``ledger report margin 2026-12-01 2026-11-01 --json`` printed ``[]`` with exit 0."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, set_vendor_qualified
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import custom_order


def _cli(runtime: Runtime, *args: str) -> tuple[int, Any]:
    r = run_cli(runtime.settings.home, *args, "--as", "admin", "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def _project(runtime: Runtime) -> int:
    with runtime.session() as s:
        ap = make_approvers(s)
        _, lp = ledger_project(s, "t11-dates", custom_order(s, "O-T11D"))
        approved_budget(s, lp, [line("annotation", "data_service", "10", "30")], ap)
        return lp


def test_costs_and_final_accounts_are_not_dated_after_today(
    runtime: Runtime, users: dict[str, User]
) -> None:
    lp = _project(runtime)
    later = (business_today() + timedelta(days=30)).isoformat()
    code, out = _cli(runtime, "ledger", "cost-post", str(lp), "annotation", "data_service",
                     "5", "T11-FUT", later, "--supplier", "Huayu")
    assert code == 2 and "after today" in out["error"]["message"], out
    code, out = _cli(runtime, "ledger", "close", str(lp), later)
    assert code == 2 and "after today" in out["error"]["message"], out
    with TestClient(create_app(runtime)) as c:
        h = login(c, "admin")
        r = c.post(f"{API}/ledger/projects/{lp}/costs", headers=h, json={
            "stage": "annotation", "category": "data_service", "amount": "5",
            "source_ref": "T11-FUT-API", "incurred_on": later, "supplier": "Huayu"})
        assert r.status_code == 422 and "after today" in r.text, r.text
    today = business_today().isoformat()
    with runtime.session() as s:  # a data-service claim names a qualified vendor (PM/finance trial, 2026-12)
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        vendor = create_vendor(s, admin, name="Huayu", kind="company", agreement_no="FA-H",
                               fee_rate="0.08")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
    code, out = _cli(runtime, "ledger", "cost-post", str(lp), "annotation", "data_service",
                     "5", "T11-TODAY", today, "--supplier", "Huayu", "--quantity", "1",
                     "--unit-price", "5")
    assert code == 0, out


@pytest.mark.parametrize("amount", ["1e3", "1E3", "2.5e+2"])
def test_an_amount_in_exponent_notation_is_refused(
    runtime: Runtime, users: dict[str, User], amount: str
) -> None:
    lp = _project(runtime)
    code, out = _cli(runtime, "ledger", "cost-post", str(lp), "annotation", "data_service",
                     amount, "T11-EXP", business_today().isoformat(), "--supplier", "Huayu")
    assert code == 2 and "exponent notation" in out["error"]["message"], out


@pytest.mark.parametrize("kind", ["margin", "wip", "units", "vat"])
def test_a_report_range_ending_before_it_starts_is_refused(
    runtime: Runtime, users: dict[str, User], kind: str
) -> None:
    code, out = _cli(runtime, "ledger", "report", kind, "2026-12-01", "2026-11-01")
    assert code == 2 and "before it starts" in out["error"]["message"], out
