"""The Alembic migrations build exactly the schema the models declare (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from typer.testing import CliRunner

from datamill.cli.main import app
from datamill.config import get_settings
from datamill.db.base import Base, load_models
from datamill.db.migrate import SchemaFromNewerVersion, upgrade_database
from datamill.runtime import Runtime


def test_migrations_match_models(runtime: Runtime) -> None:
    load_models()
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


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
