"""``datamill demo --fresh`` while ``datamill serve`` runs on the same home: refused (exit 4, one line
naming the server), the home left whole. Deleted under the server, the SQLite database lived on in the
server's open files: its pages kept showing (and writing to) the old demo's data while the CLI saw
the new one."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from datamill.cli.main import DEMO_MARKER, _home_served
from tests._cli import DATAMILL, run_cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_fresh_is_refused_while_a_server_uses_the_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / DEMO_MARKER).write_text("made by the demo\n", encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "DATAMILL_HOME": str(home)}
    env.pop("DATAMILL_DATABASE_URL", None)
    server = subprocess.Popen(  # noqa: S603 - the real server process is the point
        [*DATAMILL, "serve", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        proc = run_cli(home, "demo", "--fresh", "--modalities", "text",
                       "--workdir", str(tmp_path / "data"), ok=False)
        assert proc.returncode == 4, proc.stdout + proc.stderr  # noqa: PLR2004 - conflict
        assert proc.stderr.startswith("error (conflict): demo --fresh would delete"), proc.stderr
        assert "a running `datamill serve` is using" in proc.stderr and "Traceback" not in proc.stderr
        assert (home / "datamill.db").is_file() and (home / DEMO_MARKER).is_file()
        assert not (tmp_path / "data").exists()
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert not _home_served(home)  # the lock ends with the server: --fresh may go ahead
