"""Orders and budget lines count in the project's modality's unit; budget vs actual shows the
spend held over budget as pending (new-user trial, MEDIUM 3).

On the old code ``ledger order-add ... --volume-unit dialogues`` was refused ("available:
hours, utterances, items, images, databases, licences") although the LLM plugin counts
dialogues; a budget's data-service lines defaulted to ``hours`` for an LLM project priced per
dialogue; and spend set aside over budget (an ``over_budget`` event problem) or booked awaiting
approval showed nowhere in budget vs actual (actual 0.00, 0 %, no pending figure)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.ledger.budgets import create_budget
from datamill.ledger.costs import post_cost
from datamill.ledger.events import sync_ledger
from datamill.ledger.orders import create_order
from datamill.ledger.projects import open_ledger_project
from datamill.ledger.reports import budget_vs_actual
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import confirmed_sheet, custom_order
from tests.unit.modalities.llm._cases import spec

D = Decimal


def test_an_order_counts_in_a_modality_unit(runtime: Runtime) -> None:
    with runtime.session() as s:
        k = custom_order(s, "O-UNITS")
        from datamill.ledger.models import LedgerOrder

        contract_id = s.get(LedgerOrder, k).contract_id  # type: ignore[union-attr]
        o = create_order(s, contract_id, "O-DLG", business_line="language", offering="custom",
                         amount=D(100), currency="CNY", total_volume=D(500),
                         volume_unit="dialogues", acceptance_type=1)  # was refused
        assert o.volume_unit == "dialogues"
        with pytest.raises(InvalidInput, match="dialogues") as err:
            create_order(s, contract_id, "O-BAD", business_line="language", offering="custom",
                         amount=D(1), currency="CNY", total_volume=D(1),
                         volume_unit="parsecs", acceptance_type=1)
        assert "frames" in str(err.value)  # every installed modality's unit is offered


def test_budget_lines_default_to_the_modality_unit(runtime: Runtime) -> None:
    with runtime.session() as s:
        pid = create_project(s, spec()).id
        lp = open_ledger_project(s, pid, order_id=custom_order(
            s, "O-LLM", unit="dialogues", business_line="language")).id
        b = create_budget(s, lp, [
            {"stage": "annotate", "category": "data_service", "quantity": "500",
             "unit_price": "2"},  # priced per dialogue: was unit hours
            {"stage": "staff", "category": "labour", "quantity": "10", "unit_price": "100"},
            {"stage": "review", "category": "data_service", "quantity": "5", "unit": "hours",
             "unit_price": "50"}])
        units = {(ln.stage, ln.category): ln.unit for ln in b.lines}
        assert units == {("annotate", "data_service"): "dialogues",
                         ("staff", "labour"): "hours", ("review", "data_service"): "hours"}


def test_budget_vs_actual_shows_the_spend_held_over_budget(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "held", custom_order(s, "O-HELD"))
        approved_budget(s, lp, [line("annotate", "data_service", "1", "30"),
                                line("other", "other", "1", "10", "lot")], ap)
        vendor = create_vendor(s, users["admin"], name="Huayu", kind="company", fee_rate="0.08")
        confirmed_sheet(s, users["admin"], vendor.id, "WF-HELD", [(pp, "annotate", "100.00")])
        sync_ledger(s)  # 108.00 over the 30.00 line: set aside, over_budget
        post_cost(s, lp, "other", "other", D(25), "travel-1", incurred_on=date(2018, 3, 5),
                  over_budget_reason="taxi in the rain")  # booked, awaiting approval
        bva = budget_vs_actual(s, lp)
        assert bva.actual_total == D("0.00")  # nothing posted
        pending = {(ln.stage, ln.category): ln.pending for ln in bva.lines}
        assert pending == {("annotate", "data_service"): D("108.00"),
                           ("other", "other"): D("25.00")}
        assert bva.pending_total == D("133.00")
    r = run_cli(runtime.settings.home, "ledger", "budget-vs-actual", str(lp), "--as", "admin",
                "--json", DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert json.loads(r.stdout)["pending_total"] == "133.00"
    r = run_cli(runtime.settings.home, "ledger", "budget-vs-actual", str(lp), "--as", "admin",
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert "pending 133.00" in r.stdout
    with TestClient(create_app(runtime)) as c:
        got = c.get(f"{API}/ledger/projects/{lp}/budget-vs-actual", headers=login(c, "admin"))
        assert got.status_code == 200 and got.json()["pending_total"] == "133.00", got.text
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        page = c.get(f"/projects/{pp}/finance")
        assert page.status_code == 200, page.text
        assert 'data-testid="pending-total">133.00' in page.text.replace(",", ""), page.text
