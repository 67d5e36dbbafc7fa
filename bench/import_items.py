"""Import throughput: ``import_source`` on N tiny WAVs + CSV manifest vs a bare read+sha256 loop.

Makes N distinct 0.2 s mono 16 kHz PCM-16 WAVs (a faint tone; the first samples encode the
index, so every file has its own sha256) in sub-folders of 1,000, and a CSV manifest with
speaker_id, gender, age and prompt. Then times, on warm page cache:

* the baseline: a bare Python loop that reads each file and sha256-hashes it (files/s);
* ``import_source`` into a fresh project on a real SQLite file database + local blob store
  (items/s; the ratio is datamill items/s / baseline files/s);
* a second ``import_source`` of the same manifest (every row a duplicate; items/s);
* ``import_source(in_place=True)`` (register in place: files named, stat'ed, not copied, hashed
  or probed; rows bulk-inserted) into a second project, and its re-import; with ``--pg-url``
  (or ``DATAMILL_BENCH_PG_URL``) also on PostgreSQL (``COPY``), in a scratch database.

The goal (issue 13): 100,000 items in ≤ 3 s, ≥ 10× Label Studio 1.23's 25–30 s (measured there
on this machine, not in this run).

Run: ``.venv/bin/python bench/import_items.py --n 100000`` (default; about 650 MB of WAVs).
When N is below 100,000 the summary adds a clearly labelled extrapolation to 100,000.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import (  # noqa: E402
    Timer,
    add_pg_url,
    asr_spec,
    base_parser,
    console,
    migrated_runtime,
    peak_rss_mb,
    scratch_database,
    sqlite_runtime,
    table,
    workdir,
)

from datamill.config import Settings  # noqa: E402
from datamill.production.importing import import_source  # noqa: E402
from datamill.production.projects import create_project  # noqa: E402
from datamill.runtime import Runtime  # noqa: E402
from datamill.testing.sentences import SENTENCES  # noqa: E402

SR = 16000
DURATION_S = 0.2
TARGET_N = 100_000


def make_corpus(root: Path, n: int) -> Path:
    """N distinct valid WAVs and ``manifest.csv``; returns the manifest path."""
    frames = int(SR * DURATION_S)
    t = np.arange(frames) / SR
    base = (0.1 * np.sin(2 * np.pi * 220.0 * t) * 32767).astype("<i2")
    # soundfile writes one real header; every file shares it (same length), data differs.
    buf = io.BytesIO()
    sf.write(buf, base, SR, subtype="PCM_16", format="WAV")
    blob = buf.getvalue()
    header = blob[: len(blob) - base.nbytes]
    assert blob[len(header):] == base.tobytes()
    genders = ("female", "male")
    root.mkdir(parents=True, exist_ok=True)
    manifest = root / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "speaker_id", "gender", "age", "prompt"])
        data = base.copy()
        for i in range(n):
            sub = root / "audio" / f"{i // 1000:03d}"
            if i % 1000 == 0:
                sub.mkdir(parents=True, exist_ok=True)
            data[0] = i & 0x7FFF
            data[1] = (i >> 15) & 0x7FFF
            rel = f"audio/{i // 1000:03d}/utt{i:06d}.wav"
            (root / rel).write_bytes(header + data.tobytes())
            spk = i % 500
            w.writerow([rel, f"spk{spk:03d}", genders[spk % 2], 18 + spk % 60, SENTENCES[i % len(SENTENCES)]])
    return manifest


def bare_loop(manifest: Path) -> tuple[int, float]:
    root = manifest.parent
    with manifest.open(encoding="utf-8") as fh:
        paths = [root / row["path"] for row in csv.DictReader(fh)]
    t0 = time.perf_counter()
    for p in paths:
        hashlib.sha256(p.read_bytes()).hexdigest()
    return len(paths), time.perf_counter() - t0


GOAL_S = 3.0
LABEL_STUDIO_S = 25.0  # the fastest of its 25-30 s for 100k (issue 13, same machine)


def in_place(rt: Runtime, manifest: Path, n: int, label: str) -> list[list[Any]]:
    """Register-in-place import and its re-import; table rows."""
    with rt.session() as s:
        pid = create_project(s, asr_spec(f"bench-in-place-{label}")).id
    with rt.session() as s, Timer() as first:
        rep1 = import_source(s, rt.blobs, pid, manifest, in_place=True)
    with rt.session() as s, Timer() as again:
        rep2 = import_source(s, rt.blobs, pid, manifest, in_place=True)
    assert rep1.imported == n and rep1.rejected == 0, rep1
    assert rep2.duplicates == n, rep2
    per_100k = first.seconds * TARGET_N / n
    console.print(
        f"GOAL import in place ({label}): {per_100k:.2f} s per 100k (goal ≤ {GOAL_S:.0f} s: "
        f"{'meets' if per_100k <= GOAL_S else 'MISSES'}); ratio vs Label Studio's "
        f"{LABEL_STUDIO_S:.0f} s: {LABEL_STUDIO_S / per_100k:.1f}×"
    )
    return [
        [f"in place, new ({label})", rep1.imported, first.seconds, n / first.seconds, None],
        [f"in place, re-import ({label})", rep2.duplicates, again.seconds, n / again.seconds, None],
    ]


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=TARGET_N, help="number of items (default 100000)")
    add_pg_url(parser, "PostgreSQL server URL (a scratch database is created on it)")
    parser.add_argument("--skip-copy", action="store_true", help="only the in-place imports")
    args = parser.parse_args()
    with workdir(args, "import") as root:
        with Timer() as gen:
            manifest = make_corpus(root / "src", args.n)
        console.print(f"made {args.n:,} WAVs + manifest in {gen.seconds:.1f} s under {root}")
        n_files, bare_s = bare_loop(manifest)
        bare_rate = n_files / bare_s

        rt = sqlite_runtime(root / "db")
        placed = in_place(rt, manifest, args.n, "SQLite")
        if args.pg_url:
            with scratch_database(args.pg_url) as db:
                pg = migrated_runtime(Settings(database_url=db, storage_url=str(root / "pgblobs"),
                                               home=root))
                placed += in_place(pg, manifest, args.n, "PostgreSQL")
                pg.close()
        rows = [["bare loop: read + sha256", n_files, bare_s, bare_rate, 1.0]]
        rate1 = rate2 = float("nan")
        if not args.skip_copy:
            with rt.session() as s:
                pid = create_project(s, asr_spec()).id
            with rt.session() as s, Timer() as first:
                rep1 = import_source(s, rt.blobs, pid, manifest)
            with rt.session() as s, Timer() as again:
                rep2 = import_source(s, rt.blobs, pid, manifest)
            assert rep1.imported == args.n and rep1.rejected == 0, rep1
            assert rep2.duplicates == args.n and rep2.imported == 0, rep2
            rate1 = rep1.imported / first.seconds
            rate2 = rep2.duplicates / again.seconds
            rows += [
                ["datamill import_source (copy, new)", rep1.imported, first.seconds, rate1,
                 rate1 / bare_rate],
                ["datamill re-import (copy, all duplicates)", rep2.duplicates, again.seconds, rate2,
                 rate2 / bare_rate],
            ]
        rt.close()
        db_mb = (root / "db" / "datamill.db").stat().st_size / 2**20
        rows += [[*r[:4], r[3] / bare_rate] for r in placed]
        table(
            f"Import of {args.n:,} items (0.2 s WAV + CSV metadata), SQLite file DB",
            ["run", "items", "seconds", "items/s", "ratio vs bare loop"], rows,
        )
        console.print(f"database file {db_mb:.1f} MiB; peak RSS {peak_rss_mb():.0f} MiB")
        parts = [f"in place {r[0].split('(')[-1].rstrip(')')} {r[0].split(',')[1].split('(')[0].strip()}"
                 f" {TARGET_N / r[3]:.2f} s per 100k" for r in placed]
        if not args.skip_copy:
            parts.append(f"copy import {rate1:,.0f} items/s (ratio {rate1 / bare_rate:.3f} of bare "
                         f"read+sha256 {bare_rate:,.0f} files/s), re-import {rate2:,.0f} items/s")
        scaled = f" (measured at n={args.n:,}, scaled to 100k)" if args.n < TARGET_N else ""
        console.print(f"SUMMARY import_items n={args.n}: " + "; ".join(parts) + scaled)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
