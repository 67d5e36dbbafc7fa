"""Point clouds: check throughput against a bare read, and cluster pre-annotation on frames like
the ones it was written against (tuned) and on a held-out set with more variety.

Makes frames with :func:`datamill.testing.pointclouds.render_scene` and times on warm page cache:

(a) the floor: :func:`read_cloud` of each file (PCD, KITTI .bin, PLY in turn);
(b) :func:`run_cloud_checks` of the same files.

Prints files/s and the ratio (b)/(a) (goal: at least 0.5, as for images).

Then scores the ``pointcloud-cluster`` pre-annotator (ground by RANSAC, Euclidean clusters,
named by the spec's typical sizes) against the true cuboids:

* **tuned**: the defaults the pre-annotator and the tests were developed on (4 objects, every
  side of each box seen, flat ground, 1 cm noise, dense ground);
* **held-out**: seeds never used in development, 6–10 objects as close as 3.5 m, only the sides
  that face the sensor (as a real sweep sees them), ground slopes up to 4 %, 1–4 cm noise,
  sensor 1.2–2.2 m high, half to double the point density.

For each: cuboid accuracy at 3D IoU 0.5 and 0.3 (pairs over the larger side, labels must
agree), mean IoU of the pairs, the share of true objects found at IoU 0.3 whatever the label,
and milliseconds per frame.

Last, one big sweep (``--big-points``, default 2.6 M: a 128-beam sensor's) in the sensor's
frame (float32 ``.bin``) and in map coordinates (float64 PLY at a UTM northing of 4.4e6):
CPU seconds to read, check, thin for the workbench's preview, pre-annotate and fit one box
(the workbench's "fit" tool), and the cuboids proposed (the map frame must find as many).
Run: ``.venv/bin/python bench/pointcloud.py --frames 40``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, cores, table, workdir  # noqa: E402

from datamill.modalities.pointcloud.checks import run_cloud_checks  # noqa: E402
from datamill.modalities.pointcloud.cloud import read_cloud  # noqa: E402
from datamill.modalities.pointcloud.metric import score_cuboids  # noqa: E402
from datamill.modalities.pointcloud.plugin import PointCloudPlugin  # noqa: E402
from datamill.modalities.pointcloud.preannotators import (  # noqa: E402
    Proposals,
    fit_cuboid,
    propose_cuboids,
)
from datamill.modalities.pointcloud.preview import preview_points  # noqa: E402
from datamill.modalities.pointcloud.schema import (  # noqa: E402
    CheckSettings,
    Cuboid,
    PointCloudAnnotation,
)
from datamill.testing.pointclouds import SIZES, render_scene, write_cloud  # noqa: E402

REQUIREMENTS = {"labels": {"labels": [{"name": k, "typical_size": list(v)}
                                      for k, v in SIZES.items()]}}


def _frames(kind: str, n: int) -> list[tuple[np.ndarray, list[Cuboid]]]:
    if kind == "tuned":
        return [render_scene(seed, objects=4) for seed in range(n)]
    rng = np.random.default_rng(20261203)
    out = []
    for i in range(n):
        density = float(rng.uniform(30, 120))
        out.append(render_scene(
            100_000 + i, objects=int(rng.integers(6, 11)), density=density,
            ground_points=int(rng.integers(3000, 20000)),
            sensor_height_m=float(rng.uniform(1.2, 2.2)), slope=float(rng.uniform(-0.04, 0.04)),
            noise_m=float(rng.uniform(0.01, 0.04)), self_occlusion=True, min_gap_m=3.5))
    return out


def _score(frames: list[tuple[np.ndarray, list[Cuboid]]]) -> list[object]:
    plugin = PointCloudPlugin()
    truth, found = [], []
    t0 = time.perf_counter()
    for points, cuboids in frames:
        proposals, ground = propose_cuboids(points)
        doc = plugin.map_prediction(Proposals("bench", tuple(proposals), ground), REQUIREMENTS)
        truth.append(PointCloudAnnotation(objects=tuple(cuboids)))
        found.append(PointCloudAnnotation.model_validate(doc.payload))
    ms = (time.perf_counter() - t0) / len(frames) * 1000
    strict, loose = (score_cuboids(truth, found, iou_threshold=t) for t in (0.5, 0.3))
    unlabelled = [PointCloudAnnotation(objects=tuple(o.model_copy(update={"label": "x"})
                                                     for o in a.objects)) for a in truth]
    anyname = [PointCloudAnnotation(objects=tuple(o.model_copy(update={"label": "x"})
                                                  for o in a.objects)) for a in found]
    located = score_cuboids(unlabelled, anyname, iou_threshold=0.3)
    return [strict.cuboid_accuracy, loose.cuboid_accuracy, strict.mean_iou,
            located.matched / max(located.reference, 1), f"{ms:.0f}",
            f"{strict.reference} / {strict.hypothesis}"]


def _big_sweep(folder: Path, points_wanted: int, repeat: int) -> list[list[object]]:
    """CPU seconds (best of ``repeat``) of each step on one big sweep, sensor and map frame."""
    from plyfile import PlyData, PlyElement

    points, truth = render_scene(7, objects=8, ground_points=max(points_wanted, 1000),
                                 density=3000 if points_wanted > 1_000_000 else 60)
    shift = np.array([4_400_000.0, 500_000.0, 50.0])
    rows = np.empty(len(points), dtype=[("x", "f8"), ("y", "f8"), ("z", "f8"),
                                        ("intensity", "f4")])
    for i, name in enumerate(("x", "y", "z")):
        rows[name] = points[:, i].astype(np.float64) + shift[i]
    rows["intensity"] = points[:, 3]
    mapped = folder / "big_map.ply"
    PlyData([PlyElement.describe(rows, "vertex")]).write(str(mapped))
    out: list[list[object]] = []
    settings = CheckSettings(max_range_m=1e7)
    for frame, path, offset in (("sensor (.bin, float32)", write_cloud(points, folder / "big.bin"),
                                 np.zeros(3)), ("map (PLY, float64)", mapped, shift)):
        cloud = read_cloud(path)
        car = truth[0]

        def cpu(work: object) -> float:
            best = float("inf")
            for _ in range(repeat):
                t0 = time.process_time()
                work()  # type: ignore[operator]
                best = min(best, time.process_time() - t0)
            return best

        found: list[int] = []
        steps = {
            "read": lambda: read_cloud(path),  # noqa: B023 - run before the loop moves on
            "checks": lambda: run_cloud_checks(path, settings),  # noqa: B023
            "preview": lambda: preview_points(cloud.points),  # noqa: B023
            "pre-annotate": lambda: found.append(len(propose_cuboids(cloud.points)[0])),  # noqa: B023
            "fit a box": lambda: fit_cuboid(  # noqa: B023
                cloud.points, x=car.x + offset[0], y=car.y + offset[1], yaw=car.yaw,  # noqa: B023
                length=car.length, width=car.width),  # noqa: B023
        }
        out.append([frame, f"{len(points):,}", *(f"{cpu(f):.3f}" for f in steps.values()),
                    f"{found[-1]} / {len(truth)}"])
    return out


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40, help="frames per set")
    parser.add_argument("--files", type=int, default=60, help="files for the check timing")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many rounds")
    parser.add_argument("--big-points", type=int, default=2_600_000,
                        help="points of the big sweep (0: leave it out)")
    args = parser.parse_args()
    with workdir(args, "pointcloud") as folder:
        paths = []
        for i in range(args.files):
            points, _ = render_scene(7000 + i, objects=6, ground_points=60_000)
            paths.append(write_cloud(points, folder / f"f{i:04d}{('.pcd', '.bin', '.ply')[i % 3]}"))
        settings = CheckSettings()

        def bare() -> float:
            t0 = time.perf_counter()
            for p in paths:
                read_cloud(p)
            return time.perf_counter() - t0

        def checks() -> float:
            t0 = time.perf_counter()
            for p in paths:
                assert all(o.passed for o in run_cloud_checks(p, settings))
            return time.perf_counter() - t0

        bare()
        floor = min(bare() for _ in range(args.repeat))
        full = min(checks() for _ in range(args.repeat))
        table(f"{args.files} frames of ~60k points, PCD/.bin/PLY ({cores()} cores)",
              ["path", "files/s", "ratio to bare read"],
              [["bare read_cloud", f"{args.files / floor:.1f}", "1.00"],
               ["run_cloud_checks", f"{args.files / full:.1f}", f"{floor / full:.2f}"]])
        rows = [[kind, *_score(_frames(kind, args.frames))] for kind in ("tuned", "held-out")]
        table(f"pointcloud-cluster pre-annotation, {args.frames} frames per set",
              ["set", "accuracy @0.5", "accuracy @0.3", "mean IoU @0.5", "found @0.3 (any label)",
               "ms/frame", "true / proposed"], rows)
        big = _big_sweep(folder, args.big_points, args.repeat) if args.big_points else []
        if big:
            table("one big sweep: CPU seconds (best of --repeat)",
                  ["frame", "points", "read", "checks", "preview", "pre-annotate", "fit a box",
                   "proposed / true"], big)
        console.print(
            f"SUMMARY pointcloud checks={args.files / full:.1f}/s ratio={floor / full:.2f} "
            f"(goal >= 0.5); cluster accuracy@0.5 tuned={rows[0][1]:.3f} "
            f"held-out={rows[1][1]:.3f}")


if __name__ == "__main__":
    main()
