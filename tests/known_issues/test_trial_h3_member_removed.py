"""Trial h3 (compliance officer): a project membership could be given but never taken back.
An annotator moved off a project kept reading its items through their open API token and web
session, and kept the tasks they held, short of being deactivated everywhere. ``DELETE
/projects/{id}/members/{user_id}`` and ``datamill project remove-member`` now end it: the next
request on the project is refused on every open session, the work they held goes back to the
pool, and the audit trail names who removed whom."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import add_member
from datamill.config import get_settings
from datamill.production.models import TaskAssignment
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.production.helpers import claimed_task, packaged_project


def test_a_removed_member_loses_the_project_on_open_sessions(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = packaged_project(runtime, [users["ann1"], users["ann2"]], 2)
    with runtime.session() as s:
        add_member(s, pid, s.merge(users["pm"]), actor_id=None)
    task = claimed_task(runtime, users["ann1"], pid)
    ann1_id, pm_id = users["ann1"].id, users["pm"].id
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        ann1, pm, ann2 = login(client, "ann1"), login(client, "pm"), login(client, "ann2")
        web_login(client, "ann1")  # the client's cookie is ann1's web session
        assert client.get(f"{API}/projects/{pid}", headers=ann1).status_code == 200
        assert client.get(f"{API}/tasks/{task}", headers=ann1).status_code == 200
        assert client.get(f"/tasks/{task}").status_code == 200
        # a fellow annotator may not remove anyone
        assert client.delete(f"{API}/projects/{pid}/members/{pm_id}",
                             headers=ann2).status_code == 403
        r = client.delete(f"{API}/projects/{pid}/members/{ann1_id}", headers=pm)
        assert r.status_code == 200, r.text
        assert r.json()["released_tasks"] == [task]
        # the same token and the same web session, refused at once
        gone = (403, 404)  # refused, or a project they may not know of
        assert client.get(f"{API}/projects/{pid}", headers=ann1).status_code in gone
        assert client.get(f"{API}/tasks/{task}", headers=ann1).status_code in gone
        assert client.get(f"/tasks/{task}").status_code in gone
        again = client.delete(f"{API}/projects/{pid}/members/{ann1_id}", headers=pm)
        assert again.status_code == 404 and again.json()["reason_code"] == "not_a_member"
    with runtime.session() as s:
        assert s.scalars(select(TaskAssignment).where(
            TaskAssignment.user_id == ann1_id)).first() is None  # back in the pool
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "project.member_removed").order_by(AuditRecord.id)).all()
        assert [(a.actor_id, a.data["user"]) for a in audit] == [(pm_id, "ann1")]
    # the CLI, in Chinese
    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        cli = CliRunner()
        said = cli.invoke(app, ["project", "remove-member", str(pid), "ann2", "--as", "pm"])
        assert said.exit_code == 0, said.stdout
        assert "ann2 已不再是" in said.stdout
        twice = cli.invoke(app, ["project", "remove-member", str(pid), "ann2", "--as", "pm",
                                 "--json"])
        assert twice.exit_code != 0
        error = json.loads(twice.stdout)["error"]
        assert error["reason_code"] == "not_a_member" and "不是项目 " in error["detail"]
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
