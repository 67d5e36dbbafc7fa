"""Ledger reports named a project "project N" with the ledger project's id, which is not the
production project's id and names nothing a person has seen: they now show the production
project's name (JSON keeps ``project_id`` and adds ``production_project_id`` and
``project_name``). The period-close report's stored rows and digest stay as they were."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.ledger import app
from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.ledger.access import hidden_books
from datamill.ledger.costs import post_cost
from datamill.ledger.events import list_event_problems
from datamill.ledger.models import LedgerProject
from datamill.ledger.period_close import close_period, get_period, summary_text
from datamill.ledger.reports import budget_vs_actual, wip_rollforward
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import accept_delivery, budgeted_custom_order, production_project

YEAR = ["2018-01-01", "2018-12-31"]


@pytest.fixture
def books(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """A custom project "Mandarin kiosk" with a budget and a February 2018 cost, opened after
    another production project so its ledger id is not its production id: (ledger id,
    production id)."""
    with runtime.session() as s:
        production_project(s, "unrelated")  # production ids run one ahead of ledger ids
        _contract, lp, _budget = budgeted_custom_order(s, "N", "Mandarin kiosk")
        post_cost(s, lp, "collection", "data_service", Decimal("100.00"), "claim-1",
                  incurred_on=date(2018, 2, 1), supplier="Vendor A")
        row = s.get(LedgerProject, lp)
        assert row is not None and row.production_project_id != lp
        pid = row.production_project_id
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return lp, pid


def test_reports_carry_the_production_projects_name(
    runtime: Runtime, books: tuple[int, int], users: dict[str, User]
) -> None:
    lp, pid = books
    with runtime.session() as s:
        [row] = [w for w in wip_rollforward(s, date(2018, 1, 1), date(2018, 12, 31))
                 if w.project_id == lp]
        assert (row.production_project_id, row.project_name) == (pid, "Mandarin kiosk")
        bva = budget_vs_actual(s, lp)
        assert (bva.project_id, bva.production_project_id, bva.project_name) == (
            lp, pid, "Mandarin kiosk")

    cli = CliRunner()
    r = cli.invoke(app, ["report", "wip", *YEAR, "--as", "pm"])
    assert r.exit_code == 0, r.output
    # the name and the ledger id in one cell (which may fold on a narrow terminal)
    cell = "".join(ln.split("│")[1].strip() for ln in r.stdout.splitlines() if "│" in ln)
    assert cell.replace(" ", "") == f"Mandarinkiosk({lp})", r.stdout
    assert "estimated cost" in r.stdout and "100.00" in r.stdout  # figures and headers whole
    r = cli.invoke(app, ["report", "wip", *YEAR, "--as", "pm", "--json"])
    [wip] = [w for w in json.loads(r.stdout) if w["project_id"] == lp]  # the old key stays
    assert (wip["project_name"], wip["production_project_id"]) == ("Mandarin kiosk", pid)
    r = cli.invoke(app, ["budget-vs-actual", str(lp), "--as", "pm"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    title = f"project 'Mandarin kiosk' (ledger project {lp}): budget vs actual"
    assert title in " ".join(r.stdout.split())  # the title wraps at the table's width


def test_period_close_names_projects_outside_its_digest(
    runtime: Runtime, books: tuple[int, int], users: dict[str, User]
) -> None:
    lp, pid = books
    with runtime.session() as s:
        out = close_period(s, "2018-02", actor_id=users["admin"].id)
        [wip] = [w for w in out.report["wip"] if w["project_id"] == lp]
        assert "project_name" not in wip and "production_project_id" not in wip
        assert out.project_names[lp] == "Mandarin kiosk"
        text = summary_text(out)
        assert f"project 'Mandarin kiosk' (ledger project {lp}): 0.00 + 100.00 - 0.00" in text
        assert f"  project {lp}:" not in text
        # a reader below the project's classification reads "(classified)", not its name
        set_classification(s, s.get(User, users["admin"].id), pid, "secret")  # type: ignore[arg-type]
        assert get_period(s, "2018-02", reader_id=users["pm"].id).project_names[lp] == \
            "(classified)"
        assert get_period(s, "2018-02", reader_id=users["admin"].id).project_names[lp] == \
            "Mandarin kiosk"
        again = close_period(s, "2018-02", actor_id=users["admin"].id, rerun=True)
        assert again.identical is True and again.digest == out.digest


def test_the_api_payloads_add_the_name(
    runtime: Runtime, books: tuple[int, int], users: dict[str, User]
) -> None:
    lp, pid = books
    with TestClient(create_app(runtime)) as c:
        r = c.post("/api/v1/auth/token", json={"username": "admin", "password": "password1"})
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        wip = c.get("/api/v1/ledger/reports/wip", headers=auth,
                    params={"from": "2018-01-01", "to": "2018-12-31"}).json()
        [row] = [w for w in wip if w["project_id"] == lp]
        assert (row["production_project_id"], row["project_name"]) == (pid, "Mandarin kiosk")
        bva = c.get(f"/api/v1/ledger/projects/{lp}/budget-vs-actual", headers=auth).json()
        assert (bva["project_id"], bva["project_name"]) == (lp, "Mandarin kiosk")
        r = c.post("/api/v1/ledger/periods/2018-02/close", headers=auth, json={})
        assert r.status_code == 200, r.text
        assert r.json()["project_names"] == {str(lp): "Mandarin kiosk"}
        got = c.get("/api/v1/ledger/periods/2018-02", headers=auth).json()
        assert got["project_names"] == {str(lp): "Mandarin kiosk"}


def test_event_problems_name_the_production_project(
    runtime: Runtime, books: tuple[int, int], users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with runtime.session() as s:  # an acceptance for a project whose books are not opened
        orphan = production_project(s, "Orphan corpus")
        accept_delivery(s, monkeypatch, orphan, "2", date(2018, 3, 1))
        # (those of projects hidden from the reader are left out; the others are named)
        assert [p.project_name for p in list_event_problems(s)] == ["Orphan corpus"]
        [p] = list_event_problems(s, hidden=hidden_books(s, users["pm"]))
        assert (p.project_id, p.project_name, p.reason_code) == (
            orphan, "Orphan corpus", "no_ledger_project")
    r = CliRunner().invoke(app, ["event-problems", "--as", "pm"], env={"COLUMNS": "200"})
    assert r.exit_code == 0 and f"project 'Orphan corpus' ({orphan})" in r.stdout, r.output
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        page = c.get("/finance")  # pending events: on the current year's overview
        assert page.status_code == 200 and f'title="#{orphan}">Orphan corpus<' in page.text
    with runtime.session() as s:
        set_classification(s, s.get(User, users["admin"].id), orphan, "secret")  # type: ignore[arg-type]
        # above the reader's clearance: left out (not named "(classified)")
        assert list_event_problems(s, hidden=hidden_books(s, users["pm"])) == []
