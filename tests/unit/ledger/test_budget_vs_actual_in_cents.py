"""Budget vs actual tells money in cents in every case: with nothing spent, its JSON said
``"actual_total": "0"`` (and ``"actual": "0"`` on each line) where every other amount reads
``"200.00"``; the CLI's table said "actual 0"."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers


def test_nothing_spent_reads_zero_cents(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        _, lp = ledger_project(s, "bva-cents", None, "product_development")
        approved_budget(s, lp, [line("annotate", "data_service", "10", "20")], make_approvers(s))
    with TestClient(create_app(runtime)) as c:
        r = c.get(f"{API}/ledger/projects/{lp}/budget-vs-actual", headers=login(c, "admin"))
    body = r.json()
    assert (body["budget_total"], body["actual_total"]) == ("200.00", "0.00"), body
    assert [(ln["budget"], ln["actual"], ln["variance"]) for ln in body["lines"]] == [
        ("200.00", "0.00", "200.00")], body
    cli = run_cli(runtime.settings.home, "ledger", "budget-vs-actual", str(lp), "--as", "admin",
                  "--json", DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert json.loads(cli.stdout)["actual_total"] == "0.00", cli.stdout
