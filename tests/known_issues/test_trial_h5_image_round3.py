"""Trial h5, round 3 (image annotator, reviewer and customer): defects found using the image
flow end to end, each test failing before its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema

#: COCO's own person: one label drawn as a box, an outline and keypoints (names in zh-CN)
PERSON: dict[str, Any] = {
    "labels": [{"name": "行人", "kinds": ["box", "polygon", "keypoints"], "skeleton": "脸"}],
    "skeletons": [{"name": "脸", "keypoints": ["左眼", "右眼", "鼻子"], "edges": [[0, 2], [1, 2]]}],
}


def test_a_label_with_boxes_and_keypoints_reads_in_pycocotools_keypoint_evaluation(
    tmp_path: Path,
) -> None:
    """A label taking boxes (or outlines) and keypoints, as COCO's person: the delivery's
    box and polygon records had ``num_keypoints`` 0 but no ``keypoints``, and pycocotools'
    keypoint evaluation of that category raised KeyError 'keypoints'. They now carry the
    skeleton's keypoints all 0 (as COCO writes a person without keypoints), AP reads 1.0 on
    the annotations themselves, and our importer still reads a box, a polygon and keypoints."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    annotation = ImageAnnotation.model_validate({"objects": [
        {"kind": "box", "label": "行人", "x": 20, "y": 10, "w": 100, "h": 120},
        {"kind": "polygon", "label": "行人", "points": [[30, 20], [90, 20], [60, 110]]},
        {"kind": "keypoints", "label": "行人", "skeleton": "脸", "points": [
            {"x": 50, "y": 30, "visibility": 2}, {"x": 70, "y": 30, "visibility": 1},
            {"x": 0, "y": 0, "visibility": 0}]},
    ]})
    item = ImageExportItem(id="walk", image_path=tmp_path / "walk.png", sha256="0" * 64,
                           width=160, height=140, annotation=annotation)
    out = tmp_path / "coco"
    CocoExporter(ImageLabelSchema.model_validate(PERSON)).export([item], out)
    path = out / "annotations.json"
    records = json.loads(path.read_text(encoding="utf-8"))["annotations"]
    assert [r["keypoints"] for r in records[:2]] == [[0] * 9, [0] * 9]
    gt = COCO(str(path))
    dt = gt.loadRes([{"image_id": 1, "category_id": 1, "keypoints": records[2]["keypoints"],
                      "score": 1.0}])
    evaluator = COCOeval(gt, dt, "keypoints")
    evaluator.params.kpt_oks_sigmas = np.full(3, 0.07)
    evaluator.evaluate()  # was KeyError: 'keypoints'
    evaluator.accumulate()
    evaluator.summarize()
    assert evaluator.stats[0] == pytest.approx(1.0)
    (_, back, _), = CocoImporter().iter_items(path, image_root=tmp_path)
    assert back == annotation


def test_a_coco_person_without_keypoints_imports_as_its_outline(tmp_path: Path) -> None:
    """COCO's keypoint files write a person nobody put keypoints on with ``keypoints`` all 0
    (``num_keypoints`` 0) beside the person's outline: it was imported as a keypoints object
    with nothing labelled (the outline lost); it is the polygon now."""
    from PIL import Image

    Image.new("RGB", (100, 80)).save(tmp_path / "a.png")
    (tmp_path / "annotations.json").write_text(json.dumps({
        "images": [{"id": 7, "file_name": "a.png", "width": 100, "height": 80}],
        "categories": [{"id": 1, "name": "person", "keypoints": ["nose", "eye"],
                        "skeleton": [[1, 2]]}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 1, "iscrowd": 0, "num_keypoints": 0,
             "keypoints": [0, 0, 0, 0, 0, 0], "bbox": [10, 10, 30, 40], "area": 600,
             "segmentation": [[10, 10, 40, 10, 40, 50, 10, 50]]},
            {"id": 2, "image_id": 7, "category_id": 1, "iscrowd": 0, "num_keypoints": 1,
             "keypoints": [60, 20, 2, 0, 0, 0], "bbox": [50, 10, 30, 40], "area": 600,
             "segmentation": [[50, 10, 80, 10, 80, 50, 50, 50]]},
        ]}), encoding="utf-8")
    (_, annotation, _), = CocoImporter().iter_items(tmp_path)
    assert [o.kind for o in annotation.objects] == ["polygon", "keypoints"]


def test_a_box_a_pixel_past_the_edge_is_put_on_it_at_import(tmp_path: Path) -> None:
    """A VOC file of CVAT or Datumaro writes a box at the left edge with 0-based ``xmin`` 0,
    read as VOC's 1-based pixels one pixel left of the image; a COCO box rounded 0.5 px past
    the right edge; a YOLO box whose centre and width add up past 1. Each refused the whole
    import ("nothing imported: ... outside the image"); each object is now put on the edge,
    while a box further out is still refused."""
    from PIL import Image

    from datamill.modalities.image.importers.voc import VocImporter
    from datamill.modalities.image.importers.yolo import YoloImporter
    from datamill.modalities.image.schema import Box, validate_annotation

    schema = ImageLabelSchema.model_validate({"labels": [{"name": "小汽车", "kinds": ["box"]}]})
    (tmp_path / "voc" / "Annotations").mkdir(parents=True)
    (tmp_path / "voc" / "JPEGImages").mkdir()
    Image.new("RGB", (100, 80)).save(tmp_path / "voc" / "JPEGImages" / "a.png")
    (tmp_path / "voc" / "Annotations" / "a.xml").write_text(
        "<annotation><filename>a.png</filename><size><width>100</width><height>80</height>"
        "<depth>3</depth></size><object><name>小汽车</name><bndbox><xmin>0</xmin><ymin>10</ymin>"
        "<xmax>30</xmax><ymax>40</ymax></bndbox></object></annotation>", encoding="utf-8")
    (_, voc, _), = VocImporter().iter_items(tmp_path / "voc")
    assert voc.objects == (Box(label="小汽车", x=0, y=9, w=30, h=31),)  # was x=-1

    Image.new("RGB", (100, 80)).save(tmp_path / "a.png")
    (tmp_path / "annotations.json").write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 80}],
        "categories": [{"id": 1, "name": "小汽车"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [60.5, 40, 40.01, 40.5],
                         "area": 1, "iscrowd": 0, "segmentation": []}]}), encoding="utf-8")
    (_, coco, _), = CocoImporter().iter_items(tmp_path)
    assert coco.objects[0].x + coco.objects[0].w == 100  # was 100.51
    assert coco.objects[0].y + coco.objects[0].h == 80  # was 80.5

    (tmp_path / "yolo" / "images").mkdir(parents=True)
    (tmp_path / "yolo" / "labels").mkdir()
    Image.new("RGB", (100, 80)).save(tmp_path / "yolo" / "images" / "a.png")
    (tmp_path / "yolo" / "data.yaml").write_text("names: [小汽车]\n", encoding="utf-8")
    (tmp_path / "yolo" / "labels" / "a.txt").write_text("0 0.9 0.5 0.205 0.25\n0 0.9 0.5 0.3 0.25\n",
                                                        encoding="utf-8")
    (_, yolo, _), = YoloImporter().iter_items(tmp_path / "yolo")
    for annotation in (voc, coco):
        assert validate_annotation(annotation, schema, 100, 80) == []
    assert validate_annotation(yolo, schema, 100, 80) == [
        "objects[1].w: right edge x+w=105 exceeds image width 100"]  # 5 px out: refused
    assert yolo.objects[0].x + yolo.objects[0].w == 100  # was 100.25


def test_formats_without_image_classes_count_them_as_left_out(tmp_path: Path) -> None:
    """A classification project (image-level classes) delivered as YOLO, Pascal VOC or
    PaddleOCR got the images and empty label files, and the manifest's ``left_out`` (the
    datasheet's) was empty: nothing said every label was missing. They count ``image_classes``
    now; COCO and the Parquet file hold them and count nothing."""
    from PIL import Image

    from datamill.modalities.image.exporters.hf import ImageHfExporter
    from datamill.modalities.image.exporters.paddleocr import PaddleOcrDetExporter
    from datamill.modalities.image.exporters.voc import VocExporter
    from datamill.modalities.image.exporters.yolo import YoloExporter

    items = []
    for n, classes in enumerate((["白天", "城市"], [], ["夜晚"])):
        Image.new("RGB", (40, 30)).save(tmp_path / f"p{n}.png")
        items.append(ImageExportItem(
            id=f"p{n}", image_path=tmp_path / f"p{n}.png", sha256="0" * 64, width=40,
            height=30, annotation=ImageAnnotation.model_validate({"classes": classes})))
    for exporter in (YoloExporter(), VocExporter(), PaddleOcrDetExporter()):
        manifest = exporter.export(items, tmp_path / exporter.name)
        assert manifest.left_out == {"image_classes": 3}, exporter.name  # was {}
    for exporter in (CocoExporter(), ImageHfExporter()):
        assert exporter.export(items, tmp_path / exporter.name).left_out == {}
