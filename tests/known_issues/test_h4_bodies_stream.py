"""h4 trial (last round's left-out, MEDIUM): a project manager's upload to the import form was
held in memory whole, some 1.1 times its size, before the page read it: the body-size limit
buffered every request body, then replayed it joined into one message. Now the body streams
through the limit as it arrives (the form's file spools to a temporary file on disk), counted
and cut off at the limit, where a 413 replaces whatever the app answers to the body cut short;
nothing half-written is left behind (the import's temporary folder is never made).

The claim/submit hot lane read a body cut short as the whole: a submit padded past the limit
with spaces must not be stored (then answered 413)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message

from datamill.api.body_limit import BodySizeLimitMiddleware
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.models import Annotation
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.production.helpers import claimed_task, packaged_project, spec

LIMIT = 4096


def _recorder() -> tuple[Starlette, list[int]]:
    """An app behind the body limit that notes the size of each body message it receives."""
    seen: list[int] = []

    async def echo(request: Request) -> Response:
        try:
            async for chunk in request.stream():
                if chunk:
                    seen.append(len(chunk))
        except ClientDisconnect:
            return JSONResponse({"cut": True}, status_code=400)
        return JSONResponse({"bytes": sum(seen)})

    app = Starlette(routes=[Route("/echo", echo, methods=["POST"])],
                    middleware=[Middleware(BodySizeLimitMiddleware)])
    app.state.runtime = SimpleNamespace(settings=SimpleNamespace(
        max_request_bytes=LIMIT, request_read_timeout_s=30.0, min_body_bytes_per_s=1024))
    return app, seen


def _chunks(n: int, size: int = 1000) -> Iterator[bytes]:
    for _ in range(n):
        yield b"x" * size


def _post(app: Starlette, n: int) -> tuple[int, bytes]:
    """POST ``n`` body messages of 1000 bytes each straight to ``app`` (the test client joins a
    streamed body into one message): the answer's status and body."""
    messages: list[Message] = [
        {"type": "http.request", "body": b"x" * 1000, "more_body": i < n - 1} for i in range(n)]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/echo", "raw_path": b"/echo",
             "query_string": b"", "headers": [], "root_path": "", "scheme": "http",
             "server": ("test", 80), "client": ("test", 1), "http_version": "1.1",
             "asgi": {"version": "3.0"}}
    # a loop of its own in a thread of its own: the worker process may already run one (a
    # browser test's), where asyncio.run refuses to start
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_a_body_streams_through_the_limit_as_it_arrives() -> None:
    app, seen = _recorder()
    status, body = _post(app, 4)
    assert status == 200 and json.loads(body) == {"bytes": 4000}
    assert seen == [1000] * 4  # was [4000]: the whole body held, then replayed joined


def test_a_body_past_the_limit_is_cut_off_there_and_answered_413() -> None:
    app, seen = _recorder()
    status, body = _post(app, 10)
    assert status == 413, body  # not the app's own answer (400) to the body cut short
    assert json.loads(body)["code"] == "payload_too_large"
    assert seen == [1000] * 4  # what came within the limit, as it came


def test_an_upload_past_the_import_limit_leaves_nothing_behind(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A temp folder of this test's own: another process importing at the same moment (xdist's
    # other worker) makes upload folders in the shared one, which is no leftover of this request.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with runtime.session() as s:
        pid = create_project(s, spec(name="h4-stream")).id
        add_member(s, pid, users["pm"], actor_id=None)
    runtime.settings.max_request_bytes = LIMIT
    runtime.settings.max_upload_bytes = 64 * 1024
    web = TestClient(create_app(runtime))
    csrf = web_sign_in(web, "pm")
    before = set(Path(tempfile.gettempdir()).glob("datamill-upload-*"))
    boundary = "h4boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="a.zip"'
            '\r\nContent-Type: application/zip\r\n\r\n').encode()

    def body() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
        yield head
        yield from _chunks(100, 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = web.post(f"/projects/{pid}/import", content=body(),
                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                          "Accept": "text/html"})
    assert r.status_code == 413, r.status_code
    assert "64,536" in r.text or "65,536" in r.text
    assert set(Path(tempfile.gettempdir()).glob("datamill-upload-*")) == before


def test_a_submit_padded_past_the_limit_is_not_stored(
    runtime: Runtime, users: dict[str, User],
) -> None:
    pid = packaged_project(runtime, [users["ann1"]], 1)
    task_id = claimed_task(runtime, users["ann1"], pid)
    runtime.settings.max_annotation_bytes = LIMIT
    client = TestClient(create_app(runtime))
    ann = login(client, "ann1")
    document = (b'{"segments": [{"start_ms": 0, "end_ms": 1000, "text": "the quick brown fox"}],'
                b' "base_version": 0, "time_spent_ms": 1000}')

    def padded() -> Iterator[bytes]:  # a whole JSON document, then spaces past the limit
        yield document
        yield from (b" " * 1024 for _ in range(8))

    r = client.post(f"{API}/tasks/{task_id}/annotations", content=padded(),
                    headers={**ann, "Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    with runtime.session() as s:
        assert s.scalars(select(Annotation).where(Annotation.task_id == task_id)).first() is None
