"""Trial 11, HIGH 1b: a vendor's work on a project is paid by claims or by sheets, never both.

On the old code the demo claimed "annotation Huayu Data Services: 11 images × 1.60" and then
``workforce sheet-create`` drew up Huayu's sheet for the same 11 images (its workers, alice and
bob, annotated them): the same work was paid twice."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.costs import submit_expense_claim
from datamill.ledger.projects import open_ledger_project
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import SettlementSheet, Vendor
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import approved_budget, line, make_approvers
from tests.unit.ledger.test_events import custom_order
from tests.unit.workforce.test_settlement_properties import WEEKS, _build


def _world(runtime: Runtime, supplier: str, claimed_on: date) -> int:
    """Accepted work of 'Prop Vendor' in the week of WEEKS[0], and a claim by ``supplier``."""
    with runtime.session() as s:
        vendor_id, _, _ = _build(s, [("accepted", 0, 0, 3_600_000), ("accepted", 1, 0, 1_800_000)])
        create_user(s, "biz", "password1", "admin")
        project = s.scalars(select(Project).where(Project.name == "p")).one()
        ap = make_approvers(s)
        lp = open_ledger_project(s, project.id, order_id=custom_order(s, "O-T11C")).id
        approved_budget(s, lp, [line("annotation", "data_service", "10", "30")], ap)
        submit_expense_claim(s, lp, stage="annotation", supplier=supplier, quantity="2",
                             unit_price="5", claim_no="T11-LABEL", incurred_on=claimed_on)
        return vendor_id


def _create(runtime: Runtime, vendor_id: int) -> tuple[int, dict[str, object]]:
    r = run_cli(runtime.settings.home, "workforce", "sheet-create", str(vendor_id),
                WEEKS[0].isoformat(), "--as", "biz", "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


@pytest.mark.parametrize("supplier", ["Prop Vendor", " prop vendor "])
def test_a_sheet_for_work_a_claim_pays_is_refused(
    runtime: Runtime, users: dict[str, User], supplier: str
) -> None:
    vendor_id = _world(runtime, supplier, date(2024, 5, 8))
    code, out = _create(runtime, vendor_id)
    assert code != 0, out
    message = out["error"]["message"]  # type: ignore[index]
    assert "claim:T11-LABEL" in message and "never both" in message, out
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"{API}/settlements", headers=login(c, "biz"),
                   json={"vendor_id": vendor_id, "period_start": WEEKS[0].isoformat()})
        assert r.status_code == 409 and "claim:T11-LABEL" in r.text, r.text
    with runtime.session() as s:
        assert s.scalars(select(SettlementSheet)).all() == []


@pytest.mark.parametrize(("supplier", "claimed_on"), [
    ("Road Vision Fleet Co.", date(2024, 5, 8)),  # another supplier's claim
    ("Prop Vendor", date(2024, 5, 13)),  # a claim for a later period
])
def test_other_claims_leave_the_sheet_alone(
    runtime: Runtime, users: dict[str, User], supplier: str, claimed_on: date
) -> None:
    vendor_id = _world(runtime, supplier, claimed_on)
    code, out = _create(runtime, vendor_id)
    assert code == 0, out
    with runtime.session() as s:
        assert s.get(Vendor, vendor_id) is not None
        assert len(s.scalars(select(SettlementSheet)).all()) == 1
