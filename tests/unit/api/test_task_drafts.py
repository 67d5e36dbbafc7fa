"""Issue 10 §2: a draft is a production service (``datamill.production.drafts``) with a REST
twin of the workbench's autosave (``GET/PUT/DELETE /api/v1/tasks/{id}/draft``); submitting
through either face discards it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.production.models import Draft
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import make_image_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_draft_round_trip_over_rest(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        task_id = task.id
    ann1, ann2 = login(client, "ann1"), login(client, "ann2")
    url = f"{API}/tasks/{task_id}/draft"
    assert client.get(url, headers=ann1).status_code == 404  # none yet

    doc = {"objects": [{"kind": "box", "label": "car", "x": 1, "y": 2, "w": 3, "h": 4}],
           "classes": []}
    r = client.put(url, json={"payload": doc, "base_version": 0, "revision": 3,
                              "time_spent_ms": 1200}, headers=ann1)
    assert r.status_code == 200, r.text
    assert r.json()["revision"] == 3 and r.json()["payload"] == doc
    # an older revision (another tab) does not overwrite: 409 naming the stored revision
    old = client.put(url, json={"payload": {"objects": [], "classes": []}, "base_version": 0,
                                "revision": 2}, headers=ann1)
    assert old.status_code == 409 and old.json()["current_revision"] == 3
    got = client.get(url, headers=ann1).json()
    assert got["payload"] == doc and got["time_spent_ms"] == 1200

    # someone who does not hold the task may not save one
    r = client.put(url, json={"payload": doc, "base_version": 0, "revision": 1}, headers=ann2)
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")

    # submitting discards the draft
    r = client.post(f"{API}/tasks/{task_id}/annotations",
                    json={"annotation": doc, "base_version": 0}, headers=ann1)
    assert r.status_code == 201, r.text
    assert client.get(url, headers=ann1).status_code == 404
    with runtime.session() as s:
        assert s.scalars(select(Draft).where(Draft.task_id == task_id)).first() is None


def test_delete_throws_the_draft_away(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task_id = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate").id
    ann1 = login(client, "ann1")
    url = f"{API}/tasks/{task_id}/draft"
    body = {"payload": [], "base_version": 0, "revision": 1}
    assert client.put(url, json=body, headers=ann1).status_code == 200
    assert client.delete(url, headers=ann1).status_code == 204
    assert client.get(url, headers=ann1).status_code == 404
    assert client.delete(url, headers=ann1).status_code == 204  # idempotent
