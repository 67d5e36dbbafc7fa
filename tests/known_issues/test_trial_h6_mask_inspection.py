"""Trial h6 (segmentation project, H1): an inspection never scored masks. The inspector erased
most of a delivered donut mask (a mask with a hole), or deleted it, and the batch was accepted
with "region accuracy 1.0000, defective items 0": only boxes, rotated boxes and polygons were
regions. A mask now pairs with the reference's mask of its label by pixel IoU (on the runs, as
pycocotools' ``iou``) at the spec's ``iou_threshold``."""

from __future__ import annotations

from typing import Any

import numpy as np
from pycocotools import mask as coco_mask

from datamill.modalities.base import is_defective_in, score_in
from datamill.modalities.image._rle import rle_counts
from datamill.modalities.registry import get_modality

PLUGIN = get_modality("image")
H, W = 120, 160
REQ: dict[str, Any] = {"iou_threshold": 0.5, "labels": {"labels": [
    {"name": "donut", "kinds": ["polygon", "mask"]}]}}


def _donut(cut_left: int = 0) -> np.ndarray:
    yy, xx = np.mgrid[:H, :W]
    r = np.hypot(xx - W / 2, yy - H / 2)
    m = ((r < 50) & (r > 20)).astype(np.uint8)  # a ring: a mask with a hole
    m[:, :cut_left] = 0
    return m


def _mask(m: np.ndarray, compressed: bool = True) -> dict[str, Any]:
    rle = coco_mask.encode(np.asfortranarray(m))
    counts: Any = rle["counts"].decode()
    if not compressed:
        counts = rle_counts(counts)
    return {"kind": "mask", "label": "donut", "rle": {"size": [H, W], "counts": counts}}


def _doc(*objects: dict[str, Any]) -> str:
    return PLUGIN.inspection_text({"objects": list(objects)}, "")


def test_mask_iou_on_runs_is_pycocotools_iou() -> None:
    from datamill.modalities.image._rle import rle_iou  # noqa: PLC0415 - new with the fix

    a, b = _donut(), _donut(cut_left=W // 2)
    ra, rb = (coco_mask.encode(np.asfortranarray(m)) for m in (a, b))
    want = float(coco_mask.iou([ra], [rb], [0])[0][0])
    got = rle_iou(rle_counts(ra["counts"].decode()), rle_counts(rb["counts"].decode()))
    assert abs(got - want) < 1e-12 and 0.4 < got < 0.6, (got, want)


def test_a_mask_mostly_erased_by_the_inspector_is_a_defect() -> None:
    delivered = _doc(_mask(_donut()))
    corrected = _doc(_mask(_donut(cut_left=W * 2 // 3)))  # IoU about 0.3
    scores = score_in(PLUGIN, [corrected], [delivered], "en", REQ)
    assert scores["region_accuracy"] == 0.0, scores
    assert is_defective_in(PLUGIN, corrected, delivered, "en", REQ)


def test_a_mask_deleted_or_added_is_a_defect_and_the_same_mask_is_not() -> None:
    mask = _mask(_donut())
    assert is_defective_in(PLUGIN, _doc(), _doc(mask), "en", REQ)  # one the inspector removed
    assert is_defective_in(PLUGIN, _doc(mask), _doc(), "en", REQ)  # one the annotator missed
    # the same pixels, given as a run list on one side: one pair, IoU 1
    same = _doc(_mask(_donut(), compressed=False))
    scores = score_in(PLUGIN, [_doc(mask)], [same], "en", REQ)
    assert scores["region_accuracy"] == 1.0 and scores["mean_iou"] == 1.0, scores
    assert not is_defective_in(PLUGIN, _doc(mask), same, "en", REQ)
    # a few pixels off still pairs at the spec's threshold
    near = _donut()
    near[:, :3] = 0
    near[60, 30] = 1
    assert not is_defective_in(PLUGIN, _doc(mask), _doc(_mask(near)), "en", REQ)


def test_the_review_difference_list_gives_a_changed_masks_iou() -> None:
    """The review's difference list paired any two masks "changed (IoU 1.00)", however little
    they shared: masks now pair by their pixels' IoU, and disjoint ones are removed + added."""
    from datamill.modalities.image.compare import compare_annotations
    from datamill.modalities.image.schema import ImageAnnotation

    def ann(*objects: dict[str, Any]) -> ImageAnnotation:
        return ImageAnnotation.model_validate({"objects": list(objects)})

    whole, left = _mask(_donut()), _mask(_donut(cut_left=W * 2 // 3))
    [pair] = compare_annotations(ann(whole), ann(left))["pairs"]
    assert pair["status"] == "changed" and 0.2 < pair["iou"] < 0.4, pair
    corner = np.zeros((H, W), np.uint8)
    corner[:5, :5] = 1
    pairs = compare_annotations(ann(whole), ann(_mask(corner)))["pairs"]
    assert sorted(p["status"] for p in pairs) == ["added", "removed"], pairs
