"""A draft save and a submit of one task at the same instant (helper h3, 2026-12-05).

A submit reads the user's draft (its ``stale_draft`` check) and deletes it; a draft save read
the hold and the draft without a lock. On PostgreSQL (READ COMMITTED) both went through: the
save's draft, written after the submit had looked, outlived the submit (a live draft of a
submitted task, newer than its annotation, that the submit's ``stale_draft`` check never saw),
or two first saves of one task both inserted and the second died on the unique key. Now a save
locks the hold first, the row a submit's ``held → submitted`` UPDATE locks: they take turns,
and a save after the submit is refused 409 ``task_submitted`` without writing a draft.
Processes of their own race saves against submits, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.production.annotating import submit_annotation
from datamill.production.drafts import draft_for, save_draft
from datamill.production.models import Annotation, Draft, Item, Task, TaskAssignment
from datamill.production.schemas import SegmentIn
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.races import Act, race
from tests.unit.production.helpers import claimed_task, packaged_project


def _seg(text: str) -> SegmentIn:
    return SegmentIn(start_ms=0, end_ms=900, text=text)


def _save(s: Session, user_id: int, task_id: int, revision: int, text: str) -> None:
    user = s.get(User, user_id)
    assert user is not None
    save_draft(s, user, task_id, [_seg(text).model_dump()], base_version=0, revision=revision)


def _submit(s: Session, user_id: int, task_id: int, draft_revision: int, text: str) -> None:
    user = s.get(User, user_id)
    assert user is not None
    submit_annotation(s, user, task_id, [_seg(text)], base_version=0,
                      draft_revision=draft_revision)


def _status_and_reason(err: Exception) -> str:
    """A refused act as "<status> <reason_code>" (e.g. "409 task_submitted")."""
    details = getattr(err, "details", {})
    return f"{getattr(err, 'status', '')} {details.get('reason_code', '')}".strip()


def test_draft_saves_racing_submits_never_outlive_the_submit(
    runtime: Runtime, users: dict[str, User]
) -> None:
    ann1, ann2 = users["ann1"], users["ann2"]
    pid = packaged_project(runtime, [ann1, ann2], 2)
    fresh, drafted = claimed_task(runtime, ann1, pid), claimed_task(runtime, ann2, pid)
    with runtime.session() as s:  # ann2 has a draft already (the saves below update it)
        save_draft(s, s.merge(ann2), drafted, [_seg("b one").model_dump()], base_version=0,
                   revision=1)
    # per task: a submit from the page that saw draft revision `seen`, and two later saves
    plan = {fresh: (ann1.id, 0, "a"), drafted: (ann2.id, 1, "b")}
    acts: list[tuple[Act, tuple[Any, ...]]] = []
    for task_id, (uid, seen, tag) in plan.items():
        acts += [(_submit, (uid, task_id, seen, f"{tag} submitted")),
                 (_save, (uid, task_id, seen + 1, f"{tag} saved {seen + 1}")),
                 (_save, (uid, task_id, seen + 2, f"{tag} saved {seen + 2}"))]
    got = race(runtime, acts, ordered=True, outcome=_status_and_reason)
    assert all(o == "ok" or o.startswith("409 ") for o in got), got  # no crash, no 500
    with runtime.session() as s:
        for n, (task_id, (uid, seen, tag)) in enumerate(plan.items()):
            submitted, *saves = got[3 * n: 3 * n + 3]
            hold = s.scalar(select(TaskAssignment.status).where(
                TaskAssignment.task_id == task_id, TaskAssignment.user_id == uid))
            draft = draft_for(s, task_id, uid)
            task = s.get(Task, task_id)
            assert task is not None
            item = s.get(Item, task.item_id)
            assert item is not None
            stored = s.scalars(select(Annotation.text).where(Annotation.task_id == task_id)).all()
            if submitted == "ok":  # the submit went first: what it sent is the annotation,
                assert hold == "submitted" and item.current_version == 1, (got, hold)
                assert stored == [f"{tag} submitted"], (got, stored)
                assert draft is None, (got, draft.revision if draft else None)  # no draft left
                assert saves == ["409 task_submitted"] * 2, got  # and every save after it refused
            else:  # a save went first: the submit was behind its draft, nothing was written
                assert submitted == "409 stale_draft", got
                assert hold == "claimed" and item.current_version == 0 and stored == [], got
                assert draft is not None and draft.revision > seen, got
                assert all(o in ("ok", "409 stale_draft") for o in saves), got


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_draft_of_a_submitted_task_is_refused_with_its_code_and_not_stored(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, [users["ann1"]], 1)
    task_id = claimed_task(runtime, users["ann1"], pid)
    ann1 = login(client, "ann1")
    seg = _seg("done").model_dump()
    r = client.post(f"{API}/tasks/{task_id}/annotations", headers=ann1,
                    json={"segments": [seg], "base_version": 0})
    assert r.status_code == 201, r.text
    late = client.put(f"{API}/tasks/{task_id}/draft", headers=ann1,
                      json={"segments": [seg], "base_version": 0, "revision": 7})
    assert late.status_code == 409, late.text
    body = late.json()
    assert body["reason_code"] == "task_submitted" and body["task_id"] == task_id
    assert "already submitted" in body["detail"] and "not saved" in body["detail"]
    web_login(client, "ann1")  # the speech workbench's own route answers the same
    page = client.put(f"/web/api/tasks/{task_id}/draft", headers={"X-CSRF-Token": csrf_of(client)},
                      json={"segments": [seg], "base_version": 0, "revision": 8})
    assert page.status_code == 409 and page.json()["reason_code"] == "task_submitted", page.text
    with runtime.session() as s:
        assert s.scalars(select(Draft).where(Draft.task_id == task_id)).all() == []
