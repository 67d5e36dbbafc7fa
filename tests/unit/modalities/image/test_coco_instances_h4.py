"""COCO instances keep their count through an import and a delivery.

A COCO crowd region (``iscrowd`` 1, an RLE over a crowd of people) stays a crowd through an
import and a delivery: it was read as an ordinary mask and written back with ``iscrowd`` 0, so
COCOeval counted it as one more object to find (AP 1.0 -> 0.5 for a detector that finds the
one person and rightly ignores the crowd). An instance drawn in parts (a ``segmentation`` of two
rings: a car behind a post) was imported as two polygons and delivered as two instances (AP
0.17 for a detector that boxes the whole car and the other person)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as coco_mask
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema, validate_annotation

_SCHEMA = ImageLabelSchema.model_validate({"labels": [{"name": "人", "kinds": ["polygon", "mask"]}]})


def _source(folder: Path) -> Path:
    Image.new("RGB", (100, 80)).save(folder / "a.png")
    crowd = np.zeros((80, 100), dtype=np.uint8, order="F")
    crowd[40:75, 5:95] = 1
    rle = coco_mask.encode(crowd)
    path = folder / "annotations.json"
    path.write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 80}],
        "categories": [{"id": 1, "name": "人"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 400,
             "bbox": [10, 5, 20, 20], "segmentation": [[10, 5, 30, 5, 30, 25, 10, 25]]},
            {"id": 2, "image_id": 1, "category_id": 1, "iscrowd": 1, "area": 3150,
             "bbox": [5, 40, 90, 35],
             "segmentation": {"size": [80, 100], "counts": rle["counts"].decode()}},
        ]}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_crowd_region_stays_a_crowd_through_import_and_delivery(tmp_path: Path) -> None:
    (_, annotation, _), = CocoImporter().iter_items(_source(tmp_path))
    assert [o.attributes for o in annotation.objects] == [{}, {"iscrowd": True}]
    assert validate_annotation(annotation, _SCHEMA, 100, 80) == []  # no schema entry needed
    out = tmp_path / "out"
    CocoExporter(_SCHEMA, copy_images=False).export(
        [ImageExportItem(id="a", image_path=tmp_path / "a.png", sha256="0" * 64, width=100,
                         height=80, annotation=annotation)], out)
    truth = COCO(str(out / "annotations.json"))
    assert [a["iscrowd"] for a in truth.loadAnns(truth.getAnnIds())] == [0, 1]
    found = truth.loadRes([{"image_id": 1, "category_id": 1, "bbox": [10, 5, 20, 20],
                            "score": 0.9}])
    evaluation = COCOeval(truth, found, "bbox")
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    assert evaluation.stats[0] == pytest.approx(1.0)  # the crowd is ignored, not missed
    (_, back, _), = CocoImporter().iter_items(out / "annotations.json", image_root=tmp_path)
    assert back == annotation


def test_only_true_marks_a_crowd() -> None:
    annotation = ImageAnnotation.model_validate({"objects": [
        {"kind": "polygon", "label": "人", "points": [[1, 1], [9, 1], [9, 9]],
         "attributes": {"iscrowd": False}}]})
    assert validate_annotation(annotation, _SCHEMA, 100, 80) == [
        "objects[0].attributes.iscrowd: False is not true (a COCO crowd region; leave it out "
        "otherwise)"]


def _in_parts(folder: Path) -> Path:
    Image.new("RGB", (100, 80)).save(folder / "a.png")
    source = folder / "annotations.json"
    source.write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 80}],
        "categories": [{"id": 1, "name": "人"}],
        "annotations": [
            {"id": 7, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 500,
             "bbox": [10, 10, 60, 20], "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30],
                                                        [50, 10, 70, 10, 70, 30, 50, 30]]},
            {"id": 8, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 100,
             "bbox": [80, 50, 10, 10], "segmentation": [[80, 50, 90, 50, 90, 60, 80, 60]]},
        ]}), encoding="utf-8")
    return source


def test_an_instance_in_parts_is_delivered_as_one(tmp_path: Path) -> None:
    (_, annotation, _), = CocoImporter().iter_items(_in_parts(tmp_path))
    assert [o.attributes for o in annotation.objects] == [{"coco_instance": 1}] * 2 + [{}]
    assert validate_annotation(annotation, _SCHEMA, 100, 80) == []
    out = tmp_path / "out"
    CocoExporter(_SCHEMA, copy_images=False).export(
        [ImageExportItem(id="a", image_path=tmp_path / "a.png", sha256="0" * 64, width=100,
                         height=80, annotation=annotation)], out)
    truth = COCO(str(out / "annotations.json"))
    records = truth.loadAnns(truth.getAnnIds())
    assert [(len(r["segmentation"]), r["bbox"], r["area"]) for r in records] == [
        (2, [10.0, 10.0, 60.0, 20.0], 800.0), (1, [80.0, 50.0, 10.0, 10.0], 100.0)]
    assert int(truth.annToMask(records[0]).sum()) == 800  # noqa: PLR2004
    found = truth.loadRes([{"image_id": 1, "category_id": 1, "bbox": box, "score": 0.9}
                           for box in ([10, 10, 60, 20], [80, 50, 10, 10])])
    evaluation = COCOeval(truth, found, "bbox")
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    assert evaluation.stats[0] == pytest.approx(1.0)  # two instances, both found
    (_, back, _), = CocoImporter().iter_items(out / "annotations.json", image_root=tmp_path)
    assert back == annotation


def test_a_yolo_delivery_leaves_a_crowd_region_out_and_says_so(tmp_path: Path) -> None:
    """YOLO has no crowd flag: a crowd outline was written as one more person to learn;
    it is left out (as Ultralytics' own COCO converter does) and counted."""
    from datamill.modalities.image.exporters.yolo import YoloExporter

    Image.new("RGB", (100, 80)).save(tmp_path / "a.png")
    annotation = ImageAnnotation.model_validate({"objects": [
        {"kind": "polygon", "label": "人", "points": [[10, 10], [30, 10], [30, 30]]},
        {"kind": "polygon", "label": "人", "points": [[5, 40], [95, 40], [95, 75], [5, 75]],
         "attributes": {"iscrowd": True}}]})
    manifest = YoloExporter(_SCHEMA, task="segment").export(
        [ImageExportItem(id="a", image_path=tmp_path / "a.png", sha256="0" * 64, width=100,
                         height=80, annotation=annotation)], tmp_path / "yolo")
    assert (tmp_path / "yolo" / "labels" / "a.txt").read_text().count("\n") == 1
    assert manifest.left_out == {"crowd_regions": 1}


def test_a_yolo_delivery_writes_an_instance_in_parts_as_one_line(tmp_path: Path) -> None:
    """One bridged ring (h1, round 2026-12-07; ``test_yolo_parts_h1`` reads it back)."""
    from datamill.modalities.image.exporters.yolo import YoloExporter

    (_, annotation, _), = CocoImporter().iter_items(_in_parts(tmp_path))
    manifest = YoloExporter(_SCHEMA, task="segment").export(
        [ImageExportItem(id="a", image_path=tmp_path / "a.png", sha256="0" * 64, width=100,
                         height=80, annotation=annotation)], tmp_path / "yolo")
    assert (tmp_path / "yolo" / "labels" / "a.txt").read_text().count("\n") == 2  # noqa: PLR2004
    assert manifest.left_out == {}
