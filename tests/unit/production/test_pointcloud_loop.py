"""The point-cloud modality through the whole loop, added without touching the loop: import a
folder of PCD/KITTI/PLY frames (a truncated PCD refused at import), checks (too few points,
NaN points, millimetre units, a flat cloud), cluster pre-annotation, cuboids validated against
the label schema and the cloud, review, inspection by cuboid accuracy, delivery in OpenPCDet's
layout (re-imported) and Parquet (read by HF datasets), acceptance in frames."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.importers import OpenPcdetImporter
from datamill.modalities.pointcloud.metric import score_cuboids
from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch, record_acceptance
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project, project_stats
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.testing.pointclouds import SIZES, render_scene, write_cloud
from tests._tools import require_module


def pointcloud_spec(name: str = "lidar-3d") -> dict[str, Any]:
    return {
        "name": name, "modality": "pointcloud", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 10,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"cuboid_accuracy": 0.95},
        "requirements": {
            "cloud": {"min_points": 2000},
            "labels": {"labels": [{"name": k, "typical_size": list(v)} for k, v in SIZES.items()],
                       "scene_classes": ["urban"]},
            "iou_threshold": 0.5,
        },
    }


def pointcloud_folder(folder: Path) -> dict[str, PointCloudAnnotation]:
    """Six good frames in four formats and five bad ones; the true cuboids of the good."""
    truth = {}
    for i, suffix in enumerate((".pcd", ".bin", ".ply", ".npy", ".pcd", ".bin")):
        points, cuboids = render_scene(500 + i, objects=4)
        write_cloud(points, folder / f"drive1/frame{i:02d}{suffix}")
        truth[f"drive1/frame{i:02d}"] = PointCloudAnnotation(objects=tuple(cuboids))
    points, _ = render_scene(900, objects=2)
    whole = write_cloud(points, folder / "bad/whole.pcd").read_bytes()
    (folder / "bad/truncated.pcd").write_bytes(whole[: len(whole) // 2])  # refused at import
    write_cloud(points[:300], folder / "bad/sparse.bin")  # too few points
    nan = points.copy()
    nan[::10, :3] = np.nan
    write_cloud(nan, folder / "bad/nan.ply")  # 10 % NaN
    write_cloud(points * np.array([1000, 1000, 1000, 1], dtype=np.float32),
                folder / "bad/millimetres.npy")  # 99th-percentile range of ~40 km
    (folder / "bad/whole.pcd").unlink()
    return truth


def _annotate(rt: Runtime, users: dict[str, User], pid: int,
              truth: dict[str, PointCloudAnnotation]) -> None:
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            assert t.attributes["points"] > 2000 and t.duration_ms is None
            payload = truth[t.external_id].model_dump(mode="json")
            submit_annotation(s, users["ann1"], t.id, payload, base_version=t.current_version)
    while True:
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")


def test_pointcloud_project_runs_the_whole_loop(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    truth = pointcloud_folder(tmp_path / "in")
    with runtime.session() as s:
        p = create_project(s, pointcloud_spec())
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, p.id, tmp_path / "in")
    assert (report.imported, report.rejected) == (9, 1), report.rejections
    assert report.rejections[0]["source"] == "bad/truncated.pcd"
    assert "truncated" in report.rejections[0]["reason"]
    with runtime.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == p.id))}
        assert {i.volume for i in items.values()} == {1}  # a frame is one unit
        assert items["drive1/frame01"].attributes["format"] == "bin"
        assert items["drive1/frame02"].attributes["fields"] == ["x", "y", "z", "intensity"]
        assert items["bad/nan"].attributes["invalid_points"] > 0
        stats = project_stats(s, p.id)
        assert (stats["volume"], stats["volume_unit"]) == (9, "frames")
        summary = run_checks(s, runtime.blobs, p.id, workers=1)
    assert (summary.passed, summary.rejected) == (6, 3), summary.rejections
    reasons = {r["item"]: " ".join(r["reasons"]) for r in summary.rejections}
    assert "fewer than the 2,000" in reasons["bad/sparse"]
    assert "NaN or infinite" in reasons["bad/nan"]
    assert "millimetres" in reasons["bad/millimetres"]

    with runtime.session() as s:  # cluster pre-annotation proposes the cuboids, named by size
        pre = preannotate_project(s, runtime.blobs, p.id, engine="pointcloud-cluster",
                                  workers=1)
    assert pre["items"] == 6
    with runtime.session() as s:
        suggested = {
            ext: PointCloudAnnotation.model_validate(payload)
            for ext, payload, kind, model in s.execute(
                select(Item.external_id, Annotation.payload, Annotation.kind, Annotation.model)
                .join(Annotation, Annotation.id == Item.current_annotation_id)
                .where(Item.project_id == p.id))
            if kind == "preannotation" and model == "euclidean-cluster-v1"
        }
    assert len(suggested) == 6
    # the cuboids (and scene classes) proposed are counted, as a text project's spans are
    assert pre["labels"] == sum(len(a.objects) + len(a.classes) for a in suggested.values()) > 0
    keys = sorted(truth)
    found = score_cuboids([truth[k] for k in keys], [suggested[k] for k in keys])
    assert found.cuboid_accuracy >= 0.8, found

    with runtime.session() as s:  # the label schema and the cloud's extent are enforced
        create_packages(s, p.id, "annotate")
        t = claim_next_task(s, users["ann1"], p.id, "annotate")
        assert t is not None
        bus = PointCloudAnnotation(objects=(Cuboid(label="bus", x=0, y=0, z=0, length=10,
                                                   width=2.5, height=3),))
        with pytest.raises(InvalidInput, match=r"objects\[0\].*unknown label 'bus'"):
            submit_annotation(s, users["ann1"], t.id, bus.model_dump(mode="json"),
                              base_version=t.current_version)
        far = Cuboid(label="car", x=900, y=0, z=0, length=4, width=2, height=1.5)
        with pytest.raises(InvalidInput, match=r"centre x = 900 m lies outside the cloud"):
            submit_annotation(s, users["ann1"], t.id,
                              {"objects": [far.model_dump(mode="json")]},
                              base_version=t.current_version)
        with pytest.raises(InvalidInput, match="not a point-cloud annotation"):
            submit_annotation(s, users["ann1"], t.id, {"objects": [{"label": "car", "x": "a"}]},
                              base_version=t.current_version)
        with pytest.raises(InvalidInput, match="not a point-cloud annotation"):
            submit_annotation(s, users["ann1"], t.id, [{"start_ms": 0}],
                              base_version=t.current_version)
    _annotate(runtime, users, p.id, truth)
    with runtime.session() as s:
        batch = create_batch(s, p.id)
    assert batch.items == 6

    with runtime.session() as s:  # the inspector agrees: cuboid accuracy 1
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            delivered = PointCloudAnnotation.model_validate_json(smp["delivered_text"])
            assert [o.label for o in delivered.objects] == [
                o.label for o in truth[smp["external_id"]].objects]
            with pytest.raises(InvalidInput, match="annotation document"):
                record_correction(s, insp.id, smp["item_id"], "not json")
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        done = complete_inspection(s, insp.id, users["insp"])
    assert done.verdict == "accepted", done.reasons
    assert done.scores["cuboid_accuracy"] == 1.0 and done.scores["mean_iou"] == 1.0

    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out", formats=[
            "openpcdet", "pointcloud_parquet", "kitti_objects", "nuscenes"])
    assert set(d.formats) == {"openpcdet", "pointcloud_parquet", "kitti_objects", "nuscenes"}
    root = Path(d.path)
    # the on-request formats through the loop: a label file and a lidar sample per frame
    assert len(list((root / "kitti_objects" / "training" / "label_2").glob("*.txt"))) == 6
    tables = root / "nuscenes" / "v1.0-datamill"
    assert len(json.loads((tables / "sample.json").read_text())) == 6
    assert len(json.loads((tables / "sample_annotation.json").read_text())) == 24
    manifest = json.loads((root / "manifest.json").read_text())
    assert sum(1 for f in manifest["files"] if f.startswith("clouds/")) == 6
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == digest, rel
    sheet = json.loads((root / "datasheet.json").read_text())
    assert sheet["frames"] == 6 and sheet["cuboids"] == 24
    assert sheet["volume"] == {"amount": 6, "base_unit": "frames", "unit": "frames",
                               "per_unit": 1, "in_units": 6.0}
    # the OpenPCDet package reads back into the same cuboids (its ids become the file names)
    importer = OpenPcdetImporter()
    assert importer.detect(root / "openpcdet") > 0.5
    back = {path.stem: ann for path, ann in importer.iter_items(root / "openpcdet")}
    assert len(back) == 6
    for ext, ann in truth.items():
        got = back[ext.replace("/", "_")]
        assert score_cuboids([ann], [got]).cuboid_accuracy == 1.0
        assert np.load(root / "openpcdet" / "points" / f"{ext.replace('/', '_')}.npy").shape[1] == 4
    # the Parquet table loads in HF datasets with every cuboid
    datasets = require_module("datasets")
    table = datasets.load_dataset("parquet", data_files=str(root / "pointcloud_parquet" /
                                                             "data.parquet"), split="train")
    assert table.num_rows == 6
    row = next(r for r in table if r["frame_id"] == "drive1_frame03")
    assert (root / row["cloud"]).exists()
    assert [o["label"] for o in row["objects"]] == [o.label for o in truth["drive1/frame03"].objects]
    with runtime.session() as s:
        acc = record_acceptance(s, d.id, accepted_items=6, accepted_volume=6)
        assert acc.status == "accepted"


def test_a_manifest_gives_sensor_scene_sequence_and_frame(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """The capture metadata of a CSV manifest reaches each frame's attributes; a frame number
    that is not a whole number is refused naming the file."""
    folder = tmp_path / "drive"
    for i in range(3):
        write_cloud(render_scene(700 + i, objects=2)[0], folder / f"f{i}.bin")
    (folder / "manifest.csv").write_text(
        "path,id,sensor,scene,sequence,frame\n"
        "f0.bin,d7-0,hesai-at128,urban,drive-7,0\n"
        "f1.bin,d7-1,hesai-at128,urban,drive-7,1\n"
        "f2.bin,d7-x,hesai-at128,urban,drive-7,abc\n", encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, pointcloud_spec("lidar-manifest")).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder / "manifest.csv")
    assert (report.imported, report.rejected) == (2, 1), report.rejections
    assert "frame 'abc' is not a whole number" in report.rejections[0]["reason"]
    with runtime.session() as s:
        items = {i.external_id: i.attributes for i in s.scalars(
            select(Item).where(Item.project_id == pid))}
    assert items["d7-1"]["sensor"] == "hesai-at128" and items["d7-1"]["scene"] == "urban"
    assert (items["d7-1"]["sequence"], items["d7-1"]["frame"]) == ("drive-7", 1)
