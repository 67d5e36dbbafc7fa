"""Claim-next-task latency over HTTP with 32 concurrent annotators, SQLite and PostgreSQL.

Prepares a database (a SQLite file; PostgreSQL too when ``--pg-url`` or
``DATAMILL_BENCH_PG_URL`` names a server, or ``--start-pg`` starts a throw-away local cluster
the way ``scripts/test.sh`` does): 32 annotators who are project members, each with an API
token, and a project whose ``--tasks`` items (status ``passed``, bulk-inserted; one shared real
WAV blob) are grouped into annotate packages in the open pool by ``create_packages``.

Then serves ``create_app(runtime)`` with uvicorn (one process, as ``datamill serve`` does) in a
subprocess on 127.0.0.1 and a free port, and runs ``--clients`` closed-loop clients as coroutines
on one event loop in this process, each with its own keep-alive HTTP/1.1 connection (a minimal
client, so the bench takes little of the CPU the server needs), each repeating::

    POST /api/v1/projects/{id}/tasks/next?stage=annotate      (timed)
    POST /api/v1/tasks/{tid}/annotations                      (not timed; base_version from task)

until ``--claims`` claims are done. Reports p50/p95/p99/max of the claim call and the claim
throughput per backend side by side, against the target p99 < 25 ms, with the CPU milliseconds
per claim+submit cycle of the client and of the server (all its processes, from ``/proc``). The
clients share the machine with the server, so client-side time is part of the numbers.
Every claimed task id must be distinct (no task handed out twice); the script checks it.
A 204 ("no task left for you") while thousands of tasks remain is counted and reported (a
client retries up to 3 times in a row, then stops); 204 calls are included in the latencies.

A PostgreSQL server for ``--pg-url`` (what ``--start-pg`` does)::

    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); D=$(mktemp -d)
    chown postgres $D   # when running as root; prefix the next two with runuser -u postgres --
    $PGBIN/initdb -D $D/data -U postgres --auth=trust -E UTF8
    $PGBIN/pg_ctl -D $D/data -l $D/log -w -o "-p 55433 -k $D -c listen_addresses=127.0.0.1" start
    export DATAMILL_BENCH_PG_URL=postgresql://postgres@127.0.0.1:55433/postgres

(the script creates and drops its own database ``datamill_bench_<pid>`` on that server).

Run: ``.venv/bin/python bench/claim_latency.py --start-pg`` (or ``--pg-url ...``; SQLite only
without either).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from sqlalchemy import insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    Timer,
    add_pg_url,
    asr_spec,
    base_parser,
    console,
    free_port,
    http_server,
    migrated_runtime,
    scratch_database,
    serve_child,
    table,
    workdir,
)

from datamill.compliance.models import ProjectMember  # noqa: E402
from datamill.compliance.users import add_member, create_token, create_user  # noqa: E402
from datamill.config import Settings  # noqa: E402
from datamill.production.models import Item, Task, TaskAssignment, WorkPackage  # noqa: E402
from datamill.production.projects import create_project  # noqa: E402
from datamill.production.tasks import create_packages  # noqa: E402
from datamill.runtime import Runtime  # noqa: E402

TARGET_P99_MS = 25.0
TARGET_SINGLE_P99_MS = 5.0
PREFIX = "/api/v1"


# ----------------------------------------------------------------------------- preparation


def prepare(rt: Runtime, root: Path, n_tasks: int, n_users: int,
            history: int = 0) -> tuple[int, list[str]]:
    """Project, annotators with tokens, items in 'passed' state, annotate packages in the pool;
    ``history`` more tasks before them already done (each package taken and finished by one of
    the annotators, in turn), as a project months into its work has."""
    with rt.session() as s:
        pid = create_project(s, asr_spec("bench-claims")).id
        tokens = []
        for u in range(n_users):
            user = create_user(s, f"ann{u:02d}", "password1", "annotator")
            add_member(s, pid, user, actor_id=None)
            tokens.append(create_token(s, user, "bench"))
    wav = root / "one.wav"
    t = np.arange(24000) / 16000
    sf.write(wav, (0.2 * np.sin(2 * np.pi * 300 * t)).astype(np.float32), 16000, subtype="PCM_16")
    digest = rt.blobs.put_file(wav)
    now = datetime.now(UTC)
    rows = [
        {"project_id": pid, "external_id": f"utt{i:06d}", "sha256": digest, "filename": "one.wav",
         "size_bytes": wav.stat().st_size, "status": "passed", "owner": "customer",
         "volume": 1500, "attributes": {"duration_ms": 1500, "sample_rate_hz": 16000,
                                        "channels": 1, "bit_depth": 16,
                                        "speaker_id": f"spk{i % 50:02d}"},
         "prompt": "the quick brown fox", "meta": {},
         "reject_reasons": [], "current_version": 0, "created_at": now}
        for i in range(history + n_tasks)
    ]
    with rt.engine.begin() as conn:
        conn.execute(insert(Item), rows)
    with rt.session() as s:
        create_packages(s, pid, "annotate")
    if history:
        finish_history(rt, pid, history)
    with rt.engine.connect() as conn:  # what autovacuum would have done to bulk-loaded tables
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return pid, tokens


def finish_history(rt: Runtime, pid: int, history: int) -> None:
    """The project's first ``history`` annotate tasks done: their packages taken by the
    annotators in turn and finished, one submitted assignment per task (rows written directly;
    the claim and submit under test read them, they do not replay them)."""
    tasks, packages, holds = Task.__table__, WorkPackage.__table__, TaskAssignment.__table__
    now = datetime.now(UTC)
    with rt.engine.begin() as conn:
        users = conn.execute(select(ProjectMember.user_id).where(ProjectMember.project_id == pid)
                             .order_by(ProjectMember.user_id)).scalars().all()
        done = conn.execute(select(tasks.c.id, tasks.c.package_id)
                            .where(tasks.c.project_id == pid, tasks.c.stage == "annotate")
                            .order_by(tasks.c.id).limit(history)).all()
        owner = {pkg: users[n % len(users)] for n, pkg in enumerate(dict.fromkeys(p for _, p in done))}
        for pkg, user in owner.items():
            conn.execute(update(packages).where(packages.c.id == pkg)
                         .values(assignee_id=user, status="done"))
        conn.execute(update(tasks).where(tasks.c.id.in_([t for t, _ in done]))
                     .values(status="done", submissions=1))
        conn.execute(insert(holds), [
            {"task_id": t, "user_id": owner[pkg], "status": "submitted", "claimed_at": now,
             "submitted_at": now} for t, pkg in done])


# ----------------------------------------------------------------------------- load


class _Conn:
    """One keep-alive HTTP/1.1 connection speaking just what this bench needs (JSON bodies,
    ``Content-Length`` answers): far cheaper per call than a full client, so the client side
    takes little of the CPU the server needs on a small machine."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        extra = (f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                 if body is not None else "Content-Length: 0\r\n")
        self.writer.write(f"POST {path} HTTP/1.1\r\n{self.head}{extra}\r\n".encode() + (body or b""))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        data = await self.reader.readexactly(length) if length else b""
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


def server_cpu_seconds(port: int) -> float:
    """User + system CPU seconds of the server listening on ``port`` and its worker processes
    (everything in its session; Linux ``/proc``; 0.0 elsewhere)."""
    proc = Path("/proc")
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, list[str]] = {}
    leader = None
    for d in proc.glob("[0-9]*"):
        with contextlib.suppress(OSError):
            stats[int(d.name)] = (d / "stat").read_text().rsplit(")", 1)[1].split()
            if leader is None and str(port) in (d / "cmdline").read_bytes().decode(errors="replace"):
                leader = int(d.name)
    if leader is None:
        return 0.0
    sid = stats[leader][3]
    return sum(int(f[11]) + int(f[12]) for f in stats.values() if f[3] == sid) / tick


def load(
    base: str, pid: int, tokens: list[str], n_claims: int, warmup: int, think_ms: float = 0.0
) -> dict[str, Any]:
    """``len(tokens)`` closed-loop clients; ``think_ms`` > 0 paces each like a person working.

    All clients run as coroutines on one event loop in this process (one keep-alive connection
    each); ``client_cpu_s`` is this process's CPU time during the run, ``server_cpu_s`` the
    server's (all its processes)."""
    host, _, port_s = base.removeprefix("http://").partition(":")
    port = int(port_s)
    tickets = {"left": n_claims + warmup}
    lat_ms: list[float] = []
    claimed: list[int] = []
    errors: list[str] = []
    empty = [0]
    seq = [0]
    claim_path = f"{PREFIX}/projects/{pid}/tasks/next?stage=annotate"

    def take() -> int | None:
        if tickets["left"] <= 0:
            return None
        tickets["left"] -= 1
        seq[0] += 1
        return seq[0]

    async def worker(token: str) -> None:
        pacing = random.Random(token)
        conn = _Conn(host, port, token)
        misses = 0
        try:
            while (n := take()) is not None:
                t0 = time.perf_counter()
                status, data = await conn.post(claim_path)
                ms = (time.perf_counter() - t0) * 1000
                if status == 204:  # "nothing left for you": spurious while tasks remain
                    empty[0] += 1
                    if n > warmup:
                        lat_ms.append(ms)
                    misses += 1
                    if misses >= 3:
                        return
                    continue
                misses = 0
                if status != 200:
                    errors.append(f"claim {status}: {data[:200]!r}")
                    return
                task = json.loads(data)
                if n > warmup:
                    lat_ms.append(ms)
                claimed.append(task["id"])
                body = json.dumps({
                    "segments": [{"start_ms": 0, "end_ms": task["duration_ms"], "text": "the quick brown fox"}],
                    "base_version": task["current_version"],
                    "time_spent_ms": 1000,
                }).encode()
                status, data = await conn.post(f"{PREFIX}/tasks/{task['id']}/annotations", body)
                if status != 201:
                    errors.append(f"submit {status}: {data[:200]!r}")
                    return
                if think_ms:
                    await asyncio.sleep(pacing.uniform(0.5, 1.5) * think_ms / 1000)
        finally:
            await conn.close()

    async def run_all() -> None:
        await asyncio.gather(*(worker(tok) for tok in tokens))

    server0 = server_cpu_seconds(port)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    asyncio.run(run_all())
    wall = time.perf_counter() - t0
    client_cpu = time.process_time() - cpu0
    server_cpu = server_cpu_seconds(port) - server0
    a = np.array(lat_ms) if lat_ms else np.array([float("nan")])
    cycles = max(len(claimed), 1)
    return {
        "claims": len(claimed), "timed": len(lat_ms), "wall_s": wall, "throughput": len(claimed) / wall,
        "p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)),
        "p99": float(np.percentile(a, 99)), "max": float(a.max()), "mean": float(a.mean()),
        "distinct": len(set(claimed)) == len(claimed), "errors": errors, "empty": empty[0],
        "client_cpu_ms": client_cpu / cycles * 1000, "server_cpu_ms": server_cpu / cycles * 1000,
    }


# ----------------------------------------------------------------------------- PostgreSQL


@contextlib.contextmanager
def local_postgres() -> Iterator[str]:
    """A throw-away cluster like scripts/test.sh starts (trust auth, fsync off, loopback)."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not bins:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
    pgbin = bins[-1]
    tmp = Path(tempfile.mkdtemp(prefix="datamill-bench-pg-"))
    runas = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if runas:
        shutil.chown(tmp, "postgres")
    port = free_port()
    subprocess.run([*runas, str(pgbin / "initdb"), "-D", str(tmp / "data"), "-U", "postgres",  # noqa: S603
                    "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run([*runas, str(pgbin / "pg_ctl"), "-D", str(tmp / "data"), "-l", str(tmp / "log"),  # noqa: S603
                    "-w", "-o", f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
                    "-c max_connections=200", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*runas, str(pgbin / "pg_ctl"), "-D", str(tmp / "data"), "-m", "immediate",  # noqa: S603
                        "stop"], check=False, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


# ----------------------------------------------------------------------------- main


def run_backend(label: str, db_url: str, root: Path, args: Any) -> dict[str, Any]:
    blobs = str(root / f"blobs-{label}")
    rt = migrated_runtime(Settings(database_url=db_url, storage_url=blobs, home=root))
    with Timer() as prep:
        pid, tokens = prepare(rt, root, args.tasks, args.clients, args.history)
    rt.close()
    console.print(f"{label}: prepared {args.tasks:,} tasks ({args.history:,} more done before them) "
                  f"and {len(tokens)} annotators in {prep.seconds:.1f} s")
    with http_server(__file__, db_url, blobs, root / f"server-{label}.log", args.workers) as base:
        res = load(base, pid, tokens, args.claims, args.warmup, args.think_ms)
        if args.single:  # one client alone on the same server and data: the ≤ 5 ms goal
            one = load(base, pid, tokens[:1], args.single, 10)
            res["single_p50"], res["single_p99"] = one["p50"], one["p99"]
            res["single_rate"] = one["throughput"]
            res["single_server_cpu_ms"] = one["server_cpu_ms"]
        # fewer closed-loop clients on the same server and data: how many annotators who never
        # pause the goal's p99 holds for (latency ≈ clients ÷ throughput in a closed loop)
        res["sweep"] = {n: load(base, pid, tokens[:n], args.sweep_claims, n) for n in args.sweep}
    if res["errors"]:
        console.print(f"[red]{label}: {len(res['errors'])} errors, first: {res['errors'][0]}[/red]")
    if not res["distinct"]:
        console.print(f"[red]{label}: a task was handed out twice[/red]")
    return res


def sweep_table(args: Any, results: dict[str, dict[str, Any]]) -> None:
    """The sweep's p50 / p99 and claims/s per client count, and per backend the most clients
    that never pause for whom the claim p99 stays within the goal."""
    names = list(results)
    rows = [[str(n), *[f"{r['sweep'][n]['p50']:.1f} / {r['sweep'][n]['p99']:.1f} ms, "
                       f"{r['sweep'][n]['throughput']:.0f}/s" for r in results.values()]]
            for n in args.sweep]
    table(f"closed loops of fewer clients ({args.sweep_claims} timed claims each): claim p50 / p99, "
          "claims/s", ["clients", *names], rows)
    for name, r in results.items():
        within = [n for n in args.sweep if r["sweep"][n]["p99"] <= TARGET_P99_MS]
        console.print(f"SWEEP {name}: p99 ≤ {TARGET_P99_MS:.0f} ms up to "
                      f"{max(within) if within else 0} clients that never pause")


#: Label Studio 1.23.2's one-annotator claim (GET next) + submit cycle, measured by
#: peer_label_studio.py --n 100000 on this machine (2026-12-02, load 3-5; bench/README.md)
LABEL_STUDIO_CYCLES_S = 1.79


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3000, help="annotate tasks in the pool")
    parser.add_argument("--clients", type=int, default=32, help="concurrent annotators")
    parser.add_argument("--history", type=int, default=0,
                        help="tasks already done before the open ones (packages finished by the "
                             "annotators in turn): a claim's cost must not grow with it")
    parser.add_argument("--claims", type=int, default=1500, help="timed claims per backend")
    parser.add_argument("--warmup", type=int, default=32, help="untimed first claims per backend")
    parser.add_argument("--workers", type=int, default=1,
                        help="server processes (datamill serve --workers N; the goal uses 2)")
    parser.add_argument("--single", type=int, default=200,
                        help="then this many claims by one client alone (0: skip)")
    parser.add_argument("--think-ms", type=float, default=0.0,
                        help="mean pause after each submit (0: saturate the server)")
    parser.add_argument("--sweep", type=lambda v: [int(x) for x in v.split(",") if x], default=[],
                        help="then closed loops of these client counts, e.g. 1,2,4,8,16 (each at "
                             "most --clients), --sweep-claims timed claims each")
    parser.add_argument("--sweep-claims", type=int, default=300, help="timed claims per sweep step")
    add_pg_url(parser, "PostgreSQL server URL (a scratch database is created on it)")
    parser.add_argument("--start-pg", action="store_true", help="start a throw-away local cluster")
    parser.add_argument("--serve", nargs=3, help=__import__("argparse").SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child(args.serve[0], args.serve[1], int(args.serve[2]))
        return 0
    if any(not 1 <= n <= args.clients for n in args.sweep):
        parser.error("--sweep counts must be between 1 and --clients")
    swept = sum(args.sweep_claims + n for n in args.sweep)
    if args.claims + args.warmup + args.single + swept + 10 > args.tasks:
        parser.error("--tasks must be at least --claims + --warmup + --single + the sweep's claims")
    results: dict[str, dict[str, Any]] = {}
    with workdir(args, "claims") as root, contextlib.ExitStack() as stack:
        results["SQLite"] = run_backend("sqlite", f"sqlite:///{root / 'claims.db'}", root, args)
        pg_server = args.pg_url
        if pg_server is None and args.start_pg:
            pg_server = stack.enter_context(local_postgres())
        if pg_server:
            db = stack.enter_context(scratch_database(pg_server))
            results["PostgreSQL"] = run_backend("postgresql", db, root, args)
    names = list(results)
    rows = []
    for key, label, unit in [("timed", "timed claim calls", ""), ("p50", "p50", " ms"), ("p95", "p95", " ms"),
                             ("p99", "p99", " ms"), ("max", "max", " ms"), ("mean", "mean", " ms"),
                             ("throughput", "claims/s (with submits)", ""), ("wall_s", "wall seconds", ""),
                             ("server_cpu_ms", "server CPU per cycle", " ms"),
                             ("client_cpu_ms", "client CPU per cycle", " ms")]:
        rows.append([label + unit, *[results[n][key] for n in names]])
    rows.append(["p99 / target 25 ms", *[results[n]["p99"] / TARGET_P99_MS for n in names]])
    if args.single:
        rows.append(["1 client: p50 ms", *[results[n]["single_p50"] for n in names]])
        rows.append(["1 client: p99 ms", *[results[n]["single_p99"] for n in names]])
        rows.append(["1 client: p99 / target 5 ms",
                     *[results[n]["single_p99"] / TARGET_SINGLE_P99_MS for n in names]])
        rows.append(["1 client: claim+submit cycles/s", *[results[n]["single_rate"] for n in names]])
        rows.append(["1 client: server CPU per cycle ms",
                     *[results[n]["single_server_cpu_ms"] for n in names]])
    rows.append(["204 'no task' answers (tasks remained)", *[results[n]["empty"] for n in names]])
    rows.append(["errors", *[len(results[n]["errors"]) for n in names]])
    rows.append(["every claim a distinct task", *[str(results[n]["distinct"]) for n in names]])
    table(f"POST tasks/next latency, {args.clients} clients, {args.workers} server process(es), "
          f"{args.tasks:,} tasks in packages "
          f"(warm-up {args.warmup} claims not timed)", ["", *names], rows)
    if args.sweep:
        sweep_table(args, results)
    if "PostgreSQL" not in results:
        console.print("PostgreSQL: not measured (no --pg-url, DATAMILL_BENCH_PG_URL or --start-pg)")
    peer = (f"Label Studio 1.23.2, one annotator: {LABEL_STUDIO_CYCLES_S} claim+submit cycles/s "
            "(bench/peer_label_studio.py on this machine, 2026-12-02; not rerun here)")
    if args.single:
        peer += "; datamill one client: " + ", ".join(
            f"{n} {r['single_rate']:.1f}/s = {r['single_rate'] / LABEL_STUDIO_CYCLES_S:.0f}×"
            for n, r in results.items())
    console.print(peer)
    verdicts = ", ".join(
        f"{n} p50 {r['p50']:.1f} / p99 {r['p99']:.1f} ms ({'meets' if r['p99'] < TARGET_P99_MS else 'MISSES'} "
        f"p99 < {TARGET_P99_MS:.0f} ms), {r['throughput']:.0f} claims/s"
        for n, r in results.items()
    )
    console.print(f"SUMMARY claim_latency clients={args.clients} workers={args.workers} history={args.history} "
                  f"claims={args.claims} load={os.getloadavg()[0]:.2f}: {verdicts}")
    bad = any(r["errors"] or not r["distinct"] for r in results.values())
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
