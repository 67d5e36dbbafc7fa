"""Trial 10 (M1): a stale tab's submit threw newer work from another tab away. Tab B saved a
draft (revision 1); tab A's own draft save was refused 409 ``stale_draft``, yet tab A's
Ctrl+Enter went through: version 1 held tab A's work and tab B's was gone. The workbenches'
submits now carry ``draft_revision`` (the draft their page last loaded or saved); behind the
stored draft they are refused 409 ``stale_draft`` like the draft save, on both web submit
routes (document workbenches and speech) and on the REST API when a client sends it. A submit
without ``draft_revision`` (API clients that keep no drafts) behaves as before. Each draft
saving workbench's JS sends it and disables submit once it knows it is stale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.models import Item, Task
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import ready_project
from tests.unit.production.image_helpers import make_image_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _box(label: str) -> dict[str, Any]:
    return {"objects": [{"kind": "box", "label": label, "x": 1, "y": 2, "w": 3, "h": 4}],
            "classes": []}


def _claim(runtime: Runtime, users: dict[str, User], pid: int) -> int:
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["ann1"]), pid, "annotate")
        assert task is not None
        return task.id


def _version(runtime: Runtime, task_id: int) -> int:
    with runtime.session() as s:
        item = s.get(Item, s.get(Task, task_id).item_id)  # type: ignore[union-attr]
        assert item is not None
        return item.current_version


def test_stale_tab_cannot_submit_over_another_tabs_draft(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    task_id = _claim(runtime, users, pid)
    web_login(client, "ann1", "password1")
    csrf = {"X-CSRF-Token": csrf_of(client)}
    draft_url = f"/web/api/tasks/{task_id}/annotation/draft"
    submit_url = f"/web/api/tasks/{task_id}/annotation"
    # both tabs opened the task with no draft (draft revision 0); tab B draws and autosaves
    b = client.post(draft_url, json={"annotation": _box("car"), "base_version": 0,
                                     "revision": 1}, headers=csrf)
    assert b.status_code == 200, b.text
    a = client.post(draft_url, json={"annotation": _box("person"), "base_version": 0,
                                     "revision": 1}, headers=csrf)
    assert a.status_code == 409 and a.json()["reason_code"] == "stale_draft"
    # tab A submits anyway (Ctrl+Enter): refused the same way, nothing written
    r = client.post(submit_url, json={"annotation": _box("person"), "base_version": 0,
                                      "draft_revision": 0}, headers=csrf)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["reason_code"] == "stale_draft" and body["current_revision"] == 1
    assert "saved meanwhile from another tab" in body["detail"]
    assert "reload the task" in body["detail"]
    assert _version(runtime, task_id) == 0
    ann1 = login(client, "ann1")
    kept = client.get(f"{API}/tasks/{task_id}/draft", headers=ann1)
    assert kept.status_code == 200 and kept.json()["payload"] == _box("car")  # tab B's work
    # the REST API refuses the same when a client names its draft revision
    api = client.post(f"{API}/tasks/{task_id}/annotations",
                      json={"annotation": _box("person"), "base_version": 0,
                            "draft_revision": 0}, headers=ann1)
    assert api.status_code == 409 and api.json()["reason_code"] == "stale_draft", api.text
    # tab A reloads (it now starts from revision 1) and submits: accepted
    ok = client.post(submit_url, json={"annotation": _box("car"), "base_version": 0,
                                       "draft_revision": 1}, headers=csrf)
    assert ok.status_code == 200, ok.text
    assert _version(runtime, task_id) == 1


def test_submit_without_draft_revision_keeps_todays_behaviour(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    task_id = _claim(runtime, users, pid)
    ann1 = login(client, "ann1")
    saved = client.put(f"{API}/tasks/{task_id}/draft", headers=ann1,
                       json={"payload": _box("car"), "base_version": 0, "revision": 5})
    assert saved.status_code == 200
    r = client.post(f"{API}/tasks/{task_id}/annotations", headers=ann1,
                    json={"annotation": _box("person"), "base_version": 0})
    assert r.status_code == 201, r.text


def _seg(text: str) -> dict[str, Any]:
    return {"start_ms": 0, "end_ms": 900, "text": text, "speaker": None, "noise": []}


def test_speech_workbench_submit_is_guarded_too(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 1)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
    task_id = _claim(runtime, users, pid)
    web_login(client, "ann1")
    csrf = {"X-CSRF-Token": csrf_of(client)}
    b = client.put(f"/web/api/tasks/{task_id}/draft", headers=csrf,
                   json={"segments": [_seg("tab b")], "base_version": 0, "revision": 3})
    assert b.status_code == 200, b.text
    url = f"/web/api/tasks/{task_id}/submit"
    r = client.post(url, headers=csrf, json={"segments": [_seg("tab a")], "base_version": 0,
                                             "draft_revision": 2})
    assert r.status_code == 409 and r.json()["reason_code"] == "stale_draft", r.text
    assert _version(runtime, task_id) == 0
    ok = client.post(url, headers=csrf, json={"segments": [_seg("tab b")], "base_version": 0,
                                              "draft_revision": 3})
    assert ok.status_code == 200, ok.text


#: each draft-saving workbench: its script(s), and what its submit sends as draft_revision
_WORKBENCHES = {
    "workbench.js": "draft_revision: state.seen",
    "image/save.js": "draft_revision: seen(wb)",
    "pointcloud/save.js": "draft_revision: seen(wb)",
    "llm/workbench.js": "draft_revision: this.savedRevision",
    "text/workbench.js": "draft_revision: this.saved",
}


def test_every_draft_saving_workbench_sends_its_draft_revision_and_stops_when_stale() -> None:
    import datamill.web  # noqa: PLC0415

    static = Path(datamill.web.__file__).parent / "static"
    for path, sends in _WORKBENCHES.items():
        js = (static / path).read_text(encoding="utf-8")
        assert sends in js, path
        # once stale (a draft save or the submit answered 409 stale_draft) it submits no more
        assert "markStale" in js and "stale_draft" in js, path
