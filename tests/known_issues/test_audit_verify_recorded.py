"""A verification of the audit trail that a person asks for is itself in the trail.

``datamill audit verify``, ``GET /api/v1/audit/verify`` and the page's "verify now" button
walked the whole chain but left no record of who checked it, when, and what they saw (debt:
"who ran audit verify is not recorded"): an auditor could not show that the trail was checked
before a delivery, nor who saw it broken. Each now writes ``audit.verified`` (whether it held,
records walked, problems by kind) and the ``/audit`` page names the last person who asked.
The page's own resumed check on each load is not recorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.audit import record_audit
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login

API = "/api/v1"


def _checks(runtime: Runtime) -> list[tuple[str | None, dict[str, object]]]:
    with runtime.session() as s:
        return [(name, dict(data)) for name, data in s.execute(
            select(User.username, AuditRecord.data)
            .outerjoin(User, User.id == AuditRecord.actor_id)
            .where(AuditRecord.action == "audit.verified").order_by(AuditRecord.id))]


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        create_user(s, "dso", "password1", "data_security_officer")
        for i in range(5):
            record_audit(s, actor_id=users["pm"].id, action="bulk.done", object_type="task",
                         object_id=i, project_id=1, data={"i": i})
    with TestClient(create_app(runtime)) as c:
        yield c


def test_cli_api_and_page_record_who_verified(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["audit", "verify", "--as", "aud", "--json"])
    assert r.exit_code == 0, r.stdout
    assert json.loads(r.stdout)["ok"] is True
    assert _checks(runtime) == [("aud", {"ok": True, "records": json.loads(r.stdout)["records"],
                                         "problems": {}})]

    token = client.post(f"{API}/auth/token",
                        json={"username": "dso", "password": "password1"}).json()["access_token"]
    body = client.get(f"{API}/audit/verify", headers={"Authorization": f"Bearer {token}"}).json()
    assert body["ok"] is True
    assert [who for who, _ in _checks(runtime)] == ["aud", "dso"]

    web_login(client, "aud")
    page = client.get("/audit").text
    assert 'data-testid="audit-last-check"' in page and "dso" in page.split(
        'data-testid="audit-last-check"')[1].split("</td>")[0]
    assert len(_checks(runtime)) == 2  # loading the page records nothing  # noqa: PLR2004
    r2 = client.post("/audit/verify", data={"csrf_token": csrf_of(client)},
                     follow_redirects=False)
    assert r2.status_code == 303  # noqa: PLR2004
    assert [who for who, _ in _checks(runtime)] == ["aud", "dso", "aud"]


def test_a_broken_trail_is_recorded_as_seen_broken(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        victim = s.scalar(select(AuditRecord.id).where(AuditRecord.action == "bulk.done")
                          .order_by(AuditRecord.id).limit(1))
        s.execute(update(AuditRecord).where(AuditRecord.id == victim).values(data={"i": "x"}))
    r = CliRunner().invoke(app, ["audit", "verify", "--as", "aud", "--json"])
    assert r.exit_code == 7, r.stdout  # noqa: PLR2004 - audit trail broken
    ((who, data),) = _checks(runtime)
    assert who == "aud" and data["ok"] is False
    assert data["problems"] == {"chain_broken": 1}
    web_login(client, "aud")
    cell = client.get("/audit").text.split('data-testid="audit-last-check"')[1].split("</td>")[0]
    assert "aud" in cell and "the trail was broken" in cell
    zh = client.get("/audit", headers={"Accept-Language": "zh-CN"}).text
    assert "审计链已损坏" in zh.split('data-testid="audit-last-check"')[1].split("</td>")[0]
