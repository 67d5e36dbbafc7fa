"""Trial finding (tamper evidence): deleting the newest audit records went unseen.

Up to ``audit_checkpoint_every - 1`` records after the last signed checkpoint could be deleted
with database access and ``datamill audit verify``, the API and the ``/audit`` page all said
the trail was intact: what remained still chained. A trigger (migration sc001) now copies
every deleted row into ``audit_deletions`` and ``verify_audit`` reports each run of deleted
ids (which, written when, deleted when and by whom); appends never fire it (the submit path
keeps its statements), and rollbacks never raise an alarm.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, delete, func, inspect, select, text

from datamill.compliance.audit import record_audit, verify_audit, write_checkpoint
from datamill.compliance.audit_state import audit_state
from datamill.compliance.models import AuditDeletion, AuditRecord, User
from datamill.db.migrate import alembic_config
from datamill.runtime import Runtime
from datamill.web.i18n import t
from tests._migrations import drop_schema, migration_url


def _fill(runtime: Runtime, n: int) -> int:
    """Append ``n`` records; the newest id."""
    with runtime.session() as s:
        for i in range(n):
            rec = record_audit(s, actor_id=None, action="test.event", object_type="thing",
                               object_id=i, data={"i": i})
        return rec.id


def _report(runtime: Runtime) -> dict[str, object]:
    with runtime.session() as s:
        return verify_audit(s, runtime.settings).to_dict()


def _problems(report: dict[str, object], kind: str) -> list[dict[str, object]]:
    return [p for p in report["problems"] if p["problem"] == kind]  # type: ignore[attr-defined]


@pytest.mark.parametrize("deleted", [1, 50])
def test_deleting_the_newest_records_after_a_checkpoint_is_reported(
    runtime: Runtime, users: dict[str, User], deleted: int
) -> None:
    every = runtime.settings.audit_checkpoint_every
    newest = _fill(runtime, every + 54)  # 6 users first: a checkpoint at #every, 60 after it
    with runtime.session() as s:
        assert s.scalar(select(func.max(AuditRecord.id))) == newest == every + 60
    assert _report(runtime)["ok"] is True
    first = newest - deleted + 1
    with runtime.session() as s:  # someone with database access
        s.execute(delete(AuditRecord).where(AuditRecord.id >= first))
    report = _report(runtime)
    assert report["ok"] is False
    assert _problems(report, "truncated") == []  # the checkpoint cannot see it: before #every
    (found,) = _problems(report, "deleted")
    assert found["record_id"] == first
    message = str(found["message"])
    ids = f"record #{first} was" if deleted == 1 else f"{deleted} records #{first}-#{newest} were"
    assert ids in message, message
    assert f"the trail now ends at #{first - 1}" in message and "deleted from the database at" in message
    if runtime.engine.dialect.name == "postgresql":
        assert "by database user postgres" in message


def test_the_page_reports_it_when_it_resumes(runtime: Runtime, users: dict[str, User]) -> None:
    """The ``/audit`` page resumes from the last verified head; records deleted after that
    head are reported on the next load even though the head still holds."""
    _fill(runtime, 5)
    with runtime.session() as s:
        assert audit_state(s, runtime.settings).report.ok
    newest = _fill(runtime, 3)
    with runtime.session() as s:
        s.execute(delete(AuditRecord).where(AuditRecord.id == newest))
    with runtime.session() as s:
        state = audit_state(s, runtime.settings)
    assert not state.report.ok and state.report.first_bad_record == newest
    assert [p["problem"] for p in state.report.problems] == ["deleted"]
    # the page's heading for it, in both languages
    assert t("audit.problem.deleted") == "Records deleted from the database (deletion journal)"
    assert t("audit.problem.deleted", "zh-CN") == "记录已从数据库中删除（删除日志）"
    assert t("audit.problem.unguarded", "zh-CN") == "删除操作未被记录（触发器缺失或被禁用）"


def test_rollbacks_and_concurrent_writers_raise_no_alarm(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """A rolled-back append takes an id on PostgreSQL (its sequence is not transactional) and
    deletes nothing; a rolled-back DELETE leaves no journal row. Neither is reported, at the
    tail or inside the trail, nor are appends from writers in parallel."""
    s = runtime.sessions()
    try:
        record_audit(s, actor_id=None, action="test.rolled_back", object_type="thing")
        s.flush()
        s.rollback()
    finally:
        s.close()
    assert _report(runtime)["ok"] is True  # an id taken at the tail, nothing deleted
    with runtime.session() as s:
        write_checkpoint(s, runtime.settings)
    s = runtime.sessions()
    try:
        s.execute(delete(AuditRecord).where(AuditRecord.id > 3))  # regretted: rolled back
        s.rollback()
    finally:
        s.close()

    def write(n: int) -> None:
        for i in range(5):
            with runtime.session() as ws:
                record_audit(ws, actor_id=None, action="test.parallel", object_type="thing",
                             object_id=n * 100 + i)
            if i == 2:
                rs = runtime.sessions()
                try:
                    record_audit(rs, actor_id=None, action="test.rolled_back",
                                 object_type="thing")
                    rs.flush()
                    rs.rollback()
                finally:
                    rs.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    report = _report(runtime)
    assert report["ok"] is True, report["problems"]
    assert report["records"] == 26
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditDeletion)) == 0


def _unguarded_after(runtime: Runtime, statement: str) -> str:
    """The ``unguarded`` message after ``statement``, in a transaction rolled back after (DDL
    is transactional on both databases: the shared test database keeps its trigger)."""
    s = runtime.sessions()
    try:
        s.execute(text(statement))
        (found,) = _problems(verify_audit(s, runtime.settings).to_dict(), "unguarded")
        return str(found["message"])
    finally:
        s.rollback()
        s.close()


def test_a_dropped_or_disabled_trigger_is_reported(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pg = runtime.engine.dialect.name == "postgresql"
    drop = "DROP TRIGGER audit_records_deleted" + (" ON audit_records" if pg else "")
    assert "audit_records_deleted on audit_records is missing" in _unguarded_after(runtime, drop)
    if pg:  # disabled: reported; a session that skips ordinary triggers: still recorded
        disable = "ALTER TABLE audit_records DISABLE TRIGGER audit_records_truncated"
        assert "audit_records_truncated on audit_records is disabled" in _unguarded_after(
            runtime, disable)
        with runtime.session() as s:
            s.execute(text("SET LOCAL session_replication_role = replica"))
            s.execute(delete(AuditRecord).where(AuditRecord.id == 6))
        (found,) = _problems(_report(runtime), "deleted")
        assert "record #6 was deleted" in str(found["message"])
        with runtime.session() as s:  # TRUNCATE deletes without a DELETE trigger: its own
            s.execute(text("TRUNCATE audit_records"))
        runs = _problems(_report(runtime), "deleted")
        assert "5 records #1-#5 were deleted" in str(runs[-1]["message"])
    assert _report(runtime)["ok"] is (not pg)


_SCHEMA = "mig_sc001"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sc001_upgrades_and_downgrades(backend: str, tmp_path: Path) -> None:
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    url = cfg.get_main_option("sqlalchemy.url") or url
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "sb001")  # the compliance branch before sc001 (the rest at head)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            for i in (1, 2, 3):
                conn.execute(text("INSERT INTO audit_records (id, at, action, object_type, data, "
                                  "prev_hash, record_hash, record_hmac) VALUES (:i, :at, 'a', "
                                  "'t', '{}', '', :h, '')"),
                             {"i": i, "at": "2026-01-01 00:00:00+00:00", "h": f"h{i}"})
        command.upgrade(cfg, "sc001")
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_records WHERE id >= 2"))
            rows = conn.execute(text("SELECT record_id, record_hash FROM audit_deletions "
                                     "ORDER BY record_id")).all()
        assert [tuple(r) for r in rows] == [(2, "h2"), (3, "h3")]
        command.downgrade(cfg, "sb001")
        assert "audit_deletions" not in inspect(engine).get_table_names()
        with engine.begin() as conn:  # the trigger went with it
            conn.execute(text("DELETE FROM audit_records"))
    finally:
        engine.dispose()
        drop_schema(backend, _SCHEMA)


def test_the_api_reports_it(runtime: Runtime, users: dict[str, User]) -> None:
    from fastapi.testclient import TestClient

    from datamill.compliance.users import create_user
    from datamill.server import create_app

    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
    with TestClient(create_app(runtime)) as client:
        token = client.post("/api/v1/auth/token",
                            json={"username": "aud", "password": "password1"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        assert client.get("/api/v1/audit/verify", headers=headers).json()["ok"] is True
        with runtime.session() as s:
            newest = s.scalar(select(func.max(AuditRecord.id)))
            s.execute(delete(AuditRecord).where(AuditRecord.id == newest))
        body = client.get("/api/v1/audit/verify", headers=headers).json()
    assert body["ok"] is False and body["first_bad_record"] == newest
    assert [p["problem"] for p in body["problems"]] == ["deleted"]
