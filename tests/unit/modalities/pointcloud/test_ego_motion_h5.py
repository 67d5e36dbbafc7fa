"""Sensor poses of point-cloud frames move copied cuboids into the next frame (h5).

"Copy previous frame" copied the earlier frame's cuboids in its own sensor coordinates: with
the ego car 10 m further on and turned 90 degrees left, a parked car 15 m ahead landed 15 m
ahead again, nowhere near its points. The manifest's ``pose`` is now imported and the copy
moved by ``inv(pose_now) @ pose_before``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.pose import parse_pose
from datamill.modalities.problem_words import word_reason
from datamill.production._import_rows import ManifestRow
from datamill.production.frames import previous_frame, previous_frame_payload
from datamill.production.models import Annotation, Item, Project, Task
from datamill.runtime import Runtime
from tests._cli import run_cli
from tests.unit.production.helpers import claimed_task, packaged_project

# frame 2: 10 m along world x, turned 90 degrees left (its x axis is the world's y)
_TURNED = "0 -1 0 10\n1 0 0 0\n0 0 1 0\n0 0 0 1"
_IDENTITY = [1.0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]


def test_every_pose_form_reads_as_one_matrix() -> None:
    matrix = parse_pose(_TURNED)
    assert matrix == (0.0, -1.0, 0.0, 10.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0,
                      0.0, 0.0, 0.0, 1.0)
    half = math.sqrt(0.5)  # a quarter turn about z: qw = qz = sqrt(1/2)
    assert np.allclose(parse_pose(f"10,0,0,{half},0,0,{half}"), matrix)
    assert np.allclose(parse_pose({"translation": [10, 0, 0], "rotation": [half, 0, 0, half]}),
                       matrix)
    assert np.allclose(parse_pose("0 -1 0 10 1 0 0 0 0 0 1 0"), matrix)  # KITTI's 3x4
    assert parse_pose("") is None
    for bad, code in (("1 2 3", "pc_pose_count"),
                      ("2 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1", "pc_pose_not_rotation"),
                      ("10 0 0 2 0 0 0", "pc_pose_quaternion"), ("[1, true]", "pc_pose_numbers"),
                      ("1 0 0 0 0 1 0 0 0 0 1 0 0 0 1 1", "pc_pose_last_row"),
                      ("up 1", "pc_pose_text"),
                      ("1e300 0 0 1 0 0 0", "pc_pose_far")):  # a copy at x = inf before
        with pytest.raises(InvalidInput) as refused:
            parse_pose(bad)
        details = refused.value.details
        assert details["reason_code"] == code
        assert "{" not in word_reason(details, "zh-CN") and "pose" in word_reason(details, "en")


def test_the_manifest_pose_reaches_the_item(tmp_path: Path) -> None:
    row = ManifestRow.model_validate({"path": "f.npy", "sequence": "d1", "frame": 2,
                                      "pose": [[0, -1, 0, 10], [1, 0, 0, 0], [0, 0, 1, 0],
                                               [0, 0, 0, 1]]})
    cloud = tmp_path / "f.npy"
    np.save(cloud, np.array([[1, 2, 0], [3, 4, 0.5]], dtype=np.float32))
    attributes = PointCloudPlugin().describe(cloud, row.meta(), {})
    assert attributes.pose == parse_pose(_TURNED)
    with pytest.raises(InvalidInput):
        PointCloudPlugin().describe(cloud, {"pose": "1 0 0"}, {})


def test_copy_previous_frame_moves_cuboids_by_the_poses(
        runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    with runtime.session() as s:
        people = [create_user(s, n, "password1", r) for n, r in
                  (("pm", "project_manager"), ("ann1", "annotator"))]
    pid = packaged_project(runtime, people, 2)
    task_id = claimed_task(runtime, people[1], pid)
    car = {"id": "o1", "label": "car", "x": 15.0, "y": 2.0, "z": -0.5, "length": 4.5,
           "width": 1.8, "height": 1.5, "yaw": 0.25, "track_id": "car-1", "attributes": {}}
    with runtime.session() as s:
        project = s.get(Project, pid)
        assert project is not None
        project.modality = "pointcloud"
        task = s.get(Task, task_id)
        assert task is not None
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        before = next(i for i in items if i.id != task.item_id)
        for item in items:
            mine = item.id == task.item_id
            item.attributes = {"format": "npy", "points": 2, "sequence": "drive-1",
                               "frame": 2 if mine else 1,
                               "pose": list(parse_pose(_TURNED) or ()) if mine else _IDENTITY}
        ann = Annotation(item_id=before.id, version=1, stage="annotate", kind="annotation",
                         payload={"type": "pointcloud_annotation", "schema_version": 1,
                                  "objects": [car], "classes": []})
        s.add(ann)
        s.flush()
        before.current_annotation_id, before.current_version = ann.id, 1
        s.commit()
    with runtime.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        found = previous_frame(s, task)
        assert found.moved_by_poses
        [moved] = found.annotation["objects"]
        # world (15, 2) seen from (10, 0) facing world y: 2 m ahead, 5 m to the right
        assert (moved["x"], moved["y"], moved["z"]) == pytest.approx((2.0, -5.0, -0.5))
        assert moved["yaw"] == pytest.approx(0.25 - math.pi / 2)
        assert {k: moved[k] for k in ("label", "length", "track_id")} == \
            {"label": "car", "length": 4.5, "track_id": "car-1"}
        assert previous_frame_payload(s, task) == found.annotation  # the workbench's copy
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    said = run_cli(runtime.settings.home, "work", "previous-frame", str(task_id), "--as", "ann1",
                   DATAMILL_DATABASE_URL=str(runtime.settings.database_url)).stdout
    assert "已按两帧的传感器位姿" in said and "2.0" in said, said
    with runtime.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        # a frame without a pose: copied as it is
        s.get(Item, task.item_id).attributes = {"format": "npy", "points": 2,  # type: ignore[union-attr]
                                                "sequence": "drive-1", "frame": 2}
        s.flush()
        plain = previous_frame(s, task)
        assert not plain.moved_by_poses and plain.annotation["objects"] == [car]


def test_nuscenes_export_places_posed_frames_in_the_global_frame(tmp_path: Path) -> None:
    from datamill.modalities.pointcloud.item import PointCloudExportItem
    from datamill.modalities.pointcloud.nuscenes import NuScenesExporter
    from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation
    from tests.unit.modalities.pointcloud.test_kitti_nuscenes_export import (
        _inside_count,
        _read_nuscenes,
    )

    rng = np.random.default_rng(5)
    body = rng.uniform([-2.0, -0.8, -0.7], [2.0, 0.8, 0.7], (200, 3))  # the car's own points
    items = []
    for frame, pose, (x, y, yaw) in ((1, _IDENTITY, (15.0, 2.0, 0.25)),
                                     (2, list(parse_pose(_TURNED) or ()),
                                      (2.0, -5.0, 0.25 - math.pi / 2))):
        turn = np.array([[math.cos(yaw), -math.sin(yaw)], [math.sin(yaw), math.cos(yaw)]])
        car = np.column_stack([body[:, :2] @ turn.T + [x, y], body[:, 2] - 0.5])
        cloud = tmp_path / f"f{frame}.npy"
        np.save(cloud, car.astype(np.float32))
        cuboid = Cuboid(label="car", x=x, y=y, z=-0.5, length=4.5, width=1.8, height=1.5,
                        yaw=yaw, track_id="car-1")
        items.append(PointCloudExportItem(
            id=f"f{frame}", cloud_path=cloud, cloud_name=cloud.name, sha256="0" * 64,
            points=len(car), annotation=PointCloudAnnotation(objects=(cuboid,)),
            sequence="drive-1", frame=frame, pose=tuple(pose)))
    NuScenesExporter().export(items, tmp_path / "out")
    frames = _read_nuscenes(tmp_path / "out")
    anns = [frames[f"f{n}"][3][0] for n in (1, 2)]
    for n, ann in zip((1, 2), anns, strict=True):
        # the devkit's reading: points through the ego pose, box in the global frame
        assert _inside_count(frames[f"f{n}"][2], ann) == ann["num_lidar_pts"] == 200
        assert ann["translation"] == pytest.approx([15.0, 2.0, -0.5], abs=1e-6)
    # the parked car has one global pose across the scene (was 13 m apart, turned 90 degrees)
    assert anns[0]["rotation"] == pytest.approx(anns[1]["rotation"], abs=1e-6)
