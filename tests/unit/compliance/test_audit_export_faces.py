"""The audit trail's CSV export is reachable from every face: the web page had ``/audit.csv``,
but neither the API nor the CLI could export (``GET /api/v1/audit/records.csv`` and ``datamill
audit export`` now do, with the page's filters, readers and masking)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.audit import record_audit
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli

PHONE = "13812345678"


def _world(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        for i in range(3):
            record_audit(s, actor_id=users["pm"].id, action="consent.recorded",
                         object_type="project", object_id=7, project_id=7,
                         data={"subject": f"=HYPERLINK(\"x\") call {PHONE}", "n": i})
        record_audit(s, actor_id=None, action="consent.recorded", object_type="project",
                     object_id=8, project_id=8, data={"n": 9})


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _exports(runtime: Runtime) -> list[dict[str, object]]:
    with runtime.session() as s:
        return [r.data for r in s.scalars(select(AuditRecord).where(
            AuditRecord.action == "audit.exported").order_by(AuditRecord.id))]


def _cli(runtime: Runtime, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(runtime.settings.home, "audit", "export", *args, ok=False,
                   DATAMILL_DATABASE_URL=str(runtime.settings.database_url))


def test_the_api_exports_the_filtered_trail(runtime: Runtime, users: dict[str, User]) -> None:
    _world(runtime, users)
    url = f"{API}/audit/records.csv"
    with TestClient(create_app(runtime)) as c:
        r = c.get(url, params={"action": "consent.", "project_id": 7}, headers=login(c, "aud"))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "text/csv; charset=utf-8"
        assert "attachment" in r.headers["content-disposition"]
        rows = _rows(r.text)
        assert [json.loads(row["data"])["n"] for row in rows] == [2, 1, 0]  # newest first
        assert {row["actor"] for row in rows} == {"pm"} and PHONE not in r.text
        bad = c.get(url, params={"since": "yesterday"}, headers=login(c, "aud"))
        assert bad.status_code == 422 and "since" in bad.json()["detail"]
        refused = c.get(url, headers=login(c, "pm"))
        assert refused.status_code == 403 and "id,at,actor" not in refused.text
        assert c.get(url).status_code == 401
        doc = c.get(f"{API}/openapi.json").json()["paths"][url]["get"]
        assert {p["name"] for p in doc["parameters"]} == {
            "actor", "action", "object_type", "object_id", "project_id", "since", "until"}
        assert "text/csv" in doc["responses"]["200"]["content"]
        assert {"403", "422"} <= set(doc["responses"])
    assert _exports(runtime) == [{"rows": 3, "filters": {"action": "consent.",
                                                          "project_id": "7"}}]


def test_the_cli_exports_to_a_file_or_stdout_and_json_always(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    _world(runtime, users)
    out = tmp_path / "trail.csv"
    r = _cli(runtime, "--as", "aud", "--action", "consent.", "--project", "7", "--output",
             str(out), "--json")
    assert r.returncode == 0, r.stderr + r.stdout
    assert json.loads(r.stdout) == {"rows": 3, "path": str(out)}
    rows = _rows(out.read_text(encoding="utf-8"))
    assert [json.loads(row["data"])["n"] for row in rows] == [2, 1, 0]
    assert PHONE not in out.read_text(encoding="utf-8")
    plain = _cli(runtime, "--as", "aud", "--project", "8")  # CSV on stdout
    assert plain.returncode == 0 and [row["project_id"] for row in _rows(plain.stdout)] == ["8"]
    as_json = json.loads(_cli(runtime, "--as", "aud", "--project", "8", "--json").stdout)
    assert as_json["rows"] == 1 and _rows(as_json["csv"])[0]["project_id"] == "8"
    # errors are JSON too, with the documented exit codes, and export nothing
    refused = _cli(runtime, "--as", "pm", "--output", str(tmp_path / "no.csv"), "--json")
    assert refused.returncode == 6 and json.loads(refused.stdout)["error"]["code"] == "forbidden"
    assert not (tmp_path / "no.csv").exists()
    bad = _cli(runtime, "--as", "aud", "--since", "soon", "--json")
    assert bad.returncode == 2 and json.loads(bad.stdout)["error"]["field"] == "since"
    nowhere = _cli(runtime, "--as", "aud", "--output", str(tmp_path), "--json")  # a folder
    assert nowhere.returncode == 2, nowhere.stdout
    assert json.loads(nowhere.stdout)["error"]["code"] == "invalid_input"
    assert [e["rows"] for e in _exports(runtime)] == [3, 1, 1]  # the failed ones recorded none


def test_an_export_whose_record_cannot_commit_leaves_no_file(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    # found by review: the file was written before the export's record committed, so a commit
    # that failed left an export nobody could trace. PostgreSQL refuses the record at COMMIT
    # (a deferred trigger); SQLite has no deferred trigger, so there the file is simply checked
    # to arrive whole (no ".part" left beside it).
    _world(runtime, users)
    out = tmp_path / "trail.csv"
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_export() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.action = 'audit.exported' THEN RAISE EXCEPTION 'refused at commit'; "
                "END IF; RETURN NEW; END $$")
            conn.exec_driver_sql(
                "CREATE CONSTRAINT TRIGGER refuse_export AFTER INSERT ON audit_records "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_export()")
        try:
            r = _cli(runtime, "--as", "aud", "--output", str(out), "--json")
        finally:
            with runtime.engine.begin() as conn:
                conn.exec_driver_sql("DROP TRIGGER refuse_export ON audit_records")
                conn.exec_driver_sql("DROP FUNCTION refuse_export()")
        assert r.returncode != 0 and "error" in json.loads(r.stdout), r.stdout
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("trail")) == []
        assert _exports(runtime) == []
    r = _cli(runtime, "--as", "aud", "--output", str(out), "--json")
    assert r.returncode == 0, r.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("trail")) == [
        "trail.csv"]
    assert [e["rows"] for e in _exports(runtime)] == [json.loads(r.stdout)["rows"]]
