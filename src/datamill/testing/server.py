"""Real datamill server processes for tests and benchmarks (loopback only).

:func:`server_process` starts any command that serves datamill's API on a given port (``datamill
serve --workers N``, a bench script's ``--serve`` child ...), waits until it is ready
(``/readyz``), yields the base URL and stops the whole process group at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["free_port", "server_process"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server_process(
    argv: Sequence[str],
    port: int,
    log: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 60.0,
) -> Iterator[str]:
    """Run ``argv`` (which must serve on 127.0.0.1:``port``) with its output in ``log``; yield
    ``http://127.0.0.1:port`` once ``/readyz`` answers 200 (runtime built, database answering).

    It asked for ``/api/v1/openapi.json`` before: the server built the OpenAPI document for that
    (1.4 s of its CPU, on every start), and each poll was a new HTTP client (its TLS context
    loaded again, 0.02 s). A server older than ``/readyz`` (``claim_ab.py``'s baseline) answers
    it 404: then the OpenAPI document, as before."""
    import httpx

    full_env = {**os.environ, **(env or {})}
    with log.open("w") as fh:
        proc = subprocess.Popen(  # noqa: S603 - argv comes from our own tests and benches
            list(argv), stdout=fh, stderr=subprocess.STDOUT, env=full_env, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2) as client:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if _ready(client, base):
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start in {timeout_s:.0f} s")
                time.sleep(0.2)
        yield base
    finally:
        _stop(proc)


def _ready(client: Any, base: str) -> bool:
    status = client.get(f"{base}/readyz").status_code
    if status == 404:  # noqa: PLR2004 - a server from before /readyz
        status = client.get(f"{base}/api/v1/openapi.json").status_code
    return bool(status == 200)  # noqa: PLR2004


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (its worker processes too), then SIGKILL."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue
