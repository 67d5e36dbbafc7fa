"""Submits per second on 2 cores: the issue 13 §2 goal "submit ≥ 500/s", measured on submits alone.

``claim_latency.py`` times claims; its cycles per second mix a claim and a submit. Here every
submit is one whose task is already claimed: ``--clients`` annotators (API tokens) are members of
``--projects`` speech projects (one annotate task each per annotator and project, items
bulk-inserted as ``claim_latency.py`` does), and each annotator claims one task in every project
in this process before the server starts (an annotator holds one task per project and stage).
Then ``datamill serve --workers N`` (default 2) on 127.0.0.1, and the clients, one keep-alive
connection each on one event loop, submit every held task (``POST /api/v1/tasks/{id}/annotations``,
``base_version`` from the claim) as fast as the server answers. Prints submits per second,
p50 / p99 of a submit, and the server's CPU milliseconds per submit (all its processes, from
``/proc``), per database; every submit must answer 201 and every task must end up submitted.

Run: ``.venv/bin/python bench/submit_throughput.py [--clients 32 --projects 25] [--pg-url URL]``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    Timer,
    add_pg_url,
    asr_spec,
    base_parser,
    console,
    cores,
    http_server,
    migrated_runtime,
    scratch_database,
    serve_child,
    table,
    workdir,
)
from claim_latency import PREFIX, _Conn, server_cpu_seconds  # noqa: E402

from datamill.compliance.users import add_member, create_token, create_user  # noqa: E402
from datamill.config import Settings  # noqa: E402
from datamill.production.models import Item, Task  # noqa: E402
from datamill.production.projects import create_project  # noqa: E402
from datamill.production.tasks import claim_next_task, create_packages  # noqa: E402
from datamill.runtime import Runtime  # noqa: E402

GOAL_PER_S = 500.0

Held = tuple[int, int]  # (task id, base version)


def prepare(rt: Runtime, n_clients: int, n_projects: int) -> tuple[list[str], list[list[Held]]]:
    """Annotators with tokens, ``n_projects`` projects of ``n_clients`` passed items each, and one
    claimed task per annotator and project: each annotator's token and held tasks."""
    with rt.session() as s:
        people = [create_user(s, f"sub{u:02d}", "password1", "annotator") for u in range(n_clients)]
        tokens = [create_token(s, person, "bench") for person in people]
        user_ids = [person.id for person in people]
        pids = []
        for p in range(n_projects):
            pid = create_project(s, asr_spec(f"bench-submits-{p}", package_size=n_clients)).id
            pids.append(pid)
            for person in people:
                add_member(s, pid, person, actor_id=None)
    now = datetime.now(UTC)
    with rt.engine.begin() as conn:
        conn.execute(insert(Item), [
            {"project_id": pid, "external_id": f"utt{i:05d}", "sha256": "0" * 64,
             "filename": "one.wav", "size_bytes": 1, "status": "passed", "owner": "customer",
             "volume": 1500, "attributes": {"duration_ms": 1500, "sample_rate_hz": 16000,
                                            "channels": 1},
             "prompt": "the quick brown fox", "meta": {}, "reject_reasons": [],
             "current_version": 0, "created_at": now}
            for pid in pids for i in range(n_clients)])
    with rt.session() as s:
        for pid in pids:
            create_packages(s, pid, "annotate")
    held: list[list[Held]] = [[] for _ in user_ids]
    for pid in pids:
        with rt.session() as s:
            for k, uid in enumerate(user_ids):
                person = s.get(type(people[0]), uid)
                task = claim_next_task(s, person, pid, "annotate")
                assert task is not None, f"nothing to claim in project {pid}"
                held[k].append((task.id, task.current_version))
    with rt.engine.connect() as conn:  # what autovacuum would have done to bulk-loaded tables
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return tokens, held


def submit_all(base: str, tokens: list[str], held: list[list[Held]]) -> dict[str, Any]:
    """Every client submits its held tasks, one after another, on its own connection."""
    host, _, port_s = base.removeprefix("http://").partition(":")
    port = int(port_s)
    lat_ms: list[float] = []
    errors: list[str] = []

    async def client(token: str, tasks: list[Held]) -> None:
        conn = _Conn(host, port, token)
        try:
            for task_id, version in tasks:
                body = json.dumps({
                    "segments": [{"start_ms": 0, "end_ms": 1500, "text": "the quick brown fox"}],
                    "base_version": version, "time_spent_ms": 1000}).encode()
                t0 = time.perf_counter()
                status, data = await conn.post(f"{PREFIX}/tasks/{task_id}/annotations", body)
                lat_ms.append((time.perf_counter() - t0) * 1000)
                if status != 201:
                    errors.append(f"submit {status}: {data[:200]!r}")
        finally:
            await conn.close()

    async def run_all() -> None:
        await asyncio.gather(*(client(tok, mine) for tok, mine in zip(tokens, held, strict=True)))

    server0 = server_cpu_seconds(port)
    t0 = time.perf_counter()
    asyncio.run(run_all())
    wall = time.perf_counter() - t0
    server_cpu = server_cpu_seconds(port) - server0
    a = np.array(lat_ms)
    return {"submits": len(lat_ms), "wall_s": wall, "per_s": len(lat_ms) / wall,
            "p50": float(np.percentile(a, 50)), "p99": float(np.percentile(a, 99)),
            "server_cpu_ms": server_cpu / max(len(lat_ms), 1) * 1000, "errors": errors}


def run_backend(label: str, db_url: str, root: Path, args: Any) -> dict[str, Any]:
    blobs = str(root / f"blobs-{label}")
    rt = migrated_runtime(Settings(database_url=db_url, storage_url=blobs, home=root))
    with Timer() as prep:
        tokens, held = prepare(rt, args.clients, args.projects)
    console.print(f"{label}: {args.clients} annotators hold {sum(map(len, held)):,} tasks "
                  f"(prepared in {prep.seconds:.1f} s)")
    with http_server(__file__, db_url, blobs, root / f"server-{label}.log", args.workers) as base:
        res = submit_all(base, tokens, held)
    with rt.session() as s:  # every held task was submitted, and nothing more
        res["submitted_tasks"] = s.scalar(select(func.count()).select_from(Task).where(
            Task.stage == "annotate", Task.submissions > 0))
    rt.close()
    if res["errors"]:
        console.print(f"[red]{label}: {len(res['errors'])} errors, first: {res['errors'][0]}[/red]")
    return res


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent annotators (32)")
    parser.add_argument("--projects", type=int, default=25,
                        help="projects, i.e. tasks each annotator holds and submits (25)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (2)")
    add_pg_url(parser, "PostgreSQL server URL (a scratch database is created on it)")
    parser.add_argument("--serve", nargs=3, help=__import__("argparse").SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child(args.serve[0], args.serve[1], int(args.serve[2]))
        return 0
    results: dict[str, dict[str, Any]] = {}
    with workdir(args, "submits") as root:
        results["SQLite"] = run_backend("sqlite", f"sqlite:///{root / 'submits.db'}", root, args)
        if args.pg_url:
            with scratch_database(args.pg_url) as url:
                results["PostgreSQL"] = run_backend("postgresql", url, root, args)
    names = list(results)
    rows = [[label, *[results[n][key] for n in names]] for key, label in [
        ("submits", "submits (each 201)"), ("wall_s", "wall seconds"), ("per_s", "submits/s"),
        ("p50", "p50 ms"), ("p99", "p99 ms"), ("server_cpu_ms", "server CPU per submit ms"),
        ("submitted_tasks", "tasks submitted (database)")]]
    rows.append(["submits/s / goal 500", *[results[n]["per_s"] / GOAL_PER_S for n in names]])
    table(f"submits alone, {args.clients} clients, {args.workers} server process(es), "
          f"{cores()} cores, load {os.getloadavg()[0]:.1f}", ["", *names], rows)
    if "PostgreSQL" not in results:
        console.print("PostgreSQL: not measured (no --pg-url or DATAMILL_BENCH_PG_URL)")
    console.print("SUMMARY submit_throughput: " + "; ".join(
        f"{n} {r['per_s']:.0f}/s ({'meets' if r['per_s'] >= GOAL_PER_S else 'MISSES'} "
        f"≥ {GOAL_PER_S:.0f}/s), p99 {r['p99']:.1f} ms" for n, r in results.items()))
    bad = any(r["errors"] or r["submitted_tasks"] != r["submits"] for r in results.values())
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
