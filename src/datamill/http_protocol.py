"""The HTTP protocol ``datamill serve`` runs: uvicorn's own (httptools when installed, else h11)
with ``TCP_NODELAY`` on every connection and a deadline for a request's headers.

asyncio sets ``TCP_NODELAY`` only on sockets whose protocol number is ``IPPROTO_TCP``; the
listening socket uvicorn binds itself for ``--workers N`` is made with protocol 0, so its
connections kept Nagle's algorithm. An answer goes out as two writes (head, then body); the body
then waited for the client's delayed ACK: about 40 ms on every request of a keep-alive client
(a single annotator's claim took 56 ms with two workers, 10 ms with one).

uvicorn times out only a keep-alive connection idle after an answer, and any byte of a next
request ends that: a connection that sent nothing, or half a request's headers, was held open
for good (a slowloris: a few hundred such connections, each costing its sender nothing, take
the server's file descriptors, and then nobody can connect). A connection now gets
``Settings.request_read_timeout_s`` from its opening, and from each answer, for a request's
headers to arrive whole; else it is closed. The request's body has its own deadline
(:mod:`datamill.api.body_limit`).

httptools bounds a request's URL (64 KB) but not its headers: one 20 MB header, or 20,000 small
ones, were read into memory whole (h11 stops at 16 KB). A request whose line and headers pass
:data:`MAX_HEAD_BYTES` is answered 431 (414 when the URL alone is), and the connection closed
after a short linger. Those answers and the one to a request the parser cannot read (uvicorn's
plain-text 400 ``Invalid HTTP request received.``) are problem+json like every other refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from datamill.core.problem_type import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

__all__ = ["MAX_HEAD_BYTES", "NoDelayHTTPProtocol", "problem_bytes", "set_nodelay"]

MAX_HEAD_BYTES = 64 * 1024
"""The most bytes a request's line and headers may take together (nginx allows 32 KB)."""

_LINGER_S = 2.0
"""Seconds a refused connection is read (and dropped) before it closes."""
_UNREADABLE = "the request could not be read as HTTP/1.1"
_URL_TOO_LONG = f"the request's URL is over {MAX_HEAD_BYTES // 1024} KB"
_HEAD_TOO_LARGE = (f"the request's line and headers are over {MAX_HEAD_BYTES // 1024} KB "
                   "together")


def problem_bytes(status: int, code: str, title: str, detail: str) -> bytes:
    """A whole HTTP/1.1 problem+json answer that closes its connection, written before any
    application saw the request."""
    body = json.dumps({"type": f"{PROBLEM_BASE}{code}", "title": title,
                       "status": status, "detail": detail, "code": code,
                       "error_id": uuid.uuid4().hex}).encode()  # as every problem has
    return (f"HTTP/1.1 {status} {title}\r\ncontent-type: {PROBLEM_MEDIA_TYPE}\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Turn Nagle's algorithm off for a TCP connection (no-op for other transports)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP/1.1 protocol with ``TCP_NODELAY`` set when a connection is made, and the
    connection closed when a request's headers do not arrive in time (module docstring)."""

    #: seconds a request's headers may take; None: ``Settings.request_read_timeout_s``
    headers_timeout_s: float | None = None
    _headers_timer: asyncio.TimerHandle | None = None
    #: bytes of a request's line and headers read so far; None: no head under way (or h11,
    #: which bounds a head itself and has no such callbacks)
    _head_bytes: int | None = None
    #: bytes of the head's URL and headers the parser has called back with, of its URL
    _head_parsed: int = 0
    _url_bytes: int = 0
    #: a request was refused before the app saw it: the connection only closes now
    _refused: bool = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        set_nodelay(transport)
        super().connection_made(transport)
        self._await_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._await_headers()

    def on_message_begin(self) -> None:  # httptools' callbacks
        self._head_bytes = self._head_parsed = self._url_bytes = 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:  # called with each piece of a long URL
        self._url_bytes += len(url)
        self._parsed(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._parsed(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        super().on_headers_complete()

    def _parsed(self, size: int) -> None:
        """Count a head that arrived whole in one read (the parser calls back before the
        request is served); raising makes the parser refuse it (:meth:`send_400_response`)."""
        self._head_parsed += size
        if self._head_parsed > MAX_HEAD_BYTES:
            raise ValueError(_HEAD_TOO_LARGE)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # the rest of a refused request, read and dropped until the close
        super().data_received(data)
        if self._head_bytes is None or self._refused or self.transport.is_closing():
            return
        self._head_bytes += len(data)  # a head still under way: (nearly) every byte is its
        if self._head_bytes > MAX_HEAD_BYTES:  # (one huge header the parser keeps whole)
            self._head_parsed = MAX_HEAD_BYTES + 1
            self.send_400_response(_HEAD_TOO_LARGE)

    def send_400_response(self, msg: str) -> None:
        """The parser's refusal as a problem (uvicorn's is plain text): 414 for a URL over the
        head's limit, 431 for a head over it, else 400."""
        if self._refused:
            return
        if self._url_bytes > MAX_HEAD_BYTES:
            answer = problem_bytes(414, "uri_too_long", "URI Too Long", _URL_TOO_LONG)
        elif self._head_parsed > MAX_HEAD_BYTES:
            answer = problem_bytes(431, "request_head_too_large",
                                   "Request Header Fields Too Large", _HEAD_TOO_LARGE)
        else:
            answer = problem_bytes(400, "bad_request", "Bad Request", _UNREADABLE)
        self.transport.write(answer)
        # a lingering close: closing with the client's bytes unread resets the connection,
        # and the client may never read the answer; end our side, drop what comes, close soon
        self._refused = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(_LINGER_S, self.transport.close)
        else:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._headers_timer is not None:
            self._headers_timer.cancel()
            self._headers_timer = None
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        """Start the clock for the next request's headers."""
        if self._headers_timer is not None:
            self._headers_timer.cancel()
        self._headers_timer = None
        if self.transport.is_closing():
            return
        timeout = self.headers_timeout_s
        if timeout is None:
            from datamill.config import get_settings

            timeout = get_settings().request_read_timeout_s
        self._headers_timer = self.loop.call_later(timeout, self._headers_overdue, self.cycle)

    def _headers_overdue(self, waited_from: Any) -> None:
        """Close the connection unless a request arrived since the clock started (one that is
        under way re-starts it when answered)."""
        self._headers_timer = None
        transport = self.transport
        if transport.is_closing() or transport.get_protocol() is not self:  # upgraded away
            return
        cycle = self.cycle
        if cycle is not waited_from or (cycle is not None and not cycle.response_complete):
            return
        if any(not task.done() for task in getattr(self, "tasks", ())):  # pipelined, under way
            return
        transport.close()
