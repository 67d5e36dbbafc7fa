"""The HTTP protocol ``datamill serve`` runs: uvicorn's own (httptools when installed, else h11)
with ``TCP_NODELAY`` on every connection.

asyncio sets ``TCP_NODELAY`` only on sockets whose protocol number is ``IPPROTO_TCP``; the
listening socket uvicorn binds itself for ``--workers N`` is made with protocol 0, so its
connections kept Nagle's algorithm. An answer goes out as two writes (head, then body); the body
then waited for the client's delayed ACK: about 40 ms on every request of a keep-alive client
(a single annotator's claim took 56 ms with two workers, 10 ms with one).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

__all__ = ["NoDelayHTTPProtocol", "set_nodelay"]


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Turn Nagle's algorithm off for a TCP connection (no-op for other transports)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP/1.1 protocol with ``TCP_NODELAY`` set when a connection is made."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        set_nodelay(transport)
        super().connection_made(transport)
