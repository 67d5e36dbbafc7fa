"""Fixtures shared by the known-issue tests: the full demo's home, built once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._tools import require_tool


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``datamill demo --full`` (every project and the money story), run once; its home."""
    if shutil.which("espeak-ng") is None:
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    tmp = tmp_path_factory.mktemp("crawl")
    env = {**os.environ, "DATAMILL_HOME": str(tmp / "home"), "COLUMNS": "200"}
    proc = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill.cli", "demo", "--fresh", "--full", "--utterances", "4",
         "--workdir", str(tmp / "data")],
        capture_output=True, text=True, env=env, timeout=900, cwd=tmp,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    yield tmp / "home"
