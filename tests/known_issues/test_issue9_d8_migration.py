"""Issue 9, defect 8: migration e0001 keeps existing qualification tests, golden tasks and
attempts (revision 1, golden tasks in use) on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from datamill.db.migrate import alembic_config
from datamill.testing.fixtures import pg_url
from tests._tools import require_tool


def _url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    url = pg_url()
    if url is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:  # a private schema: the shared test database stays as it is
        conn.execute(text("DROP SCHEMA IF EXISTS mig_e0001 CASCADE; CREATE SCHEMA mig_e0001"))
    engine.dispose()
    return url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dmig_e0001"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_existing_rows_survive_e0001(backend: str, tmp_path: Path) -> None:
    url = _url(backend, tmp_path)
    cfg = alembic_config(url)
    command.upgrade(cfg, "w0002")
    command.upgrade(cfg, "0003")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, username, display_name, password_hash, role, is_active, "
            "created_at) VALUES (1, 'a', 'A', 'x', 'admin', true, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
            "spec_version, status, created_at) VALUES (1, 'p', 'speech.asr', 'en-US', "
            "'custom_service', 'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, owner, "
            "status, meta, reject_reasons, current_version, created_at) VALUES (1, 1, 'u', 'h', "
            "'u.wav', 1, 'customer', 'passed', '{}', '[]', 0, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO wf_qualification_tests (id, project_id, metric, pass_threshold, "
            "created_by, created_at) VALUES (1, 1, 'character_accuracy', 9000, 1, "
            "CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO wf_golden_tasks (id, test_id, item_id, reference_text) "
            "VALUES (1, 1, 1, 'hello')"))
    engine.dispose()
    command.upgrade(cfg, "heads")
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    with engine.connect() as conn:
        assert conn.execute(text(
            "SELECT revision, pass_threshold FROM wf_qualification_tests")).one() == (1, 9000)
        assert conn.execute(text(
            "SELECT reference_text, retired FROM wf_golden_tasks")).one() == ("hello", False)
    engine.dispose()
    if backend == "postgresql":
        base = create_engine((pg_url() or "").replace("postgresql://", "postgresql+psycopg://", 1))
        with base.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS mig_e0001 CASCADE"))
        base.dispose()
