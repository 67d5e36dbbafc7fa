"""Trial h5: a cuboid drawn facing backwards passed inspection.

An inspector turned a delivered car round (its heading was 180° off, a classic lidar labelling
defect that KITTI's orientation similarity and nuScenes' orientation error both count): the
frame was not a defect and ``yaw_error_deg`` read 0, because headings were compared modulo a
half turn. A paired cuboid further than ``max_heading_error_deg`` (default 90°) from the
inspector's heading now makes the frame a defect and ``yaw_error_deg`` reads 180; a label
declared without a front (``heading: false``: a cone) still compares modulo a half turn.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation

PLUGIN = PointCloudPlugin()
REQUIREMENTS = {"labels": {"labels": [{"name": "小汽车"}, {"name": "锥桶", "heading": False}]},
                "iou_threshold": 0.5}


def _text(*objects: Cuboid) -> str:
    return PLUGIN.inspection_text(PointCloudAnnotation(objects=objects).model_dump(mode="json"),
                                  "")


def test_a_cuboid_drawn_backwards_is_a_defect_unless_its_label_has_no_front() -> None:
    car = Cuboid(label="小汽车", x=8, y=1, z=-0.8, length=4.5, width=1.9, height=1.5, yaw=0.2)
    backwards = car.model_copy(update={"yaw": 0.2 - math.pi})
    ref, hyp = _text(car), _text(backwards)
    assert PLUGIN.is_defective(ref, hyp, requirements=REQUIREMENTS)  # was False
    score = PLUGIN.score([ref], [hyp], requirements=REQUIREMENTS)
    assert score["cuboid_accuracy"] == 1.0  # the same space: still one pair
    assert score["yaw_error_deg"] == pytest.approx(180.0)  # was 0.0
    slightly = _text(car.model_copy(update={"yaw": 0.2 + math.radians(30)}))
    assert not PLUGIN.is_defective(ref, slightly, requirements=REQUIREMENTS)
    assert PLUGIN.is_defective(ref, slightly, requirements={**REQUIREMENTS,
                                                            "max_heading_error_deg": 20})

    cone = Cuboid(label="锥桶", x=3, y=-2, z=-1.4, length=0.4, width=0.4, height=0.7, yaw=1.0)
    turned = cone.model_copy(update={"yaw": 1.0 - math.pi})
    assert not PLUGIN.is_defective(_text(cone), _text(turned), requirements=REQUIREMENTS)
    assert PLUGIN.score([_text(cone)], [_text(turned)], requirements=REQUIREMENTS)[
        "yaw_error_deg"] == pytest.approx(0.0, abs=1e-9)


def test_one_track_is_one_object_in_a_frame() -> None:
    """"Copy previous frame" pressed twice (or a track id typed twice) put two cuboids of one
    track in a frame, and the frame was accepted: the nuScenes delivery then had an instance
    with two annotations in one sample. The second one is refused now, named, in zh-CN too."""
    from datamill.core.errors import InvalidInput
    from datamill.modalities.problem_words import word_problem

    car = {"label": "小汽车", "x": 8, "y": 1, "z": -0.8, "length": 4.5, "width": 1.9,
           "height": 1.5, "yaw": 0.2, "track_id": "车-7"}
    bounds = {"bounds": [-30, -30, -3, 30, 30, 2]}
    PLUGIN.validate_annotation({"objects": [car, {**car, "x": -8, "track_id": "车-8"}]},
                               bounds, REQUIREMENTS)
    with pytest.raises(InvalidInput) as raised:
        PLUGIN.validate_annotation({"objects": [car, {**car, "id": "o9", "x": -8}]}, bounds,
                                   REQUIREMENTS)
    (problem,) = raised.value.details["problems"]
    assert problem["code"] == "duplicate_track" and problem["field"] == "objects[1].track_id"
    assert word_problem(problem, "zh-CN") == "对象 o9（小汽车）：本帧中轨迹 车-7 已属于第 1 个对象：一条轨迹只对应一个对象"


def test_a_track_labelled_two_ways_keeps_each_label_in_nuscenes(tmp_path: Path) -> None:
    """A car relabelled a truck in one frame of its track was delivered in nuScenes as a car
    in both (the instance took the first box's category): one box changed its label. Each
    label is an instance of its own now; OpenPCDet and KITTI kept them already."""
    import json

    import numpy as np

    from datamill.modalities.pointcloud.item import PointCloudExportItem
    from datamill.modalities.pointcloud.nuscenes import VERSION, NuScenesExporter
    from datamill.testing.pointclouds import write_cloud

    car = Cuboid(label="小汽车", x=8, y=1, z=-0.8, length=4.5, width=1.9, height=1.5,
                 track_id="t1")
    items = []
    for n, label in enumerate(("小汽车", "卡车", "小汽车")):
        path = write_cloud(np.random.default_rng(n).uniform(-20, 20, (50, 4)),
                           tmp_path / f"f{n}.bin")
        items.append(PointCloudExportItem(
            id=f"f{n}", cloud_path=path, cloud_name=path.name, sha256="0" * 64, points=50,
            sequence="drive",
            frame=n, annotation=PointCloudAnnotation(objects=(
                car.model_copy(update={"label": label, "x": 8.0 + n}),))))
    NuScenesExporter().export(items, tmp_path / "ns")
    tables = {name: json.loads((tmp_path / "ns" / VERSION / f"{name}.json").read_text("utf-8"))
              for name in ("category", "instance", "sample_annotation")}
    names = {c["token"]: c["name"] for c in tables["category"]}
    instance_of = {i["token"]: names[i["category_token"]] for i in tables["instance"]}
    got = sorted((a["translation"][0], instance_of[a["instance_token"]])
                 for a in tables["sample_annotation"])
    assert got == [(8.0, "小汽车"), (9.0, "卡车"), (10.0, "小汽车")]  # 9.0 was 小汽车
    assert sorted(i["nbr_annotations"] for i in tables["instance"]) == [1, 2]
