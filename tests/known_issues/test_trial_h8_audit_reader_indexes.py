"""Follow-up to the audit-trail reader: ``audit_records`` had no index for its filters, so
"one person's records, newest first" and a time range read the whole trail. Migration sa001
adds ``(actor_id, id)`` and ``(at)``; the reader's queries use them (SQLite and PostgreSQL),
and downgrade drops them again."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from datamill.db.migrate import alembic_config
from tests._migrations import drop_schema, migration_url

_SCHEMA = "mig_sa001"
_BY_ACTOR = ("SELECT id FROM audit_records WHERE actor_id = 1 AND id < 5000 "
             "ORDER BY id DESC LIMIT 50")
_BY_TIME = ("SELECT count(*) FROM audit_records WHERE at >= '2026-01-01' "
            "AND at < '2026-01-02'")


def _indexes(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {ix["name"] or "" for ix in inspect(engine).get_indexes("audit_records")}
    finally:
        engine.dispose()


def _plans(url: str, backend: str) -> list[str]:
    engine = create_engine(url)
    with engine.begin() as conn:
        if backend == "sqlite":
            return [" ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {q}")))
                    for q in (_BY_ACTOR, _BY_TIME)]
        conn.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: ask for the index
        out = [" ".join(str(r[0]) for r in conn.execute(text(f"EXPLAIN {q}")))
               for q in (_BY_ACTOR, _BY_TIME)]
    engine.dispose()
    return out


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sa001_indexes_the_readers_filters(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    url = cfg.get_main_option("sqlalchemy.url") or url
    command.upgrade(cfg, "sy001")  # the compliance branch before sa001
    assert not {"ix_audit_records_actor_id_id", "ix_audit_records_at"} & _indexes(url)
    command.upgrade(cfg, "sa001")
    assert {"ix_audit_records_actor_id_id", "ix_audit_records_at"} <= _indexes(url)
    by_actor, by_time = _plans(url, backend)
    assert "ix_audit_records_actor_id_id" in by_actor, by_actor
    assert "ix_audit_records_at" in by_time, by_time
    command.downgrade(cfg, "sy001")
    assert not {"ix_audit_records_actor_id_id", "ix_audit_records_at"} & _indexes(url)
    drop_schema(backend, _SCHEMA)
