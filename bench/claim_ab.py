"""One annotator's claim + submit against two code trees side by side: this checkout and a
baseline (``--baseline-src``: the ``src`` folder of another checkout, e.g. a ``git worktree`` of
an earlier commit).

A speed change of a few tenths of a millisecond per request is lost in this VM's slow and fast
phases (the same code measured 16 and 30 ms per cycle ten minutes apart) when the two versions
run one after the other. Here each version gets its own database (SQLite file, or a scratch
PostgreSQL database with ``--pg-url``), migrated and filled by its own code (a newer schema
would stop the older server), and its own ``datamill serve --workers N`` (``--workers``,
default 2); then one client alternates short blocks of claim + submit cycles between the two
servers (``--rounds`` blocks of ``--block`` cycles each, the order swapped every round), so both
see the same phases.
Prints claim p50 / p99 and cycles per second for each and the ratio baseline / this checkout.

Run: ``git worktree add /tmp/wt_old <rev>`` then
``.venv/bin/python bench/claim_ab.py --baseline-src /tmp/wt_old/src [--pg-url URL]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import add_pg_url, base_parser, console, cores, scratch_database, table, workdir  # noqa: E402

from datamill.testing.server import free_port, server_process  # noqa: E402

HERE_SRC = Path(__file__).resolve().parent.parent / "src"
PREFIX = "/api/v1"


def _prepare_child(db_url: str, root: str, n_tasks: int) -> None:
    """Child process (run with the version's ``PYTHONPATH``): migrate, fill, print the project
    id and the annotator's token as JSON."""
    from _util import migrated_runtime
    from claim_latency import prepare

    from datamill.config import Settings

    rt = migrated_runtime(Settings(database_url=db_url, storage_url=f"{root}/blobs", home=Path(root)))
    pid, tokens = prepare(rt, Path(root), n_tasks, 1)
    rt.close()
    print(json.dumps({"pid": pid, "token": tokens[0]}))


def _prepared(src: Path, db_url: str, root: Path, n_tasks: int) -> dict[str, Any]:
    root.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--prepare", db_url, str(root), str(n_tasks)],
        env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True, check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@contextlib.contextmanager
def _served(src: Path, db_url: str, root: Path, workers: int) -> Iterator[str]:
    port = free_port()
    env = {"PYTHONPATH": str(src), "DATAMILL_DATABASE_URL": db_url,
           "DATAMILL_STORAGE_URL": str(root / "blobs"), "DATAMILL_HOME": str(root)}
    argv = [sys.executable, "-m", "datamill.cli", "serve", "--port", str(port),
            "--workers", str(workers)]
    with server_process(argv, port, root / "server.log", env=env, timeout_s=240) as base:
        yield base


async def _block(base: str, pid: int, token: str, n: int, lat: list[float]) -> float:
    """``n`` claim + submit cycles on one keep-alive connection; claim latencies appended to
    ``lat``; the block's wall seconds."""
    from claim_latency import _Conn

    host, _, port = base.removeprefix("http://").partition(":")
    conn = _Conn(host, int(port), token)
    t_start = time.perf_counter()
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            status, data = await conn.post(f"{PREFIX}/projects/{pid}/tasks/next?stage=annotate")
            lat.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise SystemExit(f"claim answered {status}: {data[:200]!r}")
            task = json.loads(data)
            body = json.dumps({
                "segments": [{"start_ms": 0, "end_ms": task["duration_ms"],
                              "text": "the quick brown fox"}],
                "base_version": task["current_version"], "time_spent_ms": 1000,
            }).encode()
            status, data = await conn.post(f"{PREFIX}/tasks/{task['id']}/annotations", body)
            if status != 201:
                raise SystemExit(f"submit answered {status}: {data[:200]!r}")
    finally:
        await conn.close()
    return time.perf_counter() - t_start


def compare(label: str, db_urls: dict[str, str], srcs: dict[str, Path], root: Path,
            rounds: int, block: int, workers: int = 2) -> list[list[Any]]:
    n_tasks = rounds * block + 3 * block
    ready = {name: _prepared(srcs[name], db_urls[name], root / f"{label}-{name}", n_tasks)
             for name in srcs}
    lat: dict[str, list[float]] = {name: [] for name in srcs}
    wall: dict[str, float] = dict.fromkeys(srcs, 0.0)
    with contextlib.ExitStack() as stack:
        bases = {name: stack.enter_context(_served(srcs[name], db_urls[name],
                                                   root / f"{label}-{name}", workers))
                 for name in srcs}

        async def run() -> None:
            for name in srcs:  # warm: imports, statement caches, every worker process
                await _block(bases[name], ready[name]["pid"], ready[name]["token"], 2 * block, [])
            order = list(srcs)
            for r in range(rounds):
                for name in (order if r % 2 == 0 else order[::-1]):
                    wall[name] += await _block(bases[name], ready[name]["pid"],
                                               ready[name]["token"], block, lat[name])

        asyncio.run(run())
    rows = []
    for name in srcs:
        a = np.array(lat[name])
        rows.append([label, name, float(np.percentile(a, 50)), float(np.percentile(a, 99)),
                     len(a) / wall[name]])
    base_row, new_row = rows[1], rows[0]
    rows.append([label, "baseline / this", base_row[2] / new_row[2], base_row[3] / new_row[3],
                 new_row[4] / base_row[4]])
    return rows


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--prepare":
        _prepare_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, required=True,
                        help="the src folder of the checkout to compare with")
    parser.add_argument("--rounds", type=int, default=20, help="alternating blocks per version")
    parser.add_argument("--block", type=int, default=50, help="claim + submit cycles per block")
    parser.add_argument("--workers", type=int, default=2, help="server processes of each version (2)")
    add_pg_url(parser, "a PostgreSQL server to compare on as well")
    args = parser.parse_args()
    srcs = {"this checkout": HERE_SRC, "baseline": args.baseline_src.resolve()}
    rows: list[list[Any]] = []
    with workdir(args, "claim-ab") as root:
        rows += compare("SQLite", {name: f"sqlite:///{root / f'ab-{i}.db'}"
                                   for i, name in enumerate(srcs)}, srcs, root, args.rounds,
                        args.block, args.workers)
        if args.pg_url:
            with scratch_database(args.pg_url, "a") as one, scratch_database(args.pg_url, "b") as two:
                rows += compare("PostgreSQL", dict(zip(srcs, (one, two), strict=True)), srcs, root,
                                args.rounds, args.block, args.workers)
    table(f"one annotator, claim + submit, {args.workers} server workers each, "
          f"{args.rounds} alternating blocks "
          f"of {args.block} ({cores()} cores, load {os.getloadavg()[0]:.1f}); last row of each "
          "database: baseline / this checkout (p50, p99) and this / baseline (cycles/s)",
          ["database", "code", "claim p50 ms", "claim p99 ms", "cycles/s"], rows)
    summary = "; ".join(f"{r[0]} p99 {r[3]:.2f}× cycles/s {r[4]:.2f}×" for r in rows
                        if r[1] == "baseline / this")
    console.print(f"SUMMARY claim_ab: baseline / this checkout: {summary}")


if __name__ == "__main__":
    main()
