"""Issue 10 §3 QC: the image inspection scorer pairs objects at the spec's ``iou_threshold``
(it used a fixed 0.5), scores keypoint instances by OKS with the skeleton's sigmas and
polylines within ``polyline_tolerance_px``, and an object that fails to pair makes the item
defective — keypoints moved 190 px and a lane line moved 300 px passed before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.base import is_defective_in, score_in
from datamill.modalities.image.metric import score_polylines
from datamill.modalities.image.plugin import ImageAnnotationRequirements
from datamill.modalities.image.schema import ImageAnnotation, Polyline, Skeleton
from datamill.modalities.registry import get_modality

PLUGIN = get_modality("image")
SCHEMA: dict[str, Any] = {
    "labels": [{"name": "car", "kinds": ["box"]}, {"name": "lane", "kinds": ["polyline"]},
               {"name": "face", "kinds": ["keypoints"], "skeleton": "face"}],
    "skeletons": [{"name": "face", "keypoints": ["l_eye", "r_eye", "nose"],
                   "edges": [[0, 1], [1, 2]]}],
}


def _req(**extra: Any) -> dict[str, Any]:
    return {"iou_threshold": 0.5, "labels": SCHEMA, **extra}


def _doc(*objects: dict[str, Any]) -> str:
    return PLUGIN.inspection_text({"objects": list(objects)}, "")


def _face(dx: float) -> dict[str, Any]:
    pts = [[100 + dx, 100, 2], [160 + dx, 100, 2], [130 + dx, 150, 2]]
    return {"kind": "keypoints", "label": "face", "skeleton": "face",
            "points": [{"x": x, "y": y, "visibility": v} for x, y, v in pts]}


def _lane(dy: float) -> dict[str, Any]:
    return {"kind": "polyline", "label": "lane", "points": [[0, 500 + dy], [1000, 520 + dy]]}


BOX = {"kind": "box", "label": "car", "x": 100, "y": 100, "w": 100, "h": 100}
SHIFTED = {**BOX, "x": 120}  # IoU 80 * 100 / (2 * 10,000 - 8,000) = 0.667


def test_the_spec_iou_threshold_decides_whether_a_shifted_box_pairs() -> None:
    ref, hyp = _doc(BOX), _doc(SHIFTED)
    loose, strict = _req(iou_threshold=0.5), _req(iou_threshold=0.9)
    assert score_in(PLUGIN, [ref], [hyp], "en", loose)["region_accuracy"] == 1.0
    assert score_in(PLUGIN, [ref], [hyp], "en", strict)["region_accuracy"] == 0.0
    assert not is_defective_in(PLUGIN, ref, hyp, "en", loose)
    assert is_defective_in(PLUGIN, ref, hyp, "en", strict)


def test_keypoints_far_off_are_a_defect_and_score_low() -> None:
    ref = _doc(_face(0))
    near, far = _doc(_face(1)), _doc(_face(190))
    s_near = score_in(PLUGIN, [ref], [near], "en", _req())
    s_far = score_in(PLUGIN, [ref], [far], "en", _req())
    assert s_near["keypoint_accuracy"] > 0.9 and s_far["keypoint_accuracy"] == 0.0
    assert not is_defective_in(PLUGIN, ref, near, "en", _req())
    assert is_defective_in(PLUGIN, ref, far, "en", _req())
    assert score_in(PLUGIN, [ref], [ref], "en", _req())["keypoint_accuracy"] == 1.0


def test_skeleton_sigmas_set_how_far_a_keypoint_may_stray() -> None:
    ref, hyp = _doc(_face(0)), _doc(_face(12))
    tight = {**SCHEMA, "skeletons": [{**SCHEMA["skeletons"][0], "sigmas": [0.01, 0.01, 0.01]}]}
    wide = {**SCHEMA, "skeletons": [{**SCHEMA["skeletons"][0], "sigmas": [0.5, 0.5, 0.5]}]}
    assert is_defective_in(PLUGIN, ref, hyp, "en", _req(labels=tight))
    assert not is_defective_in(PLUGIN, ref, hyp, "en", _req(labels=wide))
    with pytest.raises(ValueError, match="one sigma in"):
        Skeleton(name="face", keypoints=("a", "b"), sigmas=(0.1,))


def test_polylines_pair_within_the_tolerance() -> None:
    ref = _doc(_lane(0))
    assert not is_defective_in(PLUGIN, ref, _doc(_lane(3)), "en", _req())
    assert is_defective_in(PLUGIN, ref, _doc(_lane(300)), "en", _req())
    assert is_defective_in(PLUGIN, ref, _doc(_lane(30)), "en", _req())
    assert not is_defective_in(PLUGIN, ref, _doc(_lane(30)), "en",
                               _req(polyline_tolerance_px=60))
    s = score_in(PLUGIN, [ref, ref], [_doc(_lane(0)), _doc()], "en", _req())
    assert s["polyline_accuracy"] == 0.5  # one paired of two reference lines
    with pytest.raises(InvalidInput, match="tolerance must be positive"):
        score_polylines([], [], iou_threshold=0.5, tolerance_px=0)


def test_without_requirements_the_defaults_apply() -> None:
    """A golden answer scored alone (no project requirements) uses IoU 0.5, OKS 0.5, 5 px."""
    ref = _doc(BOX, _face(0), _lane(0))
    assert score_in(PLUGIN, [ref], [ref], "en", None) == {
        "region_accuracy": 1.0, "mean_iou": 1.0, "keypoint_accuracy": 1.0,
        "polyline_accuracy": 1.0, "character_accuracy": 1.0}  # no text lines: no line accuracy
    boxes_only = _doc(BOX)
    assert set(score_in(PLUGIN, [boxes_only], [boxes_only], "en", None)) == {
        "region_accuracy", "mean_iou", "character_accuracy"}  # nothing vacuous beyond those
    req = ImageAnnotationRequirements.model_fields
    assert req["oks_threshold"].default == 0.5 and req["polyline_tolerance_px"].default == 5.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-500, 500), st.floats(-500, 500)), min_size=2, max_size=6),
       st.lists(st.tuples(st.floats(-500, 500), st.floats(-500, 500)), min_size=2, max_size=6))
def test_polyline_accuracy_is_symmetric_and_one_against_itself(
    a: list[tuple[float, float]], b: list[tuple[float, float]]
) -> None:
    la = ImageAnnotation(objects=[Polyline(label="lane", points=tuple(a))])
    lb = ImageAnnotation(objects=[Polyline(label="lane", points=tuple(b))])
    ab = score_polylines([la], [lb], iou_threshold=0.5, tolerance_px=5)
    ba = score_polylines([lb], [la], iou_threshold=0.5, tolerance_px=5)
    assert ab.accuracy == ba.accuracy
    assert score_polylines([la], [la], iou_threshold=0.5, tolerance_px=5).accuracy == 1.0
    json.dumps(ab.to_dict())
