"""Database fixtures shared by datamill's tests and plugin authors' tests.

``DATAMILL_TEST_PG_URL`` names a PostgreSQL server database (``scripts/test.sh`` starts a
throw-away cluster and sets it); database tests then run on SQLite and PostgreSQL both.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import text

from datamill.config import Settings
from datamill.db.base import Base
from datamill.db.migrate import upgrade_database
from datamill.runtime import Runtime

__all__ = ["make_runtime", "pg_url", "reset_postgres"]

_template: dict[str, Path] = {}
_pg_ready: set[str] = set()
_migrated: set[str] = set()


def _scratch_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="datamill-pg-blobs-")


def pg_url() -> str | None:
    """The test PostgreSQL URL; under pytest-xdist each worker gets its own database."""
    base = os.environ.get("DATAMILL_TEST_PG_URL") or None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if base is None or not worker:
        return base
    url = f"{base}_{worker}"
    if url not in _pg_ready:
        import psycopg

        _server, _, dbname = base.rpartition("/")
        with psycopg.connect(base, autocommit=True) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (f"{dbname}_{worker}",)
            ).fetchone()
            if not found:
                conn.execute(f'CREATE DATABASE "{dbname}_{worker}"')
    return url


def reset_postgres(url: str) -> None:
    """Migrate once per process, then empty every table between tests (fast, ids restart)."""
    fresh = url not in _migrated
    rt = Runtime.from_settings(Settings(database_url=url, storage_url=_scratch_dir()), migrate=fresh)
    _migrated.add(url)
    _pg_ready.add(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with rt.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    rt.close()


def make_runtime(tmp: Path, backend: str = "sqlite", template_dir: Path | None = None) -> Runtime:
    """A fresh, migrated database (SQLite file or emptied PostgreSQL) and a blob folder."""
    if backend == "postgresql":
        url = pg_url()
        if url is None:
            raise RuntimeError("DATAMILL_TEST_PG_URL is not set; run the tests via scripts/test.sh")
        reset_postgres(url)
        settings = Settings(database_url=url, storage_url=str(tmp / "blobs"), home=tmp)
        return Runtime.from_settings(settings, migrate=False)
    db = tmp / "datamill.db"
    tdir = template_dir or Path(os.environ.get("TMPDIR", "/tmp")) / f"datamill-template-{os.getpid()}"  # noqa: S108
    if "sqlite" not in _template:
        tdir.mkdir(parents=True, exist_ok=True)
        tpl = tdir / "template.db"
        tpl.unlink(missing_ok=True)
        upgrade_database(f"sqlite:///{tpl}")
        _template["sqlite"] = tpl
    shutil.copyfile(_template["sqlite"], db)
    settings = Settings(database_url=f"sqlite:///{db}", storage_url=str(tmp / "blobs"), home=tmp)
    return Runtime.from_settings(settings, migrate=False)
