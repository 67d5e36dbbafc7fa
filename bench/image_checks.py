"""Image-check throughput: ``run_image_checks`` vs a bare Pillow decode of the same files.

Makes N photo-like JPEGs (smooth gradients plus noise and edges, ``--width`` x ``--height``,
quality 90) and a few PNGs, then times on warm page cache:

(a) the floor: ``Image.open(path).load()`` per file (decoding only);
(b) ``run_image_checks`` with a growing list of seen perceptual hashes (decode once, luminance,
    Laplacian variance, exposure histogram, EXIF orientation, phash, near-duplicate search).

Prints files/s and the ratio (b)/(a) (goal: at least 0.5). Run:
``.venv/bin/python bench/image_checks.py --n 60``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, cores, table, workdir  # noqa: E402

from datamill.modalities.image.checks import ImageRequirements, run_image_checks  # noqa: E402

REQUIREMENTS = ImageRequirements(
    allowed_formats=("JPEG", "PNG"), max_pixels=50_000_000, min_width=640, min_height=480,
    min_aspect_ratio=0.25, max_aspect_ratio=4.0, min_sharpness=50.0,
    max_overexposed_fraction=0.1, max_underexposed_fraction=0.1, min_mean_luminance=30.0,
    max_mean_luminance=230.0, max_duplicate_distance=6,
)


def make_files(folder: Path, n: int, width: int, height: int) -> list[Path]:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    paths = []
    for i in range(n):
        base = 128 + 60 * np.sin(xx / (40 + i) + i) * np.cos(yy / (55 + 2 * i))
        noise = rng.normal(0, 8, size=(height, width))
        gray = np.clip(base + noise, 0, 255)
        rgb = np.stack([gray, np.roll(gray, i, axis=1), gray[::-1]], axis=-1).astype(np.uint8)
        path = folder / (f"img{i:04d}.png" if i % 10 == 9 else f"img{i:04d}.jpg")
        Image.fromarray(rgb).save(path, **({} if path.suffix == ".png" else {"quality": 90}))
        paths.append(path)
    return paths


def bare_decode(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for path in paths:
        with Image.open(path) as image:
            image.load()
    return time.perf_counter() - t0


def checks(paths: list[Path]) -> float:
    seen: list[str] = []
    t0 = time.perf_counter()
    for path in paths:
        outcomes = {o.name: o for o in run_image_checks(path, REQUIREMENTS, seen_hashes=seen)}
        assert outcomes["decodable"].passed, outcomes["decodable"].reason
        seen.append(outcomes["near_duplicate"].extra["phash"])
    return time.perf_counter() - t0


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="number of images")
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many rounds")
    args = parser.parse_args()
    with workdir(args, "image-checks") as folder:
        paths = make_files(folder, args.n, args.width, args.height)
        bare_decode(paths)  # warm the page cache and the libraries
        checks(paths[:2])
        bare = min(bare_decode(paths) for _ in range(args.repeat))
        full = min(checks(paths) for _ in range(args.repeat))
        rows = [
            ["bare Pillow decode", f"{args.n / bare:.1f}", "1.00"],
            ["run_image_checks", f"{args.n / full:.1f}", f"{bare / full:.2f}"],
        ]
        table(f"{args.n} images {args.width}x{args.height} ({cores()} cores)",
              ["path", "files/s", "ratio to bare decode"], rows)
        console.print(f"SUMMARY image_checks n={args.n} size={args.width}x{args.height} "
                      f"bare={args.n / bare:.1f}/s checks={args.n / full:.1f}/s "
                      f"ratio={bare / full:.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
