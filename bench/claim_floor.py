"""The floor under issue 13 §2's claim goal: the same load on a server that does nothing else.

``claim_latency.py`` measures datamill's claim (``POST …/tasks/next``) under 32 closed-loop
clients that never pause, each submitting what it claimed before claiming again, against the
goal p99 ≤ 25 ms with 2 server processes. This script puts the least a Python HTTP server can do
for that loop under the very same clients (``claim_latency.load``: same connections, same paths,
same bodies, same timing) and reports the same numbers, so a reader can tell how much of the gap
is datamill's and how much is the machine's.

The floor server is a bare ASGI callable under uvicorn (2 worker processes, uvloop, httptools,
datamill's TCP_NODELAY protocol), with none of what a real claim needs: no framework, no
routing table, no authentication beyond a token looked up in a dict loaded at start, no
permission, package, overlap, qualification or audit rule, no ORM. A claim is one statement
(``UPDATE tasks … WHERE id = (SELECT … LIMIT 1 [FOR UPDATE SKIP LOCKED]) RETURNING …``) and its
commit; a submit is one ``UPDATE`` of the held task and one ``INSERT`` of the body, then the
commit. Both run on the event loop's thread, on one connection per process (what datamill's
hot lane does). SQLite in WAL mode with ``synchronous=NORMAL``; PostgreSQL through psycopg 3,
the server started the way ``claim_latency.py --start-pg`` does (fsync off).

Because nothing is left to take away on the server's side, a miss here is the machine's: on
2 cores, the clients, the server processes and (PostgreSQL) the database backends share the
CPU, and 32 clients that never pause keep 32 requests in flight, so by Little's law a claim
p99 within 25 ms needs some 1,280 requests/s (mean latency ≤ 25 ms; the p99 lies above it).

Run: ``.venv/bin/python bench/claim_floor.py [--start-pg | --pg-url URL] [--claims 1500]``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _floor_rules import RulesFloor, Transactions  # noqa: E402
from _util import (  # noqa: E402
    base_parser,
    console,
    free_port,
    migrated_runtime,
    scratch_database,
    server_process,
    table,
    workdir,
)
from claim_latency import PREFIX, TARGET_P99_MS, load, local_postgres  # noqa: E402
from claim_latency import prepare as prepare_project  # noqa: E402

from datamill.config import Settings  # noqa: E402

SCHEMA = [
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT NOT NULL, holder INTEGER, "
    "duration_ms INTEGER NOT NULL, current_version INTEGER NOT NULL)",
    "CREATE INDEX tasks_open ON tasks (status, id)",
    "CREATE TABLE annotations (id {serial} PRIMARY KEY, task_id INTEGER NOT NULL, "
    "user_id INTEGER NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE tokens (token TEXT PRIMARY KEY, user_id INTEGER NOT NULL)",
]


def prepare(db_url: str, n_tasks: int, n_users: int) -> list[str]:
    """The three tables, ``n_tasks`` open tasks and one token per user."""
    tokens = [f"floor-token-{u:02d}" for u in range(n_users)]
    pg = not db_url.startswith("sqlite")
    if pg:
        import psycopg

        conn: Any = psycopg.connect(db_url)
        mark = "%s"
    else:
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        conn.execute("PRAGMA journal_mode=WAL")
        mark = "?"
    cur = conn.cursor()
    for statement in SCHEMA:
        cur.execute(statement.format(serial="BIGSERIAL" if pg else "INTEGER"))
    cur.executemany(f"INSERT INTO tasks VALUES ({mark}, 'open', NULL, 1500, 0)",
                    [(i,) for i in range(1, n_tasks + 1)])
    cur.executemany(f"INSERT INTO tokens VALUES ({mark}, {mark})",
                    [(t, u + 1) for u, t in enumerate(tokens)])
    conn.commit()
    cur.execute("ANALYZE")
    conn.commit()
    conn.close()
    return tokens


# ----------------------------------------------------------------------------- the floor server


class Floor(Transactions):
    """One worker process's connection and statements."""

    def __init__(self, db_url: str) -> None:
        self.pg = not db_url.startswith("sqlite")
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(db_url, prepare_threshold=0)
            self.claim_sql = (
                "UPDATE tasks SET status = 'held', holder = %s WHERE id = (SELECT id FROM tasks "
                "WHERE status = 'open' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                "RETURNING id, duration_ms, current_version")
            self.done_sql = ("UPDATE tasks SET status = 'done', current_version = current_version + 1 "
                             "WHERE id = %s AND holder = %s AND status = 'held' RETURNING id")
            self.insert_sql = "INSERT INTO annotations (task_id, user_id, body) VALUES (%s, %s, %s)"
        else:
            self.conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None,
                                        check_same_thread=False, timeout=60)
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.claim_sql = (
                "UPDATE tasks SET status = 'held', holder = ? WHERE id = (SELECT id FROM tasks "
                "WHERE status = 'open' ORDER BY id LIMIT 1) RETURNING id, duration_ms, current_version")
            self.done_sql = ("UPDATE tasks SET status = 'done', current_version = current_version + 1 "
                             "WHERE id = ? AND holder = ? AND status = 'held' RETURNING id")
            self.insert_sql = "INSERT INTO annotations (task_id, user_id, body) VALUES (?, ?, ?)"
        cur = self.conn.cursor()
        cur.execute("SELECT token, user_id FROM tokens")
        self.users = {f"Bearer {t}".encode(): u for t, u in cur.fetchall()}
        if self.pg:
            self.conn.commit()

    def claim(self, user: int) -> dict[str, Any] | None:
        cur = self.conn.cursor()
        self._begin(cur)
        cur.execute(self.claim_sql, (user,))
        row = cur.fetchone()
        self._commit(cur)
        return None if row is None else {"id": row[0], "duration_ms": row[1], "current_version": row[2]}

    def submit(self, task_id: int, user: int, body: bytes) -> bool:
        cur = self.conn.cursor()
        self._begin(cur)
        cur.execute(self.done_sql, (task_id, user))
        ok = cur.fetchone() is not None
        if ok:
            cur.execute(self.insert_sql, (task_id, user, body.decode()))
        self._commit(cur)
        return ok


async def _body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Any, status: int, payload: Any = None) -> None:
    body = b"" if payload is None else json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def floor_app() -> Any:
    """The ASGI callable (uvicorn's factory): reads ``DATAMILL_FLOOR_DB`` at start (and
    ``DATAMILL_FLOOR_RULES``, the project of ``--rules``)."""
    rules = os.environ.get("DATAMILL_FLOOR_RULES")
    floor: Any = (RulesFloor(os.environ["DATAMILL_FLOOR_DB"], int(rules)) if rules
                  else Floor(os.environ["DATAMILL_FLOOR_DB"]))

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                while (await receive())["type"] != "lifespan.shutdown":
                    await send({"type": "lifespan.startup.complete"})
                await send({"type": "lifespan.shutdown.complete"})
            return
        body = await _body(receive)
        if scope["path"] == "/readyz":  # what server_process waits for
            await _answer(send, 200, {"ready": True})
            return
        user = next((floor.users.get(v) for k, v in scope["headers"] if k == b"authorization"), None)
        if user is None:
            await _answer(send, 401, {"detail": "unauthorised"})
            return
        path: str = scope["path"]
        if path.endswith("/tasks/next"):
            task = floor.claim(user)
            await _answer(send, 204 if task is None else 200, task)
        elif path.endswith("/annotations"):
            task_id = int(path.removeprefix(f"{PREFIX}/tasks/").partition("/")[0])
            json.loads(body)  # a real server reads what it stores
            ok = floor.submit(task_id, user, body)
            await _answer(send, 201 if ok else 409, {"task_id": task_id})
        else:
            await _answer(send, 404, {"detail": "not found"})

    return app


# ----------------------------------------------------------------------------- main


@contextlib.contextmanager
def floor_server(db_url: str, log: Path, workers: int, rules: int | None = None) -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "claim_floor:floor_app", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log",
            "--http", "datamill.http_protocol:NoDelayHTTPProtocol", "--app-dir", str(Path(__file__).parent)]
    env = {"DATAMILL_FLOOR_DB": db_url, **({"DATAMILL_FLOOR_RULES": str(rules)} if rules else {})}
    with server_process(argv, port, log, env=env, timeout_s=120) as base:
        yield base


def machine_busy_seconds() -> float:
    """CPU seconds every process of the machine spent so far (``/proc/stat``; 0.0 elsewhere)."""
    with contextlib.suppress(OSError):
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return 0.0


def run_backend(label: str, db_url: str, root: Path, args: Any) -> dict[str, Any]:
    project = None
    if args.rules:  # datamill's own schema, project, annotators and packages
        settings = Settings(database_url=db_url, storage_url=str(root / f"blobs-{label}"), home=root)
        rt = migrated_runtime(settings)
        try:
            project, tokens = prepare_project(rt, root, args.tasks, args.clients)
        finally:
            rt.close()
    else:
        tokens = prepare(db_url, args.tasks, args.clients)
    with floor_server(db_url, root / f"floor-{label}.log", args.workers, project) as base:
        busy0 = machine_busy_seconds()
        res = load(base, 1, tokens, args.claims, args.warmup)
        # what neither the server nor the clients spent: the database's own processes (a
        # PostgreSQL backend per server process) and whatever else the machine ran meanwhile
        res["rest_cpu_ms"] = max(0.0, (machine_busy_seconds() - busy0) * 1000 / max(res["claims"], 1)
                                 - res["server_cpu_ms"] - res["client_cpu_ms"])
        one = load(base, 1, tokens[:1], args.single, 10)
        res["single_p99"], res["single_rate"] = one["p99"], one["throughput"]
    if res["errors"] or not res["distinct"]:
        console.print(f"[red]{label}: errors {res['errors'][:1]}, distinct {res['distinct']}[/red]")
    return res


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=3000, help="open tasks")
    parser.add_argument("--clients", type=int, default=32, help="closed-loop clients that never pause")
    parser.add_argument("--claims", type=int, default=1500, help="timed claims per backend")
    parser.add_argument("--warmup", type=int, default=64, help="untimed first claims")
    parser.add_argument("--single", type=int, default=200, help="then this many by one client alone")
    parser.add_argument("--workers", type=int, default=2, help="server processes (the goal's 2)")
    parser.add_argument("--pg-url", default=os.environ.get("DATAMILL_BENCH_PG_URL"),
                        help="PostgreSQL server URL (a scratch database is created on it)")
    parser.add_argument("--start-pg", action="store_true", help="start a throw-away local cluster")
    parser.add_argument("--rules", action="store_true",
                        help="datamill's own schema and its 20 statements a cycle (_floor_rules.py)")
    args = parser.parse_args()
    if args.claims + args.warmup + args.single + 20 > args.tasks:
        parser.error("--tasks must be at least --claims + --warmup + --single + 20")
    results: dict[str, dict[str, Any]] = {}
    with workdir(args, "claim-floor") as root, contextlib.ExitStack() as stack:
        results["SQLite"] = run_backend("sqlite", f"sqlite:///{root / 'floor.db'}", root, args)
        server = args.pg_url or (stack.enter_context(local_postgres()) if args.start_pg else None)
        if server:
            results["PostgreSQL"] = run_backend("postgresql", stack.enter_context(
                scratch_database(server, "floor")), root, args)
    names = list(results)
    rows = [[label, *[f"{results[n][key]:.{digits}f}" for n in names]]
            for key, label, digits in [
                ("p50", "claim p50 ms", 2), ("p99", "claim p99 ms", 2), ("mean", "claim mean ms", 2),
                ("throughput", "claim + submit cycles/s", 0), ("server_cpu_ms", "server CPU per cycle ms", 3),
                ("client_cpu_ms", "client CPU per cycle ms", 3),
                ("rest_cpu_ms", "rest of the machine's CPU per cycle ms (database)", 3), ("single_p99", "1 client: claim p99 ms", 2),
                ("single_rate", "1 client: cycles/s", 0)]]
    rows.append(["claim p99 / goal 25 ms", *[f"{results[n]['p99'] / TARGET_P99_MS:.2f}" for n in names]])
    what = "datamill's 20 statements a cycle" if args.rules else "one SQL statement per claim"
    table(f"the floor: bare ASGI + {what}, {args.clients} clients that never "
          f"pause, {args.workers} server processes, {os.cpu_count()} CPUs", ["", *names], rows)
    if "PostgreSQL" not in results:
        console.print("PostgreSQL: not measured (no --pg-url, DATAMILL_BENCH_PG_URL or --start-pg)")
    verdicts = ", ".join(f"{n} p99 {r['p99']:.1f} ms at {r['throughput']:.0f} cycles/s "
                         f"({'meets' if r['p99'] <= TARGET_P99_MS else 'MISSES'} ≤ {TARGET_P99_MS:.0f} ms)"
                         for n, r in results.items())
    console.print(f"SUMMARY claim_floor{' --rules' if args.rules else ''} clients={args.clients} workers={args.workers} cpus={os.cpu_count()} "
                  f"load={os.getloadavg()[0]:.2f}: {verdicts}")
    return 1 if any(r["errors"] or not r["distinct"] for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
