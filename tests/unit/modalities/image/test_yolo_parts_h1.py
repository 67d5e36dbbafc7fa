"""A COCO instance drawn in parts (a car behind a post: one ``segmentation`` of two rings) was
delivered by YOLO ``segment`` as a line a part, so every YOLO reader counted two cars where
COCO has one (supervision: 3 detections for 2 instances) and neither box covered the car. It is
now one line whose ring visits each part through a zero-width bridge, there and back, as
Ultralytics' own ``convert_coco(use_segments=True)`` writes it: supervision reads one instance
per COCO instance, its mask covering both parts and its box their union; our YOLO importer
takes the line apart again, so COCO -> YOLO -> COCO keeps the instance count."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools.coco import COCO

from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.exporters.yolo import YoloExporter
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.modalities.image.importers.yolo import YoloImporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import (
    ImageAnnotation,
    ImageLabelSchema,
    Polygon,
    validate_annotation,
)

_SCHEMA = ImageLabelSchema.model_validate({"labels": [{"name": "car", "kinds": ["polygon"]},
                                                      {"name": "人", "kinds": ["polygon"]}]})
_LEFT = [10, 10, 30, 10, 30, 30, 10, 30]  # 20 x 20 px
_RIGHT = [50, 10, 70, 10, 70, 30, 50, 30]
_BELOW = [20, 50, 40, 50, 30, 70]  # a triangle


def _source(folder: Path) -> Path:
    Image.new("RGB", (100, 80)).save(folder / "a.png")
    source = folder / "annotations.json"
    source.write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 80}],
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "人"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 1000,
             "bbox": [10, 10, 60, 60], "segmentation": [_LEFT, _RIGHT, _BELOW]},
            {"id": 2, "image_id": 1, "category_id": 2, "iscrowd": 0, "area": 100,
             "bbox": [80, 50, 10, 10], "segmentation": [[80, 50, 90, 50, 90, 60, 80, 60]]},
        ]}), encoding="utf-8")
    return source


def _export(tmp_path: Path, annotation: ImageAnnotation) -> Path:
    out = tmp_path / "yolo"
    manifest = YoloExporter(_SCHEMA, task="segment").export(
        [ImageExportItem(id="a", image_path=tmp_path / "a.png", sha256="0" * 64, width=100,
                         height=80, annotation=annotation)], out)
    assert manifest.left_out == {}  # nothing is left out: the parts are one instance
    return out


def _ring(points: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """The ring from its smallest point (a part read back may start at another vertex)."""
    ring = [(round(x, 3), round(y, 3)) for x, y in points]
    at = ring.index(min(ring))
    return ring[at:] + ring[:at]


def test_supervision_reads_one_instance_per_coco_instance(tmp_path: Path) -> None:
    import supervision as sv

    (_, annotation, _), = CocoImporter().iter_items(_source(tmp_path))
    assert len(annotation.objects) == 4  # noqa: PLR2004 - 3 parts and the person
    out = _export(tmp_path, annotation)
    assert (out / "labels" / "a.txt").read_text().count("\n") == 2  # was 4: one a part
    (out / "images").mkdir(exist_ok=True)
    dataset = sv.DetectionDataset.from_yolo(
        images_directory_path=str(out / "images"), annotations_directory_path=str(out / "labels"),
        data_yaml_path=str(out / "data.yaml"), force_masks=True)
    (_, _, detections), = list(dataset)
    assert list(detections.class_id) == [0, 1]
    assert detections.xyxy[0] == pytest.approx([10, 10, 70, 70], abs=1)  # the parts' union
    car = detections.mask[0]
    parts = np.zeros_like(car)  # each part as the reader fills a polygon line of its own
    for ring in (_LEFT, _RIGHT, _BELOW):
        parts |= sv.polygon_to_mask(np.array(ring).reshape(-1, 2),
                                    resolution_wh=(100, 80)).astype(bool)
    assert not (parts & ~car).any()  # every part filled
    bridges = car & ~parts
    assert 0 < bridges.sum() < 60  # noqa: PLR2004 - and the two bridges, lines 1-2 px wide


def _coco_of(tmp_path: Path, annotation: ImageAnnotation) -> Path:
    out = tmp_path / "coco"
    CocoExporter(_SCHEMA, copy_images=False).export(
        [ImageExportItem(id="a", image_path=tmp_path / "a.png", sha256="0" * 64, width=100,
                         height=80, annotation=annotation)], out)
    return out / "annotations.json"


def test_coco_to_yolo_to_coco_keeps_the_instance_and_its_parts(tmp_path: Path) -> None:
    (_, annotation, _), = CocoImporter().iter_items(_source(tmp_path))
    out = _export(tmp_path, annotation)
    (out / "images" / "a.png").unlink()
    Image.new("RGB", (100, 80)).save(out / "images" / "a.png")
    (_, back, _), = YoloImporter().iter_items(out)
    assert validate_annotation(back, _SCHEMA, 100, 80) == []
    assert [(o.label, o.attributes) for o in back.objects] == [
        ("car", {"coco_instance": 1})] * 3 + [("人", {})]
    assert [_ring(o.points) for o in back.objects if isinstance(o, Polygon)] == [
        _ring(o.points) for o in annotation.objects if isinstance(o, Polygon)]
    truth = COCO(str(_coco_of(tmp_path, back)))
    records = truth.loadAnns(truth.getAnnIds())
    assert [(len(r["segmentation"]), r["bbox"]) for r in records] == [
        (3, [10.0, 10.0, 60.0, 60.0]), (1, [80.0, 50.0, 10.0, 10.0])]


def test_an_ultralytics_converted_instance_in_parts_reads_as_its_parts(tmp_path: Path) -> None:
    """A line as Ultralytics' ``merge_multi_segment`` writes two parts: each rolled to its
    vertex nearest the other and closed by repeating it, one after the other."""
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    Image.new("RGB", (100, 80)).save(tmp_path / "images" / "a.png")
    (tmp_path / "data.yaml").write_text("names: [car]\n", encoding="utf-8")
    left = [(30, 10), (30, 30), (10, 30), (10, 10), (30, 10)]  # from its vertex nearest right
    right = [(50, 10), (70, 10), (70, 30), (50, 30), (50, 10)]
    flat = np.array(left + right, dtype=float) / [100, 80]
    (tmp_path / "labels" / "a.txt").write_text(
        "0 " + " ".join(f"{v:.6f}" for v in flat.reshape(-1)) + "\n", encoding="utf-8")
    (_, read, _), = YoloImporter().iter_items(tmp_path)
    assert validate_annotation(read, _SCHEMA, 100, 80) == []  # was: polygon crosses itself
    assert [_ring(o.points) for o in read.objects if isinstance(o, Polygon)] == [
        _ring(tuple(left[:4])), _ring(tuple(right[:4]))]
    assert {o.attributes["coco_instance"] for o in read.objects} == {1}
