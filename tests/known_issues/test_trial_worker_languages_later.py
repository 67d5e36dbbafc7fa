"""PM/finance trial, 2026-12 (1): a worker registered without ``--language`` was locked out of work for good.

``workforce worker-add alice --grade P3`` (no ``--language``) registered a worker who works in
no language: ``work next`` answered "works in no listed languages; the project needs zh-CN",
``worker-add`` again "already registered", and nothing could add a language later. Now
``workforce worker-set`` / ``PATCH /api/v1/workers/{id}`` change a registered worker's
languages, modalities, domains, devices and (in-house) grade, audited with before and after,
and the refusal says how to put it right.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord, ProjectMember, User
from datamill.compliance.users import create_user
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_grade
from tests._api import API, login
from tests.known_issues import _vendor_world as vw


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, Any]:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, [*args, "--json"])
    return r.exit_code, json.loads(r.stdout)


@pytest.fixture
def zh_project(runtime: Runtime, users: dict[str, User]) -> int:
    """A zh-CN project with work to claim, grade P3, and alice (a user, not yet a worker) on
    it."""
    with runtime.session() as s:
        pid = vw.project(s, n_items=2, package_size=2)
        s.execute(update(Project).where(Project.id == pid).values(language="zh-CN"))
        vw.packages(s, pid)
        create_grade(s, users["admin"], "P3", "120")
        create_grade(s, users["admin"], "P4", "150")
        alice = create_user(s, "alice", "password1", "annotator")
        s.add(ProjectMember(project_id=pid, user_id=alice.id))
    return pid


def test_a_worker_without_languages_is_told_how_and_can_be_given_one(
    runtime: Runtime, users: dict[str, User], zh_project: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:  # not yet on the project: registered with no language
        member = s.scalars(select(ProjectMember).where(ProjectMember.project_id == zh_project))
        for row in member:
            s.delete(row)
    code, w = _cli(runtime, monkeypatch, "workforce", "worker-add", "alice", "--grade", "P3",
                   "--as", "admin")
    assert code == 0 and w["languages"] == []
    with runtime.session() as s:
        alice = s.scalars(select(User).where(User.username == "alice")).one()
        s.add(ProjectMember(project_id=zh_project, user_id=alice.id))
    code, refused = _cli(runtime, monkeypatch, "work", "next", "vendor-wall", "--as", "alice")
    assert code != 0
    assert "no listed languages" in refused["error"]["message"]
    assert f"worker-set {w['id']} --language zh-CN" in refused["error"]["message"]  # says how to fix it

    code, bad = _cli(runtime, monkeypatch, "workforce", "worker-set", "alice", "--language",
                     "not a tag", "--as", "admin")
    assert code != 0 and "BCP-47" in bad["error"]["message"]
    code, again = _cli(runtime, monkeypatch, "workforce", "worker-set", "alice", "--as", "admin")
    assert code != 0 and "nothing to change" in again["error"]["message"]
    code, _ = _cli(runtime, monkeypatch, "workforce", "worker-set", "alice", "--language",
                        "zh-CN", "--as", "ann1")
    assert code != 0

    code, fixed = _cli(runtime, monkeypatch, "workforce", "worker-set", "alice", "--language",
                       "zh-CN", "--language", "en-US", "--grade", "P4", "--as", "admin")
    assert code == 0, fixed
    assert fixed["languages"] == ["en-US", "zh-CN"] and fixed["grade"] == "P4"
    code, task = _cli(runtime, monkeypatch, "work", "next", "vendor-wall", "--as", "alice")
    assert code == 0, task
    assert task["id"] > 0
    with runtime.session() as s:
        rec = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "worker.profile_changed")).one()
        assert rec.object_id == w["id"] and rec.actor_id == users["admin"].id
        assert rec.data == {"before": {"languages": [], "grade": "P3"},
                            "after": {"languages": ["en-US", "zh-CN"], "grade": "P4"}}


def test_the_api_patches_a_worker(
    runtime: Runtime, users: dict[str, User], zh_project: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, w = _cli(runtime, monkeypatch, "workforce", "worker-add", "alice", "--as", "admin")
    assert code == 0
    with TestClient(create_app(runtime)) as client:
        pm = login(client, "pm")
        r = client.patch(f"{API}/workers/{w['id']}", headers=pm,
                         json={"languages": ["zh-CN"], "modalities": ["speech"]})
        assert r.status_code == 200, r.text
        assert r.json()["languages"] == ["zh-CN"] and r.json()["modalities"] == ["speech"]
        r = client.patch(f"{API}/workers/{w['id']}", headers=pm, json={"devices": ["phone"]})
        assert r.status_code == 200 and r.json()["languages"] == ["zh-CN"]  # left out: kept
        r = client.patch(f"{API}/workers/{w['id']}", headers=pm, json={"grade": "nope"})
        assert r.status_code == 404
        r = client.patch(f"{API}/workers/{w['id']}", headers=login(client, "ann1"),
                         json={"languages": ["en-US"]})
        assert r.status_code in (403, 404)  # the vendor wall: as a missing worker
        assert client.get(f"{API}/workers", headers=pm).json()[0]["languages"] == ["zh-CN"]
