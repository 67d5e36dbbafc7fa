"""Issue 8 migration ``s0001``: existing tokens gain an expiry (30 days), existing audit rows are
kept unsigned and adopted by the first verification; nothing is lost (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from datamill.compliance.audit import _digest, verify_audit
from datamill.compliance.models import AuditRecord
from datamill.compliance.users import _token_digest, user_for_token
from datamill.config import Settings
from datamill.db.migrate import alembic_config, upgrade_database
from datamill.runtime import Runtime
from datamill.testing.fixtures import pg_url
from tests._tools import require_tool


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    base = pg_url()
    if base is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    import psycopg

    server, _, name = base.rpartition("/")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_mig"')
        conn.execute(f'CREATE DATABASE "{name}_mig"')
    yield f"{server}/{name}_mig"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_mig" WITH (FORCE)')


def test_upgrade_keeps_tokens_and_audit_rows(empty_url: str, tmp_path: Path) -> None:
    command.upgrade(alembic_config(empty_url), "0003")
    engine = create_engine(empty_url.replace("postgresql://", "postgresql+psycopg://"))
    now = datetime.now(UTC).replace(microsecond=0)
    prev = ""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, role, "
                          "is_active, created_at) VALUES (1, 'old', 'old', 'x', 'admin', :t, :n)"),
                     {"t": True, "n": now})
        conn.execute(text("INSERT INTO api_tokens (user_id, token_sha256, name, created_at) "
                          "VALUES (1, :h, 'legacy', :n)"), {"h": _token_digest("dm_old"), "n": now})
        for i in range(1, 4):
            rec = AuditRecord(at=now, actor_id=1, action="old.event", object_type="thing",
                              object_id=i, project_id=None, data={"i": i})
            digest = _digest(prev, rec)
            conn.execute(text("INSERT INTO audit_records (id, at, actor_id, action, object_type, "
                              "object_id, data, prev_hash, record_hash) VALUES (:id, :at, 1, "
                              "'old.event', 'thing', :oid, :data, :prev, :h)"),
                         {"id": i, "at": now, "oid": i, "data": f'{{"i": {i}}}', "prev": prev,
                          "h": digest})
            prev = digest
    engine.dispose()
    upgrade_database(empty_url)
    rt = Runtime.from_settings(Settings(database_url=empty_url, home=tmp_path / "home",
                                        storage_url=str(tmp_path / "blobs")), migrate=False)
    try:
        with rt.session() as s:
            assert user_for_token(s, "dm_old").username == "old"
            expires = s.execute(text("SELECT expires_at FROM api_tokens")).scalar_one()
            if isinstance(expires, str):
                expires = datetime.fromisoformat(expires)
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=UTC)
            assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
        with rt.session() as s:
            report = verify_audit(s, rt.settings).to_dict()
        assert report["ok"] is True and report["records"] == 3 and report["checkpoints"] == 1
    finally:
        rt.close()
