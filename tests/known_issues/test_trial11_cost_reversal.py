"""Trial 11, M5: a posted cost is reversed by a negative entry linked to it, once.

On the old code a negative amount was refused and there was no reversal: a cost typed in by
mistake (or a vendor's work claimed that its settlement sheet pays) stayed in the books."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.ledger.costs import submit_expense_claim
from datamill.ledger.models import LedgerCost
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.sheet_costs import vendor_claims
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import custom_order


def _cli(runtime: Runtime, *args: str) -> tuple[int, Any]:
    r = run_cli(runtime.settings.home, *args, "--as", "admin", "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def _claims(runtime: Runtime) -> tuple[int, int, int, int]:
    """(production project, claim in March 2018, claim in May 2018, the second claim's
    ledger project); March and April 2018 closed."""
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "t11-rev", custom_order(s, "O-T11R"))
        approved_budget(s, lp, [line("annotation", "data_service", "10", "30")], ap)
        march = submit_expense_claim(s, lp, stage="annotation", supplier="Huayu", quantity="2",
                                     unit_price="5", claim_no="T11-MAR",
                                     incurred_on=date(2018, 3, 10))
        may = submit_expense_claim(s, lp, stage="annotation", supplier="Huayu", quantity="3",
                                   unit_price="5", claim_no="T11-MAY",
                                   incurred_on=date(2018, 5, 10))
        for month in ("2018-03", "2018-04"):
            close_period(s, month, actor_id=ap["finance_reviewer"])
            confirm_period(s, month, reviewer_id=ap["finance_head"])
        return pp, march.id, may.id, lp


def test_a_cost_is_reversed_once_into_an_open_period(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pp, march, may, _ = _claims(runtime)
    code, out = _cli(runtime, "ledger", "cost-reverse", str(may), "--reason",
                     "claimed by mistake: the sheet pays it")
    assert code == 0, out
    assert Decimal(out["amount"]) == Decimal("-15.00") and out["incurred_on"] == "2018-05-10"
    assert out["source_ref"] == f"reversal:{may}" and out["status"] == "posted"
    code, again = _cli(runtime, "ledger", "cost-reverse", str(may), "--reason", "twice")
    assert code != 0 and "already reversed" in again["error"]["message"], again
    # the March claim lies in a closed month: its reversal goes into the first open day
    with TestClient(create_app(runtime)) as c:
        h = login(c, "admin")
        r = c.post(f"{API}/ledger/costs/{march}/reversal", headers=h, json={"reason": "dup"})
        assert r.status_code == 201, r.text
        assert r.json()["incurred_on"] == "2018-05-01" and r.json()["amount"] == "-10.00"
        r = c.post(f"{API}/ledger/costs/{march}/reversal", headers=h, json={"reason": "dup"})
        assert r.status_code == 409, r.text
        r = c.post(f"{API}/ledger/costs/{march}/reversal", headers=h, json={"reason": " "})
        assert r.status_code in (409, 422), r.text
    with runtime.session() as s:
        rows = {c.source_ref: c for c in s.scalars(select(LedgerCost))}
        assert rows["claim:T11-MAY"].amount == Decimal("15.00")  # the original stays
        assert "closed period" in rows[f"reversal:{march}"].description
        assert "the sheet pays it" in rows[f"reversal:{may}"].description
        audits = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.cost.reversed")).all()
        assert {a.object_id for a in audits} == {march, may}
        # a reversed claim no longer pays the vendor's work (a sheet may be drawn up)
        assert vendor_claims(s, "Huayu", {pp}, date(2018, 6, 1)) == []


def test_a_negative_amount_is_still_refused_as_a_new_cost(
    runtime: Runtime, users: dict[str, User]
) -> None:
    _, _, _, lp = _claims(runtime)
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"{API}/ledger/projects/{lp}/costs", headers=login(c, "admin"), json={
            "stage": "annotation", "category": "data_service", "amount": "-5",
            "source_ref": "T11-NEG", "incurred_on": "2018-05-11", "supplier": "Huayu"})
        assert r.status_code == 422 and "negative" in r.text, r.text
