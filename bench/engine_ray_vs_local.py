"""Engine throughput: the checks job on the local pool (cold, warm, measured choice) vs Ray.

Synthesises M espeak-ng utterances, then maps ``datamill.production.checking.check_job`` over
them through :func:`datamill.engine.run_batches` (id-ordered seeded batches, as a real job runs)
on each backend and reports files/s:

* light job: audio checks only (``read_speech: false``), ``--repeat`` passes over the files;
* image masking (``--m-images N``, default 24): desensitization's
  ``datamill.compliance.desensitize.mask_image_job`` (face and plate detection, blur) over N
  synthetic 640×480 photos with faces drawn on them;
* heavy job (``--m-heavy N``): + audio-text consistency (pocketsphinx alignment) on N files.
  Its scores are NOT reproducible between processes today: the shared PocketSphinx decoder
  keeps state from the previous utterance, so a file's score depends on which files the same
  process checked before (the ``same`` column shows it).

Backends: ``local(1)`` in this process; ``local(2)`` with the measured choice, first with a cold
pool (its start is paid inside the run), then warm; ``local(2) pool`` forced onto the warm pool;
``ray(2)`` on a local 2-CPU Ray instance (its start-up is timed separately, then a cold and a
warm run). Every backend's results are compared with ``local(1)``'s: they must be identical.
Run: ``.venv/bin/python bench/engine_ray_vs_local.py`` (``--m 60 --repeat 5``).
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, cores, table, workdir  # noqa: E402

from datamill.compliance.desensitize import mask_image_job  # noqa: E402
from datamill.engine import LocalExecutor, run_batches  # noqa: E402
from datamill.engine import local as local_engine  # noqa: E402
from datamill.production.checking import check_job  # noqa: E402
from datamill.testing.sentences import SENTENCES  # noqa: E402
from datamill.testing.synth import VOICES, espeak_available, synthesize  # noqa: E402


def _key(results: list[Any]) -> list[Any]:
    if results and len(results[0]) == 4:  # noqa: PLR2004 - mask_image_job's (id, bytes, regions, warnings)
        return [(i, hashlib.sha256(data or b"").hexdigest(), regions, said)
                for i, data, regions, said in results]
    return [(i, [(o.name, o.passed, o.value) for o in outs]) for i, outs in results]


def run(executor: Any, jobs: list[tuple[Any, ...]], batch: int) -> tuple[float, list[Any]]:
    out: list[Any] = []
    fn = mask_image_job if jobs and isinstance(jobs[0][-1], bool) else check_job
    t0 = time.perf_counter()
    run_batches(executor, fn, jobs, land=out.extend, batch_size=batch, seed=1)
    return time.perf_counter() - t0, _key(out)


def photos(folder: Path, n: int) -> list[Path]:
    """``n`` 640×480 noisy scenes, each with a bright oval "face" (eyes, mouth) and a plate."""
    import numpy as np
    from PIL import Image, ImageDraw

    made = []
    rng = np.random.default_rng(7)
    for i in range(n):
        pixels = rng.integers(40, 120, size=(480, 640, 3), dtype=np.uint8)
        image = Image.fromarray(pixels)
        draw = ImageDraw.Draw(image)
        x, y = 80 + (i * 37) % 360, 60 + (i * 53) % 220
        draw.ellipse((x, y, x + 120, y + 150), fill=(224, 190, 160))
        for ex in (x + 30, x + 75):
            draw.ellipse((ex, y + 50, ex + 16, y + 62), fill=(30, 30, 30))
        draw.rectangle((x + 40, y + 105, x + 80, y + 115), fill=(120, 40, 40))
        draw.rectangle((400, 380, 560, 420), fill=(240, 240, 240), outline=(0, 0, 0))
        draw.text((420, 392), f"AB {1000 + i}", fill=(0, 0, 0))
        made.append(folder / f"photo{i:04d}.png")
        image.save(made[-1])
    return made


def main() -> int:  # noqa: PLR0915 - a linear script
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--m", type=int, default=60, help="files synthesised")
    parser.add_argument("--repeat", type=int, default=5, help="passes in the light job")
    parser.add_argument("--m-heavy", type=int, default=0,
                        help="files in the heavy job (pocketsphinx: seconds per file; 0 = skip)")
    parser.add_argument("--m-images", type=int, default=24,
                        help="photos in the image-masking job (desensitization; 0 = skip)")
    parser.add_argument("--batch", type=int, default=16, help="items per batch (one task)")
    parser.add_argument("--no-ray", action="store_true", help="local backends only")
    args = parser.parse_args()
    if not espeak_available():
        console.print("espeak-ng is not installed; run scripts/setup.sh")
        return 2
    with workdir(args, "engine") as root:
        files = []
        for i in range(args.m):
            voice, _ = VOICES[i % len(VOICES)]
            text = SENTENCES[i % len(SENTENCES)]
            files.append((synthesize(text, root / f"utt{i:04d}.wav", voice=voice, seed=i), text))
        light = [(k, str(p), "speech.asr", {"read_speech": False}, None)
                 for k, (p, _t) in enumerate(files * max(1, args.repeat))]
        heavy = [(k, str(p), "speech.asr", {"read_speech": True}, t)
                 for k, (p, t) in enumerate(files[: args.m_heavy])]
        masking = [(k, str(p), ".png", True)
                   for k, p in enumerate(photos(root, args.m_images))]
        console.print(f"{len(files)} files; light job {len(light)} items, heavy job {len(heavy)} "
                      f"items, masking {len(masking)} photos; batches of {args.batch}; "
                      f"{cores()} cores")
        run(LocalExecutor(1), light[:4], args.batch)  # imports, not timed
        rows: list[list[Any]] = []
        ref: dict[str, list[Any]] = {}

        def record(label: str, ex: Any, jobs: list[Any], kind: str) -> float:
            s, res = run(ex, jobs, args.batch)
            if kind not in ref:
                ref[kind] = res
            same = res == ref[kind]
            mode = getattr(ex, "last_mode", "")
            rows.append([kind, label, mode, len(jobs), s, len(jobs) / s, "yes" if same else "NO"])
            console.print(f"  {kind:5} {label:32} {mode:6} {len(jobs):5} items {s:7.2f} s "
                          f"{len(jobs) / s:9.1f} files/s  same={same}")
            return len(jobs) / s

        rates: dict[str, float] = {}
        kinds = ([("light", light)] + ([("mask", masking)] if masking else [])
                 + ([("heavy", heavy)] if heavy else []))
        for kind, jobs in kinds:
            local_engine.shutdown_pools()
            rates[f"{kind} local1"] = record("local(1)", LocalExecutor(1), jobs, kind)
            rates[f"{kind} local2 cold"] = record("local(2) measured, cold pool", LocalExecutor(2), jobs, kind)
            record("local(2) measured, 2nd run", LocalExecutor(2), jobs, kind)
            record("local(2) pool, start included", LocalExecutor(2, choose="pool"), jobs, kind)
            rates[f"{kind} local2 pool"] = record(
                "local(2) pool, warm", LocalExecutor(2, choose="pool"), jobs, kind)
        local_engine.shutdown_pools()
        ray_init = None
        if not args.no_ray:
            from datamill.engine.ray import RayExecutor

            t0 = time.perf_counter()
            rex = RayExecutor(workers=2)
            ray_init = time.perf_counter() - t0
            for kind, jobs in kinds:
                record("ray(2), first run", rex, jobs, kind)
                rates[f"{kind} ray"] = record("ray(2), warm", rex, jobs, kind)
            rex.shutdown()
        rows.sort(key=lambda r: [k for k, _j in kinds].index(r[0]))
        table("Checks and image-masking jobs, files/s by engine (same results as local(1): last "
              "column)",
              ["job", "backend", "mode", "items", "seconds", "files/s", "same"], rows)
        summary = f"SUMMARY engine m={len(files)}:"
        for kind, _jobs in kinds:
            summary += (f" {kind}: local(1) {rates[kind + ' local1']:,.1f} files/s, local(2) "
                        f"measured cold {rates[kind + ' local2 cold']:,.1f}, local(2) warm pool "
                        f"{rates[kind + ' local2 pool']:,.1f}")
            if ray_init is not None:
                summary += f", ray(2) warm {rates[kind + ' ray']:,.1f};"
        if ray_init is not None:
            summary += f" ray start {ray_init:.1f} s"
        console.print(summary)
        if any(r[-1] == "NO" for r in rows):
            console.print("RESULTS DIFFER between backends")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
