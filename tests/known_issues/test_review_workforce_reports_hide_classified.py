"""The annotation-output ratio and vendor throughput never name a project classified above the
reader's clearance, on the API, the CLI, the finance page's CSVs and its overview.

Found by review: opening these reports to the readers of the books (one rule on every face)
let a sales user at the default clearance read a secret project's name and hours from
``GET /reports/output-ratio`` (200), and ``project_id=`` could aim at it directly.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app as wf_app
from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user, get_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.known_issues.test_issue9_s2_output_ratio_and_throughput import HOUR, _work
from tests.unit.ledger.helpers import production_project

SECRET = "top-secret-merger"


def test_the_reports_leave_out_projects_above_the_reader(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        open_pid = production_project(s, "open-project")
        secret_pid = production_project(s, SECRET)
        _work(s, open_pid, users["ann1"], "annotate", 2, HOUR, 2 * HOUR, 1, 0)
        _work(s, secret_pid, users["ann1"], "annotate", 2, HOUR, 2 * HOUR, 1, 10)
        set_classification(s, get_user(s, "admin"), secret_pid, "secret")
        create_user(s, "sales1", "password1", "sales")
    with TestClient(create_app(runtime)) as api:
        for who, sees_secret in (("sales1", False), ("admin", True)):
            h = login(api, who)
            for path in ("output-ratio", "vendor-throughput"):
                r = api.get(f"{API}/reports/{path}", headers=h)
                assert r.status_code == 200, r.text
                assert {row["project"] for row in r.json()} == (
                    {"open-project", SECRET} if sees_secret else {"open-project"}), (who, path)
            aimed = api.get(f"{API}/reports/output-ratio", params={"project_id": secret_pid},
                            headers=h)
            assert (SECRET in aimed.text) is sees_secret
    with TestClient(create_app(runtime)) as web:
        web_login(web, "sales1", "password1")
        period = "?from=2018-01-01&to=2018-12-31"  # _work's day
        for csv in ("/finance/output-ratio.csv" + period, "/finance/throughput.csv" + period,
                    "/finance?year=2018"):
            page = web.get(csv)
            assert page.status_code == 200 and "open-project" in page.text, csv
            assert SECRET not in page.text, csv
    monkeypatch.setattr(_common, "_runtime", [runtime])
    for command in ("output-ratio", "throughput"):
        r = CliRunner().invoke(wf_app, [command, "--as", "sales1", "--json"])
        assert r.exit_code == 0, r.output
        assert {row["project"] for row in json.loads(r.output)} == {"open-project"}
