"""``datamill workforce procurement`` and ``datamill ledger budget-plan`` over a real database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import register_approver
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price
from tests.unit.ledger.helpers import ledger_project


def test_request_signed_in_order_from_the_cli(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setattr(_common.out, "width", 160)  # tables on one line each
    with runtime.session() as s:
        for role in ("dept_manager", "vp", "finance_head"):
            register_approver(s, create_user(s, role, "password1", "project_manager").id, role)
        create_user(s, "buyer", "password1", "project_manager")
        set_price(s, users["admin"], half_year="2024H1", stage="annotate",
                  modality="speech.asr", language_group="chinese", unit="hour",
                  unit_price="21")
        _pid, lp = ledger_project(s, "cli-plan", None, "product_development")
    cli = CliRunner()
    pc = ["workforce", "procurement"]
    r = cli.invoke(app, [*pc, "approver-add", "buyer", "--as", "admin", "--json"])
    assert r.exit_code == 0, r.output
    req = [*pc, "request-add", "speech", "labelling", "annotate", "speech.asr", "chinese",
           "hour", "300", "--on", "2024-03-01", "--backdate-reason", "paper request of the 2024 scene",
           "--as", "pm", "--json"]
    r = cli.invoke(app, [*req, "--unit-price", "25"])
    assert r.exit_code == 2 and "deviation reason" in json.loads(r.stdout)["error"]["message"]
    r = cli.invoke(app, [*req, "--unit-price", "25", "--reason", "competitor quotes"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["flagged"] and body["amount"] == "7500.00" and body["next_role"] == "dept_manager"
    rid = str(body["id"])
    r = cli.invoke(app, [*pc, "request-sign", rid, "--as", "vp", "--json"])
    assert r.exit_code == 6 and "awaits level 1" in json.loads(r.stdout)["error"]["message"]
    for who in ("dept_manager", "vp", "finance_head", "buyer"):  # no annual budget: over
        r = cli.invoke(app, [*pc, "request-sign", rid, "--as", who, "--json"])
        assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["status"] == "approved"
    r = cli.invoke(app, [*pc, "requests", "--as", "pm"])
    assert r.exit_code == 0 and "PR-2024-00001" in r.output and "approved" in r.output
    r = cli.invoke(app, [*pc, "requests", "--as", "ann1", "--json"])
    assert r.exit_code == 6 and json.loads(r.stdout)["error"]["code"] == "forbidden"

    plan = ["ledger", "budget-plan", "show", str(lp), "--deliverable", "300", "--loss", "0.05",
            "--ratio", "1", "--collection-price", "200", "--on", "2024-03-01", "--as", "pm"]
    r = cli.invoke(app, [*plan, "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert body["collection_volume"] == "315.0000"
    assert [ln["amount"] for ln in body["lines"]] == ["63000.00", "6615.00"]
    r = cli.invoke(app, plan)
    assert r.exit_code == 0 and "6,615.00" in r.output
    r = cli.invoke(app, ["ledger", "budget-plan", "variance", str(lp), "--as", "ann1", "--json"])
    assert r.exit_code == 6 and json.loads(r.stdout)["error"]["code"] == "forbidden"
