"""The lidar demo project ``demo-lidar``: rendered street frames annotated with 3D cuboids.

Renders 12 frames of one drive (cars, pedestrians and cyclists on a sloping road, only the
sides of each object that face the sensor, as a real sweep sees them) in PCD, KITTI ``.bin``
and PLY, plus four bad files (a truncated PCD, a sparse frame, one with 10 % NaN points, one
written in millimetres). Imports them (the truncated file is refused), runs the checks (the
other three are set aside), pre-annotates with ``pointcloud-cluster`` and measures the
proposals against the true cuboids. With ``full`` alice and bob correct the proposals to the
truth (bob forgets a pedestrian once and rita rejects it), ivan inspects by cuboid accuracy,
and the batch is delivered in OpenPCDet's layout and as Parquet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.demo.script import (
    DemoResult,
    PayloadFor,
    ProblemWith,
    deliver_and_accept,
    demo_project,
    give_package,
    inspect_against_truth,
    work_until_reviewed,
)
from datamill.modalities.pointcloud.metric import score_cuboids
from datamill.modalities.pointcloud.schema import PointCloudAnnotation
from datamill.modalities.registry import get_modality
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item
from datamill.production.schemas import TaskOut
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.testing.pointclouds import SIZES, render_scene, write_cloud

__all__ = ["LIDAR_SPEC", "run_pointcloud_demo"]

FRAMES = 12
LIDAR_SPEC: dict[str, Any] = {
    "schema_version": 1, "name": "demo-lidar", "modality": "pointcloud", "language": "en-US",
    "project_type": "custom_service",
    "description": "3D cuboids of cars, pedestrians and cyclists in lidar sweeps of one drive.",
    "stages": ["annotate", "review"], "overlap": 1, "package_size": 6, "batch_size": 200,
    "sampling": {"inspection_level": "II", "aql": 2.5},
    "acceptance": {"cuboid_accuracy": 0.95},
    "requirements": {
        "cloud": {"min_points": 2000, "max_invalid_share": 0.01, "max_range_m": 120},
        "labels": {
            "labels": [
                {"name": "car", "typical_size": list(SIZES["car"]),
                 "attributes": [{"name": "occluded", "type": "select",
                                 "values": ["none", "partly", "mostly"]}]},
                {"name": "pedestrian", "typical_size": list(SIZES["pedestrian"])},
                {"name": "cyclist", "typical_size": list(SIZES["cyclist"])},
            ],
            "scene_classes": ["urban", "suburban"],
        },
        "iou_threshold": 0.5,
    },
}


def _frame(i: int) -> tuple[np.ndarray, PointCloudAnnotation]:
    points, cuboids = render_scene(4242 + i, objects=5, slope=0.02, noise_m=0.02,
                                   self_occlusion=True, density=80.0, ground_points=12000)
    tracked = tuple(c.model_copy(update={"id": f"o{n + 1}", "track_id": f"{c.label}-{i}-{n}"})
                    for n, c in enumerate(cuboids))
    return points, PointCloudAnnotation(objects=tracked, classes=("urban",))


def _write_frames(folder: Path) -> dict[str, dict[str, Any]]:
    """The drive's frames and bad files in ``folder``; the true annotation per external id."""
    gold = {}
    for i in range(FRAMES):
        points, truth = _frame(i)
        name = f"drive01/frame{i:03d}{('.pcd', '.bin', '.ply')[i % 3]}"
        write_cloud(points, folder / name)
        gold[f"drive01/frame{i:03d}"] = truth.model_dump(mode="json")
    points, _ = render_scene(99, objects=2)
    whole = write_cloud(points, folder / "bad" / "whole.pcd")
    data = whole.read_bytes()
    (folder / "bad" / "truncated.pcd").write_bytes(data[: len(data) // 2])
    whole.unlink()
    write_cloud(points[:400], folder / "bad" / "sparse.bin")
    nan = points.copy()
    nan[::10, :3] = np.nan
    write_cloud(nan, folder / "bad" / "nan-points.ply")
    write_cloud(points * np.array([1000, 1000, 1000, 1], dtype=np.float32),
                folder / "bad" / "millimetres.pcd")
    return gold


def _proposal_scores(rt: Runtime, pid: int, gold: dict[str, dict[str, Any]]) -> dict[str, float]:
    with rt.session() as s:
        rows = s.execute(select(Item.external_id, Annotation.payload)
                         .join(Annotation, Annotation.item_id == Item.id)
                         .where(Item.project_id == pid, Annotation.kind == "preannotation")).all()
    found = {ext: PointCloudAnnotation.model_validate(payload) for ext, payload in rows}
    keys = sorted(k for k in gold if k in found)
    truth = [PointCloudAnnotation.model_validate(gold[k]) for k in keys]
    strict = score_cuboids(truth, [found[k] for k in keys], iou_threshold=0.5)
    loose = score_cuboids(truth, [found[k] for k in keys], iou_threshold=0.3)
    return {"frames": len(keys), "cuboid_accuracy@0.5": round(strict.cuboid_accuracy, 3),
            "cuboid_accuracy@0.3": round(loose.cuboid_accuracy, 3),
            "mean_iou": round(strict.mean_iou, 3), "true": strict.reference,
            "proposed": strict.hypothesis}


def _payload_for(gold: dict[str, dict[str, Any]], result: DemoResult) -> PayloadFor:
    def payload(name: str, task: TaskOut) -> dict[str, Any]:
        answer = dict(gold[task.external_id])
        walkers = [o for o in answer["objects"] if o["label"] == "pedestrian"]
        if name == "bob" and not result.slipped and walkers:
            result.slipped = True  # forgets a pedestrian
            return {**answer, "objects": [o for o in answer["objects"] if o is not walkers[0]]}
        return answer
    return payload


def _problem_with(gold: dict[str, dict[str, Any]]) -> ProblemWith:
    def problem(task: TaskOut) -> str | None:
        current = PointCloudAnnotation.model_validate(task.current.payload if task.current
                                                      else {})
        want = PointCloudAnnotation.model_validate(gold[task.external_id])
        return None if score_cuboids([want], [current]).cuboid_accuracy == 1 else (
            "a pedestrian has no cuboid")
    return problem


def _setup(rt: Runtime, workdir: Path, result: DemoResult) -> dict[str, dict[str, Any]]:
    folder = workdir / "lidar-raw"
    gold = _write_frames(folder)
    with rt.session() as s:
        report = import_source(s, rt.blobs, result.project_id, folder)
    refused = "; ".join(f"{r['source']}: {r['reason']}" for r in report.rejections)
    result.steps.append(f"imported {report.imported} frames ({report.rejected} refused: {refused})")
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, result.project_id, workers=1)
    failed = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_check.items()))
    result.steps.append(f"checks: {summary.passed} passed, {summary.rejected} set aside "
                        f"(failed checks: {failed})")
    with rt.session() as s:
        pre = preannotate_project(s, rt.blobs, result.project_id, engine="pointcloud-cluster",
                                  workers=1)
    scores = _proposal_scores(rt, result.project_id, gold)
    result.steps.append(
        f"pre-annotated {pre['items']} frames with {pre['model']}: cuboid accuracy "
        f"{scores['cuboid_accuracy@0.5']:.3f} at 3D IoU 0.5 ({scores['cuboid_accuracy@0.3']:.3f} "
        f"at 0.3), {scores['proposed']} proposed for {scores['true']} true objects")
    result.inspection = {"preannotation": scores}
    with rt.session() as s:
        pkgs = create_packages(s, result.project_id, "annotate")
        for i, pkg in enumerate(pkgs):
            give_package(s, pkg.id, ["alice", "bob"][i % 2])
        create_packages(s, result.project_id, "review")
    result.steps.append(f"{len(pkgs)} annotation packages assigned to alice and bob")
    return gold


def _finish(rt: Runtime, workdir: Path, result: DemoResult,
            gold: dict[str, dict[str, Any]]) -> None:
    work_until_reviewed(rt, result, _payload_for(gold, result), _problem_with(gold), 90000)
    plugin = get_modality("pointcloud")
    batch_id = inspect_against_truth(
        rt, result, lambda ext: plugin.inspection_text(gold[ext], ""), "cuboid_accuracy")
    if batch_id is None:
        return
    delivery = deliver_and_accept(rt, result, batch_id, workdir / "deliveries",
                                  ["openpcdet", "pointcloud_parquet"])
    result.steps.append(f"delivered {delivery.delivered_items} frames with "
                        f"{delivery.datasheet['cuboids']} cuboids as OpenPCDet and Parquet; "
                        "customer acceptance recorded")


def run_pointcloud_demo(rt: Runtime, workdir: Path, *, full: bool) -> DemoResult:
    """Create and run the ``demo-lidar`` project (see the module docstring)."""
    result = DemoResult(project_id=demo_project(rt, LIDAR_SPEC))
    result.steps.append(f"project demo-lidar ({FRAMES} frames + 4 bad files)")
    gold = _setup(rt, workdir, result)
    if full:
        _finish(rt, workdir, result, gold)
    return result
