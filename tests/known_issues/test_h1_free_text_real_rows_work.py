"""Helper h1: the free-text fields of the work on items that the inventory
(``test_h12_free_text_inventory``) could not probe with an id that need not exist (404 first,
or a 422 on the missing transcript), each sent a right-to-left override (U+202E) or a bell on a
real row by the person who holds it: an annotate task an annotator claimed (its comment to the
reviewer, its skip reason), a review task a reviewer claimed (its rejection reason), a listen
task a listener claimed (the note on a clip that does not read its prompt) and a recorded
collection item a reviewer asks to be recorded again. Each is refused 422 naming the field,
and nothing is saved (every table's rows as they were: the task still held, the item as it
was); the same request with a text that reads as written then goes through."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.checking import run_checks
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._h1_real_rows import refused
from tests.known_issues.test_trial_h1_rerecord_once import _recorded
from tests.unit.production.helpers import claimed_task, packaged_project
from tests.unit.production.test_prompt_check import ALL_LISTEN, _espeak, _project

__all__ = ["_espeak"]  # the prompt check's clips are spoken by espeak-ng (skips without it)
WORDS = "the second word,\nmisheard"
SEGMENTS = [{"start_ms": 0, "end_ms": 1000, "text": "the quick brown fox"}]


def test_an_annotate_tasks_comment_and_skip_reason_and_a_review_tasks_reason(
        runtime: Runtime, users: dict[str, User]) -> None:
    pid = packaged_project(runtime, users.values(), 4)
    task = claimed_task(runtime, users["ann1"], pid)
    submit = {"segments": SEGMENTS, "base_version": 0}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        ann, rev = login(c, "ann1"), login(c, "rev")
        refused(c, runtime, ann, "POST", f"/tasks/{task}/annotations", submit, "comment")
        r = c.post(f"{API}/tasks/{task}/annotations", headers=ann,
                   json={**submit, "comment": WORDS})
        assert r.status_code == 201, r.text  # noqa: PLR2004
        with runtime.session() as s:
            create_packages(s, pid, "review")
        review = claimed_task(runtime, users["rev"], pid, "review")
        for verdict in ("reject", "accept"):
            refused(c, runtime, rev, "POST", f"/tasks/{review}/review", {"verdict": verdict},
                    "reason")
        r = c.post(f"{API}/tasks/{review}/review", headers=rev,
                   json={"verdict": "reject", "reason": WORDS})
        assert r.status_code == 200, r.text  # noqa: PLR2004
        skipped = claimed_task(runtime, users["ann2"], pid)
        ann2 = login(c, "ann2")
        refused(c, runtime, ann2, "POST", f"/tasks/{skipped}/skip", {}, "reason")
        r = c.post(f"{API}/tasks/{skipped}/skip", headers=ann2, json={"reason": WORDS})
        assert (r.status_code, r.json()["status"]) == (200, "skipped"), r.text


def test_a_listen_tasks_note(runtime: Runtime, users: dict[str, User]) -> None:
    pid = _project(runtime, users, prompt_check=ALL_LISTEN)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        ann = login(c, "ann1")
        r = c.post(f"{API}/projects/{pid}/listen/next", headers=ann)
        assert r.status_code == 200, r.text  # noqa: PLR2004
        task = r.json()["task_id"]
        for reads in (False, True):
            refused(c, runtime, ann, "POST", f"/tasks/{task}/listen", {"reads_prompt": reads},
                    "note")
        r = c.post(f"{API}/tasks/{task}/listen", headers=ann,
                   json={"reads_prompt": False, "note": WORDS})
        assert (r.status_code, r.json()["item_status"]) == (200, "rejected"), r.text


def test_a_recorded_items_rerecord_reason(
        runtime: Runtime, users: dict[str, User], tmp_path: Path) -> None:
    _pid, _token, item = _recorded(runtime, users, tmp_path, "spk-h1")
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        rev = login(c, "rev")
        refused(c, runtime, rev, "POST", f"/collect/items/{item}/rerecord", {}, "reason")
        r = c.post(f"{API}/collect/items/{item}/rerecord", headers=rev,
                   json={"reason": "a loud hum,\nplease record it again"})
        assert r.status_code == 201, r.text  # noqa: PLR2004
