"""Issue 10 §1: migration m0001 moves a speech item's audio columns into ``attributes`` and
its duration into ``volume`` without loss, and back on downgrade (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from datamill.db.migrate import alembic_config
from tests._migrations import drop_schema, migration_url

_SCHEMA = "mig_m0001"


def _attributes(value: object) -> dict[str, object]:
    return json.loads(value) if isinstance(value, str) else dict(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_speech_columns_move_into_attributes(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "i0001")  # the production branch's head before m0001
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
            "spec_version, status, created_at) VALUES (1, 'p', 'speech.asr', 'en-US', "
            "'custom_service', 'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, owner, "
            "status, duration_ms, sample_rate_hz, channels, bit_depth, speaker_id, gender, age, "
            "accent, device, environment, prompt, meta, reject_reasons, current_version, "
            "created_at) VALUES (1, 1, 'u1', 'h1', 'u1.wav', 10, 'customer', 'passed', 2345, "
            "16000, 1, 16, 'spk7', 'female', 31, 'US', 'phone', 'quiet', 'hello', '{}', '[]', 0, "
            "CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, owner, "
            "status, meta, reject_reasons, current_version, created_at) VALUES (2, 1, 'u2', 'h2', "
            "'u2.wav', 10, 'customer', 'imported', '{}', '[]', 0, CURRENT_TIMESTAMP)"))
        conn.execute(text(  # a row pointing at the item: items is altered in place, not rebuilt
            "INSERT INTO check_results (id, item_id, name, passed, value, extra, checked_at) "
            "VALUES (1, 1, 'snr', true, 31.5, '{}', CURRENT_TIMESTAMP)"))
    engine.dispose()
    command.upgrade(cfg, "heads")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, attributes, volume, prompt FROM items ORDER BY id")).all()
    assert _attributes(rows[0][1]) == {
        "duration_ms": 2345, "sample_rate_hz": 16000, "channels": 1, "bit_depth": 16,
        "speaker_id": "spk7", "gender": "female", "age": 31, "accent": "US", "device": "phone",
        "environment": "quiet",
    }
    assert (rows[0][2], rows[0][3]) == (2345, "hello")
    assert _attributes(rows[1][1]) == {} and rows[1][2] is None
    with engine.begin() as conn:  # a new row without attributes gets an empty object
        conn.execute(text(
            "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, owner, "
            "status, meta, reject_reasons, current_version, created_at) VALUES (3, 1, 'u3', 'h3', "
            "'u3.wav', 10, 'customer', 'imported', '{}', '[]', 0, CURRENT_TIMESTAMP)"))
        conn.execute(text("DELETE FROM items WHERE id = 3"))
        assert conn.execute(text("SELECT count(*) FROM check_results")).scalar() == 1
    engine.dispose()
    command.downgrade(cfg, "i0001")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.connect() as conn:
        back = conn.execute(text(
            "SELECT duration_ms, sample_rate_hz, channels, bit_depth, speaker_id, gender, age, "
            "accent, device, environment FROM items ORDER BY id")).all()
    assert tuple(back[0]) == (2345, 16000, 1, 16, "spk7", "female", 31, "US", "phone", "quiet")
    assert tuple(back[1]) == (None,) * 10
    engine.dispose()
    drop_schema(backend, _SCHEMA)
