"""Trial h6 (L1, known from the round before): the annotation document had another name in
each answer. A task's ``current`` gave it as ``payload`` (and the deprecated ``segments``), a
draft as ``annotation`` (and the deprecated ``payload``), and a submission takes
``annotation``: a client reading a task and writing it back renamed the field. Every answer
that carries a version now names it ``annotation`` too (``payload`` stays, the same value)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import make_image_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_task_read_back_is_written_back_under_the_same_name(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", n=1)
    ann = login(client, "ann1")
    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann).json()
    doc = {"objects": [{"kind": "box", "label": "car", "x": 1, "y": 2, "w": 30, "h": 20}],
           "classes": []}
    first = client.post(f"{API}/tasks/{task['id']}/annotations", headers=ann,
                        json={"annotation": doc, "base_version": 0})
    assert first.status_code == 201, first.text
    assert first.json()["annotation"] == first.json()["payload"]
    rev = login(client, "rev")
    review = client.post(f"{API}/projects/{pid}/tasks/next?stage=review", headers=rev).json()
    current = review["current"]
    assert current["annotation"] == current["payload"]
    assert current["annotation"]["objects"][0]["w"] == 30
    listed = client.get(f"{API}/projects/{pid}/items/{review['item_id']}/annotations",
                        headers=login(client, "pm")).json()
    assert isinstance(listed, list) and listed, listed
    assert [a["annotation"] for a in listed] == [a["payload"] for a in listed]
    # what was read goes back as it was read: the reviewer's edit of the document
    edited = current["annotation"]
    edited["objects"][0]["w"] = 40
    r = client.post(f"{API}/tasks/{review['id']}/review", headers=rev, json={
        "verdict": "edit", "annotation": edited, "base_version": review["current_version"]})
    assert r.status_code == 200, r.text
    task = client.get(f"{API}/tasks/{review['id']}", headers=rev).json()
    assert task["current"]["annotation"]["objects"][0]["w"] == 40
