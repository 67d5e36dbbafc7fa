"""COCO export speed: ``CocoExporter`` writing N boxes (goal: 100,000 boxes in at most 2 s).

Builds the items lazily (a generator of ``ImageExportItem`` with ``--per-image`` boxes each, so
item construction is *not* timed apart from the generator's own cost, which is measured alone
first and reported), exports them to ``annotations.json`` with image copying off, and prints
seconds, boxes/s, the file size and the peak traced memory of the export. Run:
``.venv/bin/python bench/coco_export.py --boxes 100000``.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, cores, table, workdir  # noqa: E402

from datamill.modalities.image.exporters.coco import CocoExporter  # noqa: E402
from datamill.modalities.image.item import ImageExportItem  # noqa: E402
from datamill.modalities.image.schema import Box, ImageAnnotation  # noqa: E402


def items(n_boxes: int, per_image: int, image: Path) -> Iterator[ImageExportItem]:
    labels = ("car", "person", "bike", "bus")
    annotations = [
        ImageAnnotation(objects=tuple(
            Box(label=labels[(k + j) % 4], x=j % 600, y=(7 * j) % 400, w=20 + j % 30,
                h=10 + j % 50) for j in range(per_image)))
        for k in range(4)
    ]
    for i in range(n_boxes // per_image):
        # turned: the probe's record of the EXIF orientation, as a delivery gives it
        yield ImageExportItem(id=f"img{i:06d}", image_path=image, sha256="0" * 64, width=640,
                              height=480, annotation=annotations[i % 4], turned=False)


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=100_000)
    parser.add_argument("--per-image", type=int, default=20)
    args = parser.parse_args()
    with workdir(args, "coco-export") as folder:
        image = folder / "img.jpg"
        image.write_bytes(b"")
        t0 = time.perf_counter()
        consumed = sum(1 for _ in items(args.boxes, args.per_image, image))
        generate = time.perf_counter() - t0
        t0 = time.perf_counter()
        manifest = CocoExporter().export(items(args.boxes, args.per_image, image), folder / "out")
        seconds = time.perf_counter() - t0
        tracemalloc.start()
        CocoExporter().export(items(args.boxes, args.per_image, image), folder / "out2")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size_mb = (folder / "out" / "annotations.json").stat().st_size / 2**20
        assert manifest.items == consumed
        table(f"COCO export, {args.boxes} boxes on {consumed} images ({cores()} cores)",
              ["step", "seconds", "boxes/s"],
              [["generate items only", f"{generate:.3f}", ""],
               ["export (incl. generation)", f"{seconds:.3f}", f"{args.boxes / seconds:,.0f}"]])
        console.print(f"annotations.json {size_mb:.1f} MiB; peak traced memory during export "
                      f"{peak / 2**20:.1f} MiB")
        console.print(f"SUMMARY coco_export boxes={args.boxes} seconds={seconds:.2f} "
                      f"(goal <= 2 s) peak_mib={peak / 2**20:.1f}")


if __name__ == "__main__":
    main()
