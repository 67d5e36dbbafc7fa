"""Server memory across consecutive big exports: does RSS return to its idle level?

Builds ``--exports`` accepted batches of ``--n`` utterances each (as ``export_items.py`` does:
bulk-inserted items, annotations and batch items in a SQLite file database, media shared from
a few real WAV blobs), serves ``create_app(runtime)`` with uvicorn in a child process, and
asks ``POST /api/v1/batches/{id}/deliveries`` for each batch in turn (formats ``--formats``),
one after the other, as an admin with an API token. The child's RSS (``/proc/<pid>/status``)
is sampled every 50 ms: cold idle (after one request), warm idle (after exporting a 20-item
batch: the exporters' libraries, Arrow's and Parquet's one-time state are loaded, about 45-75
MiB that stay for the life of the process whatever the size of the export), peak during each
export, and settled after each (2 s after the answer). The goal (issue 13 §2): after the
exports the server is back within 10 % of its warm idle RSS and does not creep up from one
export to the next.

Run: ``.venv/bin/python bench/export_memory.py --n 100000`` (default 20000 for a short run).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    Timer,
    base_parser,
    console,
    free_port,
    serve_child,
    server_process,
    sqlite_runtime,
    table,
    workdir,
)
from export_items import build  # noqa: E402

from datamill.compliance.users import create_token, create_user  # noqa: E402

GOAL_RATIO = 1.10
SETTLE_S = 2.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Sampler:
    """Peak RSS of ``pid`` since the last :meth:`reset`, sampled every 50 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))

    def reset(self) -> None:
        self.peak = rss_mb(self.pid)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="utterances per batch (default 20000)")
    parser.add_argument("--exports", type=int, default=3, help="consecutive exports (default 3)")
    parser.add_argument("--formats", default="kaldi,textgrid,hf", help="comma-separated formats")
    parser.add_argument("--serve", nargs=4, help=__import__("argparse").SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        Path(args.serve[3]).write_text(str(os.getpid()))
        serve_child(args.serve[0], args.serve[1], int(args.serve[2]))
        return 0
    with workdir(args, "export-memory") as root:
        rt = sqlite_runtime(root / "db")
        with Timer() as setup:
            batches = [build(rt, root, args.n, 8, first_id=1 + b * args.n) for b in range(args.exports)]
            tiny = build(rt, root, 20, 8, first_id=1 + args.exports * args.n)
            with rt.session() as s:
                token = create_token(s, create_user(s, "bench-admin", "password1", "admin"), "bench")
        db_url, blob_root = rt.settings.resolved_database_url(), rt.settings.resolved_storage_url()
        rt.close()
        console.print(f"built {args.exports} accepted batches of {args.n:,} utterances in {setup.seconds:.1f} s")
        port, pidfile = free_port(), root / "server.pid"
        argv = [sys.executable, __file__, "--serve", db_url, blob_root, str(port), str(pidfile)]
        rows = []
        with server_process(argv, port, root / "server.log") as base, httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600
        ) as client:
            pid = int(pidfile.read_text())
            client.get(f"/api/v1/batches/{batches[0]}/deliveries")  # warm-up request (any answer)
            time.sleep(SETTLE_S)
            cold = rss_mb(pid)
            sampler = Sampler(pid)
            rows.append(["cold idle (after one request)", None, cold, cold, None])
            t0 = time.perf_counter()
            r = client.post(f"/api/v1/batches/{tiny}/deliveries",
                            json={"formats": args.formats.split(",")})
            if r.status_code != 201:
                console.print(f"[red]warm-up export: {r.status_code} {r.text[:300]}[/red]")
                return 1
            time.sleep(SETTLE_S)
            idle = rss_mb(pid)
            rows.append(["warm idle (after a 20-item export)", time.perf_counter() - t0 - SETTLE_S,
                         sampler.peak, idle, 1.0])
            after = idle
            for number, batch_id in enumerate(batches, start=1):
                sampler.reset()
                t0 = time.perf_counter()
                r = client.post(f"/api/v1/batches/{batch_id}/deliveries",
                                json={"formats": args.formats.split(",")})
                secs = time.perf_counter() - t0
                if r.status_code != 201:
                    console.print(f"[red]export {number}: {r.status_code} {r.text[:300]}[/red]")
                    return 1
                peak = sampler.peak
                time.sleep(SETTLE_S)
                after = rss_mb(pid)
                rows.append([f"export {number} ({args.n:,} utterances, {args.formats})", secs, peak,
                             after, after / idle])
            sampler.stop()
        table(f"Server RSS (MiB) across {args.exports} consecutive exports",
              ["phase", "export seconds", "peak RSS", "RSS after (settled)", "after / idle"], rows)
        ratio = after / idle
        verdict = "returns" if ratio <= GOAL_RATIO else "DOES NOT return"
        creep = rows[-1][3] - rows[2][3] if len(rows) > 3 else 0.0  # noqa: PLR2004
        console.print(
            f"SUMMARY export_memory n={args.n} exports={args.exports}: cold idle {cold:.0f} MiB, "
            f"warm idle {idle:.0f} MiB, "
            f"peak {max(r[2] for r in rows):.0f} MiB, after {after:.0f} MiB (ratio {ratio:.2f}; "
            f"goal ≤ {GOAL_RATIO:.2f}: {verdict} to warm idle; {after / cold:.2f} of cold idle); creep from export 1 to "
            f"{args.exports}: {creep:+.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
