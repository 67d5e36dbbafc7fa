"""The audit page exports what its filters match as a CSV (the trail could only be read a page
of 50 at a time on the web): personal data masked, spreadsheet-safe, the export itself audited,
for the trail's readers only."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.business_clock import business_time
from datamill.compliance.audit import record_audit
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login

PHONE = "13812345678"


def test_the_auditor_downloads_the_filtered_trail(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        for i in range(3):
            record_audit(s, actor_id=users["pm"].id, action="consent.recorded",
                         object_type="project", object_id=7, project_id=7,
                         data={"subject": f"=HYPERLINK(\"x\") call {PHONE}", "n": i})
        record_audit(s, actor_id=None, action="items.checked", object_type="project",
                     object_id=8, project_id=8, data={"checked": 1})
    with TestClient(create_app(runtime)) as c:
        web_login(c, "aud")
        page = c.get("/audit?action=consent.&project_id=7")
        assert 'href="/audit.csv?action=consent.&amp;project_id=7"' in page.text
        r = c.get("/audit.csv?action=consent.&project_id=7")
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [row["action"] for row in rows] == ["consent.recorded"] * 3
        assert [json.loads(row["data"])["n"] for row in rows] == [2, 1, 0]  # newest first
        assert {row["actor"] for row in rows} == {"pm"} and rows[0]["project_id"] == "7"
        assert PHONE not in r.text  # masked, as on the page
        # the instant with its offset on both databases (SQLite's was naive, which the filters
        # read on the business clock), and the time as the page shows it beside it
        at = datetime.fromisoformat(rows[0]["at"])
        assert at.utcoffset() == timedelta(0) and rows[0]["at_business"] == business_time(
            at, seconds=True)
        assert c.get("/audit.csv?since=yesterday").status_code == 422
    with runtime.session() as s:
        done = s.scalars(select(AuditRecord).where(AuditRecord.action == "audit.exported")).one()
        assert done.actor_id is not None and done.data["rows"] == 3
        assert done.data["filters"] == {"action": "consent.", "project_id": "7"}


def test_people_who_do_not_read_the_trail_cannot_export_it(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with TestClient(create_app(runtime)) as c:
        web_login(c, "pm")
        r = c.get("/audit.csv")
        assert r.status_code == 403 and "id,at,actor" not in r.text
    with runtime.session() as s:
        assert s.scalars(select(AuditRecord).where(
            AuditRecord.action == "audit.exported")).first() is None
