"""Point segmentation: run-length labels, their validation against the spec and the cloud, the
labels made from cuboids and the ground plane, and the point metrics."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.schema import PointCloudAnnotation, PointCloudLabelSchema
from datamill.modalities.pointcloud.segmentation import (
    changed_points,
    decode_runs,
    encode_runs,
    labels_from_cuboids,
    score_points,
)
from datamill.modalities.problem_words import word_problems
from datamill.testing.pointclouds import SIZES, render_scene, write_cloud

PLUGIN = PointCloudPlugin()
GROUND, CAR, PEDESTRIAN = 40, 10, 30
POINT_CLASSES = [{"name": "road", "id": GROUND, "ground": True}, {"name": "car", "id": CAR},
                 {"name": "pedestrian", "id": PEDESTRIAN}]


def requirements(point_classes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"labels": {"labels": [{"name": k, "typical_size": list(v)} for k, v in SIZES.items()],
                       "point_classes": POINT_CLASSES if point_classes is None else point_classes}}


def true_labels(points: np.ndarray, cuboids: list[Any]) -> np.ndarray:
    """What render_scene drew: its ground points have intensity below 0.2, an object's
    surface points 0.3 and above; each object point belongs to the nearest object (render_scene
    keeps their centres 6 m apart)."""
    ids = {"car": CAR, "pedestrian": PEDESTRIAN}
    ground = points[:, 3] < 0.25  # noqa: PLR2004 - between the two intensity ranges
    centres = np.array([(c.x, c.y) for c in cuboids])
    nearest = np.argmin(np.hypot(points[:, None, 0] - centres[None, :, 0],
                                 points[:, None, 1] - centres[None, :, 1]), axis=1)
    classes = np.array([ids.get(c.label, 0) for c in cuboids], dtype=np.uint32)
    return np.where(ground, GROUND, classes[nearest]).astype(np.uint32)


@given(st.lists(st.integers(0, 5), max_size=300))
def test_runs_round_trip_and_never_repeat_a_class(values: list[int]) -> None:
    runs = encode_runs(np.array(values, dtype=np.int64))
    assert decode_runs(runs).tolist() == values
    assert sum(n for _, n in runs) == len(values)
    assert all(a[0] != b[0] for a, b in itertools.pairwise(runs))
    assert all(n >= 1 for _, n in runs)


@given(st.lists(st.integers(0, 3), min_size=1, max_size=200),
       st.lists(st.integers(0, 3), min_size=1, max_size=200))
def test_point_scores_are_rates_and_identity_scores_one(a: list[int], b: list[int]) -> None:
    ra, rb = encode_runs(np.array(a)), encode_runs(np.array(b))
    same = score_points([ra], [ra])
    assert same is not None and same.point_accuracy == 1.0 and same.point_miou == 1.0
    other = score_points([ra], [rb])
    assert other is not None
    assert 0.0 <= other.point_accuracy <= 1.0 and 0.0 <= other.point_miou <= 1.0
    assert changed_points(ra, ra) == 0
    n = min(len(a), len(b))
    assert changed_points(ra, rb) == sum(x != y for x, y in zip(a[:n], b[:n], strict=True)) \
        + abs(len(a) - len(b))


def test_point_scores_by_hand() -> None:
    # reference: 4 road, 2 car; delivered: 3 road, 3 car
    ref, hyp = ((GROUND, 4), (CAR, 2)), ((GROUND, 3), (CAR, 3))
    score = score_points([ref], [hyp])
    assert score is not None
    assert score.point_accuracy == pytest.approx(5 / 6)
    # road: 3 / 4, car: 2 / 3 -> mean 17 / 24
    assert score.per_class_iou == {CAR: pytest.approx(2 / 3), GROUND: pytest.approx(3 / 4)}
    assert score.point_miou == pytest.approx(17 / 24)
    assert score_points([()], [()]) is None  # nothing segmented on either side
    # unlabelled points stay out of the IoU (SemanticKITTI), but count against accuracy
    half = score_points([((0, 2), (CAR, 2))], [((CAR, 4),)])
    assert half is not None and half.point_accuracy == 0.5 and half.point_miou == 0.5


def test_labels_from_the_true_cuboids_and_the_ground_match_the_scene(tmp_path: Path) -> None:
    schema = PointCloudLabelSchema.model_validate(requirements()["labels"])
    for seed in (5, 6, 7):  # scenes not tuned on: 3 seeds, sloped ground, noise
        points, cuboids = render_scene(seed, objects=4, slope=0.01)
        truth = true_labels(points, cuboids)
        got = labels_from_cuboids(points, cuboids, schema)
        assert (got == truth).mean() >= 0.97, seed
    # a label no point class is named after stays unlabelled; no ground class, no ground
    bare = PointCloudLabelSchema.model_validate(requirements([{"name": "car", "id": CAR}])["labels"])
    points, cuboids = render_scene(8, objects=3, labels=("pedestrian",))
    assert not labels_from_cuboids(points, cuboids, bare).any()


def test_the_spec_names_point_classes_once() -> None:
    for classes, message in (
        ([{"name": "road", "id": 40}, {"name": "road", "id": 41}], "duplicate point class names"),
        ([{"name": "a", "id": 40}, {"name": "b", "id": 40}], "duplicate point class ids"),
        ([{"name": "a", "id": 1, "ground": True}, {"name": "b", "id": 2, "ground": True}],
         "more than one point class is the ground"),
        ([{"name": "a", "id": 0}], "greater than or equal to 1"),
        ([{"name": "a", "id": 70000}], "less than or equal to 65535"),
        ([{"name": "two words", "id": 3}], "whitespace"),
    ):
        with pytest.raises(ValidationError, match=message):
            PointCloudLabelSchema.model_validate(requirements(classes)["labels"])


def test_a_submission_is_held_to_the_spec_and_the_cloud() -> None:
    req = PLUGIN.requirements_model.model_validate(requirements())
    attributes = {"points": 10, "bounds": [-5, -5, -2, 5, 5, 2]}
    good = {"objects": [], "point_labels": [[GROUND, 6], [CAR, 4]]}
    doc = PLUGIN.validate_annotation(good, attributes, req)
    assert doc.payload["point_labels"] == [[GROUND, 6], [CAR, 4]]
    for payload, code in (
        ({"objects": []}, "point_labels_missing"),
        ({"point_labels": [[GROUND, 6], [99, 4]]}, "point_class_unknown"),
        ({"point_labels": [[GROUND, 6]]}, "point_labels_count"),
    ):
        with pytest.raises(InvalidInput) as refused:
            PLUGIN.validate_annotation(payload, attributes, req)
        problems = refused.value.details["problems"]
        assert [p["code"] for p in problems] == [code]
        worded = word_problems(problems, "zh-CN")
        assert worded is not None
        assert all(p["detail"] and "," not in p["detail"] for p in worded[0]), worded
    with pytest.raises(InvalidInput, match="not a point-cloud annotation"):
        PLUGIN.validate_annotation({"point_labels": [[GROUND, 0]]}, attributes, req)
    # a cuboid project (no point classes) takes no point labels but 0
    cuboids = PLUGIN.requirements_model.model_validate(requirements([]))
    PLUGIN.validate_annotation({"objects": []}, attributes, cuboids)
    with pytest.raises(InvalidInput, match="point class id 40"):
        PLUGIN.validate_annotation(good, attributes, cuboids)


def test_label_points_assist_and_pre_annotation_label_the_frame(tmp_path: Path) -> None:
    points, cuboids = render_scene(12, objects=3)
    path = write_cloud(points, tmp_path / "f.bin")
    objects = [c.model_dump(mode="json") for c in cuboids]
    got = PLUGIN.assist("label_points", path, {"objects": objects}, requirements=requirements())
    labels = decode_runs(got["point_labels"])
    assert len(labels) == len(points)
    assert (labels == true_labels(points, cuboids)).mean() >= 0.97
    assert got["counts"]["road"] >= 5800 and sum(got["counts"].values()) == len(points)
    with pytest.raises(InvalidInput, match="no point classes"):
        PLUGIN.assist("label_points", path, {"objects": objects}, requirements=requirements([]))
    with pytest.raises(InvalidInput, match="not a point-cloud annotation"):
        PLUGIN.assist("label_points", path, {"objects": [{"label": "car"}]},
                      requirements=requirements())
    # the cluster pre-annotator's proposals label the points of a segmenting project
    from datamill.modalities.base import ItemRecord
    from datamill.modalities.pointcloud.preannotators import ClusterPreannotator

    item = ItemRecord(external_id="f", sha256="0" * 64, filename=path.name, path=path,
                      attributes={"points": len(points)}, language="en-US")
    doc = PLUGIN.map_prediction(ClusterPreannotator().predict(item), requirements())
    pre = decode_runs(doc.payload["point_labels"])
    assert len(pre) == len(points) and (pre == true_labels(points, cuboids)).mean() >= 0.95
    plain = PLUGIN.map_prediction(ClusterPreannotator().predict(item), requirements([]))
    assert plain.payload["point_labels"] == []


def test_scores_and_defects_count_the_points() -> None:
    req = requirements()
    ref = PointCloudAnnotation(point_labels=((GROUND, 90), (CAR, 10)))
    close = PointCloudAnnotation(point_labels=((GROUND, 92), (CAR, 8)))  # 98 % agree
    far = PointCloudAnnotation(point_labels=((GROUND, 100),))  # 90 % agree, car missed

    def text(a: PointCloudAnnotation) -> str:
        return json.dumps(a.model_dump(mode="json"))

    scores = PLUGIN.score([text(ref), text(ref)], [text(close), text(far)], requirements=req)
    assert scores["point_accuracy"] == pytest.approx(188 / 200)
    assert 0 < scores["point_miou"] < 1 and scores["cuboid_accuracy"] == 1.0
    assert not PLUGIN.is_defective(text(ref), text(close), requirements=req)
    assert PLUGIN.is_defective(text(ref), text(far), requirements=req)
    empty = text(PointCloudAnnotation())
    assert PLUGIN.unmeasured_metrics([empty], [empty]) == {"point_accuracy", "point_miou"}
    assert PLUGIN.unmeasured_metrics([text(ref)], [empty]) == frozenset()
    change = PLUGIN.compare(ref.model_dump(mode="json"), close.model_dump(mode="json"))
    assert change["points_relabelled"] == 2
