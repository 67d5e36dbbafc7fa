"""Label Studio side by side: the operations datamill's benches time, run against Label Studio.

Opt-in (it installs a Django application): ``--install`` makes a virtual environment of its own
(``--venv``, default ``~/.cache/datamill-bench/label-studio-<version>``) and installs
``label-studio==<--version>`` into it with that environment's pip; without ``--install`` the
venv must already exist. Then it starts Label Studio on 127.0.0.1 and a free port (a fresh data
folder, one user with a legacy API token, no browser), and times over its REST API:

1. import: ``--n`` tasks (audio path + prompt) into a new project, ``--chunk`` per request;
2. list tasks: ``--pages`` random pages of 100 tasks (``GET /api/tasks``), latency per page;
3. claim + submit: ``--cycles`` times ``GET /api/projects/{id}/next`` then
   ``POST /api/tasks/{id}/annotations`` with a transcription (one annotator, sequential);
4. export: ``GET /api/projects/{id}/export?exportType=JSON`` of every task.

With ``--with-datamill`` it also runs datamill's own benches for the same operations at the same
sizes (``import_items.py --n``, ``claim_latency.py --clients 1 --claims``, ``export_items.py
--n``) and prints their SUMMARY lines under the table, with the import ratio computed, so the
ratio table in bench/README.md can be reproduced with one command:

    .venv/bin/python bench/peer_label_studio.py --install --n 100000 --with-datamill
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, table, workdir  # noqa: E402

from datamill.testing.server import free_port  # noqa: E402

HERE = Path(__file__).resolve().parent
LABEL_CONFIG = (
    '<View><Audio name="audio" value="$audio"/><Header value="$text"/>'
    '<TextArea name="transcription" toName="audio" editable="true" maxSubmissions="1"/></View>'
)
TOKEN = "datamillbench0123456789abcdef0123456789ab"  # noqa: S105 - a throw-away local server


def ensure_venv(venv: Path, version: str, install: bool) -> Path:
    exe = venv / "bin" / "label-studio"
    if exe.exists():
        return exe
    if not install:
        raise SystemExit(f"no Label Studio in {venv}; pass --install to make it (a large install)")
    console.print(f"installing label-studio=={version} into {venv} ...")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", f"label-studio=={version}"],  # noqa: S603
                   check=True)
    return exe


def start(exe: Path, data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data),
           "LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED": "true",
           "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true", "DJANGO_DB": "sqlite"}
    env.pop("PYTHONPATH", None)  # its own venv, not datamill's
    argv = [str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
            "--data-dir", str(data), "--username", "bench@localhost", "--password", "bench-pass-1",
            "--user-token", TOKEN]
    fh = log.open("w")
    return subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, env=env,  # noqa: S603
                            start_new_session=True)


def wait_up(base: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Label Studio exited ({proc.returncode}); see its log")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:  # noqa: PLR2004
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise SystemExit("Label Studio did not answer in time")


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000


def measure(c: httpx.Client, args: Any) -> list[list[Any]]:
    r = c.post("/api/projects", json={"title": "datamill-bench", "label_config": LABEL_CONFIG})
    r.raise_for_status()
    pid = r.json()["id"]
    rows: list[list[Any]] = []
    t0 = time.perf_counter()
    for start_i in range(0, args.n, args.chunk):
        tasks = [{"data": {"audio": f"/data/local-files/?d=audio/utt{i:06d}.wav",
                           "text": f"prompt number {i}"}}
                 for i in range(start_i, min(args.n, start_i + args.chunk))]
        r = c.post(f"/api/projects/{pid}/import", json=tasks, timeout=3600)
        r.raise_for_status()
    imp = time.perf_counter() - t0
    rows.append(["import tasks", args.n, imp, args.n / imp, "items/s"])
    pages = max(1, args.n // 100)
    lat = []
    for _ in range(args.pages):
        p = random.randint(1, pages)  # noqa: S311 - a benchmark's page choice
        t = time.perf_counter()
        r = c.get("/api/tasks", params={"project": pid, "page": p, "page_size": 100})
        r.raise_for_status()
        lat.append(time.perf_counter() - t)
    rows.append(["list tasks (page of 100)", args.pages, sum(lat), statistics.median(lat) * 1000,
                 f"ms median, p99 {pct(lat, 0.99):.0f} ms"])
    cyc = []
    t0 = time.perf_counter()
    for k in range(args.cycles):
        t = time.perf_counter()
        r = c.get(f"/api/projects/{pid}/next")
        r.raise_for_status()
        tid = r.json()["id"]
        r = c.post(f"/api/tasks/{tid}/annotations", params={"project": pid}, json={
            "result": [{"from_name": "transcription", "to_name": "audio", "type": "textarea",
                        "value": {"text": [f"answer {k}"]}}], "lead_time": 1.0})
        r.raise_for_status()
        cyc.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    rows.append(["claim + submit cycle", args.cycles, total, args.cycles / total,
                 f"cycles/s; median {pct(cyc, 0.5):.0f} ms, p99 {pct(cyc, 0.99):.0f} ms"])
    t0 = time.perf_counter()
    r = c.get(f"/api/projects/{pid}/export", params={"exportType": "JSON",
                                                    "download_all_tasks": "true"}, timeout=3600)
    r.raise_for_status()
    exp = time.perf_counter() - t0
    n_out = len(json.loads(r.content))
    rows.append(["export JSON (all tasks)", n_out, exp, n_out / exp,
                 f"items/s; {len(r.content) / 2**20:.1f} MiB"])
    return rows


def datamill_side(args: Any) -> list[str]:
    # Label Studio's import registers tasks that point at files (nothing copied): the same
    # operation is datamill's register-in-place import, which import_items.py runs first
    runs = [["import_items.py", "--n", str(args.n)],
            ["claim_latency.py", "--clients", "1", "--claims", str(args.cycles), "--single", "0"],
            ["export_items.py", "--n", str(args.n), "--formats", "hf"]]
    out = []
    for argv in runs:
        res = subprocess.run([sys.executable, str(HERE / argv[0]), *argv[1:]],  # noqa: S603
                             capture_output=True, text=True, check=False)
        lines = [ln for ln in res.stdout.splitlines() if ln.startswith(("GOAL", "SUMMARY"))]
        out.extend(lines or [f"{argv[0]} failed ({res.returncode})"])
    return out


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="make the venv and install it")
    parser.add_argument("--version", default="1.23.2", help="Label Studio version")
    parser.add_argument("--venv", type=Path, default=None, help="its virtual environment")
    parser.add_argument("--n", type=int, default=100_000, help="tasks to import")
    parser.add_argument("--chunk", type=int, default=10_000, help="tasks per import request")
    parser.add_argument("--pages", type=int, default=50, help="task-list pages to time")
    parser.add_argument("--cycles", type=int, default=300, help="claim + submit cycles")
    parser.add_argument("--with-datamill", action="store_true",
                        help="also run datamill's benches at the same sizes")
    args = parser.parse_args()
    venv = args.venv or Path.home() / ".cache" / "datamill-bench" / f"label-studio-{args.version}"
    exe = ensure_venv(venv, args.version, args.install)
    with workdir(args, "label-studio") as root:
        port = free_port()
        log = root / "label-studio.log"
        proc = start(exe, root / "data", port, log)
        base = f"http://127.0.0.1:{port}"
        try:
            t0 = time.perf_counter()
            wait_up(base, proc, 600)
            console.print(f"Label Studio {args.version} up in {time.perf_counter() - t0:.1f} s")
            with httpx.Client(base_url=base, timeout=120,
                              headers={"Authorization": f"Token {TOKEN}"}) as c:
                rows = measure(c, args)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        table(f"Label Studio {args.version} over its REST API (SQLite, one process, one client)",
              ["operation", "count", "seconds", "rate", "unit"], rows)
        summary = "; ".join(f"{r[0]} {r[3]:,.1f} {r[4]}" for r in rows)
        console.print(f"SUMMARY peer_label_studio n={args.n}: {summary}")
        if args.with_datamill:
            lines = datamill_side(args)
            for line in lines:
                console.print(line)
            text = "\n".join(lines)
            m = re.search(r"GOAL import in place \(SQLite\): ([\d.]+) s per 100k", text)
            if m:  # the same operation: tasks that point at files, nothing copied
                dm = 100_000 / float(m.group(1))
                console.print(f"RATIO import (in place) datamill/label-studio: x{dm / rows[0][3]:.2f}")
            m = re.search(r"import ([\d,]+) items/s", text)
            if m:
                dm = float(m.group(1).replace(",", ""))
                console.print(f"RATIO import (copy) datamill/label-studio: x{dm / rows[0][3]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
