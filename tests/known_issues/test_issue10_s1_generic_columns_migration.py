"""Issue 10 §1: migration pd001 gives deliveries, annotations and drafts modality-neutral
column names. A database of the previous release (every migration but pd001) keeps every value:
the application reads them under the new names after the upgrade, and a downgrade gives the old
names back (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from datamill.db.migrate import alembic_config
from datamill.production.delivery import get_delivery
from datamill.production.models import Annotation, Draft
from tests._migrations import drop_schema, migration_url

_SCHEMA = "mig_pd001"
_ROWS = (
    "INSERT INTO users (id, username, display_name, password_hash, role, is_active, created_at) "
    "VALUES (1, 'ann', 'Ann', 'x', 'annotator', true, CURRENT_TIMESTAMP)",
    "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
    "spec_version, status, created_at) VALUES (1, 'p', 'speech.asr', 'en-US', 'custom_service', "
    "'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)",
    "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, owner, status, "
    "meta, reject_reasons, current_version, created_at) VALUES (1, 1, 'u1', 'h1', 'u1.wav', 10, "
    "'customer', 'accepted', '{}', '[]', 1, CURRENT_TIMESTAMP)",
    "INSERT INTO batches (id, project_id, name, status, created_at) "
    "VALUES (1, 1, 'b1', 'delivered', CURRENT_TIMESTAMP)",
    "INSERT INTO tasks (id, project_id, item_id, stage, status, overlap, active_claims, "
    "submissions, created_at) VALUES (1, 1, 1, 'annotate', 'open', 1, 0, 0, CURRENT_TIMESTAMP)",
    "INSERT INTO deliveries (id, batch_id, project_id, path, formats, manifest, datasheet, status, "
    "delivered_hours, delivered_utterances, accepted_duration_ms, accepted_utterances, "
    "created_at) VALUES (1, 1, 1, '/d/b1', '[\"kaldi\"]', '{}', '{\"duration_ms\": 7200000}', "
    "'accepted', 2.0, 40, 7000000, 39, CURRENT_TIMESTAMP)",
    "INSERT INTO annotations (id, item_id, version, stage, kind, segments, text, created_at) "
    "VALUES (1, 1, 1, 'annotate', 'annotation', '[{\"start_ms\": 0, \"end_ms\": 900, "
    "\"text\": \"hello\"}]', 'hello', CURRENT_TIMESTAMP)",
    "INSERT INTO web_drafts (id, task_id, user_id, base_version, segments, time_spent_ms, "
    "revision, updated_at) VALUES (1, 1, 1, 1, '[{\"text\": \"typed\"}]', 5, 3, "
    "CURRENT_TIMESTAMP)",
)


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_previous_release_rows_keep_every_value(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "pc001")  # the previous release: every migration but pd001
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.begin() as conn:
        for row in _ROWS:
            conn.execute(text(row))
    engine.dispose()

    command.upgrade(cfg, "heads")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with Session(engine) as s:
        d = get_delivery(s, 1)
        assert (d.delivered_items, d.delivered_volume, d.accepted_items,
                d.accepted_volume_base) == (40, 2.0, 39, 7_000_000)
        assert (d.volume_unit, d.accepted_volume) == ("hours", 1.9444)
        assert d.model_dump()["delivered_utterances"] == 40  # the old name, still answered
        annotation = s.get(Annotation, 1)
        assert annotation is not None
        assert annotation.payload == [{"start_ms": 0, "end_ms": 900, "text": "hello"}]
        assert annotation.segments == annotation.payload  # the older name reads the same
        draft = s.get(Draft, 1)
        assert draft is not None and (draft.payload, draft.revision) == ([{"text": "typed"}], 3)
    engine.dispose()

    command.downgrade(cfg, "pc001")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    columns = {c["name"] for c in inspect(engine).get_columns("deliveries")}
    assert {"delivered_hours", "delivered_utterances", "accepted_duration_ms",
            "accepted_utterances"} <= columns and "delivered_items" not in columns
    with engine.connect() as conn:
        assert tuple(conn.execute(text(
            "SELECT delivered_hours, delivered_utterances, accepted_duration_ms, "
            "accepted_utterances FROM deliveries")).one()) == (2.0, 40, 7_000_000, 39)
        assert _json(conn.execute(text("SELECT segments FROM web_drafts")).scalar()) == [
            {"text": "typed"}]
        assert _json(conn.execute(text("SELECT segments FROM annotations")).scalar())[0][
            "text"] == "hello"
    engine.dispose()
    drop_schema(backend, _SCHEMA)
