"""h4 (left out last round): nobody could change a user's role. The only way was an operator's
edit of the database (``UPDATE users SET role``), unaudited, and nothing stopped the last admin
being demoted or deactivated, after which nobody could create users or reactivate anyone.

Now an admin changes a role with ``datamill user set-role NAME --role ROLE --as ADMIN`` or
``PUT /api/v1/users/{id}/role``, audited (``user.role_changed``, from and to); the user's
existing tokens and web sessions act with the new role from the next request on; open work
the new role may not do goes back to the pool; the last active admin can be neither demoted
nor deactivated (409 ``last_admin``, worded in zh-CN too)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord, User, UserSession
from datamill.compliance.users import get_user
from datamill.config import get_settings
from datamill.production.models import WorkPackage
from datamill.production.tasks import assign_package, claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.production.helpers import packaged_project


def _role(runtime: Runtime, username: str) -> str:
    with runtime.session() as s:
        return get_user(s, username).role


def test_an_admin_changes_a_role_and_the_old_token_follows_it(
        runtime: Runtime, users: dict[str, User]) -> None:
    with TestClient(create_app(runtime)) as c:
        admin, pm = login(c, "admin"), login(c, "pm")
        assert c.get(f"{API}/users", headers=pm).status_code == 403
        r = c.put(f"{API}/users/{users['pm'].id}/role", json={"role": "admin"}, headers=pm)
        assert r.status_code == 403, r.text  # only an admin changes roles
        r = c.put(f"{API}/users/{users['pm'].id}/role", json={"role": "admin"}, headers=admin)
        assert r.status_code == 200, r.text
        assert r.json() == {"username": "pm", "role": "admin", "previous_role": "project_manager",
                            "released_tasks": 0, "unassigned_packages": 0,
                            "ended_memberships": 0}
        assert c.get(f"{API}/users", headers=pm).status_code == 200  # the same token, now admin
        r = c.put(f"{API}/users/{users['pm'].id}/role", json={"role": "admin"}, headers=admin)
        assert r.status_code == 409 and r.json()["reason_code"] == "role_unchanged", r.text
        r = c.put(f"{API}/users/{users['pm'].id}/role", json={"role": "boss"}, headers=admin)
        assert r.status_code == 422
        r = c.put(f"{API}/users/99999/role", json={"role": "admin"}, headers=admin)
        assert r.status_code == 404
        # two admins now: one may step down; the other, the last, may not
        r = c.put(f"{API}/users/{users['admin'].id}/role", json={"role": "finance"},
                  headers=pm)
        assert r.status_code == 200, r.text
        assert c.get(f"{API}/users", headers=admin).status_code == 403  # admin's old token
        r = c.put(f"{API}/users/{users['pm'].id}/role", json={"role": "finance"}, headers=pm)
        assert r.status_code == 409 and r.json()["reason_code"] == "last_admin", r.text
    assert _role(runtime, "pm") == "admin" and _role(runtime, "admin") == "finance"
    with runtime.session() as s:
        changes = [(e.data["username"], e.data["from"], e.data["to"], e.actor_id)
                   for e in s.scalars(select(AuditRecord).where(
                       AuditRecord.action == "user.role_changed").order_by(AuditRecord.id))]
    assert changes == [("pm", "project_manager", "admin", users["admin"].id),
                       ("admin", "admin", "finance", users["pm"].id)]


def test_the_cli_changes_a_role_and_keeps_the_last_admin(
        runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    done = cli.invoke(app, ["user", "set-role", "ann1", "--role", "reviewer", "--as", "admin",
                            "--json"])
    assert done.exit_code == 0, done.stdout
    assert json.loads(done.stdout)["previous_role"] == "annotator"
    said = cli.invoke(app, ["user", "set-role", "ann1", "--role", "inspector", "--as", "admin"])
    assert said.exit_code == 0 and "ann1 is now inspector (was reviewer)" in said.stdout
    refused = cli.invoke(app, ["user", "set-role", "ann2", "--role", "admin", "--as", "ann1",
                               "--json"])
    assert json.loads(refused.stdout)["error"]["code"] == "forbidden"
    for args in (["set-role", "admin", "--role", "auditor"], ["deactivate", "admin"]):
        r = cli.invoke(app, ["user", *args, "--as", "admin", "--json"])
        assert r.exit_code != 0, r.stdout
        error = json.loads(r.stdout)["error"]
        assert error["reason_code"] == "last_admin", error
        assert "last active admin" in error["message"]
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        r = cli.invoke(app, ["user", "deactivate", "admin", "--as", "admin"])
        assert r.exit_code != 0 and "最后一位在用的管理员" in r.stdout + r.stderr, r.stdout
        r = cli.invoke(app, ["user", "set-role", "ann2", "--role", "reviewer", "--as", "admin"])
        assert r.exit_code == 0 and "ann2 的角色已改为" in r.stdout, r.stdout
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
    assert _role(runtime, "admin") == "admin"
    with runtime.session() as s:
        assert get_user(s, "admin").is_active


def test_work_the_new_role_may_not_do_goes_back_to_the_pool(
        runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    pid = packaged_project(runtime, [users["ann1"], users["ann2"]], 2)
    with runtime.session() as s:
        [pkg] = s.scalars(select(WorkPackage.id).where(WorkPackage.project_id == pid)).all()
        assign_package(s, pkg, get_user(s, "ann1"))
    with runtime.session() as s:
        held = claim_next_task(s, get_user(s, "ann1"), pid, "annotate")
        assert held is not None
    with TestClient(create_app(runtime)) as c:  # a web session open before the change
        web_sign_in(c, "ann1")
        assert c.get(f"/tasks/{held.id}").status_code == 200
        monkeypatch.setattr(_common, "_runtime", [runtime])
        done = CliRunner().invoke(app, ["user", "set-role", "ann1", "--role", "customer",
                                        "--as", "admin", "--json"])
        assert done.exit_code == 0, done.stdout
        assert json.loads(done.stdout)["released_tasks"] == 1
        assert json.loads(done.stdout)["unassigned_packages"] == 1
        with runtime.session() as s:  # the session lives on, as the customer it now is
            assert s.scalars(select(UserSession).where(
                UserSession.user_id == users["ann1"].id)).first() is not None
        assert c.get(f"/tasks/{held.id}").status_code in (403, 404)
        assert c.get("/").status_code == 200  # still signed in
    with runtime.session() as s:
        package = s.get(WorkPackage, pkg)
        assert package is not None and package.assignee_id is None
        got = claim_next_task(s, get_user(s, "ann2"), pid, "annotate")
        assert got is not None and got.id == held.id
