"""A database for a migration test: a file for SQLite, a private schema of the test PostgreSQL
database (so the shared test database stays as it is)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from datamill.testing.fixtures import pg_url
from tests._tools import require_tool


def _pg_engine() -> Engine:
    url = pg_url()
    if url is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    return create_engine((url or "").replace("postgresql://", "postgresql+psycopg://", 1))


def migration_url(backend: str, tmp_path: Path, schema: str) -> str:
    """An empty database of ``backend`` (``sqlite`` or ``postgresql``) to migrate."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'{schema}.db'}"
    engine = _pg_engine()
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
    engine.dispose()
    url = pg_url() or ""
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


def drop_schema(backend: str, schema: str) -> None:
    """Remove what :func:`migration_url` made on PostgreSQL (SQLite's file goes with tmp_path)."""
    if backend != "postgresql":
        return
    engine = _pg_engine()
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()
