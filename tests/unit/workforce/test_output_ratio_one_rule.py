"""The annotation-output ratio and vendor throughput are one rule on every face
(``throughput.report_scope``): the business side, auditors and the readers of the books. The
finance page's CSVs asked only for ledger reading while the API and the CLI asked for
``view_workforce``, so finance, sales and a ledger approver downloaded on the web what the API
and ``datamill workforce output-ratio`` refused them, and procurement the other way round."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import register_approver
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login

#: finance, sales, a ledger approver whose base role reads neither, procurement, PM, auditor
ALLOWED = ("fin", "sales", "appr", "proc", "pm", "aud")
REFUSED = ("ann1", "dso")
PERIOD = {"from": "2024-01-01", "to": "2024-12-31"}
#: (API path, web CSV path, CLI command) of each report
REPORTS = (("reports/output-ratio", "output-ratio.csv", "output-ratio"),
           ("reports/vendor-throughput", "throughput.csv", "throughput"))


def _faces(runtime: Runtime, who: str) -> dict[str, tuple[int, int, int]]:
    """Per report, the status each face answers ``who``: (API, web, CLI as 200/403)."""
    app = create_app(runtime)
    out: dict[str, tuple[int, int, int]] = {}
    with TestClient(app) as api, TestClient(app) as web:
        headers = login(api, who)
        web_login(web, who)
        for api_path, csv_name, command in REPORTS:
            a = api.get(f"{API}/{api_path}", headers=headers, params=PERIOD)
            w = web.get(f"/finance/{csv_name}", params=PERIOD)
            if w.status_code == 200:
                assert w.headers["content-type"].startswith("text/csv"), w.text
            cli = run_cli(runtime.settings.home, "workforce", command, "--as", who, "--json",
                          ok=False, DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
            codes = {0: 200, 6: 403}
            assert cli.returncode in codes, cli.stdout + cli.stderr
            assert ("error" in json.loads(cli.stdout)) == (cli.returncode == 6), cli.stdout
            out[command] = (a.status_code, w.status_code, codes[cli.returncode])
    return out


def test_one_rule_on_every_face(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        for name, role in (("fin", "finance"), ("sales", "sales"), ("proc", "procurement"),
                           ("aud", "auditor"), ("dso", "data_security_officer")):
            create_user(s, name, "password1", role)
        register_approver(s, create_user(s, "appr", "password1", "inspector").id,
                          "finance_reviewer")
    for who in ALLOWED:
        assert _faces(runtime, who) == {c: (200, 200, 200) for *_, c in REPORTS}, who
    for who in REFUSED:
        assert _faces(runtime, who) == {c: (403, 403, 403) for *_, c in REPORTS}, who
