"""Trial h3, image round 2 (the left-outs of round 1).

1. A pose contract could not set a keypoint threshold: ``acceptance.keypoint_accuracy`` was
   refused as "not a metric of modality image" (only ``region_accuracy`` and
   ``character_accuracy`` were). It is now an optional acceptance metric: judged where the spec
   sets it, refused (``metric_not_measurable``) on a project without keypoint labels, and the
   OKS behind it is pycocotools' own ``COCOeval.computeOks``.
2. A mask never paired with a polygon: an inspector who drew the polygon of an object the
   delivery holds as a mask (or the other way round) found the item defective and its region
   accuracy 0, and the review's object diff showed one object removed and one added. A mask and a
   box, rotated box or polygon of one label now pair by pixel IoU, the shape rasterised at the
   mask's size by pycocotools (as COCO's segm evaluation does).
4. A second scan of a page (turned 0.7 degrees, 1 % cropped) was no near copy: its detail
   distance read 0.2..0.5. The page hash (the page levelled and cut to its ink) catches it.
5. An item imported before the detail hash existed was judged by its perceptual hash alone:
   another page of its layout 2 bits away was refused as its near copy, and a second scan of it
   passed. The loop now measures the fingerprints an old item lacks from its file when it
   compares with it, and keeps them.
6. (trial, MEDIUM) The COCO delivery of a box + keypoints project crashed pycocotools' keypoint
   evaluation (``COCOeval(gt, dt, "keypoints").evaluate()``: KeyError ``num_keypoints``, the box
   annotations lacking it); every annotation of such a project now states it (0 for a box).
7. (trial, LOW) The COCO export wrote a keypoint instance's ``area`` as its points' box (each side
   at least 1 px), while the inspection scales OKS by that box with each side at least 32 px: a
   customer's pycocotools OKS of a small instance (a hand, a face) differed from the
   inspection's. The export now writes the inspection's scale.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.base import is_defective_in, score_in
from datamill.modalities.image.compare import compare_annotations
from datamill.modalities.image.metric import score_keypoints
from datamill.modalities.image.schema import ImageAnnotation, Keypoints
from datamill.modalities.registry import get_modality
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.spec import parse_spec
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

POSE_LABELS: dict[str, Any] = {
    "labels": [{"name": "person", "kinds": ["box"]},
               {"name": "pose", "kinds": ["keypoints"], "skeleton": "body"}],
    "skeletons": [{"name": "body", "keypoints": ["head", "l_hand", "r_hand", "hip"],
                   "edges": [[0, 3], [1, 3], [2, 3]], "sigmas": [0.026, 0.062, 0.062, 0.107]}],
}


def _pose_spec(acceptance: dict[str, float], labels: dict[str, Any] = POSE_LABELS
               ) -> dict[str, Any]:
    requirements = copy.deepcopy(IMAGE_REQUIREMENTS)
    requirements["labels"] = labels
    return image_spec(name="pose", acceptance=acceptance, requirements=requirements)


def _pose(dx: float = 0.0) -> dict[str, Any]:
    pts = [(60 + dx, 20, 2), (30 + dx, 60, 2), (90 + dx, 60, 1), (60 + dx, 100, 2)]
    return {"kind": "keypoints", "label": "pose", "skeleton": "body",
            "points": [{"x": x, "y": y, "visibility": v} for x, y, v in pts]}


def test_a_pose_contract_sets_a_keypoint_threshold() -> None:
    spec, _ = parse_spec(_pose_spec({"region_accuracy": 0.9, "keypoint_accuracy": 0.8}))
    assert spec.acceptance.thresholds() == {"region_accuracy": 0.9, "keypoint_accuracy": 0.8}
    parse_spec(_pose_spec({"region_accuracy": 0.9}))  # optional: a spec need not set it
    boxes = {"labels": [{"name": "person", "kinds": ["box"]}]}
    with pytest.raises(InvalidInput) as refused:  # nothing to measure it by: refused
        parse_spec(_pose_spec({"region_accuracy": 0.9, "keypoint_accuracy": 0.8}, boxes))
    assert refused.value.details["reason_code"] == "metric_not_measurable"
    assert refused.value.details["metric"] == "keypoint_accuracy"


def test_keypoint_oks_is_pycocotools_own() -> None:
    """The OKS of a pair equals what pycocotools' whole COCO keypoint evaluation computes
    (``COCOeval.evaluate``'s ``ious``) for the same ground truth, area and sigmas."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    ref = Keypoints.model_validate(_pose())
    hyp = Keypoints.model_validate({**_pose(7.0), "points": [
        {**p, "y": p["y"] + 3 * i} for i, p in enumerate(_pose(7.0)["points"])]})
    sigmas = {"body": POSE_LABELS["skeletons"][0]["sigmas"]}
    ours = score_keypoints([ImageAnnotation(objects=(ref,))], [ImageAnnotation(objects=(hyp,))],
                           sigmas=sigmas, oks_threshold=0.05).accuracy
    flat = [v for p in ref.points for v in (p.x, p.y, p.visibility)]
    area = (90 - 30) * (100 - 20)  # the labelled keypoints' box (each side over 32 px)
    gt = COCO()
    gt.dataset = {"images": [{"id": 1, "width": 200, "height": 200}],
                  "categories": [{"id": 1, "name": "pose"}],
                  "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0,
                                   "keypoints": flat, "num_keypoints": 4, "area": area,
                                   "bbox": [30, 20, 60, 80]}]}
    gt.createIndex()
    dt = gt.loadRes([{"image_id": 1, "category_id": 1, "score": 1.0, "keypoints": [
        v for p in hyp.points for v in (p.x, p.y, 2)]}])
    evaluator = COCOeval(gt, dt, "keypoints")
    evaluator.params.kpt_oks_sigmas = np.asarray(sigmas["body"])
    evaluator.evaluate()
    theirs = float(evaluator.ious[1, 1][0][0])
    assert 0.3 < theirs < 0.95
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no concurrency here
def test_an_inspection_rejects_keypoints_below_the_contract(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from datamill.production.checking import run_checks
    from datamill.production.importing import import_source
    from datamill.testing.images import render_object_scene
    from tests.unit.production.test_image_loop import _annotate

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        render_object_scene(i, objects=1).save(folder / f"walk{i}.png")
    truth = {f"walk{i}": ImageAnnotation.model_validate({"objects": [_pose()]}) for i in range(2)}
    with runtime.session() as s:
        pid = create_project(s, _pose_spec({"region_accuracy": 0.9,
                                            "keypoint_accuracy": 0.8})).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    _annotate(runtime, users, pid, truth)
    with runtime.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, s.get(User, users["insp"].id))
        for smp in insp.sample:  # the inspector puts every keypoint 6 px further right
            record_correction(s, insp.id, smp["item_id"],
                              ImageAnnotation.model_validate({"objects": [_pose(6.0)]})
                              .model_dump_json())
        done = complete_inspection(s, insp.id, s.get(User, users["insp"].id))
    assert done.verdict == "rejected", done.scores
    assert 0.5 < done.scores["keypoint_accuracy"] < 0.8  # paired (OKS >= 0.5), below 0.8
    assert any(r.startswith("keypoint accuracy") for r in done.reasons), done.reasons


CAR = [(40.0, 30.0), (160.0, 40.0), (150.0, 110.0), (50.0, 100.0)]


def _car_mask(points: list[tuple[float, float]]) -> dict[str, Any]:
    from pycocotools import mask as cocomask

    rle = cocomask.merge(cocomask.frPyObjects([[v for p in points for v in p]], 120, 200))
    return {"kind": "mask", "label": "car",
            "rle": {"size": [120, 200], "counts": rle["counts"].decode("ascii")}}


def _car_polygon(dx: float = 0.0) -> dict[str, Any]:
    return {"kind": "polygon", "label": "car", "points": [[x + dx, y] for x, y in CAR]}


def test_a_mask_and_a_polygon_of_one_object_pair_by_pixels() -> None:
    plugin = get_modality("image")
    req = {"iou_threshold": 0.5, "labels": {"labels": [
        {"name": "car", "kinds": ["polygon", "mask"]}]}}

    def doc(obj: dict[str, Any]) -> str:
        return plugin.inspection_text({"objects": [obj]}, "")

    mask, polygon, beside = doc(_car_mask(CAR)), doc(_car_polygon()), doc(_car_polygon(90.0))
    for ref, hyp in ((mask, polygon), (polygon, mask)):  # either side may hold the mask
        scores = score_in(plugin, [ref], [hyp], "en", req)
        assert scores["region_accuracy"] == 1.0 and scores["mean_iou"] > 0.95, scores
        assert not is_defective_in(plugin, ref, hyp, "en", req)
    assert score_in(plugin, [mask], [beside], "en", req)["region_accuracy"] == 0.0
    assert is_defective_in(plugin, mask, beside, "en", req)
    # the review's object diff: one object whose kind changed, not one removed and one added
    diff = compare_annotations(ImageAnnotation.model_validate({"objects": [_car_mask(CAR)]}),
                               ImageAnnotation.model_validate({"objects": [_car_polygon()]}))
    assert [(p["status"], p["before"], p["after"]) for p in diff["pairs"]] == [
        ("changed", 0, 0)], diff
    assert "kind" in diff["pairs"][0]["changes"] and diff["pairs"][0]["iou"] > 0.95


def _second_scan(page: Any, angle: float = 0.7, crop: float = 0.01) -> Any:
    from PIL import Image

    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(240, 240, 236))
    w, h = turned.size
    return turned.crop((round(w * crop), round(h * crop), w - round(w * crop),
                        h - round(h * crop)))


def test_a_second_scan_of_a_page_is_a_near_copy(tmp_path: Path) -> None:
    from datamill.modalities.image.checks import ImageRequirements, measure_image
    from datamill.modalities.image.duplicates import NearDuplicateChecker
    from datamill.modalities.image.fingerprint import PAGE_HASH_VERSION
    from datamill.testing.heldout import text_page

    req = ImageRequirements.model_validate({**IMAGE_REQUIREMENTS["image"]})
    checker = NearDuplicateChecker(max_distance=req.max_duplicate_distance,
                                   max_detail_distance=req.max_detail_distance,
                                   max_page_distance=req.max_page_distance)
    pages = [text_page(1240, 1754, seed, layout=1) for seed in range(3)]
    for i, page in enumerate(pages):
        page.save(tmp_path / f"p{i}.png")
        m = measure_image(tmp_path / f"p{i}.png", max_pixels=req.max_pixels)
        attrs = {"phash": m.phash, "detail_hash": m.detail_hash, "page_hash": m.page_hash,
                 "page_hash_version": PAGE_HASH_VERSION}
        assert checker.check(attrs)[0].passed, i  # other pages of the layout: kept
        checker.add(f"p{i}", attrs)
    for angle, crop in ((0.7, 0.01), (-0.7, 0.0)):
        _second_scan(pages[1], angle, crop).save(tmp_path / "scan.png")
        m = measure_image(tmp_path / "scan.png", max_pixels=req.max_pixels)
        (outcome,) = checker.check({"phash": m.phash, "detail_hash": m.detail_hash,
                                    "page_hash": m.page_hash,
                                    "page_hash_version": PAGE_HASH_VERSION})
        assert not outcome.passed and outcome.extra["nearest"] == "p1", (angle, outcome)
        assert "page distance" in (outcome.reason or "")


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no concurrency here
def test_old_items_get_their_fingerprints_when_compared(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from sqlalchemy import select

    from datamill.production.checking import run_checks
    from datamill.production.importing import import_source
    from datamill.production.models import Item
    from datamill.testing.heldout import text_page

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    pages = [text_page(640, 480, seed, chinese=True) for seed in range(2)]  # 2 bits apart
    pages[0].save(first / "page0.png")
    pages[1].save(second / "page1.png")
    _second_scan(pages[0]).save(second / "page0_again.png")
    with runtime.session() as s:
        pid = create_project(s, image_spec(name="pages")).id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, first)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:  # as stored before the detail and page hashes existed
        old = s.scalars(select(Item).where(Item.project_id == pid)).one()
        assert old.status == "passed" and old.attributes.get("detail_hash")
        old.attributes = {k: v for k, v in old.attributes.items()
                          if k not in ("detail_hash", "page_hash")}
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, second)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == pid))}
        assert items["page1"].status == "passed", items["page1"].reject_reasons
        assert items["page0_again"].status == "rejected"
        assert "near-duplicate of page0" in " ".join(items["page0_again"].reject_reasons or [])
        assert items["page0"].attributes.get("page_hash")  # kept: measured once
        assert items["page0"].attributes.get("detail_hash")


def test_a_pose_delivery_reads_in_pycocotools_keypoint_evaluation(tmp_path: Path) -> None:
    import json

    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    from datamill.modalities.image.exporters.coco import CocoExporter
    from datamill.modalities.image.item import ImageExportItem
    from datamill.modalities.image.schema import ImageLabelSchema
    from datamill.testing.images import render_object_scene

    render_object_scene(0, objects=1).save(tmp_path / "walk.png")
    annotation = ImageAnnotation.model_validate({"objects": [
        {"kind": "box", "label": "person", "x": 20, "y": 10, "w": 100, "h": 120}, _pose()]})
    item = ImageExportItem(id="walk", image_path=tmp_path / "walk.png", sha256="0" * 64,
                           width=640, height=480, annotation=annotation)
    CocoExporter(ImageLabelSchema.model_validate(POSE_LABELS), copy_images=True).export(
        [item], tmp_path / "coco")
    path = tmp_path / "coco" / "annotations.json"
    records = json.loads(path.read_text(encoding="utf-8"))["annotations"]
    gt = COCO(str(path))
    dt = gt.loadRes([{"image_id": a["image_id"], "category_id": a["category_id"],
                      "keypoints": a["keypoints"], "score": 1.0}
                     for a in records if "keypoints" in a])
    evaluator = COCOeval(gt, dt, "keypoints")  # every category, as a customer first runs it
    evaluator.params.kpt_oks_sigmas = np.asarray(POSE_LABELS["skeletons"][0]["sigmas"])
    evaluator.evaluate()  # was KeyError: 'num_keypoints'
    evaluator.accumulate()
    assert evaluator.stats is not None
    evaluator.summarize()
    assert evaluator.stats[0] == pytest.approx(1.0)


def test_a_customer_reads_the_inspection_oks_of_a_small_instance(tmp_path: Path) -> None:
    import json

    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    from datamill.modalities.image.exporters.coco import CocoExporter
    from datamill.modalities.image.item import ImageExportItem
    from datamill.modalities.image.schema import ImageLabelSchema

    def small(dx: float) -> dict[str, Any]:  # a hand: points within 12 x 10 px
        pts = [(100 + dx, 100), (106 + dx, 104), (112 + dx, 100), (106 + dx, 110)]
        return {**_pose(), "points": [{"x": x, "y": y, "visibility": 2} for x, y in pts]}

    ref = ImageAnnotation.model_validate({"objects": [small(0.0)]})
    hyp = ImageAnnotation.model_validate({"objects": [small(2.0)]})
    sigmas = POSE_LABELS["skeletons"][0]["sigmas"]
    ours = score_keypoints([ref], [hyp], sigmas={"body": sigmas}, oks_threshold=0.05).accuracy
    item = ImageExportItem(id="hand", image_path=tmp_path / "hand.png", sha256="0" * 64,
                           width=200, height=200, annotation=ref)
    CocoExporter(ImageLabelSchema.model_validate(POSE_LABELS)).export([item], tmp_path / "coco")
    path = tmp_path / "coco" / "annotations.json"
    gt = COCO(str(path))
    (record,) = json.loads(path.read_text(encoding="utf-8"))["annotations"]
    dt = gt.loadRes([{"image_id": 1, "category_id": record["category_id"], "score": 1.0,
                      "keypoints": [v for p in small(2.0)["points"]
                                    for v in (p["x"], p["y"], 2)]}])
    evaluator = COCOeval(gt, dt, "keypoints")
    evaluator.params.kpt_oks_sigmas = np.asarray(sigmas)
    evaluator.evaluate()
    theirs = float(evaluator.ious[1, record["category_id"]][0][0])
    assert ours == pytest.approx(theirs, abs=1e-9), (ours, theirs)  # was 0.80 against 0.34
