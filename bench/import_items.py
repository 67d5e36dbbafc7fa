"""Import throughput: ``import_source`` on N tiny WAVs + CSV manifest vs a bare read+sha256 loop.

Makes N distinct 0.2 s mono 16 kHz PCM-16 WAVs (a faint tone; the first samples encode the
index, so every file has its own sha256) in sub-folders of 1,000, and a CSV manifest with
speaker_id, gender, age and prompt. Then times, on warm page cache:

* the baseline: a bare Python loop that reads each file and sha256-hashes it (files/s);
* ``import_source`` into a fresh project on a real SQLite file database + local blob store
  (items/s; the ratio is datamill items/s / baseline files/s);
* a second ``import_source`` of the same manifest (every row a duplicate; items/s).

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

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import Timer, asr_spec, base_parser, console, peak_rss_mb, sqlite_runtime, table, workdir  # noqa: E402

from datamill.production.importing import import_source  # noqa: E402
from datamill.production.projects import create_project  # noqa: E402
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


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=TARGET_N, help="number of items (default 100000)")
    args = parser.parse_args()
    with workdir(args, "import") as root:
        with Timer() as gen:
            manifest = make_corpus(root / "src", args.n)
        console.print(f"made {args.n:,} WAVs + manifest in {gen.seconds:.1f} s under {root}")
        n_files, bare_s = bare_loop(manifest)
        bare_rate = n_files / bare_s

        rt = sqlite_runtime(root / "db")
        with rt.session() as s:
            pid = create_project(s, asr_spec()).id
        with rt.session() as s, Timer() as first:
            rep1 = import_source(s, rt.blobs, pid, manifest)
        with rt.session() as s, Timer() as again:
            rep2 = import_source(s, rt.blobs, pid, manifest)
        rt.close()
        db_mb = (root / "db" / "datamill.db").stat().st_size / 2**20
        assert rep1.imported == args.n and rep1.rejected == 0, rep1
        assert rep2.duplicates == args.n and rep2.imported == 0, rep2

        rate1 = rep1.imported / first.seconds
        rate2 = rep2.duplicates / again.seconds
        table(
            f"Import of {args.n:,} items (0.2 s WAV + CSV metadata), SQLite file DB",
            ["run", "items", "seconds", "items/s", "ratio vs bare loop"],
            [
                ["bare loop: read + sha256", n_files, bare_s, bare_rate, 1.0],
                ["datamill import_source (new)", rep1.imported, first.seconds, rate1, rate1 / bare_rate],
                ["datamill re-import (all duplicates)", rep2.duplicates, again.seconds, rate2,
                 rate2 / bare_rate],
            ],
        )
        console.print(f"database file {db_mb:.1f} MiB; peak RSS {peak_rss_mb():.0f} MiB")
        extra = ""
        if args.n < TARGET_N:
            extra = (
                f"; EXTRAPOLATED to {TARGET_N:,} at these rates: import "
                f"{TARGET_N / rate1:.0f} s, re-import {TARGET_N / rate2:.0f} s"
            )
        console.print(
            f"SUMMARY import_items n={args.n}: import {rate1:,.0f} items/s "
            f"(ratio {rate1 / bare_rate:.3f} of bare read+sha256 {bare_rate:,.0f} files/s), "
            f"re-import {rate2:,.0f} items/s (ratio {rate2 / bare_rate:.3f}){extra}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
