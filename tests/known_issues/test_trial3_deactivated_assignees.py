"""Found by a fresh-clone trial user: a deactivated user could still be added to a project and
handed a work package (``work assign``, ``workforce assign``, the API and the dashboard's form),
and a person deactivated while holding work kept it: their claimed tasks and their packages sat
with someone who cannot sign in, hidden from everyone else.

Now adding or assigning a deactivated user is a Conflict on every face ("user 'bob' is
deactivated: reactivate them first ... or choose someone else"; ``datamill user reactivate``
exists for the first), and deactivation gives their open work back to the pool: their holds on
open tasks go and their unfinished packages lose their assignee.
"""

from __future__ import annotations

import html
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, deactivate_user, get_user, reactivate_user
from datamill.core.errors import Conflict
from datamill.production.models import TaskAssignment, WorkPackage
from datamill.production.tasks import assign_package, claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import assign_package_to_worker
from datamill.workforce.vendors import register_worker
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import packaged_project

REFUSAL = "user 'ann2' is deactivated: reactivate them first"


def _packages(runtime: Runtime, pid: int) -> list[int]:
    with runtime.session() as s:
        return list(s.scalars(select(WorkPackage.id).where(WorkPackage.project_id == pid)
                              .order_by(WorkPackage.id)))


def test_a_deactivated_user_is_refused_membership_and_work(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, [users["ann2"]], 4)
    other = packaged_project(runtime, [], 2, name="other")
    pkg = _packages(runtime, pid)[0]
    with runtime.session() as s:
        deactivate_user(s, get_user(s, "ann2"))
    with runtime.session() as s:
        ann2 = get_user(s, "ann2")
        with pytest.raises(Conflict, match=REFUSAL):
            add_member(s, other, ann2, actor_id=None)
        with pytest.raises(Conflict, match=REFUSAL):
            assign_package(s, pkg, ann2)
        worker = register_worker(s, get_user(s, "admin"), ann2, languages=["en-US"],
                                 modalities=["speech"])
        with pytest.raises(Conflict, match=REFUSAL):
            assign_package_to_worker(s, get_user(s, "admin"), pkg, worker.id)
        s.rollback()
    with TestClient(create_app(runtime)) as c:
        admin = login(c, "admin")
        r = c.post(f"{API}/projects/{other}/members", json={"username": "ann2"}, headers=admin)
        assert r.status_code == 409 and REFUSAL in r.json()["detail"], r.text
        r = c.post(f"{API}/packages/{pkg}/assign", json={"username": "ann2"}, headers=admin)
        assert r.status_code == 409 and REFUSAL in r.json()["detail"], r.text
        web_login(c, "admin")
        r = c.post(f"/packages/{pkg}/assign", data={"user_id": str(users["ann2"].id),
                                                    "csrf_token": csrf_of(c)})
        assert r.status_code == 409 and REFUSAL in html.unescape(r.text)
    with runtime.session() as s:
        assert s.get(WorkPackage, pkg).assignee_id is None  # type: ignore[union-attr]
    # reactivated, they can be handed work again
    with runtime.session() as s:
        reactivate_user(s, get_user(s, "ann2"))
    with runtime.session() as s:
        assert assign_package(s, pkg, get_user(s, "ann2")).assignee_id == users["ann2"].id


def test_the_cli_refuses_in_json(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = packaged_project(runtime, [users["ann2"]], 2)
    pkg = _packages(runtime, pid)[0]
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    gone = cli.invoke(app, ["user", "deactivate", "ann2", "--as", "admin", "--json"])
    assert gone.exit_code == 0, gone.stdout
    assert json.loads(gone.stdout)["unassigned_packages"] == 0
    for args in (["project", "add-member", "test-asr", "ann2"], ["work", "assign", str(pkg), "ann2"]):
        r = cli.invoke(app, [*args, "--as", "admin", "--json"])
        assert r.exit_code != 0
        error = json.loads(r.stdout)["error"]
        assert error["code"] == "conflict" and REFUSAL in error["message"], r.stdout
    back = cli.invoke(app, ["user", "reactivate", "ann2", "--as", "admin", "--json"])
    assert back.exit_code == 0 and json.loads(back.stdout) == {"username": "ann2",
                                                              "is_active": True}
    again = cli.invoke(app, ["user", "reactivate", "ann2", "--as", "admin", "--json"])
    assert json.loads(again.stdout)["error"]["code"] == "conflict"
    ok = cli.invoke(app, ["work", "assign", str(pkg), "ann2", "--as", "admin", "--json"])
    assert ok.exit_code == 0, ok.stdout


def test_deactivation_gives_held_work_back_to_the_pool(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, [users["ann1"], users["ann2"]], 2)
    [pkg] = _packages(runtime, pid)
    with runtime.session() as s:
        assign_package(s, pkg, get_user(s, "ann1"))
    with runtime.session() as s:
        held = claim_next_task(s, get_user(s, "ann1"), pid, "annotate")
        assert held is not None and held.package_id == pkg
    with runtime.session() as s:  # the package is ann1's: nothing for anyone else
        assert claim_next_task(s, get_user(s, "ann2"), pid, "annotate") is None
    with runtime.session() as s:
        done = deactivate_user(s, get_user(s, "ann1"))
    assert done["released_tasks"] == 1 and done["unassigned_packages"] == 1
    with runtime.session() as s:
        package = s.get(WorkPackage, pkg)
        assert package is not None and package.assignee_id is None
        assert package.status == "open"
        assert not s.scalars(select(TaskAssignment).where(
            TaskAssignment.user_id == users["ann1"].id)).all()
    with runtime.session() as s:  # the open pool again, the task ann1 held first
        got = claim_next_task(s, get_user(s, "ann2"), pid, "annotate")
        assert got is not None and got.id == held.id
