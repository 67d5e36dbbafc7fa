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
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

__all__ = ["NoDelayHTTPProtocol", "set_nodelay"]


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

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        set_nodelay(transport)
        super().connection_made(transport)
        self._await_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._await_headers()

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
