"""Found by a trial collection manager: a subject could enrol with demographics whose quota cell
had room, then change them to those of a full cell before recording: the quotas were met only
at the first enrolment, so the full cell took one speaker more than its target. A change of
demographics before the first recording met the quotas like an enrolment; since a third trial
user's finding, answers are final once sent (the project manager resets them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.collection.quotas import quota_progress
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API
from tests.unit.collection.helpers import collection_project, invite


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _visit(client: TestClient, token: str, path: str = "", body: Any = None) -> Any:
    headers = {"X-Collect-Token": token}
    if body is None:
        return client.get(f"{API}/collect/visit{path}", headers=headers)
    return client.post(f"{API}/collect/visit{path}", headers=headers, json=body)


def test_changing_demographics_into_a_full_cell_is_refused(
    runtime: Runtime, users: dict[str, User], client: TestClient,
) -> None:
    pid = collection_project(runtime, users)  # "young women": 1 speaker
    first, swapper = invite(runtime, users, pid, "w1"), invite(runtime, users, pid, "swap")
    for token, name in ((first, "First Woman"), (swapper, "Sly Swapper")):
        assert _visit(client, token, "/consent", {"signature": name, "version": 1}).status_code \
            == 200
    assert _visit(client, first, "/demographics",
                  {"gender": "female", "age": 25}).status_code == 200
    # enrolled in a cell with room ...
    assert _visit(client, swapper, "/demographics", {"gender": "male", "age": 26}).status_code \
        == 200
    # ... then moved into the full one: refused (answers are final once sent: a third trial
    # user's finding), and the first demographics stay
    moved = _visit(client, swapper, "/demographics", {"gender": "female", "age": 26})
    assert moved.status_code == 409, moved.text
    assert "cannot be changed" in moved.json()["detail"]
    state = _visit(client, swapper).json()
    assert state["demographics"] == {"gender": "male", "age": 26} and state["closed"] is None
    # a change that would keep the subject in their cell needs the project manager too
    assert _visit(client, first, "/demographics",
                  {"gender": "female", "age": 25, "accent": "Scottish"}).status_code == 409
    with runtime.session() as s:
        women = next(c for c in quota_progress(s, pid)["cells"] if c["label"] == "young women")
    assert women["counted"]["speakers"] == 1
