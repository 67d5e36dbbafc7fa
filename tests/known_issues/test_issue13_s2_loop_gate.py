"""Issue 13 §2, tenth round: claim and submit run on the event loop's own thread, which must never
wait for a connection only the loop can free (``datamill.db.loop_gate``).

Served on two processes the naive version deadlocked: a login served by a worker thread held
SQLite's writer lock until its session dependency committed, a commit the blocked loop never ran
(``test_issue13_d1_overlap_concurrency`` got 500 "database is busy for over 60 s"). These pin the
gate itself and that the lane really runs inline when nothing else is open, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, text

from datamill.db.loop_gate import loop_gate
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues.test_issue13_s2_claim_speed import _project_with_open_tasks


def test_the_gate_is_shut_while_a_connection_is_out(runtime: Runtime) -> None:
    gate = loop_gate(runtime.engine)
    assert gate is not None
    with gate.alone() as mine:
        assert mine
    with runtime.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        with gate.alone() as mine:
            assert not mine  # that connection's holder may need the loop: go to a thread
    with gate.alone() as mine:
        assert mine  # handed back: open again


def test_other_threads_wait_for_their_connection_while_the_loop_has_the_engine(
    runtime: Runtime,
) -> None:
    gate = loop_gate(runtime.engine)
    assert gate is not None
    got = threading.Event()

    def other() -> None:
        with runtime.engine.connect() as conn:
            got.set()
            conn.execute(text("SELECT 1"))

    with gate.alone() as mine:
        assert mine
        worker = threading.Thread(target=other)
        worker.start()
        time.sleep(0.3)
        assert not got.is_set()  # held back at checkout, before any transaction began
        with runtime.engine.connect() as conn:  # the owner itself is never held back
            conn.execute(text("SELECT 1"))
    worker.join(5)
    assert got.is_set()


def _cycle_threads(runtime: Runtime, pid: int, token: str, threaded: bool) -> set[str]:
    """The names of the threads that checked connections out for one claim + submit."""
    runtime.settings = runtime.settings.model_copy(update={"hot_lane_threaded": threaded})
    headers = {"Authorization": f"Bearer {token}"}
    names: set[str] = set()

    def seen(*_args: Any) -> None:
        names.add(threading.current_thread().name)

    with TestClient(create_app(runtime)) as client:
        event.listen(runtime.engine, "checkout", seen)
        try:
            r = client.post(f"/api/v1/projects/{pid}/tasks/next", headers=headers)
            assert r.status_code == 200, r.text
            task = r.json()
            body = {"segments": [{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}],
                    "base_version": task["current_version"], "time_spent_ms": 1000}
            r = client.post(f"/api/v1/tasks/{task['id']}/annotations", json=body,
                            headers=headers)
        finally:
            event.remove(runtime.engine, "checkout", seen)
        assert r.status_code == 201, r.text
    return names


def test_the_hot_lane_runs_on_the_loop_unless_asked_for_a_thread(runtime: Runtime) -> None:
    pid, token = _project_with_open_tasks(runtime, 2)
    inline = _cycle_threads(runtime, pid, token, threaded=False)
    threaded = _cycle_threads(runtime, pid, token, threaded=True)
    assert inline and not any(n.startswith("AnyIO worker thread") for n in inline), inline
    assert threaded and all(n.startswith("AnyIO worker thread") for n in threaded), threaded


def test_a_claim_waits_for_another_process_in_a_thread_not_on_the_loop(
    sqlite_runtime: Runtime,
) -> None:
    # another process (a CLI import beside the server) holds SQLite's writer lock for long: the
    # claim must not freeze the event loop meanwhile (every page of the process would wait)
    import fcntl
    import os

    runtime = sqlite_runtime
    pid, token = _project_with_open_tasks(runtime, 2)
    lock_path = f"{runtime.engine.url.database}-writer.lock"
    with TestClient(create_app(runtime)) as client:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)  # its own open file: as a process
        fcntl.flock(fd, fcntl.LOCK_EX)
        claimed: dict[str, Any] = {}

        def claim() -> None:
            r = client.post(f"/api/v1/projects/{pid}/tasks/next",
                            headers={"Authorization": f"Bearer {token}"})
            claimed["status"] = r.status_code

        worker = threading.Thread(target=claim)
        try:
            worker.start()
            time.sleep(0.5)
            assert "status" not in claimed  # still waiting for the other process
            t0 = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            assert time.perf_counter() - t0 < 2.0  # the loop was free to answer
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        worker.join(30)
    assert claimed == {"status": 200}
