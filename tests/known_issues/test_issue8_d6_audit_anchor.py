"""Issue 8, defect 6: nothing checked the audit chain, and truncation or re-hashing went unseen.

Records now carry an HMAC under a key kept outside the database, signed checkpoints pin the count
and head (in the database and in ``home/audit_checkpoint.json``), and ``datamill audit verify``,
``GET /api/v1/audit/verify`` and the ``/audit`` page check all of it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from datamill.cli.audit import warn_if_broken
from datamill.compliance.audit import (
    CHECKPOINT_FILE,
    _digest,
    record_audit,
    verify_audit,
    verify_audit_chain,
    write_checkpoint,
)
from datamill.compliance.keys import AUDIT_KEY_FILE
from datamill.compliance.models import AuditCheckpoint, AuditRecord, User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._cli import run_cli
from tests.known_issues._web import web_login

API = "/api/v1"


def _fill(runtime: Runtime, n: int) -> None:
    with runtime.session() as s:
        for i in range(n):
            record_audit(s, actor_id=None, action="test.event", object_type="thing", object_id=i,
                         data={"i": i})


def _verify(runtime: Runtime) -> dict[str, object]:
    with runtime.session() as s:
        return verify_audit(s, runtime.settings).to_dict()


def _problems(report: dict[str, object]) -> set[str]:
    return {str(p["problem"]) for p in report["problems"]}  # type: ignore[attr-defined]


def test_untouched_chain_verifies(runtime: Runtime, users: dict[str, User]) -> None:
    _fill(runtime, 5)
    report = _verify(runtime)
    assert report["ok"] is True and report["records"] == 11 and report["signed"] == 11
    key = runtime.settings.home / AUDIT_KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600
    with runtime.session() as s:
        assert all(r.record_hmac for r in s.scalars(select(AuditRecord)))


def test_concurrent_writers_keep_one_chain(runtime: Runtime, users: dict[str, User]) -> None:
    """Writers in parallel transactions never chain onto the same predecessor (PostgreSQL takes
    an advisory lock; SQLite has one writer)."""
    from concurrent.futures import ThreadPoolExecutor

    def write(n: int) -> None:
        for i in range(5):
            with runtime.session() as s:
                record_audit(s, actor_id=None, action="test.parallel", object_type="thing",
                             object_id=n * 100 + i)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    report = _verify(runtime)
    assert report["ok"] is True, report["problems"]
    assert report["records"] == 26


def test_a_waiting_append_chains_onto_the_record_it_waited_for(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """The second writer waits for the first's lock and then reads the head the first wrote
    (PostgreSQL: the lock and the head are one call, ``datamill_audit_head``, whose read starts
    after the lock is granted; a statement reading with its own start snapshot would chain onto
    the older head)."""
    import threading

    first = runtime.sessions()  # a session left open: its transaction holds the lock
    try:
        mine = record_audit(first, actor_id=None, action="test.first", object_type="thing")
        first.flush()
        done: list[AuditRecord] = []

        def second() -> None:
            with runtime.session() as s:
                done.append(record_audit(s, actor_id=None, action="test.second",
                                         object_type="thing"))

        waiter = threading.Thread(target=second)
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive() and not done  # it waits for the first writer
        first.commit()
    finally:
        first.close()
    waiter.join(30)
    assert done and done[0].prev_hash == mine.record_hash
    assert _verify(runtime)["ok"] is True


def test_truncation_detected(runtime: Runtime, users: dict[str, User]) -> None:
    _fill(runtime, 4)
    with runtime.session() as s:
        cp = write_checkpoint(s, runtime.settings)
        assert cp is not None and cp.record_count == 10
    assert (runtime.settings.home / CHECKPOINT_FILE).is_file()
    with runtime.session() as s:  # the attacker deletes the newest rows
        s.execute(delete(AuditRecord).where(AuditRecord.id > 7))
    with runtime.session() as s:
        assert verify_audit_chain(s) is None  # the plain chain cannot tell
    report = _verify(runtime)
    assert report["ok"] is False and "truncated" in _problems(report)
    with runtime.session() as s:  # ... and the checkpoints in the database too
        s.execute(delete(AuditCheckpoint))
    report = _verify(runtime)
    assert report["ok"] is False and "truncated" in _problems(report)  # the file remembers


def test_periodic_checkpoints(runtime: Runtime, users: dict[str, User]) -> None:
    every = runtime.settings.audit_checkpoint_every
    _fill(runtime, every)  # 6 users + every events: one automatic checkpoint at record `every`
    with runtime.session() as s:
        cps = list(s.scalars(select(AuditCheckpoint)))
    assert [c.record_id for c in cps] == [every]
    assert json.loads((runtime.settings.home / CHECKPOINT_FILE).read_text())["record_id"] == every
    with runtime.session() as s:
        s.execute(delete(AuditRecord).where(AuditRecord.id > every - 2))
    assert "truncated" in _problems(_verify(runtime))


def _rehash_from(s: Session, first_id: int) -> None:
    """What an attacker with database access does: recompute every later plain hash."""
    prev = s.scalars(select(AuditRecord).where(AuditRecord.id < first_id)
                     .order_by(AuditRecord.id.desc()).limit(1)).first()
    prev_hash = prev.record_hash if prev else ""
    for rec in s.scalars(select(AuditRecord).where(AuditRecord.id >= first_id)
                         .order_by(AuditRecord.id)):
        rec.prev_hash = prev_hash
        rec.record_hash = _digest(prev_hash, rec)
        prev_hash = rec.record_hash
    s.flush()


def test_rehash_detected(runtime: Runtime, users: dict[str, User]) -> None:
    _fill(runtime, 4)
    with runtime.session() as s:
        rec = s.get(AuditRecord, 3)
        assert rec is not None
        rec.data = {**rec.data, "role": "admin"}
        _rehash_from(s, 3)
    with runtime.session() as s:
        assert verify_audit_chain(s) is None  # the old check passes: the attack worked before
    report = _verify(runtime)
    assert report["ok"] is False and report["first_bad_record"] == 3
    assert "bad_signature" in _problems(report)


def test_legacy_rows_adopted_then_protected(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:  # rows written before the HMAC existed
        s.execute(update(AuditRecord).values(record_hmac=""))
    report = _verify(runtime)
    assert report["ok"] is True and report["signed"] == 0 and report["checkpoints"] == 1
    _fill(runtime, 2)
    assert _verify(runtime)["ok"] is True
    with runtime.session() as s:
        rec = s.get(AuditRecord, 2)
        assert rec is not None
        rec.action = "user.deleted"
        _rehash_from(s, 2)
    report = _verify(runtime)
    assert report["ok"] is False and "checkpoint_mismatch" in _problems(report)


def test_legacy_adoption_on_first_signed_write(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        s.execute(update(AuditRecord).values(record_hmac=""))
    _fill(runtime, 1)
    with runtime.session() as s:
        assert [c.record_id for c in s.scalars(select(AuditCheckpoint))] == [6]
    assert _verify(runtime)["ok"] is True
    with runtime.session() as s:  # an unsigned row after the anchor is not accepted
        s.execute(update(AuditRecord).where(AuditRecord.id == 7).values(record_hmac=""))
    assert "unsigned" in _problems(_verify(runtime))


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
    with TestClient(create_app(runtime)) as c:
        yield c


def _bearer(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_api_and_page(client: TestClient, runtime: Runtime) -> None:
    r = client.get(f"{API}/audit/verify", headers=_bearer(client, "aud"))
    assert r.status_code == 200 and r.json()["ok"] is True
    assert client.get(f"{API}/audit/verify", headers=_bearer(client, "ann1")).status_code == 403
    assert client.get(f"{API}/audit/verify").status_code == 401
    r = client.post(f"{API}/audit/checkpoint", headers=_bearer(client, "admin"))
    # 7 users created + the three API tokens issued above, each issue and each sign-in
    # audited (auth.signed_in), + the verification asked for (audit.verified)
    assert r.status_code == 200 and r.json()["record_count"] == 14

    web_login(client, "admin")
    page = client.get("/audit")
    assert page.status_code == 200 and 'data-testid="audit-status"' in page.text
    assert "The audit trail is intact" in page.text
    with runtime.session() as s:
        s.execute(delete(AuditRecord).where(AuditRecord.id > 5))
    page = client.get("/audit", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "审计日志已被破坏" in page.text
    web_login(client, "ann1")
    assert client.get("/audit").status_code == 403


def test_startup_warning(runtime: Runtime, users: dict[str, User],
                         capsys: pytest.CaptureFixture[str]) -> None:
    warn_if_broken(runtime)
    assert capsys.readouterr().err == ""
    with runtime.session() as s:
        write_checkpoint(s, runtime.settings)
    with runtime.session() as s:
        s.execute(delete(AuditRecord).where(AuditRecord.id > 3))
    warn_if_broken(runtime)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "audit trail is broken" in err and "#6" in err


def _cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli(home, *args, ok=False, columns=80, **env)


def test_cli_verify_json_both_ways(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for name, role in (("u1", "auditor"), ("u2", "annotator"), ("u3", "data_security_officer")):
        assert _cli(home, "user", "create", name, "--role", role,
                    "--password", "password1").returncode == 0
    r = _cli(home, "audit", "verify", "--as", "u1", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ok"] is True and json.loads(r.stdout)["records"] == 3
    r = _cli(home, "audit", "checkpoint", "--json")  # the signer is named, as on the API
    assert r.returncode == 2 and json.loads(r.stdout)["error"]["code"] == "usage", r.stdout
    for reader in ("u1", "u2"):  # an auditor reads the trail but does not sign it
        r = _cli(home, "audit", "checkpoint", "--as", reader, "--json")
        assert r.returncode == 6 and json.loads(r.stdout)["error"]["code"] == "forbidden"
    r = _cli(home, "audit", "checkpoint", "--as", "u3", "--json")
    # 3 users created + the verification asked for above (audit.verified)
    assert r.returncode == 0 and json.loads(r.stdout)["record_count"] == 4
    r = _cli(home, "audit", "verify", "--as", "u1")
    assert r.returncode == 0 and "intact" in r.stdout

    import sqlite3

    with sqlite3.connect(home / "datamill.db") as db:
        # the signed head (#4) and everything after it: the tail a checkpoint counted is gone
        db.execute("DELETE FROM audit_records WHERE id >= 4")
    r = _cli(home, "audit", "verify", "--as", "u1", "--json")
    assert r.returncode == 7
    report = json.loads(r.stdout)
    assert report["ok"] is False and report["problems"][0]["problem"] == "truncated"
    r = _cli(home, "audit", "verify", "--as", "u1")
    assert r.returncode == 7 and "BROKEN" in r.stdout
    r = _cli(home, "audit", "verify", "--as", "u1", "--json", DATAMILL_AUDIT_KEY="short")
    assert r.returncode != 0
    assert json.loads(r.stdout)["error"]["code"] == "weak_secret"
