"""The ``/audit`` page on a long trail: walking the whole chain on every load vs resuming.

Builds N signed, chained audit records (``--n``, default 100,000; checkpoints every 100 as the
default settings write them) by several people over 60 days, bulk-inserted with the chain's own
hashing (then ``verify_audit`` must find the trail intact), and serves ``create_app(runtime)``
in-process (Starlette's TestClient; an auditor signed in through the real login form). Timed,
median of ``--loads`` loads each:

* ``full walk`` — the page as it was: the whole chain walked on every load (the kept
  verification removed before each load, so the page walks it all, as ``verify now`` does);
* ``resumed`` — the page now: it resumes from the kept verification (head, count, signature
  checks; no new record);
* ``resumed, +10 records`` — ten records appended before each load (walked on that load);
* filters on the resumed page: one person's records, a one-day range, a page turn
  (``offset=5000``);
* the reader's queries alone (``list_audit_records``: count + page) with and without the sa001
  indexes (dropped, timed, created again).

SQLite file database; with ``--pg-url URL`` (or ``DATAMILL_BENCH_PG_URL``) also PostgreSQL (a
scratch database ``<db>_bench_<pid>`` created and dropped there). Run:
``.venv/bin/python bench/audit_page.py --n 100000 [--pg-url URL]``.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    add_pg_url,
    base_parser,
    console,
    cores,
    migrated_runtime,
    scratch_database,
    table,
    workdir,
)
from argon2 import PasswordHasher  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from datamill.compliance import audit, users  # noqa: E402
from datamill.compliance.audit_log import AuditFilter, list_audit_records  # noqa: E402
from datamill.compliance.audit_state import VERIFIED_FILE  # noqa: E402
from datamill.compliance.keys import audit_key  # noqa: E402
from datamill.compliance.models import AuditCheckpoint, AuditRecord  # noqa: E402
from datamill.compliance.users import create_user, get_user  # noqa: E402
from datamill.config import Settings  # noqa: E402
from datamill.runtime import Runtime  # noqa: E402
from datamill.server import create_app  # noqa: E402

PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away bench user
#: the bench's throw-away users (an auditor who signs in, 20 actors who never do) are hashed at
#: argon2's lowest cost: the page is timed, not the hashing (at the default cost the 21 hashes
#: of each database were ~8 s of CPU, more than half of a short run)
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ACTIONS = ("annotation.submitted", "review.done", "batch.delivered", "expense.approved")
INDEXES = (("ix_audit_records_actor_id_id", "actor_id, id"), ("ix_audit_records_at", "at"))


def fill(rt: Runtime, n: int) -> None:
    """N chained, signed records (and a checkpoint every ``audit_checkpoint_every``)."""
    key = audit_key(rt.settings)
    every = rt.settings.audit_checkpoint_every
    with rt.session() as s:
        create_user(s, "aud", PASSWORD, "auditor")
        actors = [create_user(s, f"worker{i}", PASSWORD, "annotator").id for i in range(20)]
    with rt.session() as s:
        start = s.scalar(text("SELECT coalesce(max(id), 0) FROM audit_records")) or 0
        prev = s.scalar(text(f"SELECT record_hash FROM audit_records WHERE id = {start}")) or ""
        count = int(s.scalar(text("SELECT count(*) FROM audit_records")) or 0)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    cps: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        rec = AuditRecord(
            id=start + i, at=t0 + timedelta(seconds=i * 60 * 60 * 24 * 60 // n),
            actor_id=actors[i % len(actors)], action=ACTIONS[i % len(ACTIONS)],
            object_type="task", object_id=i, project_id=1 + i % 7, data={"i": i},
            prev_hash=prev)
        rec.record_hash = audit._digest(prev, rec)  # noqa: SLF001 - the chain's own hashing
        rec.record_hmac = audit._record_mac(key, rec.record_hash)  # noqa: SLF001
        prev = rec.record_hash
        rows.append({c: getattr(rec, c) for c in (
            "id", "at", "actor_id", "action", "object_type", "object_id", "project_id", "data",
            "prev_hash", "record_hash", "record_hmac")})
        if (count + i) % every == 0:
            cps.append({"at": rec.at, "record_id": rec.id, "record_count": count + i,
                        "head_hash": rec.record_hash, "hmac": audit._checkpoint_mac(  # noqa: SLF001
                            key, rec.id, count + i, rec.record_hash)})
    with rt.session() as s:
        for k in range(0, len(rows), 5000):
            s.execute(insert(AuditRecord), rows[k:k + 5000])
        if cps:
            s.execute(insert(AuditCheckpoint), cps)
        if rt.engine.dialect.name == "postgresql":
            s.execute(text("SELECT setval(pg_get_serial_sequence('audit_records', 'id'), "
                           "(SELECT max(id) FROM audit_records))"))
    with rt.engine.begin() as conn:
        if rt.engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE audit_records"))
        else:
            conn.execute(text("ANALYZE"))
    with rt.session() as s:
        report = audit.verify_audit(s, rt.settings)
        if not report.ok:
            raise SystemExit(f"the bench's trail does not verify: {report.problems[:3]}")


def login(client: TestClient) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = client.post("/login", data={"username": "aud", "password": PASSWORD,
                                    "csrf_token": token.group(1), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def timed_loads(client: TestClient, loads: int, params: dict[str, str] | None = None,
                before: Any = None) -> float:
    """Median ms of ``loads`` GET /audit (``before()`` runs untimed before each)."""
    out = []
    for _ in range(loads):
        if before is not None:
            before()
        t = time.perf_counter()
        r = client.get("/audit", params=params or {})
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200 and "data-testid=\"audit-status\"" in r.text, r.text[:500]
        assert "The audit trail is intact" in r.text
    return statistics.median(out)


def reader_ms(rt: Runtime, filters: AuditFilter, loads: int) -> float:
    out = []
    for _ in range(loads):
        with rt.session() as s:
            me = get_user(s, "aud")
            t = time.perf_counter()
            list_audit_records(s, me, filters, limit=50)
            out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def run(rt: Runtime, label: str, n: int, loads: int) -> list[list[Any]]:
    t = time.perf_counter()
    fill(rt, n)
    console.print(f"[dim]{label}: {n:,} records inserted and verified in "
                  f"{time.perf_counter() - t:.1f} s[/dim]")
    kept = Path(rt.settings.home) / VERIFIED_FILE
    with TestClient(create_app(rt)) as client:
        login(client)
        full = timed_loads(client, loads, before=lambda: kept.unlink(missing_ok=True))
        client.get("/audit")  # keep a verification
        resumed = timed_loads(client, loads)

        def append() -> None:
            with rt.session() as s:
                for _ in range(10):
                    audit.record_audit(s, actor_id=None, action="bench.more", object_type="x")

        appended = timed_loads(client, loads, before=append)
        actor = timed_loads(client, loads, {"actor": "worker3"})
        day = timed_loads(client, loads, {"since": "2026-01-10", "until": "2026-01-10"})
        turn = timed_loads(client, loads, {"offset": "5000"})
    rows: list[list[Any]] = [
        [f"{label}: full walk every load (before)", full, 1.0],
        [f"{label}: resumed (now)", resumed, resumed / full],
        [f"{label}: resumed, +10 records each load", appended, appended / full],
        [f"{label}: resumed, actor filter", actor, actor / full],
        [f"{label}: resumed, one-day range", day, day / full],
        [f"{label}: resumed, page turn (offset 5000)", turn, turn / full],
    ]
    wanted = {"actor": AuditFilter(actor="worker3"),
              "one day": AuditFilter(since="2026-01-10", until="2026-01-10")}
    with_ix = {k: reader_ms(rt, f, loads) for k, f in wanted.items()}
    with rt.engine.begin() as conn:
        for name, _ in INDEXES:
            conn.execute(text(f"DROP INDEX {name}"))
    without = {k: reader_ms(rt, f, loads) for k, f in wanted.items()}
    with rt.engine.begin() as conn:
        for name, cols in INDEXES:
            conn.execute(text(f"CREATE INDEX {name} ON audit_records ({cols})"))
    for k in wanted:
        rows.append([f"{label}: reader query, {k}, no index → sa001 index", with_ix[k],
                     f"{without[k]:.1f} → {with_ix[k]:.1f} ms (×{with_ix[k] / without[k]:.2f})"])
    rows.append(["__ratio__", resumed / full, full / resumed])
    return rows


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="audit records")
    parser.add_argument("--loads", type=int, default=5, help="loads per measurement (median)")
    add_pg_url(parser, "also measure PostgreSQL (a scratch database on this server)")
    args = parser.parse_args()
    users._hasher = CHEAP_HASHER  # noqa: SLF001 - see CHEAP_HASHER
    results: list[list[Any]] = []
    summary = []
    with workdir(args, "audit-page") as folder:
        backends: list[tuple[str, str]] = [("sqlite", f"sqlite:///{folder / 'sqlite.db'}")]
        for name, url in backends:
            rt = migrated_runtime(Settings(database_url=url, storage_url=str(folder / "blobs"),
                                           home=folder / name))
            try:
                rows = run(rt, name, args.n, args.loads)
            finally:
                rt.close()
            results += [r for r in rows if r[0] != "__ratio__"]
            summary.append((name, next(r for r in rows if r[0] == "__ratio__")))
        if args.pg_url:
            with scratch_database(args.pg_url) as url:
                rt = migrated_runtime(Settings(database_url=url, storage_url=str(folder / "blobs"),
                                               home=folder / "pg"))
                try:
                    rows = run(rt, "postgresql", args.n, args.loads)
                finally:
                    rt.close()
                results += [r for r in rows if r[0] != "__ratio__"]
                summary.append(("postgresql", next(r for r in rows if r[0] == "__ratio__")))
    table(f"/audit page, {args.n:,} audit records, median of {args.loads} loads ({cores()} cores)",
          ["load", "ms", "ratio vs full walk"], results)
    console.print("SUMMARY audit page " + "; ".join(
        f"{name}: resumed/full = {r[1]:.3f} ({r[2]:.0f}x faster)" for name, r in summary)
        + f" at {args.n:,} records")


if __name__ == "__main__":
    main()
