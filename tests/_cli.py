"""``datamill`` commands as a person types them, run inside the test process.

Starting a ``datamill`` process costs ~0.75 s of CPU before the command begins (importing the
CLI), and the CLI tests run 150 commands and more: in this process they cost what the command
itself does. :func:`run_cli` gives each command what a new process would have: its
``DATAMILL_HOME`` and a 200-column terminal in the environment, settings read anew from that
environment and a runtime of its own (opened by the command, closed after it). It answers a
:class:`subprocess.CompletedProcess` (exit code, stdout, stderr apart) as
:func:`run_process` does, which starts the real process for the few tests whose point is the
process itself (the installed entry point, signals, a server).

A command that opens a new home's SQLite database migrates it (Alembic, every revision: about a
second of CPU, three of waiting on the disk); in :func:`run_cli` that database is instead a copy
of the process's migrated template (:func:`datamill.testing.fixtures.sqlite_template`, made by
the same migrations), copied where the migrations would have run, under their lock. The
migrations themselves are run and checked by the template, by tests/unit/test_migrations.py
and by every :func:`run_process` on a new home.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.config import get_settings
from datamill.db import migrate
from datamill.testing.fixtures import sqlite_template

__all__ = ["DATAMILL", "run_cli", "run_process"]

DATAMILL = [sys.executable, "-m", "datamill.cli"]


def _env(home: Path, columns: int, env: dict[str, str]) -> dict[str, str | None]:
    # the home's own SQLite database, whatever the test process's environment names
    return {"DATAMILL_DATABASE_URL": None, "DATAMILL_HOME": str(home), "COLUMNS": str(columns),
            **env}


_UPGRADE = migrate.upgrade_database


def _upgrade_from_template(url: str) -> None:
    """:func:`migrate.upgrade_database`, a new SQLite database (the empty, owner-only file
    ``Runtime.from_settings`` makes first) filled from the migrated template instead."""
    parsed = make_url(url)
    path = Path(parsed.database or "")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and path.is_file() and path.stat().st_size == 0:
        with migrate._one_upgrade_at_a_time(url):  # noqa: SLF001 - as the upgrade takes it
            if path.stat().st_size == 0:
                with sqlite_template().open("rb") as src, path.open("r+b") as dst:
                    shutil.copyfileobj(src, dst)  # into the file: its owner-only mode stays
    _UPGRADE(url)  # at every head now: one query of the version table


@contextmanager
def _new_databases_from_template() -> Iterator[None]:
    migrate.upgrade_database = _upgrade_from_template
    try:
        yield
    finally:
        migrate.upgrade_database = _UPGRADE


def run_cli(home: Path, *args: str, ok: bool = True, stdin: str | None = None,
            columns: int = 200, **env: str) -> subprocess.CompletedProcess[str]:
    """``datamill ARGS`` over ``home`` in this process, ``stdin`` its input and ``env`` more
    environment; ``ok`` asserts exit code 0."""
    saved = list(_common._runtime)
    _common._runtime.clear()
    get_settings.cache_clear()
    # the consoles' page width as a new process reads it from COLUMNS; this process's consoles
    # were made once, at import, with its own COLUMNS (an xdist worker has COLUMNS=80)
    widths = [(c, c._width) for c in (_common.out, _common.console)]  # noqa: SLF001 - rich's
    for c, _ in widths:
        c._width = columns  # noqa: SLF001
    try:
        with _new_databases_from_template():
            result = CliRunner().invoke(app, list(args), input=stdin,
                                        env=_env(home, columns, env), catch_exceptions=True)
    finally:
        for rt in _common._runtime:  # the command's own runtime, as its process would end it
            rt.close()
        _common._runtime[:] = saved
        get_settings.cache_clear()
        for c, width in widths:
            c._width = width  # noqa: SLF001
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # an uncaught exception: what the process would print before exiting 1
        stderr += "".join(traceback.format_exception(result.exception))
    proc = subprocess.CompletedProcess([*DATAMILL, *args], result.exit_code, result.stdout, stderr)
    if ok:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


def run_process(home: Path, *args: str, ok: bool = True, stdin: str | None = None,
                columns: int = 200, **env: str) -> subprocess.CompletedProcess[str]:
    """``datamill ARGS`` over ``home`` as a process of its own (as :func:`run_cli`)."""
    full = {**os.environ}
    for name, value in _env(home, columns, env).items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    proc = subprocess.run([*DATAMILL, *args], capture_output=True, text=True, env=full,  # noqa: S603
                          input=stdin, timeout=300)
    if ok:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc
