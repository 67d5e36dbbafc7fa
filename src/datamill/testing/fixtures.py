"""Database fixtures shared by datamill's tests and plugin authors' tests.

``DATAMILL_TEST_PG_URL`` names a PostgreSQL server database (``scripts/test.sh`` starts a
throw-away cluster and sets it); database tests then run on SQLite and PostgreSQL both.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from datamill.config import Settings
from datamill.db.base import Base, load_models
from datamill.db.migrate import upgrade_database
from datamill.db.session import make_engine
from datamill.runtime import Runtime

__all__ = ["drop_template", "make_runtime", "pg_url", "reset_postgres", "sqlite_template"]

_template: dict[str, Path] = {}
_pg_ready: set[str] = set()
_migrated: set[str] = set()
#: per database URL, the engine that empties it between tests (one connection, kept)
_resetters: dict[str, Engine] = {}


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


#: Empties the tables that hold rows and restarts the sequences that moved, in one round trip.
#: A TRUNCATE of every table (110 and more) took 210-380 ms a test, most of it making new files
#: for tables the test never touched (TRUNCATE ... CASCADE from ``users`` reaches nearly all);
#: a DELETE of a few rows costs well under a millisecond and an emptiness check microseconds.
#: Foreign-key triggers are off while it deletes (``session_replication_role``: the tables go
#: all at once, cycles such as items <-> annotations included), which needs a superuser; the
#: caller falls back to TRUNCATE without one.
_EMPTY_USED_TABLES = """
DO $$
DECLARE
    name text;
    found boolean;
    seq record;
BEGIN
    SET LOCAL session_replication_role = replica;
    FOREACH name IN ARRAY string_to_array(:names, ',') LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', name) INTO found;
        IF found THEN
            EXECUTE format('DELETE FROM %I', name);
        END IF;
    END LOOP;
    FOR seq IN SELECT sequencename FROM pg_sequences
               WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
        EXECUTE format('ALTER SEQUENCE %I RESTART', seq.sequencename);
    END LOOP;
END $$
"""


def reset_postgres(url: str) -> None:
    """Migrate once per process, then empty every table between tests (fast, ids restart).

    The emptying goes through one engine per process, kept between tests: a new engine's
    first connection (a server process forked, the session set up) and its settings cost
    20-35 ms a test, three times the emptying itself."""
    engine = _resetters.get(url)
    if engine is None:
        if url not in _migrated:
            upgrade_database(url)
            _migrated.add(url)
        _pg_ready.add(url)
        # every domain's tables, not only those whose models this process has imported yet: a
        # first test that had not imported the procurement models left their rows in place
        # while the sequences restarted, and its first insert collided with an old id 1
        load_models()
        engine = _resetters[url] = make_engine(url, pool_size=1, max_overflow=0)
    # last: deleting audit_records fills audit_deletions (an ALWAYS trigger, migration sc001)
    names = sorted((t.name for t in Base.metadata.sorted_tables),
                   key=lambda name: name == "audit_deletions")
    try:
        with engine.begin() as conn:
            # a DO block takes no bind parameters: the names go in as one quoted literal
            conn.execute(text(_EMPTY_USED_TABLES.replace(":names", _literal(",".join(names)))))
    except DBAPIError:  # not a superuser: TRUNCATE them all
        quoted = ", ".join(f'"{n}"' for n in names)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


def _literal(value: str) -> str:
    """``value`` as an SQL string literal (table names: letters, digits, underscores)."""
    return "'" + value.replace("'", "''") + "'"


def _default_template_dir() -> Path:
    return Path(os.environ.get("TMPDIR", "/tmp")) / f"datamill-template-{os.getpid()}"  # noqa: S108


def drop_template() -> None:
    """Forget the migrated SQLite template and remove its default folder (a test session's
    end: each process made its own, and left it in the temporary folder)."""
    _template.pop("sqlite", None)
    shutil.rmtree(_default_template_dir(), ignore_errors=True)


def sqlite_template(template_dir: Path | None = None) -> Path:
    """This process's migrated, empty SQLite database, made on first use (by
    :func:`upgrade_database`, as any new database is) in ``template_dir``: a copy of it is a
    new database at every head, for a few milliseconds instead of a second of CPU. Copy it,
    never open it."""
    if "sqlite" not in _template:
        tdir = template_dir or _default_template_dir()
        tdir.mkdir(parents=True, exist_ok=True)
        tpl = tdir / "template.db"
        tpl.unlink(missing_ok=True)
        upgrade_database(f"sqlite:///{tpl}")
        _template["sqlite"] = tpl
    return _template["sqlite"]


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
    shutil.copyfile(sqlite_template(template_dir), db)
    settings = Settings(database_url=f"sqlite:///{db}", storage_url=str(tmp / "blobs"), home=tmp)
    return Runtime.from_settings(settings, migrate=False)
