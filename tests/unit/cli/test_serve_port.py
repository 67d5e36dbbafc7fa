"""``datamill serve`` on a port something already listens on: one line, the conflict exit code
(uvicorn's own exit 3 read as "not found" in the CLI's codes)."""

from __future__ import annotations

import socket
from pathlib import Path

from tests._cli import run_process as run  # the real server process


def test_a_busy_port_is_a_conflict_named_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for workers in ("1", "2"):
            proc = run(tmp_path / "home", "serve", "--port", port, "--workers", workers, ok=False)
            assert proc.returncode == 4, proc.stderr
            assert proc.stderr.startswith("error (conflict): cannot listen on 127.0.0.1:"), (
                proc.stderr)
            assert "choose another --port" in proc.stderr and "Traceback" not in proc.stderr
            assert proc.stderr.count("\n") == 1  # the app never started


def test_an_unknown_host_is_invalid_input(tmp_path: Path) -> None:
    proc = run(tmp_path / "home", "serve", "--host", "no-such-host.invalid", ok=False)
    assert proc.returncode == 2 and "cannot listen on no-such-host.invalid" in proc.stderr
