"""Issue 13 §2 (claim/submit speed): what made a served claim slow, kept from coming back.

``datamill serve --workers N`` listens on a socket uvicorn binds itself with protocol number 0;
asyncio then leaves Nagle's algorithm on for every connection, so each answer's body waited for
the client's delayed ACK (≈ 40 ms a request for a keep-alive client: a lone annotator's claim
took 56 ms with two workers, 10 ms with one). The served protocol turns ``TCP_NODELAY`` on.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import uvicorn
from uvicorn.server import ServerState

from datamill.server import HTTP_PROTOCOL


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


def test_plain_uvicorn_leaves_nagle_on_for_a_protocol_0_listener() -> None:
    # the defect's cause, so this test notices if uvicorn or asyncio ever change it
    assert asyncio.run(_served_nodelay("h11")) == 0


def test_served_connections_turn_nagle_off() -> None:
    assert asyncio.run(_served_nodelay(HTTP_PROTOCOL)) != 0
