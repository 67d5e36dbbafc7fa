"""Helper h6 (security round): ending a project membership gave back only the holds on
*packaged* tasks. A task not yet in a package (a review task made by a submission after the
review packages were drawn, an annotate task before packaging) is claimed by in-house people
straight from the pool; the removed member kept that hold, so the task stayed taken by someone
the project no longer admits and nobody else could claim it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.models import Task, TaskAssignment
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import claimed_task, packaged_project


def test_removing_a_member_gives_back_their_unpackaged_holds(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid = packaged_project(runtime, [users["ann1"], users["ann2"]], 2)
    with runtime.session() as s:
        add_member(s, pid, s.merge(users["pm"]), actor_id=None)
        # two tasks that no package holds yet: in-house people claim them from the pool
        s.execute(Task.__table__.update().where(Task.project_id == pid).values(package_id=None))
    task = claimed_task(runtime, users["ann1"], pid)
    ann1_id = users["ann1"].id
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        pm = login(client, "pm")
        r = client.delete(f"{API}/projects/{pid}/members/{ann1_id}", headers=pm)
        assert r.status_code == 200, r.text
        assert r.json()["released_tasks"] == [task]
    with runtime.session() as s:
        assert s.scalars(select(TaskAssignment).where(
            TaskAssignment.user_id == ann1_id)).first() is None  # back in the pool
        assert s.get(Task, task).active_claims == 0
