"""Plan variance is one rule on every face (``access.require_project_reader``): a reader
of the books cleared for the project. The API asked for project membership as well
(``view_project``), so finance, the ledger approvers and a project manager outside the project
were refused there and allowed on the web page and in the CLI."""

from __future__ import annotations

import json

import pytest
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


def test_a_period_is_a_month_on_every_face(sqlite_runtime: Runtime,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``?period=x`` answered 200 on the page, the whole project's costs shown as if they were
    the month's: the period was no parameter. It is now the month whose end the actual costs
    run to, and one that is not a month is refused, worded, on the page (en, zh-CN), the API
    and the CLI."""
    from datetime import date

    from datamill.config import get_settings
    from datamill.ledger.costs import post_cost

    runtime = sqlite_runtime
    with runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
        pid, lp = ledger_project(s, "variance-period", None, "product_development")
        approved_budget(s, lp, [line("annotate", "data_service", "10", "20")], make_approvers(s))
        for day, amount in ((date(2026, 11, 20), "30"), (date(2026, 12, 3), "50")):
            post_cost(s, lp, "annotate", "data_service", amount, f"c-{day}", incurred_on=day)
    with TestClient(create_app(runtime)) as c:
        url = f"{API}/ledger/projects/{lp}/plan-variance"
        head = login(c, "admin")
        assert c.get(url, headers=head).json()["actual_total"] == "80.00"
        assert c.get(f"{url}?period=2026-11", headers=head).json()["actual_total"] == "30.00"
        r = c.get(f"{url}?period=x", headers=head)
        assert r.status_code == 422 and "'x' is not a period (YYYY-MM)" in r.text, r.text
        web_login(c, "admin")
        page = f"/projects/{pid}/finance/plan-variance"
        assert "up to the end of 2026-11" in c.get(f"{page}?period=2026-11").text
        r = c.get(f"{page}?period=x")
        assert r.status_code == 422 and "&#39;x&#39; is not a period (YYYY-MM)" in r.text
        c.get("/lang/zh-CN")
        r = c.get(f"{page}?period=2026-13")
        assert r.status_code == 422 and "不是会计期间" in r.text, r.text
    base = ("ledger", "budget-plan", "variance", str(lp), "--as", "admin", "--json")
    db = {"DATAMILL_DATABASE_URL": str(runtime.settings.database_url)}
    cli = run_cli(runtime.settings.home, *base, "--period", "2026-11", **db)
    assert json.loads(cli.stdout)["actual_total"] == "30.00"
    cli = run_cli(runtime.settings.home, *base, "--period", "x", ok=False, **db)
    assert cli.returncode == 2 and "is not a period" in json.loads(cli.stdout)["error"]["message"]
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        cli = run_cli(runtime.settings.home, *base[:-1], "--period", "x", ok=False, **db)
        assert cli.returncode == 2 and "不是会计期间" in cli.stdout + cli.stderr, cli.stdout
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
