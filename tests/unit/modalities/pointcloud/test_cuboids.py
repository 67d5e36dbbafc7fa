"""Cuboid annotations: the schema, validation against the spec and the cloud, 3D IoU (with
property tests), cuboid accuracy, OpenPCDet lines, pre-annotation and the fitting tool."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ItemRecord
from datamill.modalities.pointcloud.exporters import OpenPcdetExporter, cuboid_line
from datamill.modalities.pointcloud.importers import OpenPcdetImporter, parse_label_file
from datamill.modalities.pointcloud.metric import cuboid_iou, score_cuboids
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.preannotators import ClusterPreannotator
from datamill.modalities.pointcloud.schema import (
    Cuboid,
    PointCloudAnnotation,
    PointCloudRequirements,
    normalize_yaw,
)
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.unit.modalities.pointcloud.test_conformance import REQUIREMENTS

PLUGIN = PointCloudPlugin()
REQ = PointCloudRequirements.model_validate(REQUIREMENTS)
BOUNDS = {"bounds": [-30, -30, -2, 30, 30, 1]}
CAR = {"label": "car", "x": 5, "y": 1, "z": -0.9, "length": 4.4, "width": 1.8, "height": 1.5,
       "yaw": 0.3}


def _validate(objects: list[dict[str, object]], classes: tuple[str, ...] = ()) -> list[Cuboid]:
    doc = PLUGIN.validate_annotation({"objects": objects, "classes": list(classes)}, BOUNDS, REQ)
    return list(PointCloudAnnotation.model_validate(doc.payload).objects)


def test_valid_cuboids_get_ids_and_a_normalised_heading() -> None:
    [a, b] = _validate([{**CAR, "yaw": 3 * math.pi / 2}, {**CAR, "x": -5, "id": "o1"}])
    assert (a.id, b.id) == ("o2", "o1")  # an id never repeats one already given
    assert a.yaw == pytest.approx(-math.pi / 2)


@pytest.mark.parametrize(("change", "message"), [
    ({"label": "bus"}, "unknown label 'bus'"),
    ({"x": 500}, "centre x = 500 m lies outside the cloud"),
    ({"length": 0}, "greater than 0"),
    ({"width": 250}, "less than or equal to 100"),
    ({"x": float("nan")}, "finite number"),
    ({"attributes": {"occluded": "half"}}, "must be one of none, partly, mostly"),
    ({"attributes": {"colour": "red"}}, "has no attribute 'colour'"),
    ({"attributes": {"occluded": [1]}}, "text, a number or true/false"),
])
def test_bad_cuboids_are_refused_naming_the_object(change: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _validate([{**CAR, **change}])


def test_duplicate_ids_and_unknown_scene_classes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="duplicate object id 'a'"):
        _validate([{**CAR, "id": "a"}, {**CAR, "id": "a", "x": -5}])
    with pytest.raises(InvalidInput, match="unknown scene class 'forest'"):
        _validate([CAR], ("forest",))


def test_a_select_attribute_is_required_when_the_spec_says_so() -> None:
    req = PointCloudRequirements.model_validate({"labels": {"labels": [
        {"name": "car", "attributes": [{"name": "moving", "type": "boolean", "required": True}]}]}})
    with pytest.raises(InvalidInput, match="attribute 'moving' is required"):
        PLUGIN.validate_annotation({"objects": [CAR]}, BOUNDS, req)
    PLUGIN.validate_annotation({"objects": [{**CAR, "attributes": {"moving": True}}]}, BOUNDS, req)


_side = st.floats(0.2, 8)
_cuboid = st.builds(
    lambda x, y, z, ln, w, h, yaw: Cuboid(label="car", x=x, y=y, z=z, length=ln, width=w,
                                          height=h, yaw=yaw),
    st.floats(-20, 20), st.floats(-20, 20), st.floats(-3, 3), _side, _side, _side,
    st.floats(-math.pi, math.pi))


@settings(max_examples=150, deadline=None)
@given(_cuboid, _cuboid)
def test_iou_is_symmetric_bounded_and_one_against_itself(a: Cuboid, b: Cuboid) -> None:
    assert cuboid_iou(a, a) == 1.0
    ab, ba = cuboid_iou(a, b), cuboid_iou(b, a)
    assert 0.0 <= ab <= 1.0 and ab == pytest.approx(ba, abs=1e-9)
    turned = a.model_copy(update={"yaw": normalize_yaw(a.yaw + math.pi)})  # seen backwards
    assert cuboid_iou(a, turned) == pytest.approx(1.0, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(_cuboid, max_size=5))
def test_an_annotation_scores_perfectly_against_itself(objects: list[Cuboid]) -> None:
    ann = PointCloudAnnotation(objects=tuple(objects))
    score = score_cuboids([ann], [ann])
    assert score.cuboid_accuracy == 1.0 and score.matched == len(objects)


def test_missed_extra_and_misplaced_cuboids_lower_the_accuracy() -> None:
    car = Cuboid(label="car", x=0, y=0, z=0, length=4, width=2, height=2)
    far = car.model_copy(update={"x": 10.0})
    ref = PointCloudAnnotation(objects=(car, far))
    shifted = PointCloudAnnotation(objects=(car.model_copy(update={"x": 2.0}),))  # IoU 1/3
    score = score_cuboids([ref], [shifted], iou_threshold=0.3)
    assert (score.matched, score.reference, score.hypothesis) == (1, 2, 1)
    assert score.cuboid_accuracy == 0.5 and score.mean_iou == pytest.approx(1 / 3)
    assert score.center_error_m == pytest.approx(2.0)
    assert score_cuboids([ref], [shifted], iou_threshold=0.5).matched == 0
    relabelled = PointCloudAnnotation(objects=(car.model_copy(update={"label": "van"}), far))
    assert score_cuboids([ref], [relabelled]).cuboid_accuracy == 0.5
    plain = PLUGIN.inspection_text(ref.model_dump(mode="json"), "")
    assert not PLUGIN.is_defective(plain, plain, requirements=REQUIREMENTS)
    assert PLUGIN.is_defective(plain, PLUGIN.inspection_text(
        relabelled.model_dump(mode="json"), ""), requirements=REQUIREMENTS)


def test_openpcdet_lines_golden_and_bad_label_files(tmp_path: Path) -> None:
    car = Cuboid(label="car", x=1.25, y=-2.5, z=-0.875, length=4.2, width=1.8, height=1.5,
                 yaw=-0.125)
    assert cuboid_line(car) == "1.25 -2.5 -0.875 4.2 1.8 1.5 -0.125 car"
    with pytest.raises(InvalidInput, match="holds whitespace"):
        cuboid_line(car.model_copy(update={"label": "police car"}))
    bad = tmp_path / "bad.txt"
    for text, message in (("1 2 3 4 5 6 car\n", "line 1: 7 fields, expected 8"),
                          ("1 2 3 4 5 6 0 car\n1 2 3 x 5 6 0 car\n", "line 2: could not convert"),
                          ("1 2 3 4 5 nan 0 car\n", "not a finite number"),
                          ("1 2 3 -4 5 6 0 car\n", "line 1: length: Input should be greater")):
        bad.write_text(text)
        with pytest.raises(InvalidInput, match=message):
            parse_label_file(bad)


def test_openpcdet_export_counts_what_it_cannot_hold(tmp_path: Path) -> None:
    points, truth = render_scene(11, objects=2)
    path = write_cloud(points, tmp_path / "f.pcd")
    tagged = [truth[0].model_copy(update={"track_id": "t1", "attributes": {"occluded": "none"}}),
              truth[1]]
    ann = PointCloudAnnotation(objects=tuple(tagged), classes=("urban",))
    record = ItemRecord(external_id="seq/f", sha256="0" * 64, filename="f.pcd", path=path,
                        attributes={"points": len(points)}, language="en-US")
    item = PLUGIN.export_item(record, ann.model_dump(mode="json"))
    assert item.id == "seq_f" and item.cloud_name == "clouds/f.pcd"
    manifest = OpenPcdetExporter(["car", "pedestrian", "cyclist"]).export([item], tmp_path / "o")
    assert manifest.left_out == {"attributes": 1, "scene_classes": 1, "track_ids": 1}
    assert (tmp_path / "o/classes.txt").read_text().split() == ["car", "pedestrian", "cyclist"]
    [(cloud, back)] = list(OpenPcdetImporter().iter_items(tmp_path / "o"))
    assert cloud.name == "seq_f.npy"
    assert score_cuboids([ann], [back]).cuboid_accuracy == 1.0


def test_the_link_out_of_an_openpcdet_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ds/points").mkdir(parents=True)
    (tmp_path / "ds/labels").mkdir()
    outside = write_cloud(render_scene(1, objects=1)[0], tmp_path / "secret.npy")
    (tmp_path / "ds/points/x.npy").symlink_to(outside)
    with pytest.raises(InvalidInput, match="links outside the dataset folder"):
        list(OpenPcdetImporter().iter_items(tmp_path / "ds"))


def test_cluster_preannotation_names_proposals_by_typical_size(tmp_path: Path) -> None:
    points, truth = render_scene(21, objects=5)
    record = ItemRecord(external_id="f", sha256="0" * 64, filename="f.bin",
                        path=write_cloud(points, tmp_path / "f.bin"), attributes={},
                        language="en-US")
    prediction = ClusterPreannotator().predict(record)
    doc = PLUGIN.map_prediction(prediction, REQUIREMENTS)
    found = PointCloudAnnotation.model_validate(doc.payload)
    assert doc.model == "euclidean-cluster-v1"
    assert score_cuboids([PointCloudAnnotation(objects=tuple(truth))], [found]).matched >= 4
    only_cones = {"labels": {"labels": [{"name": "cone", "typical_size": [0.3, 0.3, 0.7]}]}}
    none = PLUGIN.map_prediction(prediction, only_cones)
    assert none.payload["objects"] == [] and none.dropped == {"unmatched": len(prediction.cuboids)}
    with pytest.raises(InvalidInput, match="does not propose cuboids"):
        PLUGIN.map_prediction("boxes", REQUIREMENTS)


def test_fit_cuboid_tightens_a_rough_footprint(tmp_path: Path) -> None:
    points, truth = render_scene(31, objects=3, labels=("car",))
    car = truth[0]
    path = write_cloud(points, tmp_path / "f.npy")
    got = PLUGIN.assist("fit_cuboid", path, {"x": car.x + 0.3, "y": car.y - 0.2,
                                              "yaw": car.yaw, "length": car.length + 1,
                                              "width": car.width + 0.6})
    fitted = Cuboid(label="car", **got["cuboid"])
    assert cuboid_iou(car, fitted) > 0.75 and got["points"] > 100
    assert fitted.height == pytest.approx(car.height, abs=0.15)
    with pytest.raises(InvalidInput, match="no point stands above the ground"):
        PLUGIN.assist("fit_cuboid", path, {"x": 0.5, "y": 0.5, "yaw": 0, "length": 1,
                                           "width": 1})
    with pytest.raises(InvalidInput, match="needs numbers"):
        PLUGIN.assist("fit_cuboid", path, {"x": "here"})
    with pytest.raises(InvalidInput, match="finite numbers"):
        PLUGIN.assist("fit_cuboid", path, {"x": float("inf"), "y": 0, "yaw": 0, "length": 1,
                                           "width": 1})
