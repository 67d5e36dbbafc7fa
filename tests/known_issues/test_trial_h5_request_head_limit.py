"""Trial h5 (round 2): what the server answers before the app sees a request.

* httptools bounds a URL (64 KB) but not the headers: one 20 MB header, or 20,000 small ones,
  were read into memory whole and the request served (401), so a few connections without any
  credential could hold gigabytes. A request's line and headers over 64 KB together are now
  answered 431 and the connection closed.
* A URL over 64 KB (schemathesis ST103 on ``DELETE /packages/{id}/vendor?reason=...``) was
  answered uvicorn's plain-text 400 ``Invalid HTTP request received.``, a status and content
  type no operation documented; it is now a problem+json 414 (a malformed request a
  problem+json 400), and every operation documents 400, 414 and 431. Tested on a real uvicorn server with ``serve``'s own HTTP protocol.
"""

from __future__ import annotations

import json
import socket

import httpx

from datamill.http_protocol import MAX_HEAD_BYTES
from tests.known_issues.test_h4_slow_body_timeout import _answer, _app, _served


def _send(port: int, raw: bytes) -> tuple[bytes, dict[str, object]]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        got = _answer(sock)  # was: served, the whole head held in memory
    head, _, body = got.partition(b"\r\n\r\n")
    return head, json.loads(body)


def test_a_head_over_the_limit_is_431_and_an_unreadable_request_a_problem() -> None:
    with _served(_app(timeout_s=5, min_rate=1)) as port:
        # (an attacker sends on after the refusal; the test stops there to read the answer)
        for headers in (b"X-A: " + b"a" * 200_000, (b"X-A: " + b"a" * 1000 + b"\r\n") * 100,
                        (b"X-A: " + b"a" * 1000 + b"\r\n") * 100 + b"\r\n"):
            head, problem = _send(port, b"GET /hello HTTP/1.1\r\nHost: x\r\n" + headers)
            assert head.startswith(b"HTTP/1.1 431"), head
            assert b"application/problem+json" in head
            assert problem["code"] == "request_head_too_large"
        head, problem = _send(port, b"GET /hello?x=" + b"a" * 70_000 + b" HTTP/1.1\r\n"
                              b"Host: x\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 414") and b"application/problem+json" in head, head
        assert problem["code"] == "uri_too_long" and "64 KB" in str(problem["detail"])
        assert len(str(problem["error_id"])) == 32  # the schema's Problem requires one (ST108)  # noqa: PLR2004
        head, problem = _send(port, b"GET /hello HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400") and b"application/problem+json" in head, head
        assert problem["code"] == "bad_request"
        # a head under the limit, then a body far over it, on one keep-alive connection
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            big = {"X-A": "a" * (MAX_HEAD_BYTES - 4096)}
            for _ in range(2):
                assert client.get("/hello", headers=big).json() == {"ok": True}
                assert client.post("/echo", content=b"y" * 900_000).json() == {"bytes": 900_000}


def test_every_operation_documents_the_servers_refusals() -> None:
    from datamill.server import create_app

    for path, ops in create_app().openapi()["paths"].items():
        for method, op in ops.items():
            for status in ("400", "414", "431"):
                content = op["responses"].get(status, {}).get("content", {})
                assert "application/problem+json" in content, (method, path, status)
