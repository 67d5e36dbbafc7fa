"""``datamill --version`` prints the installed version (and nothing else runs)."""

from __future__ import annotations

import subprocess
import sys

from datamill import __version__


def test_version_option_prints_the_version() -> None:
    proc = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill.cli", "--version"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"datamill {__version__}"


def test_python_dash_m_datamill_runs_the_cli() -> None:
    """``python -m datamill`` is the ``datamill`` command (it had no ``__main__``)."""
    proc = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill", "--version"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"datamill {__version__}"
    helped = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "datamill", "--help"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert helped.returncode == 0, helped.stderr
    assert "Usage: datamill" in helped.stdout
