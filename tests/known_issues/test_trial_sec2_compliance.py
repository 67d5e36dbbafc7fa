"""Compliance trial (helper-sec2): classification, audit and error-page gaps.

* The auditor's trace as CSV (web, API, CLI) leaves out the orders of a project classified
  above the reader's clearance and counts them, as the HTML trace does.
* A ledger project's plan variance (API, CLI) is refused to a reader not cleared for its
  production project, as the web page is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.data import app as data_app
from datamill.cli.ledger_plan import app as plan_app
from datamill.compliance.login_throttle import unknown_name_digest
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import add_member
from datamill.ledger.projects import ledger_project_id_for
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.known_issues.test_issue8_g2_classified_lists import SECRET, _token, _world
from tests.unit.modalities.llm._cases import spec as llm_spec


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
        for text in (web.text, api.text):  # the order is left out, and counted
            assert SECRET not in text and "O-G2" not in text
            assert _project_names(text) == []
            assert [r["volume"] for r in csv.DictReader(io.StringIO(text))
                    if r["kind"] == "hidden_orders"] == ["1"]
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


def _llm_project(runtime: Runtime, users: dict[str, User], tmp_path: Path, task: str,
                 records: list[dict[str, Any]]) -> int:
    tmp_path.mkdir(exist_ok=True)
    src = tmp_path / f"{task}.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                   encoding="utf-8")
    with runtime.session() as s:
        p = create_project(s, llm_spec(task, name=f"sec2-{task}-{tmp_path.name}"))
        add_member(s, p.id, s.get(User, users["pm"].id), actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, p.id, src)
    return p.id


def _actors(runtime: Runtime, action: str) -> list[int | None]:
    with runtime.session() as s:
        return list(s.scalars(select(AuditRecord.actor_id).where(AuditRecord.action == action)))


SFT_RECORDS = [
    {"id": f"s{i}", "messages": [{"role": "user", "content": "What is the capital of France?"},
                                 {"role": "assistant", "content": "It is Paris, of course."}]}
    for i in range(2)]


def test_checks_and_preannotation_name_who_ran_them(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_pid = _llm_project(runtime, users, tmp_path, "sft", SFT_RECORDS)
    with TestClient(create_app(runtime)) as c:
        h = _token(c, "pm")
        assert c.post(f"/api/v1/projects/{api_pid}/checks", headers=h).status_code == 200
        r = c.post(f"/api/v1/projects/{api_pid}/preannotate", headers=h)
        assert r.status_code == 200 and r.json()["items"] >= 1, r.text
    assert _actors(runtime, "items.checked") == [users["pm"].id]
    assert _actors(runtime, "items.preannotated") == [users["pm"].id]
    cli_pid = _llm_project(runtime, users, tmp_path / "cli", "sft", SFT_RECORDS)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    for cmd in ("check", "preannotate"):
        r = cli.invoke(data_app, [cmd, str(cli_pid), "--as", "pm", "--json"])
        assert r.exit_code == 0, r.output
    assert _actors(runtime, "items.checked") == [users["pm"].id] * 2
    assert _actors(runtime, "items.preannotated") == [users["pm"].id] * 2
    with runtime.session() as s:  # a system run names nobody
        run_checks(s, runtime.blobs, cli_pid, recheck=True, workers=1)
    assert _actors(runtime, "items.checked")[-1] is None


def _sign_ins(runtime: Runtime) -> list[tuple[str, int | None, dict[str, Any]]]:
    with runtime.session() as s:
        return [(r.action, r.actor_id, r.data) for r in s.scalars(
            select(AuditRecord).where(AuditRecord.action.startswith("auth."))
            .order_by(AuditRecord.id))]


def test_sign_ins_are_audited_on_both_faces(runtime: Runtime, users: dict[str, User]) -> None:
    pm = users["pm"].id
    with TestClient(create_app(runtime)) as c:
        assert c.post("/api/v1/auth/token", json={"username": "pm", "password": "wrong-guess"}
                      ).status_code == 401
        _token(c, "pm")
        page = c.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf is not None
        bad = c.post("/login", data={"username": "nobody", "password": "wrong-guess",
                                     "csrf_token": csrf.group(1)}, follow_redirects=False)
        assert bad.status_code == 303 and "failed=1" in bad.headers["location"]
        web_login(c, "pm")
    client = "testclient"  # the TestClient's address
    nobody = unknown_name_digest(runtime.settings, "nobody")  # never the name typed
    assert _sign_ins(runtime) == [
        ("auth.sign_in_failed", None, {"user_id": pm, "client": client, "via": "api"}),
        ("auth.signed_in", pm, {"username": "pm", "client": client, "via": "api"}),
        ("auth.sign_in_failed", None, {"unknown_user": nobody, "client": client, "via": "web"}),
        ("auth.signed_in", pm, {"username": "pm", "client": client, "via": "web"}),
    ]
    assert "wrong-guess" not in repr(_sign_ins(runtime))


def test_an_oversized_form_gets_the_error_page_in_the_page_language(runtime: Runtime) -> None:
    limit = runtime.settings.max_request_bytes
    too_big = {"Content-Length": str(limit + 1), "Accept": "text/html,*/*;q=0.8",
               "Content-Type": "application/x-www-form-urlencoded"}
    with TestClient(create_app(runtime)) as c:
        c.cookies.set("lang", "zh-CN")
        page = c.post("/corpus", content=b"name=x", headers=too_big)
        assert page.status_code == 413
        assert page.headers["content-type"].startswith("text/html"), page.text
        assert "请求过大" in page.text and f"{limit:,} 字节" in page.text
        api = c.post("/api/v1/projects", content=b"{}",
                     headers={**too_big, "Content-Type": "application/json"})
        assert api.status_code == 413 and api.json()["code"] == "payload_too_large"
