"""A project's budget against actual is one rule on every face
(``access.require_project_reader``, the plan variance's): a reader of the books cleared for the
project, member or not. The API asked for project membership as well (``view_project`` on the
project), so finance, a ledger approver and a project manager outside the project got 403 from
``GET /ledger/projects/{id}/budget-vs-actual`` while ``/projects/{id}/finance`` showed them the
same figures; the CLI had no such read at all."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.ledger.budgets import register_approver
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

#: finance; a ledger approver whose base role reads nothing; a PM who is no member; the auditor
ALLOWED = ("fin", "appr", "pm", "aud", "admin")
#: no ledger reading: an annotator who IS a member, the data-security office
REFUSED = ("ann1", "dso")


def _world(runtime: Runtime, users: dict[str, User]) -> dict[str, tuple[int, int]]:
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        create_user(s, "aud", "password1", "auditor")
        create_user(s, "dso", "password1", "data_security_officer")
        appr = create_user(s, "appr", "password1", "inspector")
        register_approver(s, appr.id, "finance_reviewer")
        approvers = make_approvers(s)
        ids = {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"bva-{name}", None, "product_development")
            approved_budget(s, lp, [line("annotate", "data_service", "10", "20")], approvers)
            add_member(s, pid, s.get(User, users["ann1"].id), None)  # type: ignore[arg-type]
            ids[name] = (pid, lp)
        set_classification(s, s.get(User, users["admin"].id), ids["secret"][0], "secret")  # type: ignore[arg-type]
    return ids


def _faces(runtime: Runtime, who: str, pid: int, lp: int) -> dict[str, int]:
    """The status each face answers ``who`` (HTTP status, or the CLI's exit code as 200/403)."""
    app = create_app(runtime)
    with TestClient(app) as c:
        api = c.get(f"{API}/ledger/projects/{lp}/budget-vs-actual", headers=login(c, who))
        if api.status_code == 200:
            assert api.json()["budget_total"] == "200.00", api.text
    with TestClient(app) as c:
        web_login(c, who)
        web = c.get(f"/projects/{pid}/finance")
        if web.status_code == 200:
            assert "200.00" in web.text
    cli = run_cli(runtime.settings.home, "ledger", "budget-vs-actual", str(lp), "--as", who,
                  "--json", ok=False, DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    body = json.loads(cli.stdout)
    codes = {0: 200, 6: 403}
    assert cli.returncode in codes, cli.stdout + cli.stderr
    assert ("error" in body) == (cli.returncode == 6), body
    if cli.returncode == 0:
        assert body["budget_total"] == "200.00", body
    return {"api": api.status_code, "web": web.status_code, "cli": codes[cli.returncode]}


def test_one_rule_on_every_face(runtime: Runtime, users: dict[str, User]) -> None:
    ids = _world(runtime, users)
    pid, lp = ids["open"]
    for who in ALLOWED:
        assert _faces(runtime, who, pid, lp) == {"api": 200, "web": 200, "cli": 200}, who
    table = run_cli(runtime.settings.home, "ledger", "budget-vs-actual", str(lp), "--as", "fin",
                    DATAMILL_DATABASE_URL=str(runtime.settings.database_url)).stdout
    assert "annotate" in table and "budget 200.00, actual 0.00, spent 0%" in table, table
    for who in REFUSED:
        assert _faces(runtime, who, pid, lp) == {"api": 403, "web": 403, "cli": 403}, who
    pid, lp = ids["secret"]  # above finance's clearance: refused everywhere; the admin reads
    # (the page names the production project: answered as one without books, no probing)
    assert _faces(runtime, "fin", pid, lp) == {"api": 403, "web": 404, "cli": 403}
    assert _faces(runtime, "admin", pid, lp) == {"api": 200, "web": 200, "cli": 200}
