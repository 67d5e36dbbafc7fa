"""Plan variance is one rule on every face (``access.require_project_reader``): a reader
of the books cleared for the project. The API asked for project membership as well
(``view_project``), so finance, the ledger approvers and a project manager outside the project
were refused there and allowed on the web page and in the CLI."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

ALLOWED = ("fin", "pm", "aud", "admin")  # finance; a PM who is no member; the auditor
REFUSED = ("ann1", "dso")  # no ledger reading (the data-security office views projects)


def _world(runtime: Runtime, users: dict[str, User]) -> dict[str, tuple[int, int]]:
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        create_user(s, "aud", "password1", "auditor")
        create_user(s, "dso", "password1", "data_security_officer")
        approvers = make_approvers(s)
        ids = {}
        for name in ("open", "secret"):
            pid, lp = ledger_project(s, f"variance-{name}", None, "product_development")
            approved_budget(s, lp, [line("annotate", "data_service", "10", "20")], approvers)
            ids[name] = (pid, lp)
        set_classification(s, s.get(User, users["admin"].id), ids["secret"][0], "secret")  # type: ignore[arg-type]
    return ids


def _faces(runtime: Runtime, who: str, pid: int, lp: int) -> dict[str, int]:
    """The status each face answers ``who`` (HTTP status, or the CLI's exit code as 200/403)."""
    app = create_app(runtime)
    with TestClient(app) as c:
        api = c.get(f"{API}/ledger/projects/{lp}/plan-variance", headers=login(c, who))
        if api.status_code == 200:
            assert api.json()["planned_total"] == "200.00", api.text
    with TestClient(app) as c:
        web_login(c, who)
        web = c.get(f"/projects/{pid}/finance/plan-variance")
    cli = run_cli(runtime.settings.home, "ledger", "budget-plan", "variance", str(lp), "--as",
                  who, "--json", ok=False,
                  DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    body = json.loads(cli.stdout)
    codes = {0: 200, 6: 403}
    assert cli.returncode in codes, cli.stdout + cli.stderr
    assert ("error" in body) == (cli.returncode == 6), body
    return {"api": api.status_code, "web": web.status_code, "cli": codes[cli.returncode]}


def test_one_rule_on_every_face(runtime: Runtime, users: dict[str, User]) -> None:
    ids = _world(runtime, users)
    pid, lp = ids["open"]
    for who in ALLOWED:
        assert _faces(runtime, who, pid, lp) == {"api": 200, "web": 200, "cli": 200}, who
    for who in REFUSED:
        assert _faces(runtime, who, pid, lp) == {"api": 403, "web": 403, "cli": 403}, who
    pid, lp = ids["secret"]  # above finance's clearance: refused everywhere; the admin reads
    # (the page names the production project: answered as one without books, no probing)
    assert _faces(runtime, "fin", pid, lp) == {"api": 403, "web": 404, "cli": 403}
    assert _faces(runtime, "admin", pid, lp) == {"api": 200, "web": 200, "cli": 200}
