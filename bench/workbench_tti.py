"""Time to interactive of the annotator workbench with long audio, and the server's peaks cost.

Prepares a real project in a temporary SQLite home (a migrated file database and a blob folder):
one annotator, and one project per audio file, each with a single item whose task the annotator
has claimed. The audio is synthesised speech-like noise (syllable-rate bursts and pauses), mono
16 kHz PCM-16 WAV: a ``--long-s`` file (default 10 minutes) and a ``--short-s`` baseline
(default 5 s).

Then serves ``create_app(runtime)`` with uvicorn (one process, as ``datamill serve`` does) in a
subprocess on 127.0.0.1, signs in once with Debian's Chromium (``/usr/bin/chromium``, driven by
Playwright; never downloads a browser), and opens ``/tasks/{id}`` in a fresh browser context
(empty cache, the same session cookie) for every load, waiting for
``body[data-wb-ready="1"]`` (set when wavesurfer has drawn the server's peaks and the segments).
The first load of each file is reported apart: it is the one that makes the server compute the
peaks (they are cached per process afterwards). The ``--loads`` loads after it give median and
p90. Two clocks: the browser's (``performance.now()`` at ready, from navigation start) and the
wall clock around ``goto`` + wait in this script.

Finally the server-side peaks cost on a ``--peaks-s`` file (default 1 hour): ``compute_peaks``
in this process vs a bare ``soundfile.read`` of the same file (median of ``--repeat``), and the
``GET /web/api/items/{id}/peaks`` call over HTTP, first (computed) and second (cached).

Run: ``.venv/bin/python bench/workbench_tti.py`` (``--loads 5 --long-s 600 --peaks-s 3600``).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import soundfile as sf
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    asr_spec,
    base_parser,
    console,
    cores,
    http_server,
    serve_child,
    sqlite_runtime,
    table,
    workdir,
)

from datamill.compliance.users import add_member, create_user  # noqa: E402
from datamill.production.models import Item  # noqa: E402
from datamill.production.projects import create_project  # noqa: E402
from datamill.production.tasks import claim_next_task, create_packages  # noqa: E402
from datamill.runtime import Runtime  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SR = 16_000
PASSWORD = "password1"  # noqa: S105 - a throw-away benchmark user
READY_PROBE = """
new MutationObserver((_, obs) => {
  if (document.body && document.body.dataset.wbReady === '1') {
    window.__wbReadyAt = performance.now(); obs.disconnect();
  }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-wb-ready'] });
"""


# ----------------------------------------------------------------------------- preparation


def synth_speechlike(path: Path, seconds: float, seed: int = 0) -> Path:
    """Mono 16 kHz PCM-16: noise bursts at a syllable rate (~4 Hz) with pauses, written in 10 s
    blocks so an hour never sits in memory."""
    rng = np.random.default_rng(seed)
    total = round(seconds * SR)
    block = 10 * SR
    with sf.SoundFile(path, "w", samplerate=SR, channels=1, subtype="PCM_16") as fh:
        for start in range(0, total, block):
            n = min(block, total - start)
            t = (start + np.arange(n)) / SR
            syllables = np.clip(np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 6.28)), 0, None) ** 2
            phrase = (np.sin(2 * np.pi * 0.15 * t) > -0.3).astype(np.float32)  # pauses
            x = rng.standard_normal(n).astype(np.float32) * 0.25 * syllables * phrase
            fh.write(x.astype(np.float32))
    return path


def add_project_with_item(rt: Runtime, name: str, wav: Path, user_id: int) -> tuple[int, int]:
    """A project with one passed item for ``wav``; returns (project id, item id)."""
    digest = rt.blobs.put_file(wav)
    duration_ms = round(sf.info(str(wav)).duration * 1000)
    with rt.session() as s:
        pid = create_project(s, asr_spec(name)).id
        from datamill.compliance.models import User

        add_member(s, pid, s.get(User, user_id), actor_id=None)
    row = {"project_id": pid, "external_id": wav.stem, "sha256": digest, "filename": wav.name,
           "size_bytes": wav.stat().st_size, "status": "passed", "owner": "customer",
           "attributes": {"duration_ms": duration_ms, "sample_rate_hz": SR, "channels": 1,
                          "bit_depth": 16, "speaker_id": "spk01"},
           "volume": duration_ms, "prompt": None, "meta": {},
           "reject_reasons": [], "current_version": 0, "created_at": datetime.now(UTC)}
    with rt.engine.begin() as conn:
        item_id = conn.execute(insert(Item).values(**row).returning(Item.id)).scalar_one()
    with rt.session() as s:
        create_packages(s, pid, "annotate")
    return pid, int(item_id)


def claim(rt: Runtime, pid: int, username: str) -> int:
    from datamill.compliance.users import get_user

    with rt.session() as s:
        task = claim_next_task(s, get_user(s, username), pid, "annotate")
        assert task is not None, "no task to claim"
        return task.id


# ----------------------------------------------------------------------------- server


# ----------------------------------------------------------------------------- measurements


def sign_in(browser: Any, base: str, username: str) -> dict[str, Any]:
    ctx = browser.new_context(base_url=base)
    page = ctx.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
    state = ctx.storage_state()
    ctx.close()
    return state


def load_once(browser: Any, base: str, state: dict[str, Any], task_id: int) -> dict[str, float]:
    """One cold-browser load of the workbench: ms to ready (browser clock and wall clock)."""
    ctx = browser.new_context(base_url=base, storage_state=state,
                              viewport={"width": 1400, "height": 900})
    ctx.add_init_script(READY_PROBE)
    try:
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(f"/tasks/{task_id}", wait_until="commit", timeout=120_000)
        page.wait_for_selector('body[data-wb-ready="1"]', timeout=120_000)
        wall_ms = (time.perf_counter() - t0) * 1000
        page.wait_for_function("() => window.__wbReadyAt !== undefined", timeout=10_000)
        got = page.evaluate("""() => {
          const p = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/peaks'));
          return { ready: window.__wbReadyAt, peaks_ms: p ? p.duration : -1,
                   peaks_bytes: p ? p.encodedBodySize : -1 };
        }""")
        return {"browser_ms": float(got["ready"]), "wall_ms": wall_ms,
                "peaks_ms": float(got["peaks_ms"]), "peaks_kb": got["peaks_bytes"] / 1024}
    finally:
        ctx.close()


def p90(xs: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    s = sorted(xs)
    return s[max(0, int(np.ceil(0.9 * len(s))) - 1)]


def tti_runs(browser: Any, base: str, state: dict[str, Any], tasks: dict[str, int], loads: int
             ) -> dict[str, tuple[dict[str, float], list[dict[str, float]]]]:
    """A first load of each file, then ``loads`` rounds alternating the files (so drift in the
    machine's load hits both alike)."""
    cold = {k: load_once(browser, base, state, tid) for k, tid in tasks.items()}
    warm: dict[str, list[dict[str, float]]] = {k: [] for k in tasks}
    for _ in range(loads):
        for k, tid in tasks.items():
            warm[k].append(load_once(browser, base, state, tid))
    return {k: (cold[k], warm[k]) for k in tasks}


def timed(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--long-s", type=float, default=600.0, help="long file, seconds (600)")
    parser.add_argument("--short-s", type=float, default=5.0, help="baseline file, seconds (5)")
    parser.add_argument("--loads", type=int, default=5, help="timed loads per file after the first")
    parser.add_argument("--peaks-s", type=float, default=3600.0, help="peaks file, seconds (3600)")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the peaks timings")
    parser.add_argument("--serve", nargs=3, metavar=("DB_URL", "BLOBS", "PORT"),
                        help=argparse_hidden())
    args = parser.parse_args()
    if args.serve:
        serve_child(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    if not CHROMIUM.exists():
        raise SystemExit("/usr/bin/chromium is not installed (this benchmark never downloads one)")
    from playwright.sync_api import sync_playwright

    from datamill.web.peaks import compute_peaks

    with workdir(args, "tti") as root:
        console.print(f"[bold]workbench_tti[/bold]: {cores()} cores, folder {root}")
        t0 = time.perf_counter()
        wavs = {
            "long": synth_speechlike(root / f"long_{int(args.long_s)}s.wav", args.long_s, 1),
            "short": synth_speechlike(root / f"short_{int(args.short_s)}s.wav", args.short_s, 2),
            "hour": synth_speechlike(root / f"peaks_{int(args.peaks_s)}s.wav", args.peaks_s, 3),
        }
        console.print(f"synthesised audio in {time.perf_counter() - t0:.1f} s: "
                      + ", ".join(f"{p.name} {p.stat().st_size / 2**20:.1f} MiB"
                                  for p in wavs.values()))
        rt = sqlite_runtime(root / "home")
        with rt.session() as s:
            uid = create_user(s, "ann", PASSWORD, "annotator").id
        ids = {k: add_project_with_item(rt, f"tti-{k}", p, uid) for k, p in wavs.items()}
        tasks = {k: claim(rt, ids[k][0], "ann") for k in ids}  # holding it lets ann fetch peaks
        db_url, blobs = str(rt.engine.url), str(root / "home" / "blobs")
        rt.close()

        with http_server(__file__, db_url, blobs, root / "server.log") as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
            state = sign_in(browser, base, "ann")
            results = tti_runs(browser, base, state,
                               {k: tasks[k] for k in ("short", "long")}, args.loads)
            browser.close()
            # peaks over HTTP for the hour-long item: first call computes, second is cached
            cookies = {c["name"]: c["value"] for c in state["cookies"]}
            http_s = []
            with httpx.Client(base_url=base, cookies=cookies, timeout=600) as client:
                for _ in range(2):
                    t1 = time.perf_counter()
                    r = client.get(f"/web/api/items/{ids['hour'][1]}/peaks")
                    r.raise_for_status()
                    http_s.append(time.perf_counter() - t1)
                peaks_json_kb = len(r.content) / 1024

        hour = wavs["hour"]
        hour_mib = hour.stat().st_size / 2**20
        read_s = timed(lambda: sf.read(str(hour)), args.repeat)
        peaks_s = timed(lambda: compute_peaks(hour), args.repeat)

    rows = []
    summary: dict[str, tuple[float, float]] = {}
    for key, label in (("short", f"{args.short_s:g} s file"), ("long", f"{args.long_s / 60:g} min file")):
        cold, warm = results[key]
        b = [w["browser_ms"] for w in warm]
        wl = [w["wall_ms"] for w in warm]
        summary[key] = (statistics.median(b), p90(b))
        rows.append([f"{label}: first load (computes peaks)", 1, cold["browser_ms"],
                     cold["browser_ms"], cold["wall_ms"], cold["peaks_ms"], cold["peaks_kb"]])
        rows.append([f"{label}: next loads (cached peaks)", len(warm), statistics.median(b), p90(b),
                     statistics.median(wl), statistics.median(w["peaks_ms"] for w in warm),
                     warm[0]["peaks_kb"]])
    table("Workbench time to interactive (fresh browser context per load; ms)",
          ["load", "n", "median (browser)", "p90 (browser)", "median (wall)",
           "peaks fetch", "peaks KiB"], rows)
    ratio_med = summary["long"][0] / summary["short"][0]
    ratio_p90 = summary["long"][1] / summary["short"][1]
    console.print(f"ratio {args.long_s / 60:g} min / {args.short_s:g} s: median ×{ratio_med:.2f}, "
                  f"p90 ×{ratio_p90:.2f}")
    table(f"Server peaks of a {args.peaks_s / 60:g}-minute file ({hour_mib:.0f} MiB"
          f" WAV; median of {args.repeat})",
          ["run", "seconds", "ratio vs sf.read"],
          [["bare soundfile.read (whole file, float64)", read_s, 1.0],
           ["compute_peaks (blocks of 65,536 frames)", peaks_s, peaks_s / read_s],
           ["GET /peaks over HTTP, first (computes)", http_s[0], http_s[0] / read_s],
           ["GET /peaks over HTTP, second (cached)", http_s[1], http_s[1] / read_s]])
    console.print(f"peaks JSON for the {args.peaks_s / 60:g}-minute file: {peaks_json_kb:,.0f} KiB")
    console.print(
        f"SUMMARY workbench_tti: {args.long_s / 60:g}-min TTI median {summary['long'][0]:.0f} ms "
        f"p90 {summary['long'][1]:.0f} ms vs {args.short_s:g}-s median {summary['short'][0]:.0f} ms "
        f"p90 {summary['short'][1]:.0f} ms (ratio ×{ratio_med:.2f} median, ×{ratio_p90:.2f} p90); "
        f"peaks {args.peaks_s / 60:g} min {peaks_s:.2f} s vs sf.read {read_s:.2f} s "
        f"(ratio ×{peaks_s / read_s:.2f})"
    )


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
