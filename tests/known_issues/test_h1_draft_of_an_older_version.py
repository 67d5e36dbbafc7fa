"""h1: a draft save whose ``base_version`` is older than the stored draft's replaced it when its
revision counter was higher: a tab opened before the item's new version (a pre-label landed
after the claim) kept autosaving at revision 5 over the draft another tab had started from the
new version at revision 1, and that work was gone (the page resumes only a draft of the item's
current version). Older never wins: such a save is refused 409 ``stale_draft``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.modalities.base import AnnotationDoc
from datamill.production.annotating import write_version
from datamill.production.models import Item, Task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import claimed_task, packaged_project


def _segments(text: str) -> list[dict[str, object]]:
    return [{"start_ms": 0, "end_ms": 900, "text": text}]


def test_a_draft_of_an_older_item_version_never_replaces_a_newer_one(
        sqlite_runtime: Runtime) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        ann1 = create_user(s, "ann1", "password1", "annotator")
    pid = packaged_project(rt, [ann1], 1)
    task_id = claimed_task(rt, ann1, pid)
    client = TestClient(create_app(rt))
    headers = login(client, "ann1")
    url = f"{API}/tasks/{task_id}/draft"

    def put(text: str, base_version: int, revision: int) -> object:
        return client.put(url, json={"segments": _segments(text), "base_version": base_version,
                                     "revision": revision}, headers=headers)

    old_tab = put("old tab", 0, 1)
    assert old_tab.status_code == 200, old_tab.text  # type: ignore[attr-defined]
    with rt.session() as s:  # the model's pre-label lands: version 1
        task = s.get(Task, task_id)
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None
        write_version(s, item, base_version=0, payload=AnnotationDoc(_segments("pre"), "pre"),
                      stage="annotate", kind="preannotation", author_id=None)
    new_tab = put("new tab", 1, 1)  # opened now, from version 1
    assert new_tab.status_code == 200, new_tab.text  # type: ignore[attr-defined]
    stale = put("old tab again", 0, 5)  # the old tab's next autosave
    assert stale.status_code == 409, stale.text  # type: ignore[attr-defined]
    assert stale.json()["reason_code"] == "stale_draft"  # type: ignore[attr-defined]
    kept = client.get(url, headers=headers).json()
    assert (kept["base_version"], kept["annotation"]) == (1, _segments("new tab"))
