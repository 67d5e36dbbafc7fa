"""Delivery/export of a large accepted batch: seconds per format and peak memory.

Builds, in a real SQLite file database, a project with N accepted utterances: items, one
annotation version each, one batch (status ``accepted``) and its batch items, bulk-inserted
with SQLAlchemy Core. All items share a handful of real WAV blobs (tones of different
lengths, put into the blob store), so the run measures the database read, the exporters and
the manifest, not disk copying.

Then ``deliver_batch`` runs once per format (``kaldi``, ``textgrid``, ``hf``) and once with all
formats, each into a fresh output folder and each in its own child process, so every
delivery's peak RSS (``resource.getrusage``) is its own. The peak RSS should not grow with N.
Each delivery's CPU seconds (user + system) are printed beside its wall-clock seconds: on a
shared machine they say what the export itself cost. After a textgrid run, ``BOUND textgrid``
times a bare loop creating as many files of the same sizes: the floor of a format with one
file per utterance on this file system.

With ``--masked`` every format is delivered again once the project counts as desensitized
(deliveries then mask every string as they export it: ``compliance.delivery_masking``), and
the masked run's CPU seconds are printed as a ratio of the plain run's.

Run: ``.venv/bin/python bench/export_items.py --n 100000`` (default).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import Timer, asr_spec, base_parser, console, peak_rss_mb, sqlite_runtime, table, workdir  # noqa: E402

from datamill.config import Settings  # noqa: E402
from datamill.modalities.registry import get_modality  # noqa: E402
from datamill.production.delivery import deliver_batch  # noqa: E402
from datamill.production.models import Annotation, Batch, BatchItem, Item  # noqa: E402
from datamill.production.projects import create_project  # noqa: E402
from datamill.runtime import Runtime  # noqa: E402
from datamill.testing.sentences import SENTENCES  # noqa: E402

CHUNK = 5_000
GOAL_S = 5.0  # issue 13 §2: 100k utterances per format
LABEL_STUDIO_S = 116.0  # its 100k JSON export on this machine (issue 13)
SR = 16000


def make_blobs(rt: Runtime, folder: Path, k: int) -> list[dict[str, object]]:
    """``k`` distinct small WAVs (0.8 to 2.2 s tones), stored as blobs; returns their facts."""
    folder.mkdir(parents=True, exist_ok=True)
    plugin = get_modality("speech.asr")
    out = []
    for j in range(k):
        dur = 0.8 + 0.2 * j
        t = np.arange(int(SR * dur)) / SR
        path = folder / f"tone{j}.wav"
        sf.write(path, (0.2 * np.sin(2 * np.pi * (200 + 50 * j) * t)).astype(np.float32), SR,
                 subtype="PCM_16")
        digest = rt.blobs.put_file(path)
        probe = plugin.probe(path)
        out.append({"sha256": digest, "size_bytes": path.stat().st_size, **probe})
    return out


def build(rt: Runtime, root: Path, n: int, k: int, first_id: int = 1) -> int:
    """Bulk-insert the accepted batch (ids from ``first_id``); returns the batch id."""
    with rt.session() as s:
        project = create_project(s, asr_spec(f"bench-export-{first_id}"))
    blobs = make_blobs(rt, root / "wav", k)
    now = datetime.now(UTC)
    genders = ("female", "male")
    with rt.engine.begin() as conn:
        batch_id = conn.execute(
            insert(Batch).values(project_id=project.id, name="batch-0001", status="accepted",
                                 created_at=now)
        ).inserted_primary_key[0]
    for start in range(0, n, CHUNK):
        ids = range(first_id + start, first_id + min(n, start + CHUNK))
        items, anns, links = [], [], []
        for i in ids:
            b = blobs[i % k]
            spk = i % 700
            text = SENTENCES[i % len(SENTENCES)]
            items.append({
                "id": i, "project_id": project.id, "external_id": f"spk{spk:03d}/utt{i:07d}",
                "sha256": b["sha256"], "filename": f"utt{i:07d}.wav", "size_bytes": b["size_bytes"],
                "status": "reviewed", "owner": "customer", "volume": b["duration_ms"],
                "attributes": {"duration_ms": b["duration_ms"], "sample_rate_hz": b["sample_rate_hz"],
                               "channels": b["channels"], "bit_depth": b["bit_depth"],
                               "speaker_id": f"spk{spk:03d}", "gender": genders[spk % 2],
                               "age": 18 + spk % 60, "accent": "us"},
                "prompt": text,
                "meta": {}, "reject_reasons": [], "current_annotation_id": i, "current_version": 1,
                "created_at": now,
            })
            dur = int(b["duration_ms"])  # type: ignore[call-overload]
            anns.append({
                "id": i, "item_id": i, "version": 1, "stage": "annotate", "kind": "annotation",
                "payload": [  # a Core insert takes column names: not the ORM synonym "segments"
                    {"start_ms": 0, "end_ms": dur // 2, "text": text, "speaker": None,
                     "noise": [], "confidence": None},
                    {"start_ms": dur // 2, "end_ms": dur, "text": "[noise]", "speaker": None,
                     "noise": ["[noise]"], "confidence": None},
                ],
                "text": f"{text} [noise]", "created_at": now,
            })
            links.append({"batch_id": batch_id, "item_id": i, "annotation_id": i})
        with rt.engine.begin() as conn:
            conn.execute(insert(Item), items)
            conn.execute(insert(Annotation), anns)
            conn.execute(insert(BatchItem), links)
    return int(batch_id)


def deliver_child(db: str, blobs: str, batch_id: int, out: str, formats: list[str]) -> None:
    """Child process: one delivery; prints a JSON line with seconds and peak RSS."""
    settings = Settings(database_url=db, storage_url=blobs, home=Path(blobs).parent)  # audit key
    rt = Runtime.from_settings(settings, migrate=False)
    rss0 = peak_rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    with rt.session() as s:
        d = deliver_batch(s, rt.blobs, batch_id, Path(out), formats=formats)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        s.rollback()  # a batch is delivered once: each run exports the same batch afresh
    rt.close()
    print(json.dumps({"seconds": secs, "cpu_seconds": cpu, "utterances": d.delivered_items, "hours": d.delivered_volume,
                      "rss_before_mb": rss0, "peak_rss_mb": peak_rss_mb()}))


def bare_files(written: Path, folder: Path) -> tuple[int, float]:
    """The floor under a one-file-per-utterance format: a bare loop creating, in a fresh
    folder, as many files of the same sizes as ``written`` holds (``os.open``/``write``/
    ``close``, nothing else); returns the file count and its seconds."""
    sizes = [entry.stat().st_size for entry in os.scandir(written) if entry.is_file()]
    folder.mkdir(parents=True)
    data = b"x" * max(sizes, default=0)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd_dir = os.open(folder, os.O_RDONLY)
    t0 = time.perf_counter()
    try:
        for i, size in enumerate(sizes):
            fd = os.open(f"{i:08d}.TextGrid", flags, 0o666, dir_fd=fd_dir)
            os.write(fd, data[:size])
            os.close(fd)
    finally:
        os.close(fd_dir)
    return len(sizes), time.perf_counter() - t0


def main() -> int:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="accepted utterances (default 100000)")
    parser.add_argument("--blobs", type=int, default=8, help="distinct WAV blobs shared by the items")
    parser.add_argument("--formats", default="kaldi,textgrid,hf", help="comma-separated formats")
    parser.add_argument("--masked", action="store_true",
                        help="also deliver as a desensitized project and print the ratio")
    parser.add_argument("--child", nargs=5, metavar=("DB", "BLOBS", "BATCH", "OUT", "FORMATS"),
                        help=argparse_suppress())
    args = parser.parse_args()
    if args.child:
        db, blobs, batch, out, fmts = args.child
        deliver_child(db, blobs, int(batch), out, fmts.split(","))
        return 0
    formats = args.formats.split(",")
    with workdir(args, "export") as root:
        rt = sqlite_runtime(root / "db")
        with Timer() as setup:
            batch_id = build(rt, root, args.n, args.blobs)
        db_url, blob_root = rt.settings.resolved_database_url(), rt.settings.resolved_storage_url()
        rt.close()
        db_mb = (root / "db" / "datamill.db").stat().st_size / 2**20
        console.print(f"bulk-inserted {args.n:,} accepted items (+annotations, batch items) in "
                      f"{setup.seconds:.1f} s; database {db_mb:.0f} MiB")
        runs = [[f] for f in formats] + ([formats] if len(formats) > 1 else [])
        if args.masked:
            runs += [["masked", *f] for f in runs]
        rows = []
        results = {}
        for fmts in runs:
            label = "+".join(fmts)
            if fmts[0] == "masked":
                fmts = fmts[1:]
                _mark_desensitized(rt.settings, batch_id)
            out = root / f"out-{label}"
            proc = subprocess.run(  # noqa: S603 - this script, fixed argv
                [sys.executable, __file__, "--child", db_url, blob_root, str(batch_id), str(out),
                 ",".join(fmts)],
                capture_output=True, text=True, check=False,
            )
            if proc.returncode != 0:
                console.print(f"[red]delivery {label} failed:[/red]\n{proc.stderr[-3000:]}")
                return 1
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            assert r["utterances"] == args.n, r
            results[label] = r
            rows.append([label, r["utterances"], r["seconds"], r["cpu_seconds"],
                         r["utterances"] / r["seconds"], r["rss_before_mb"], r["peak_rss_mb"]])
        table(
            f"deliver_batch of {args.n:,} accepted utterances, SQLite file DB (one child process each)",
            ["formats", "utterances", "seconds", "CPU seconds", "utterances/s", "RSS at start MiB",
             "peak RSS MiB"],
            rows,
        )
        if "textgrid" in results:
            written = next((root / "out-textgrid").glob("*/batch-0001/textgrid"))
            count, secs = bare_files(written, root / "bare-files")
            console.print(
                f"BOUND textgrid: a bare loop creating the same {count:,} files (same sizes) "
                f"takes {secs:.2f} s here ({secs * 100_000 / max(count, 1):.1f} s per 100k), "
                f"{secs / results['textgrid']['seconds']:.0%} of the textgrid export's time"
            )
        for k, v in results.items():
            if "+" in k:
                continue
            per_100k = v["seconds"] * 100_000 / args.n
            console.print(
                f"GOAL export {k}: {per_100k:.1f} s per 100k utterances "
                f"({v['cpu_seconds'] * 100_000 / args.n:.1f} s CPU; goal ≤ {GOAL_S:.0f} s: "
                f"{'meets' if per_100k <= GOAL_S else 'MISSES'}, ratio {per_100k / GOAL_S:.2f} of "
                f"the goal); vs Label Studio's {LABEL_STUDIO_S:.0f} s JSON export: "
                f"{LABEL_STUDIO_S / per_100k:.1f}× (issue 13, not measured in this run)"
            )
        for k, v in results.items():
            if k.startswith("masked+"):
                plain = results[k.removeprefix("masked+")]
                console.print(f"RATIO masked/plain {k.removeprefix('masked+')}: CPU "
                              f"{v['cpu_seconds'] / plain['cpu_seconds']:.2f}× "
                              f"({plain['cpu_seconds']:.1f} → {v['cpu_seconds']:.1f} s)")
        per = ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in results.items())
        peak = max(v["peak_rss_mb"] for v in results.values())
        console.print(f"SUMMARY export_items n={args.n}: {per}; peak RSS {peak:.0f} MiB")
    return 0


def _mark_desensitized(settings: Settings, batch_id: int) -> None:
    """Record a desensitization run of the batch's project (what makes deliveries masked),
    once; the texts themselves are masked by the delivery as it exports them."""
    from datamill.compliance.audit import record_audit
    from datamill.compliance.delivery_masking import was_desensitized

    rt = Runtime.from_settings(settings, migrate=False)
    with rt.session() as s:
        batch = s.get(Batch, batch_id)
        assert batch is not None
        if not was_desensitized(s, batch.project_id):
            record_audit(s, actor_id=None, action="security.texts_desensitized",
                         object_type="project", object_id=batch.project_id,
                         project_id=batch.project_id, data={"bench": True})
    rt.close()


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    raise SystemExit(main())
