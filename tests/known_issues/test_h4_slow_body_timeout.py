"""h4 (last round's left-out, MEDIUM): a request body trickled slowly had no read timeout. uvicorn
times out neither a body's next piece nor a whole body, so a client that declared a large body
and sent a byte now and then held its connection, and the request's handler waited on it,
for as long as it liked (a slowloris on the upload routes: a few hundred of them hold the
server's descriptors and memory while each costs the sender nothing).

The body-size limit now also bounds how long a body may take: each piece must come within
``request_read_timeout_s`` of the last, and after that grace the body must have averaged at least
``min_body_bytes_per_s``; else the request is answered 408 (problem+json, ``Connection:
close``) and the connection closed, while the server goes on answering everyone else. Tested
on a real uvicorn server with ``serve``'s own HTTP protocol.

Headers too: uvicorn timed out only a keep-alive connection idle after an answer, so a
connection that sent nothing, or half a request's headers, stayed open for good (the same
slowloris, on file descriptors). ``serve``'s protocol now closes a connection whose request's
headers do not arrive whole within ``request_read_timeout_s`` of its opening or of the last
answer; a request that takes longer to answer is not cut."""

from __future__ import annotations

import asyncio
import contextlib
import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from datamill.api.body_limit import BodySizeLimitMiddleware
from datamill.http_protocol import NoDelayHTTPProtocol
from datamill.server import HTTP_PROTOCOL
from datamill.testing.server import free_port


async def _echo(request: Request) -> Response:
    return JSONResponse({"bytes": len(await request.body())})


async def _hello(_request: Request) -> Response:
    return JSONResponse({"ok": True})


async def _slow(_request: Request) -> Response:
    await asyncio.sleep(0.6)  # longer than the headers' deadline
    return JSONResponse({"slow": True})


class _QuickHeaders(NoDelayHTTPProtocol):
    headers_timeout_s = 0.4


def _app(timeout_s: float, min_rate: int) -> Starlette:
    app = Starlette(routes=[Route("/echo", _echo, methods=["POST"]), Route("/hello", _hello),
                            Route("/slow", _slow)],
                    middleware=[Middleware(BodySizeLimitMiddleware)])
    app.state.runtime = SimpleNamespace(settings=SimpleNamespace(
        max_request_bytes=1 << 20, request_read_timeout_s=timeout_s, min_body_bytes_per_s=min_rate))
    return app


@contextlib.contextmanager
def _served(app: Starlette, http: type | str = HTTP_PROTOCOL) -> Iterator[int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=http,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    got = b""
    while chunk := sock.recv(65536):
        got += chunk
    return got


def _slow_post(port: int, declared: int, lang: str = "en") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                 f"Accept-Language: {lang}\r\nContent-Length: {declared}\r\n\r\n".encode()
                 + b"x" * 10)
    return sock


def test_a_stalled_body_is_answered_408_and_others_are_served() -> None:
    with _served(_app(timeout_s=0.4, min_rate=1)) as port:
        started = time.monotonic()
        sock = _slow_post(port, 1000)  # 10 of 1,000 bytes, then nothing
        with sock:
            # the server answers others while that body hangs
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
                assert client.get("/hello").json() == {"ok": True}
                assert client.post("/echo", content=b"y" * 5000).json() == {"bytes": 5000}
            got = _answer(sock)  # was: no answer at all (recv timed out after 10 s)
        took = time.monotonic() - started
        head, _, body = got.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), got[:200]
        assert b"connection: close" in head.lower()
        problem = json.loads(body)
        assert problem["code"] == "request_timeout" and problem["status"] == 408
        assert took < 3, took


def test_a_trickled_body_below_the_least_rate_is_cut_off() -> None:
    # every byte within the idle timeout, yet far below the least average rate: the whole-body
    # deadline cuts it off, where a per-piece timeout alone would wait forever
    with _served(_app(timeout_s=0.3, min_rate=100)) as port:
        sock = _slow_post(port, 1000, "zh-CN")
        with sock:
            started = time.monotonic()
            for _ in range(40):  # a byte every 50 ms, until the server answers
                if select.select([sock], [], [], 0.05)[0]:
                    break
                sock.sendall(b"x")
            got = _answer(sock)
        assert got.startswith(b"HTTP/1.1 408"), got[:200]
        assert time.monotonic() - started < 2.5
        detail = json.loads(got.partition(b"\r\n\r\n")[2])["detail"]
        assert "请求体传输过慢" in detail and "每秒 100 字节" in detail, detail


def test_a_body_at_an_honest_pace_goes_through() -> None:
    with _served(_app(timeout_s=0.3, min_rate=100)) as port:
        with _slow_post(port, 210) as sock:
            for _ in range(4):  # 200 bytes in 0.4 s: 500 B/s, each piece within 0.3 s
                time.sleep(0.1)
                sock.sendall(b"x" * 50)
            head, _, body = sock.recv(65536).partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        assert json.loads(body) == {"bytes": 210}


def _closed_within(sock: socket.socket, seconds: float) -> float:
    """How long until the server closed ``sock`` (it must send nothing before)."""
    started = time.monotonic()
    sock.settimeout(seconds)
    assert sock.recv(100) == b""  # was: still open after 3 s (recv timed out)
    return time.monotonic() - started


def test_a_connection_without_whole_headers_is_closed() -> None:
    with _served(_app(timeout_s=30, min_rate=1), _QuickHeaders) as port:
        for opening in (b"", b"GET /hello HTTP/1.1\r\nHost: x\r\n"):
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(opening)
                assert _closed_within(sock, 3) < 2


def test_the_deadline_starts_again_after_each_answer_and_spares_slow_answers() -> None:
    with _served(_app(timeout_s=30, min_rate=1), _QuickHeaders) as port:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b'{"slow":true}' in sock.recv(65536)  # 0.6 s to answer: not cut at 0.4
            time.sleep(0.2)
            sock.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")  # kept alive
            assert b'{"ok":true}' in sock.recv(65536)
            sock.sendall(b"GET /hello HTTP/1.1\r\n")  # then half a request
            assert _closed_within(sock, 3) < 2
