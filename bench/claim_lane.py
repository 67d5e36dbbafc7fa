"""The claim + submit hot lane against the FastAPI routes it stands in for, side by side.

Prepares a project the way ``claim_latency.py`` does (items in annotate packages, one annotator
with an API token) on a SQLite file (and on PostgreSQL with ``--pg-url``), builds the app twice
over the same runtime, as served (``datamill.api.hot_path.HotRoute`` first) and with the lane
taken out (every request through FastAPI's dependency solver and one worker thread per
dependency), and drives both in this process as plain ASGI calls (no sockets, so only the app's
own cost is measured): one annotator claims (``POST .../tasks/next``) and submits
(``POST .../tasks/{id}/annotations``), in alternating blocks of ``--block`` cycles, lane then
routes, ``--rounds`` times, so a machine whose speed drifts treats both alike. Prints CPU
milliseconds and wall milliseconds per cycle for each, and the ratio routes / lane.

Run: ``.venv/bin/python bench/claim_lane.py`` (``--rounds 5 --block 100``; ``--pg-url URL``).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
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
from claim_latency import prepare  # noqa: E402

from datamill.api.hot_path import HotRoute  # noqa: E402
from datamill.config import Settings  # noqa: E402
from datamill.runtime import Runtime  # noqa: E402
from datamill.server import create_app  # noqa: E402


async def _call(app: Any, token: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    """One ASGI request to ``app``; its status and body."""
    route, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": route, "raw_path": route.encode(), "root_path": "",
        "query_string": query.encode(), "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000), "state": {},
        "headers": [(b"host", b"127.0.0.1:8000"), (b"authorization", f"Bearer {token}".encode()),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    }
    sent = False
    status = [0]
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # nobody disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status[0], b"".join(chunks)


async def _cycles(app: Any, token: str, pid: int, n: int) -> None:
    for _ in range(n):
        status, data = await _call(app, token, f"/api/v1/projects/{pid}/tasks/next?stage=annotate")
        if status != 200:
            raise SystemExit(f"claim answered {status}: {data[:200]!r}")
        task = json.loads(data)
        body = json.dumps({
            "segments": [{"start_ms": 0, "end_ms": task["duration_ms"], "text": "the quick brown fox"}],
            "base_version": task["current_version"], "time_spent_ms": 1000,
        }).encode()
        status, data = await _call(app, token, f"/api/v1/tasks/{task['id']}/annotations", body)
        if status != 201:
            raise SystemExit(f"submit answered {status}: {data[:200]!r}")


def measure(label: str, db_url: str, root: Path, rounds: int, block: int) -> list[list[Any]]:
    blobs = str(root / f"blobs-{label}")
    settings = Settings(database_url=db_url, storage_url=blobs, home=root)
    rt = migrated_runtime(settings)
    pid, tokens = prepare(rt, root, 2 * rounds * block + 40, 1)
    rt.close()
    rt = Runtime.from_settings(settings, migrate=False)
    lane = create_app(rt)
    routes = create_app(rt)
    routes.router.routes[:] = [r for r in routes.router.routes if not isinstance(r, HotRoute)]
    apps = {"hot lane": lane, "FastAPI routes": routes}
    cpu: dict[str, list[float]] = {k: [] for k in apps}
    wall: dict[str, list[float]] = {k: [] for k in apps}

    async def run() -> None:
        for app in apps.values():  # warm both: imports, statement caches
            await _cycles(app, tokens[0], pid, 10)
        for _ in range(rounds):
            for name, app in apps.items():
                c0, w0 = time.process_time(), time.perf_counter()
                await _cycles(app, tokens[0], pid, block)
                cpu[name].append((time.process_time() - c0) / block * 1000)
                wall[name].append((time.perf_counter() - w0) / block * 1000)

    try:
        asyncio.run(run())
    finally:
        rt.close()
    lane_cpu = statistics.median(cpu["hot lane"])
    return [[label, name, statistics.median(cpu[name]), min(cpu[name]), statistics.median(wall[name]),
             statistics.median(cpu[name]) / lane_cpu] for name in apps]


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (5)")
    parser.add_argument("--block", type=int, default=100, help="cycles per block (100)")
    add_pg_url(parser, "a PostgreSQL server to measure on as well")
    args = parser.parse_args()
    with workdir(args, "claim-lane") as root:
        rows = measure("SQLite", f"sqlite:///{root / 'lane.db'}", root, args.rounds, args.block)
        if args.pg_url:
            with scratch_database(args.pg_url) as url:
                rows += measure("PostgreSQL", url, root, args.rounds, args.block)
    table(f"claim + submit per cycle, one annotator, in-process ASGI ({args.rounds} rounds of "
          f"{args.block} cycles; {cores()} cores, load {os.getloadavg()[0]:.1f})",
          ["database", "path", "CPU ms (median)", "CPU ms (best)", "wall ms (median)",
           "× hot lane CPU"], rows)
    summary = "; ".join(f"{r[0]} {r[1]} {r[2]:.2f} ms" for r in rows)
    console.print(f"SUMMARY claim_lane: CPU per claim + submit cycle: {summary}")


if __name__ == "__main__":
    main()
