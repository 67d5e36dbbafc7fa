"""Trial (H7): draft saves were last-writer-wins. A save from another tab or session with the
same ``revision`` silently overwrote the stored draft, an older one was dropped with 200 (its
tab believed its work saved), and a draft claiming ``base_version: 7`` on an item at version 0
was accepted. Saves are now compare-and-set on ``revision``: a revision not above the stored
one gets 409 with ``current_revision`` (an exact retry is answered as stored), and a
``base_version`` beyond the item's current version gets 422 (REST and the web workbench's
route; SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.image_helpers import make_image_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _doc(label: str) -> dict[str, Any]:
    return {"objects": [{"kind": "box", "label": label, "x": 1, "y": 2, "w": 3, "h": 4}],
            "classes": []}


def test_draft_saves_are_compare_and_set_on_revision(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task_id = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate").id
    ann1 = login(client, "ann1")
    url = f"{API}/tasks/{task_id}/draft"

    def put(label: str, revision: int, base_version: int = 0) -> Any:
        return client.put(url, json={"payload": _doc(label), "base_version": base_version,
                                     "revision": revision}, headers=ann1)

    assert put("tab-a", 1).status_code == 200
    retry = put("tab-a", 1)  # the same save again (a network retry): answered as stored
    assert retry.status_code == 200 and retry.json()["revision"] == 1
    same = put("tab-b", 1)  # another tab, same revision, other work
    assert same.status_code == 409, same.text
    assert same.json()["current_revision"] == 1 and same.json()["reason_code"] == "stale_draft"
    # worded so it reads right when the revisions are equal (it said "revision 1; this save's
    # is 1"), and says what to do
    assert same.json()["detail"] == (
        f"this draft of task {task_id} was not saved: a different draft under the same revision"
        " (1) was saved meanwhile from another tab, window or client; reload the task to continue"
        " from the stored draft (copy anything you want to keep from this one first)")
    assert put("tab-a", 2).status_code == 200
    old = put("tab-b", 1)  # an older one is refused, not dropped with 200
    assert old.status_code == 409 and old.json()["current_revision"] == 2
    assert "a newer draft (revision 2; this save is revision 1) was saved" in old.json()["detail"]
    assert client.get(url, headers=ann1).json()["payload"] == _doc("tab-a")

    ahead = put("tab-a", 3, base_version=7)  # the item is at version 0
    assert ahead.status_code == 422, ahead.text
    assert ahead.json()["current_version"] == 0
    assert client.get(url, headers=ann1).json()["revision"] == 2


def test_web_document_draft_is_compare_and_set_too(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task_id = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate").id
    web_login(client, "ann1", "password1")
    csrf = {"X-CSRF-Token": csrf_of(client)}
    url = f"/web/api/tasks/{task_id}/annotation/draft"
    ok = client.post(url, json={"annotation": _doc("a"), "base_version": 0, "revision": 4},
                     headers=csrf)
    assert ok.status_code == 200, ok.text
    stale = client.post(url, json={"annotation": _doc("b"), "base_version": 0, "revision": 3},
                        headers=csrf)
    assert stale.status_code == 409, stale.text
    assert stale.json()["current_revision"] == 4


_STALE = {"workbench.js": "'stale'", "image/save.js": "image.save.stale",
          "pointcloud/save.js": "save_stale", "llm/workbench.js": "llm.stale",
          "text/workbench.js": "strings.stale"}


def test_every_draft_saving_workbench_says_reload_on_409() -> None:
    """Each workbench that autosaves drafts stops on a 409 and shows the catalogue's "saved
    elsewhere: reload" sentence (en and zh-CN), instead of retrying for ever (llm, text) or
    showing a bare "Not saved" (speech)."""
    from pathlib import Path

    import datamill.web
    from datamill.web.i18n import CATALOGUES

    static = Path(datamill.web.__file__).parent / "static"
    for path, key in _STALE.items():
        js = (static / path).read_text(encoding="utf-8")
        assert "409" in js and key in js, path
    for key in ("wb.save.stale", "image.save.stale", "pc.save_stale", "llm.stale", "tx.stale"):
        en, zh = CATALOGUES["en"][key], CATALOGUES["zh-CN"][key]
        assert "reload" in en and "刷新" in zh, key
