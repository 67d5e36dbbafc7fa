"""Issue 8, defect 7: migration i0001 keeps existing import runs (SQLite file database)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from datamill.db.migrate import alembic_config, upgrade_database


def test_existing_import_runs_survive_i0001(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0003")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec,"
            " spec_version, status, created_at) VALUES (1, 'p', 'speech.asr', 'en', 'custom_service',"
            " 'customer', '{}', 1, 'active', '2024-01-01 00:00:00')"
        ))
        conn.execute(text(
            "INSERT INTO import_runs (id, project_id, source, status, total, imported, duplicates,"
            " rejected, started_at) VALUES (7, 1, '/data/a', 'running', 3, 2, 0, 1, '2024-01-01 00:00:00')"
        ))
    upgrade_database(url)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT id, source, status, total, imported, rejected, host, pid, heartbeat_at FROM import_runs"
        )).one()
    assert tuple(row) == (7, "/data/a", "running", 3, 2, 1, None, None, None)
    command.downgrade(alembic_config(url), "0003")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM import_runs")).scalar() == 1
    engine.dispose()
