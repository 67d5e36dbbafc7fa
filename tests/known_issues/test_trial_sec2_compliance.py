"""Compliance trial (helper-sec2): classification, audit and error-page gaps.

* The auditor's trace as CSV (web, API, CLI) names a project classified above the reader's
  clearance only as ``(classified)``, as the HTML trace does.
* A ledger project's plan variance (API, CLI) is refused to a reader not cleared for its
  production project, as the web page is.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.ledger_plan import app as plan_app
from datamill.compliance.models import User
from datamill.ledger.projects import ledger_project_id_for
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.known_issues.test_issue8_g2_classified_lists import SECRET, _token, _world


def _project_names(text: str) -> list[str]:
    return [r["project_name"] for r in csv.DictReader(io.StringIO(text)) if r["kind"] == "project"]


def test_trace_csv_hides_classified_project_names(runtime: Runtime,
                                                  users: dict[str, User]) -> None:
    ids = _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "ap-vp")  # finance hat, default clearance
        web = c.get(f"/finance/contracts/{ids['contract']}/trace.csv")
        assert web.status_code == 200, web.text
        api = c.get(f"/api/v1/ledger/contracts/{ids['contract']}/trace.csv",
                    headers=_token(c, "ap-vp"))
        assert api.status_code == 200, api.text
        for text in (web.text, api.text):
            assert SECRET not in text
            assert _project_names(text) == ["(classified)"]
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        admin = c.get(f"/finance/contracts/{ids['contract']}/trace.csv")
        assert _project_names(admin.text) == [SECRET]


def test_plan_variance_refuses_a_reader_not_cleared(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _world(runtime, users)
    with runtime.session() as s:
        lp = ledger_project_id_for(s, ids["secret"])
    with TestClient(create_app(runtime)) as c:
        url = f"/api/v1/ledger/projects/{lp}/plan-variance"
        hidden = c.get(url, headers=_token(c, "ap-vp"))  # finance reader, default clearance
        assert hidden.status_code == 403 and SECRET not in hidden.text, hidden.text
        assert c.get(url, headers=_token(c, "admin")).status_code == 200
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    r = cli.invoke(plan_app, ["variance", str(lp), "--as", "ap-vp", "--json"])
    assert r.exit_code != 0 and json.loads(r.stdout)["error"]["code"] == "forbidden", r.output
    assert cli.invoke(plan_app, ["variance", str(lp), "--as", "admin", "--json"]).exit_code == 0
