"""Issue 13 §2 (submit ≥ 500/s): on SQLite a submit held the single writer lock from its first
read to its commit, the payload's validation included, so submits ran one after another
whatever the number of server processes (300/s on 2 cores with 1 or 2 workers). Its reads and
the validation now run before ``BEGIN IMMEDIATE`` (``prepare_submission`` inside
``reads_first``); the writes re-check what can change meanwhile."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from datamill.compliance.models import User
from datamill.compliance.users import create_token, create_user
from datamill.core.errors import Conflict
from datamill.production.annotating import prepare_submission, submit_annotation
from datamill.production.models import Annotation, TaskAssignment
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.helpers import packaged_project

_SEGMENTS = [SegmentIn(start_ms=0, end_ms=1000, text="the quick brown fox")]


def _claimed(rt: Runtime) -> tuple[int, int, int, str]:
    """(user id, task id, its version, a token): an annotator holding a claimed task."""
    with rt.session() as s:
        user = create_user(s, "ann01", "password1", "annotator")
        token = create_token(s, user, "t")
        uid = user.id
    pid = packaged_project(rt, [user], 2, name="submit-reads")
    with rt.session() as s:
        task = claim_next_task(s, s.get(User, uid), pid, "annotate")  # type: ignore[arg-type]
        assert task is not None
        return uid, task.id, task.current_version, token


def test_a_refused_payload_does_not_wait_for_the_writer_lock(sqlite_runtime: Runtime) -> None:
    uid, task_id, version, token = _claimed(sqlite_runtime)
    release, holding = threading.Event(), threading.Event()

    def writer() -> None:  # another request in the middle of its write transaction
        with sqlite_runtime.session() as s:
            s.execute(update(User).where(User.id == uid).values(display_name="busy"))
            holding.set()
            release.wait(30)

    bad = {"segments": [{"start_ms": 900, "end_ms": 100, "text": "backwards"}],
           "base_version": version}
    with TestClient(create_app(sqlite_runtime)) as client, ThreadPoolExecutor(2) as pool:
        held = pool.submit(writer)
        assert holding.wait(10)
        try:
            # before: its reads queued behind the writer for as long as it held the lock
            r = pool.submit(client.post, f"/api/v1/tasks/{task_id}/annotations", json=bad,
                            headers={"Authorization": f"Bearer {token}"}).result(timeout=5)
        finally:
            release.set()
        held.result(timeout=10)
    assert r.status_code == 422, r.text


def test_a_hold_lost_after_the_reads_writes_nothing(runtime: Runtime) -> None:
    uid, task_id, version, _token = _claimed(runtime)
    with runtime.session() as s:
        user = s.get(User, uid)
        assert user is not None
        prepared = prepare_submission(s, user, task_id, _SEGMENTS)
    with runtime.session() as s:  # meanwhile the project manager takes the task back
        s.execute(update(TaskAssignment).where(TaskAssignment.task_id == task_id)
                  .values(status="released"))
    with runtime.session() as s:
        user = s.get(User, uid)
        assert user is not None
        try:
            submit_annotation(s, user, task_id, _SEGMENTS, base_version=version,
                              prepared=prepared)
        except Conflict:
            s.rollback()
        else:
            raise AssertionError("a submit of a hold taken back was accepted")
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 0


def test_a_submit_through_the_api_still_lands(runtime: Runtime) -> None:
    _uid, task_id, version, token = _claimed(runtime)
    body = {"segments": [{"start_ms": 0, "end_ms": 1000, "text": "the quick brown fox"}],
            "base_version": version}
    with TestClient(create_app(runtime)) as client:
        auth = {"Authorization": f"Bearer {token}"}
        r = client.post(f"/api/v1/tasks/{task_id}/annotations", json=body, headers=auth)
        assert r.status_code == 201, r.text
        again = client.post(f"/api/v1/tasks/{task_id}/annotations", json=body, headers=auth)
        assert again.status_code == 409, again.text
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 1


def test_a_hot_lane_submit_reads_its_token_with_the_task(sqlite_runtime: Runtime) -> None:
    """The token and the submit's reads share one read transaction: a submit is two
    transactions on SQLite (reads, then writes), not three (token, reads, writes)."""
    from sqlalchemy import event

    _uid, task_id, version, token = _claimed(sqlite_runtime)
    begun: list[int] = []

    def on_begin(_conn: object) -> None:
        begun.append(1)

    body = {"segments": [{"start_ms": 0, "end_ms": 1000, "text": "the quick brown fox"}],
            "base_version": version}
    with TestClient(create_app(sqlite_runtime)) as client:
        event.listen(sqlite_runtime.engine, "begin", on_begin)
        try:
            r = client.post(f"/api/v1/tasks/{task_id}/annotations", json=body,
                            headers={"Authorization": f"Bearer {token}"})
        finally:
            event.remove(sqlite_runtime.engine, "begin", on_begin)
    assert r.status_code == 201, r.text
    assert len(begun) == 2  # before: 3 (the token was read in a transaction of its own)
