"""Test plumbing shared by the test packages."""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def require_tool(what: str) -> None:
    """Skip on a developer machine without the tool; fail in CI, where setup must provide it."""
    if os.environ.get("CI"):
        pytest.fail(what)
    pytest.skip(what)


def require_module(name: str) -> ModuleType:
    """Import ``name``; without it, skip on a developer machine and fail in CI."""
    try:
        return importlib.import_module(name)
    except ImportError as err:
        require_tool(f"Python module {name} is not installed ({err})")
        raise  # unreachable: require_tool always raises


_PROCESS_FOLDERS: list[Path] = []


def process_folder(prefix: str) -> Path:
    """A new temporary folder for files a test process makes once and reuses (synthesised
    audio ...); :func:`remove_process_folders` (the session's end, ``tests/conftest.py``)
    removes it, so a test run leaves nothing behind in the temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _PROCESS_FOLDERS.append(folder)
    return folder


def remove_process_folders() -> None:
    """Remove every folder :func:`process_folder` made in this process."""
    while _PROCESS_FOLDERS:
        shutil.rmtree(_PROCESS_FOLDERS.pop(), ignore_errors=True)


def wait_for_a_lock_wait(engine: Any, racer: threading.Thread, at_most_s: float) -> None:
    """Until ``racer`` waits for a lock another transaction holds, or has ended: on
    PostgreSQL, until a backend of ``engine``'s database waits for a lock (polled every 20 ms);
    elsewhere (SQLite: its writer lock is not seen from outside) ``at_most_s`` or the end of
    ``racer``. A fixed sleep of ``at_most_s`` waited the whole time where the racer was waiting
    after a few milliseconds. Never raises: a racer that did not wait ends, and the test's own
    assertions say what it did."""
    from sqlalchemy import text

    deadline = time.monotonic() + (30.0 if engine.dialect.name == "postgresql" else at_most_s)
    while racer.ident is None and time.monotonic() < deadline:  # not started yet
        time.sleep(0.005)
    if engine.dialect.name != "postgresql":
        racer.join(max(0.0, deadline - time.monotonic()))
        return
    with engine.connect() as conn:
        while racer.is_alive() and time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)
