"""Recall and precision of image masking (faces and licence plates) on held-out labelled sets.

Plates: scenes rendered by ``datamill.testing.plates`` from the *held-out* split (fonts, seeds
and size/angle ranges the plate finder was never tuned on), Chinese blue/yellow/green plates with
provincial prefixes and Latin EU/US/Russian-style ones. A plate counts as masked when at least
``--covered`` (default 0.8) of its pixels lie inside what ``detected_mask_regions`` — the regions
``mask_image_file`` masks of its own accord — returns. Precision counts plate boxes that cover
half a plate or lie a quarter on plates; the false-alarm rate counts plate-free scenes (cars
without plates, shop signs with text) where any plate box was found.

Faces: scikit-image's LFW subset (100 face crops and 100 non-face crops, 25×25, scaled to 100 px
with a 30 px border; ``--faces`` of each, default all) — a set the OpenCV cascades were not
trained on by us — plus the astronaut.

No database and no temporary files.

    .venv/bin/python bench/mask_recall.py --n 300 --seed 4242
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np
from rich.console import Console
from rich.table import Table

from datamill.compliance.image_masking import detected_mask_regions, detector_status
from datamill.testing.plates import evaluate_plate_masking, generate_plate_scenes

console = Console(highlight=False, width=130)


def _plates(args: argparse.Namespace) -> dict:
    scenes = generate_plate_scenes(args.seed, args.n, args.split)
    negatives = generate_plate_scenes(args.seed, args.negatives, args.split, plates=False)

    def all_regions(image: np.ndarray) -> list[tuple[int, int, int, int]]:
        return [(r.x, r.y, r.w, r.h)
                for r in detected_mask_regions(image, faces=not args.plates_only)]

    def plate_regions(image: np.ndarray) -> list[tuple[int, int, int, int]]:
        return [(r.x, r.y, r.w, r.h) for r in detected_mask_regions(image, faces=False)]

    t0 = time.perf_counter()
    plate_only = evaluate_plate_masking(scenes, negatives, plate_regions, covered=args.covered)
    elapsed = time.perf_counter() - t0
    masked = plate_only if args.plates_only else evaluate_plate_masking(
        scenes, negatives, all_regions, covered=args.covered)
    masked = dict(masked)
    masked["seconds_per_image"] = elapsed / (len(scenes) + len(negatives))
    masked["plate_precision"] = plate_only["precision"]
    masked["plate_false_alarm_rate"] = plate_only["false_alarm_rate"]
    masked["plate_recall"] = plate_only["recall"]
    return masked


def _faces(n: int = 100) -> dict:
    from skimage import data

    astronaut = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    found = [r for r in detected_mask_regions(astronaut, plates=False) if r.label == "face"]
    astro = any(160 <= r.x + r.w / 2 <= 290 and 50 <= r.y + r.h / 2 <= 180 for r in found)
    hits = []
    lfw = data.lfw_subset()  # 100 faces, then 100 non-faces
    for crop in (*lfw[:n], *lfw[100:100 + n]):
        g = cv2.resize((crop * 255).astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
        g = cv2.copyMakeBorder(g, 30, 30, 30, 30, cv2.BORDER_REPLICATE)
        hits.append(any(r.label == "face" for r in detected_mask_regions(g, plates=False)))
    tp, fp = sum(hits[:n]), sum(hits[n:])
    return {"faces": n, "found": tp, "recall": tp / n, "non_faces": n, "false_alarms": fp,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "astronaut": astro}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="plate scenes (default 300)")
    parser.add_argument("--negatives", type=int, default=150, help="plate-free scenes")
    parser.add_argument("--seed", type=int, default=4242, help="seed (default 4242)")
    parser.add_argument("--split", choices=("heldout", "tune"), default="heldout")
    parser.add_argument("--covered", type=float, default=0.8,
                        help="share of a plate's pixels that must be masked (default 0.8)")
    parser.add_argument("--faces", type=int, default=100, choices=range(1, 101),
                        metavar="{1..100}", help="LFW face crops, and as many non-faces (100)")
    parser.add_argument("--plates-only", action="store_true",
                        help="skip the run with the face cascades on too (it is slow)")
    args = parser.parse_args()

    status = detector_status()
    console.print(f"OpenCV {status['opencv']}: {status['face_cascades']} face cascades, "
                  f"{status['plate_cascades']} plate cascades + the plate finder", markup=False)
    p = _plates(args)
    table = Table(title=f"plates: {args.n} {args.split} scenes + {args.negatives} plate-free "
                        f"(seed {args.seed}, covered ≥ {args.covered})")
    for col in ("style", "recall"):
        table.add_column(col, justify="right" if col != "style" else "left")
    for style, r in p["recall_by_style"].items():
        table.add_row(style, f"{r:.3f}")
    table.add_row("all (masking path)", f"{p['recall']:.3f}")
    table.add_row("all (plate boxes only)", f"{p['plate_recall']:.3f}")
    console.print(table)
    console.print(f"plates {p['plates']}, masked {p['masked']}; plate boxes precision "
                  f"{p['plate_precision']:.3f}; plate-free scenes with a plate box "
                  f"{p['plate_false_alarm_rate']:.3f}; {p['seconds_per_image'] * 1000:.0f} ms/image",
                  markup=False)
    f = _faces(args.faces)
    console.print(f"faces (LFW subset): recall {f['recall']:.3f}, precision {f['precision']:.3f} "
                  f"({f['false_alarms']}/{f['non_faces']} non-faces flagged); astronaut found: {f['astronaut']}",
                  markup=False)
    console.print(f"SUMMARY masking plates recall={p['recall']:.3f} "
                  f"precision={p['plate_precision']:.3f} "
                  f"false_alarm_rate={p['plate_false_alarm_rate']:.3f} "
                  f"faces recall={f['recall']:.3f} precision={f['precision']:.3f}",
                  markup=False, soft_wrap=True)


if __name__ == "__main__":
    main()
