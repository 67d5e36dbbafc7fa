"""Issue 14 §3: migration g0001 adds ``aggregation_method`` and ``confidence`` to annotations;
existing versions keep every value (NULL in the new columns), and downgrade drops them again
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from datamill.db.migrate import alembic_config
from tests._migrations import drop_schema, migration_url

_SCHEMA = "mig_g0001"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_existing_annotations_survive_g0001(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "m0001")  # the production branch's head before g0001
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
            "spec_version, status, created_at) VALUES (1, 'p', 'image', 'en-US', "
            "'custom_service', 'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, owner, "
            "status, meta, reject_reasons, current_version, created_at) VALUES (1, 1, 'i1', 'h1', "
            "'i1.png', 10, 'customer', 'in_review', '{}', '[]', 1, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO annotations (id, item_id, version, stage, kind, segments, text, "
            "time_spent_ms, created_at) VALUES (1, 1, 1, 'annotate', 'annotation', "
            "'{\"classes\": [\"street\"]}', 'x', 1200, CURRENT_TIMESTAMP)"))
    engine.dispose()
    command.upgrade(cfg, "g0001")  # heads would rename segments (pd001)
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT kind, segments, text, time_spent_ms, aggregation_method, confidence "
            "FROM annotations WHERE id = 1")).one()
    segments = json.loads(row[1]) if isinstance(row[1], str) else row[1]
    assert (row[0], segments, row[2], row[3], row[4], row[5]) == (
        "annotation", {"classes": ["street"]}, "x", 1200, None, None)
    engine.dispose()
    command.downgrade(cfg, "m0001")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    columns = {c["name"] for c in inspect(engine).get_columns("annotations")}
    assert "confidence" not in columns and "aggregation_method" not in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM annotations WHERE id = 1")).scalar() == "x"
    engine.dispose()
    drop_schema(backend, _SCHEMA)
