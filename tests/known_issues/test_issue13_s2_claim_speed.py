"""Issue 13 §2 (claim/submit speed): what made a served claim slow, kept from coming back.

``datamill serve --workers N`` listens on a socket uvicorn binds itself with protocol number 0;
asyncio then leaves Nagle's algorithm on for every connection, so each answer's body waited for
the client's delayed ACK (≈ 40 ms a request for a keep-alive client: a lone annotator's claim
took 56 ms with two workers, 10 ms with one). The served protocol turns ``TCP_NODELAY`` on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import insert
from uvicorn.server import ServerState

from datamill.compliance.audit import verify_audit
from datamill.compliance.users import add_member, create_token, create_user
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import HTTP_PROTOCOL, create_app
from tests.unit.production.helpers import statements


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _served_nodelay(http: str) -> int:
    """TCP_NODELAY of a connection accepted the way ``serve --workers N`` accepts them."""
    config = uvicorn.Config(app=_app, http=http, log_level="warning", lifespan="off")
    config.load()
    listener = socket.socket(socket.AF_INET)  # protocol 0, as uvicorn's bind_socket() makes it
    listener.bind(("127.0.0.1", 0))
    state = ServerState()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: config.http_protocol_class(config=config, server_state=state, app_state={}),
        sock=listener,
    )
    _reader, writer = await asyncio.open_connection(*listener.getsockname())
    try:
        for _ in range(100):
            if state.connections:
                break
            await asyncio.sleep(0.01)
        conn: Any = next(iter(state.connections))
        sock = conn.transport.get_extra_info("socket")
        return int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    finally:
        writer.close()
        server.close()


def _nodelay_in_own_loop(http: str) -> int:
    """``_served_nodelay`` on a fresh event loop in its own thread (a test before this one in the
    same worker, e.g. a browser test, may have left a loop running in this thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _served_nodelay(http)).result(timeout=60)


def test_plain_uvicorn_leaves_nagle_on_for_a_protocol_0_listener() -> None:
    # the defect's cause, so this test notices if uvicorn or asyncio ever change it
    assert _nodelay_in_own_loop("h11") == 0


def test_served_connections_turn_nagle_off() -> None:
    assert _nodelay_in_own_loop(HTTP_PROTOCOL) != 0


# -- statements per claim and per submit (the cost every request pays, whatever the load) -------

def _project_with_open_tasks(rt: Runtime, n: int) -> tuple[int, str]:
    """A speech project whose ``n`` passed items sit in annotate packages, one annotator with a
    token (rows inserted directly, as the claim bench does: no audio is read by a claim)."""
    with rt.session() as s:
        pid = create_project(s, {
            "name": "claim-cost", "modality": "speech.asr", "language": "en-US",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 5, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
            "requirements": {"read_speech": False},
        }).id
        user = create_user(s, "ann00", "password1", "annotator")
        add_member(s, pid, user, actor_id=None)
        token = create_token(s, user, "cost")
    now = datetime.now(UTC)
    with rt.engine.begin() as conn:
        conn.execute(insert(Item), [
            {"project_id": pid, "external_id": f"utt{i:03d}", "sha256": "0" * 64,
             "filename": "one.wav", "size_bytes": 1, "status": "passed", "owner": "customer",
             "attributes": {"duration_ms": 1500, "sample_rate_hz": 16000, "channels": 1},
             "prompt": "the quick brown fox", "meta": {}, "reject_reasons": [],
             "current_version": 0, "created_at": now}
            for i in range(n)
        ])
    with rt.session() as s:
        create_packages(s, pid, "annotate")
    return pid, token


def test_claim_and_submit_statement_budget(runtime: Runtime) -> None:
    # before: claim 17, submit 29 on SQLite (BEGIN included); 16 and 29 on PostgreSQL
    pid, token = _project_with_open_tasks(runtime, 6)
    sqlite = runtime.engine.dialect.name == "sqlite"
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(runtime)) as client:
        for _ in range(2):  # the second round runs on warm caches, like a served process
            with statements(runtime) as claim:
                r = client.post(f"/api/v1/projects/{pid}/tasks/next", headers=headers)
            assert r.status_code == 200, r.text
            task = r.json()
            body = {"segments": [{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}],
                    "base_version": task["current_version"], "time_spent_ms": 1000}
            with statements(runtime) as submit:
                s = client.post(f"/api/v1/tasks/{task['id']}/annotations", json=body,
                                headers=headers)
            assert s.status_code == 201, s.text
    # SQLite sends BEGIN IMMEDIATE itself; PostgreSQL adds the audit's advisory lock and the
    # item's row lock (SELECT ... FOR UPDATE) to a submit
    # (on PostgreSQL the pick, the win, the new hold and the item's read are one statement: 13
    # before)
    # (the project's existence, the permission check's questions, the held task and the claim
    # guards' first questions are read ahead in one statement, read_claim_ahead: 14 / 10 before)
    assert len(claim) <= (7 if sqlite else 3), claim
    # (the submit read its review task before opening it, and closed its task after counting:
    # one UPDATE now does each; its version, pointer and status move in one UPDATE, and on
    # SQLite the item's version numbers are read with its row: 18 / 19 before; PostgreSQL reads
    # them after the row lock, see test_review_version_after_a_waited_lock)
    # (the permission check's questions, the hold and the project's rules read ahead in one
    # statement, read_submit_ahead: 16 / 17 before)
    # (the task and its item are read by one statement, and on PostgreSQL the audit chain's
    # lock and head are one call, datamill_audit_head: 14 / 15 before)
    assert len(submit) <= 13, submit
    with runtime.session() as s:  # and the work is all there
        assert verify_audit(s, runtime.settings).ok
