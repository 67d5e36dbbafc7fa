"""Alembic, driven from code: ``upgrade_database(url)`` brings any database to all heads.

Each domain keeps its own migration branch (``branch_labels``) rooted on the core schema
revision ``0001`` in a ``migrations`` package beside its models, named in the
``datamill.migrations`` entry-point group (``db`` names no domain); domains evolve independently
and upgrading goes to every head.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError

from datamill.core.errors import Conflict

__all__ = [
    "SchemaFromNewerVersion", "alembic_config", "applied_between", "schema_heads", "upgrade_database",
    "version_locations",
]


class SchemaFromNewerVersion(Conflict):
    """The database was upgraded by a newer datamill (its schema names a migration this one
    does not have): nothing is changed; run that version, or restore a backup from before."""

    code = "schema_newer"

_MIGRATIONS = Path(__file__).with_name("migrations")


def version_locations() -> list[str]:
    """The folders of every ``datamill.migrations`` entry point (a package of revisions)."""
    out = []
    for ep in sorted(entry_points(group="datamill.migrations"), key=lambda e: e.name):
        spec = find_spec(ep.value)
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(f"migration package {ep.value!r} ({ep.name}) is not installed")
        out.append(str(Path(next(iter(spec.submodule_search_locations)))))
    return out


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(version_locations()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


#: the PostgreSQL advisory lock key upgrades take (``dmmigrat`` as a 64-bit number)
_PG_LOCK_KEY = 0x646D6D6967726174


@contextmanager
def _one_upgrade_at_a_time(url: str) -> Iterator[None]:
    """Hold a lock that every process upgrading the database at ``url`` takes first: several
    processes starting at once after a new datamill is installed (``serve`` workers, CLI jobs)
    each read the schema's version before the first had committed its migrations, then applied
    them again; all but one stopped with a traceback (``DuplicateColumn``, ``table ... already
    exists``: 3 of 4 processes on PostgreSQL and on SQLite, h4 trial). Now the others wait, then
    find nothing to apply. PostgreSQL: a session advisory lock; SQLite: an ``flock`` on
    ``<database>-migrate.lock`` beside the file (none where ``fcntl`` is missing)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        from datamill.db.session import make_engine

        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                    conn.commit()
        finally:
            engine.dispose()
        return
    folder = Path(parsed.database or "").parent
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        fcntl = None  # type: ignore[assignment]
    if backend != "sqlite" or fcntl is None or parsed.database in (None, "", ":memory:") \
            or not folder.is_dir():
        yield
        return
    fd = os.open(f"{parsed.database}-migrate.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


#: per set of migration folders, their revisions (read and parsed once a process)
_revision_maps: dict[str, Any] = {}


def _revision_map(config: Config) -> Any:
    locations = config.get_main_option("version_locations") or ""
    found = _revision_maps.get(locations)
    if found is None:
        from alembic.script import ScriptDirectory

        found = _revision_maps[locations] = ScriptDirectory.from_config(config).revision_map
    return found


def _at_every_head(url: str, config: Config) -> bool:
    """Whether the database at ``url`` has every revision of the code applied (its version
    table names the heads it reached; a head another revision depends on is not named)."""
    from alembic.script.revision import RevisionError

    current = schema_heads(url)
    if not current:
        return False
    revisions = _revision_map(config)
    try:
        applied = {r.revision for r in revisions.iterate_revisions(tuple(current), "base")}
    except RevisionError:  # a revision the code does not know: upgrade_database explains
        return False
    return all(head in applied for head in revisions.heads)


def upgrade_database(url: str) -> None:
    """Bring the database at ``url`` to every head, one process at a time
    (:func:`_one_upgrade_at_a_time`); one the code cannot read (a schema from a newer datamill)
    raises :class:`SchemaFromNewerVersion` before anything is changed.

    A database already at every head is left as it is after one query of its version table
    (the revision files read once a process): Alembic's own upgrade read and parsed the 60 and
    more revision files and loaded every model again to find nothing to do, 50-60 ms of CPU on
    every runtime a command opened (a test process opens thousands)."""
    config = alembic_config(url)
    if _at_every_head(url, config):
        return
    try:
        with _one_upgrade_at_a_time(url):
            command.upgrade(config, "heads")
    except CommandError as err:
        if "Can't locate revision" not in str(err):
            raise
        import re

        from sqlalchemy.engine import make_url

        from datamill import __version__

        shown = make_url(url).render_as_string(hide_password=True)
        unknown = re.findall(r"identified by '([^']+)'", str(err))
        raise SchemaFromNewerVersion(
            f"the database {shown} was upgraded by a newer datamill than this one "
            f"({__version__}): its migration {', '.join(unknown) or '?'} is unknown here; run "
            "the newer datamill, or restore a backup taken before that upgrade",
            database=shown) from None


def schema_heads(url: str) -> list[str]:
    """The revisions the database at ``url`` is at (none for a new database; a SQLite file
    that does not exist is not created)."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.engine import make_url

    from datamill.db.session import make_engine

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return []
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def applied_between(url: str, before: list[str], after: list[str]) -> list[str]:
    """The revisions an upgrade from ``before`` to ``after`` applied, oldest first."""
    from alembic.script import ScriptDirectory

    revisions = ScriptDirectory.from_config(alembic_config(url)).revision_map

    def ancestry(heads: list[str]) -> set[str]:
        if not heads:
            return set()
        return {r.revision for r in revisions.iterate_revisions(tuple(heads), "base")}

    new = ancestry(after) - ancestry(before)
    ordered = [r.revision for r in revisions.iterate_revisions(tuple(after), "base")]
    return [rev for rev in reversed(ordered) if rev in new]  # newest-first walk, reversed
