"""A database the CLI cannot use — a server that does not answer, a URL scheme nobody knows, a
driver that is not installed (the demo's setup has no PostgreSQL driver) — is one line naming
DATAMILL_DATABASE_URL (or, with ``--json``, one JSON error object), never a page of traceback;
its password is never printed. ``datamill serve`` says the same."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from datamill.cli import _common
from datamill.config import get_settings
from datamill.core.errors import InvalidInput
from tests._cli import DATAMILL

DOWN = "postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere"  # port 1: refused at once


def _run(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATAMILL_HOME": str(home), "DATAMILL_DATABASE_URL": url,
           "COLUMNS": "200"}
    return subprocess.run([*DATAMILL, *args], capture_output=True, text=True, env=env,  # noqa: S603
                          timeout=120)


def test_a_database_server_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    proc = _run(tmp_path, DOWN, "project", "list", "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    err = json.loads(proc.stdout)["error"]
    assert err["code"] == "database_unavailable"
    assert "127.0.0.1:1/nowhere" in err["message"] and "DATAMILL_DATABASE_URL" in err["message"]
    proc = _run(tmp_path, DOWN, "project", "list")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error (database_unavailable)") and proc.stderr.count("\n") == 1
    assert "s3cret-pw" not in proc.stderr + proc.stdout


def test_serve_with_a_database_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    proc = _run(tmp_path, DOWN, "serve", "--port", "1")
    assert proc.returncode == 1 and proc.stdout == "", proc.stderr[-2000:]
    assert proc.stderr.startswith("error (database_unavailable)") and proc.stderr.count("\n") == 1
    assert "s3cret-pw" not in proc.stderr


def test_an_unknown_database_url_is_invalid_input(tmp_path: Path) -> None:
    proc = _run(tmp_path, "mysqlish://user:s3cret-pw@host/db", "project", "list", "--json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    err = json.loads(proc.stdout)["error"]
    assert err["code"] == "invalid_input" and err["field"] == "DATAMILL_DATABASE_URL"
    assert "s3cret-pw" not in proc.stdout


@pytest.fixture
def named_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Settings read anew, with a home named (a PostgreSQL URL needs one)."""
    monkeypatch.setenv("DATAMILL_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("named_home")
def test_a_missing_database_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from datamill.runtime import Runtime

    def no_driver(*_a: Any, **_k: Any) -> None:
        raise ModuleNotFoundError("No module named 'psycopg'", name="psycopg")

    monkeypatch.setenv("DATAMILL_DATABASE_URL", DOWN)
    monkeypatch.setattr(Runtime, "from_settings", no_driver)
    with pytest.raises(InvalidInput) as caught:
        _common.open_runtime()
    assert "pip install 'datamill[pg]'" in caught.value.message
    assert "s3cret-pw" not in caught.value.message


@pytest.mark.usefixtures("named_home")
def test_another_missing_module_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    from datamill.runtime import Runtime

    def broken(*_a: Any, **_k: Any) -> None:
        raise ModuleNotFoundError("No module named 'yaml'", name="yaml")

    monkeypatch.setattr(Runtime, "from_settings", broken)
    with pytest.raises(ModuleNotFoundError):
        _common.open_runtime()
