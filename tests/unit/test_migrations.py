"""The Alembic migrations build exactly the schema the models declare (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from typer.testing import CliRunner

from datamill.cli.main import app
from datamill.config import get_settings
from datamill.db import migrate
from datamill.db.base import Base, load_models
from datamill.db.migrate import SchemaFromNewerVersion, upgrade_database
from datamill.runtime import Runtime


def test_migrations_match_models(runtime: Runtime) -> None:
    load_models()
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


#: Non-unique indexes whose columns start another index of their table: each INSERT pays for
#: them and every lookup can use the wider index. Here only until the catalog's migration drops
#: them (another branch is changing the catalog's chain).
_KNOWN_COVERED = {
    ("catalog_releases", "ix_catalog_releases_dataset_id"),
    ("catalog_third_party_files", "ix_catalog_third_party_files_third_party_id"),
}

#: Each plain non-unique index of the current schema with a plain index of the same table whose
#: key columns begin with all of its own (pg_index.indkey as text: "2", "2 3", ...).
_PG_COVERED = """
WITH ix AS (
    SELECT i.indrelid::regclass::text AS t, i.indexrelid::regclass::text AS ix,
           i.indisunique AS u, i.indkey::text AS k,
           i.indpred IS NULL AND i.indexprs IS NULL AS plain
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema())
SELECT a.t, a.ix, b.ix FROM ix a JOIN ix b ON a.t = b.t AND a.ix <> b.ix
WHERE NOT a.u AND a.plain AND b.plain AND (b.k = a.k OR b.k LIKE a.k || ' %')
ORDER BY 1, 2, 3
"""


def _sqlite_covered(conn: Connection) -> list[tuple[str, str, str]]:
    """What :data:`_PG_COVERED` finds, from SQLite's index pragmas (unique constraints are
    ``sqlite_autoindex_*`` there)."""
    found = []
    tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite_%'")).scalars().all()
    for table in tables:
        indexes = []  # (name, unique, plain, key column ids)
        for row in conn.execute(text(f'PRAGMA index_list("{table}")')).mappings():
            cols = [r.cid for r in conn.execute(text(f'PRAGMA index_info("{row["name"]}")'))]
            indexes.append((row["name"], bool(row["unique"]),
                            not row["partial"] and -2 not in cols, cols))
        for name, unique, plain, cols in indexes:
            if unique or not plain:
                continue
            found += [(table, name, other) for other, _u, other_plain, other_cols in indexes
                      if other != name and other_plain and other_cols[:len(cols)] == cols]
    return sorted(found)


def test_no_index_is_covered_by_another(runtime: Runtime) -> None:
    """A new ``index=True`` on a column that already leads a unique constraint or a wider index
    fails here: it would cost every INSERT and serve no query the wider one cannot."""
    with runtime.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            found = [tuple(r) for r in conn.execute(text(_PG_COVERED))]
        else:
            found = _sqlite_covered(conn)
    assert [f for f in found if (f[0], f[1]) not in _KNOWN_COVERED] == []


def test_a_database_from_a_newer_datamill_is_refused_in_one_line(
        sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """An operator rolled the code back after an upgrade: nothing is changed, one line says
    why (exit 4, JSON with --json), not Alembic's traceback."""
    url = sqlite_runtime.settings.resolved_database_url()
    with sqlite_runtime.engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version VALUES ('zz999_from_the_future')"))
    with pytest.raises(SchemaFromNewerVersion) as caught:
        upgrade_database(url)
    assert "zz999_from_the_future is unknown here" in caught.value.message
    monkeypatch.setenv("DATAMILL_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db-upgrade", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 4, result.output
    assert json.loads(result.stdout)["error"]["code"] == "schema_newer"


def test_a_database_at_every_head_is_not_migrated_again(
        runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a runtime on an upgraded database reads its version table and runs no Alembic
    upgrade (50-60 ms a runtime: every CLI command, every test's runtime); one whose version
    table names what the code does not know still goes to Alembic (the refusal above)."""
    url = runtime.settings.resolved_database_url()
    ran: list[str] = []
    real = migrate.command.upgrade
    monkeypatch.setattr(migrate.command, "upgrade",
                        lambda config, target: ran.append(target) or real(config, target))
    upgrade_database(url)
    Runtime.from_settings(runtime.settings).close()
    assert ran == []
    future = "DELETE FROM alembic_version WHERE version_num = 'zz999_from_the_future'"
    with runtime.engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version VALUES ('zz999_from_the_future')"))
    try:
        with pytest.raises(SchemaFromNewerVersion):
            upgrade_database(url)
    finally:  # the PostgreSQL test database outlives the test, its version table too
        with runtime.engine.begin() as conn:
            conn.execute(text(future))
    assert ran == ["heads"]
