"""How long a claim and a submit hold SQLite's single writer lock, served over HTTP.

With SQLite every write transaction holds one lock (``BEGIN IMMEDIATE`` plus datamill's own
in-process lock, see ``datamill.db.session``), so the time from taking it to releasing it bounds
the claim throughput of every worker together. This measures that time directly, in one process:
the app is served by uvicorn on a thread, ``--clients`` threads (in a second process) each repeat
claim + submit over their own keep-alive connection, and engine events time each write transaction from its
``BEGIN IMMEDIATE`` to its commit or rollback (the reads-only token lookups, which take no lock,
are not counted). Prints the hold-time percentiles, the claim latency and the cycles per second.

Run (about 30 s): ``.venv/bin/python bench/sqlite_writer_hold.py --clients 16 --claims 300``
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvicorn
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import sqlite_runtime  # noqa: E402
from claim_latency import prepare  # noqa: E402

from datamill.server import create_app  # noqa: E402

READS_ONLY = "datamill_reads_only"  # datamill.db.session.READS_ONLY (absent before it existed)


def run_clients(port: int, pid: int, tokens: list[str], n_claims: int) -> list[float]:
    """In a process of their own: one thread per token, claim + submit until ``n_claims``."""
    claims: list[float] = []
    left = [n_claims]
    lock = threading.Lock()

    def client(token: str) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as http:
            while True:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                t0 = time.perf_counter()
                r = http.post(f"/api/v1/projects/{pid}/tasks/next")
                claims.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    return
                task = r.json()
                body = {"segments": [{"start_ms": 0, "end_ms": 1500,
                                      "text": "the quick brown fox"}],
                        "base_version": task["current_version"], "time_spent_ms": 1000}
                http.post(f"/api/v1/tasks/{task['id']}/annotations", json=body).raise_for_status()

    threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--claims", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="dm-hold-"))
    try:
        _measure(root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)  # as every bench: nothing left behind


def _measure(root: Path, args: argparse.Namespace) -> None:
    rt = sqlite_runtime(root)
    pid, tokens = prepare(rt, root, args.claims + 20 * args.clients, args.clients)

    started: dict[int, float] = {}
    holds: list[float] = []

    @event.listens_for(rt.engine, "begin")
    def _begin(conn: Any) -> None:
        if not conn.get_execution_options().get(READS_ONLY):
            started[id(conn)] = time.perf_counter()

    def _end(conn: Any) -> None:
        t0 = started.pop(id(conn), None)
        if t0 is not None:
            holds.append(time.perf_counter() - t0)

    event.listen(rt.engine, "commit", _end)
    event.listen(rt.engine, "rollback", _end)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(rt), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)

    holds.clear()
    t0 = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # clients off the server's GIL
        claims = pool.apply(run_clients, (port, pid, tokens, args.claims))
    wall = time.perf_counter() - t0
    server.should_exit = True
    h = np.array(holds) * 1000
    c = np.array(claims) * 1000
    print(f"writer lock held per write transaction: n={len(h)} p50 {np.percentile(h, 50):.2f} "
          f"p90 {np.percentile(h, 90):.2f} p99 {np.percentile(h, 99):.2f} ms, "
          f"total {h.sum() / 1000 / wall:.0%} of the wall time")
    print(f"claim over HTTP, {args.clients} clients: p50 {np.percentile(c, 50):.1f} "
          f"p99 {np.percentile(c, 99):.1f} ms; {len(c) / wall:.1f} claim+submit cycles/s")
    rt.close()


if __name__ == "__main__":
    main()
