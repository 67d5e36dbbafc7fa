"""Small helpers shared by the benchmark scripts (not part of datamill).

Every benchmark works in a temporary folder (removed at the end unless ``--keep``), on a real
SQLite file database (or a real PostgreSQL server when one is given) and real files.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from datamill.config import Settings
from datamill.runtime import Runtime
from datamill.testing.server import free_port, server_process

console = Console(highlight=False, width=130)


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--workdir", type=Path, default=None, help="use this folder (implies --keep)")
    return parser


def add_pg_url(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--pg-url``: a PostgreSQL server to measure on as well (default ``DATAMILL_BENCH_PG_URL``)."""
    parser.add_argument("--pg-url", default=os.environ.get("DATAMILL_BENCH_PG_URL"), help=help_text)


@contextmanager
def workdir(args: argparse.Namespace, prefix: str) -> Iterator[Path]:
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        yield args.workdir.resolve()
        return
    path = Path(tempfile.mkdtemp(prefix=f"datamill-bench-{prefix}-"))
    try:
        yield path
    finally:
        if args.keep:
            console.print(f"[dim]kept {path}[/dim]")
        else:
            shutil.rmtree(path, ignore_errors=True)


def migrated_runtime(settings: Settings) -> Runtime:
    """``Runtime.from_settings`` with migrations; when the migrations cannot run (another
    branch is mid-edit), falls back to ``Base.metadata.create_all`` and says so loudly."""
    try:
        return Runtime.from_settings(settings, migrate=True)
    except Exception as err:  # noqa: BLE001 - reported, then worked around
        import datamill.db.models_all  # noqa: F401 - complete metadata

        from datamill.db.base import Base

        console.print(
            f"[yellow]WARNING: migrations failed ({type(err).__name__}: {err}); schema made with "
            "Base.metadata.create_all instead[/yellow]"
        )
        rt = Runtime.from_settings(settings, migrate=False)
        Base.metadata.create_all(rt.engine)
        return rt


def sqlite_runtime(root: Path) -> Runtime:
    """A migrated SQLite file database and a local blob folder under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=f"sqlite:///{root / 'datamill.db'}", storage_url=str(root / "blobs"), home=root
    )
    return migrated_runtime(settings)


def asr_spec(name: str = "bench-asr", **overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "name": name,
        "modality": "speech.asr",
        "language": "en-US",
        "project_type": "custom_service",
        "stages": ["annotate", "review"],
        "package_size": 20,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        "requirements": {"read_speech": False, "min_duration_ms": 100},
    }
    spec.update(overrides)
    return spec


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    t = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        t.add_column(col, justify="left" if i == 0 else "right")
    for row in rows:
        t.add_row(*[_fmt(c) for c in row])
    console.print(t)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# ----------------------------------------------------------------------------- HTTP server


def serve_child(db_url: str, blobs: str, port: int) -> None:
    """Child process: uvicorn serving create_app(runtime) on 127.0.0.1:port."""
    import uvicorn

    from datamill import server

    settings = Settings(database_url=db_url, storage_url=blobs, home=Path(blobs).parent)  # secrets
    rt = Runtime.from_settings(settings, migrate=False)
    app = server.create_app(rt)
    if hasattr(server, "settle_heap"):  # as `datamill serve` does once started (newer versions)
        server.settle_heap()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                http=getattr(server, "HTTP_PROTOCOL", "auto"))


@contextlib.contextmanager
def http_server(
    script: str, db_url: str, blobs: str, log: Path, workers: int = 1
) -> Iterator[str]:
    """Run ``script --serve DB BLOBS PORT`` (which calls :func:`serve_child`); yield its URL.

    With ``workers`` > 1: ``datamill serve --workers N`` (uvicorn's worker processes), as a
    team server runs it.
    """
    port = free_port()
    if workers <= 1:
        argv = [sys.executable, script, "--serve", db_url, blobs, str(port)]
        env = None
    else:
        argv = [sys.executable, "-m", "datamill.cli", "serve", "--port", str(port),
                "--workers", str(workers)]
        env = {"DATAMILL_DATABASE_URL": db_url, "DATAMILL_STORAGE_URL": blobs,
               "DATAMILL_HOME": str(Path(blobs).parent)}
    with server_process(argv, port, log, env=env, timeout_s=240) as base:
        yield base


@contextlib.contextmanager
def scratch_database(server_url: str, tag: str = "") -> Iterator[str]:
    """A database of its own on ``server_url``'s server, dropped at the end.

    Named after the database ``server_url`` names (``<db>_bench_<pid>``; ``datamill_bench_<pid>``
    when it names none or ``postgres``), so that scratch databases keep their owner's prefix;
    ``tag`` tells apart several of one process (``<db>_bench_<pid>_<tag>``).
    """
    import psycopg

    head, _, dbname = server_url.rpartition("/")
    dbname, sep, query = dbname.partition("?")
    prefix = dbname if dbname and dbname != "postgres" else "datamill"
    name = f"{prefix}_bench_{os.getpid()}" + (f"_{tag}" if tag else "")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{head}/{name}{sep}{query}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
