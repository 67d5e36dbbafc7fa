"""Image exporters: golden output, the ecosystem's readers, manifests, streaming, errors.

Golden files live in ``tests/golden/image/<format>/`` and are compared after normalisation
(image sha256 values replaced by ``<sha256:ID>``; COCO JSON re-dumped with sorted keys and
floats rounded to 6 decimals). Update them
with::

    DATAMILL_UPDATE_GOLDEN=1 python -m pytest tests/unit/modalities/image/test_exporters.py
"""

from __future__ import annotations

import json
import os
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from datamill.core.errors import InvalidInput
from datamill.modalities.image.exporters._common import sha256_file
from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.exporters.paddleocr import (
    PaddleOcrDetExporter,
    PaddleOcrRecExporter,
)
from datamill.modalities.image.exporters.voc import VocExporter
from datamill.modalities.image.exporters.yolo import YoloExporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import Box, ImageAnnotation, Polyline
from tests.unit.modalities.image._cases import SCHEMA, three_items

GOLDEN = Path(__file__).resolve().parents[3] / "golden" / "image"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"


@pytest.fixture
def items(tmp_path: Path) -> list[ImageExportItem]:
    return three_items(tmp_path / "src")


def _normalise(text: str, items: list[ImageExportItem]) -> str:
    for item in items:
        text = text.replace(item.sha256, f"<sha256:{item.id}>")
    return text


def _compare_golden(fmt: str, rel: str, actual: str) -> None:
    golden = GOLDEN / fmt / rel
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), f"{fmt}/{rel} differs from golden"


def _check_manifest(manifest, out_dir: Path, fmt: str, count: int) -> None:
    assert manifest.format == fmt and manifest.items == count
    on_disk = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
    assert set(manifest.files) == on_disk
    for rel, digest in manifest.files.items():
        assert sha256_file(out_dir / rel) == digest, rel


# ----------------------------------------------------------------------------- COCO


def test_coco_golden_and_pycocotools(tmp_path: Path, items: list[ImageExportItem]) -> None:
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    out = tmp_path / "coco"
    manifest = CocoExporter(SCHEMA, copy_images=True, on_unsupported="skip").export(items, out)
    _check_manifest(manifest, out, "coco", 3)
    data = json.loads((out / "annotations.json").read_text(encoding="utf-8"),
                      parse_float=lambda text: round(float(text), 6))  # libm last-digit noise
    _compare_golden("coco", "annotations.json",
                    _normalise(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False),
                               items) + "\n")

    coco = COCO(str(out / "annotations.json"))
    assert len(coco.getImgIds()) == 3
    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == [
        "car", "person", "lane", "road", "text"]
    assert coco.loadCats([2])[0]["keypoints"] == ["head", "hip", "foot"]
    assert coco.loadCats([2])[0]["skeleton"] == [[1, 2], [2, 3]]
    mask_ann = next(a for a in coco.dataset["annotations"] if a["category_id"] == 4)
    assert int(coco.annToMask(mask_ann).sum()) == mask_ann["area"] == 30
    from pycocotools import mask as mask_utils
    assert list(mask_utils.toBbox(coco.annToRLE(mask_ann))) == mask_ann["bbox"]

    results = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"],
                "score": 1.0} for a in coco.dataset["annotations"]]
    evaluator = COCOeval(coco, coco.loadRes(results), "bbox")
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    assert evaluator.stats[0] == pytest.approx(1.0)


def test_coco_every_annotation_has_a_mask_for_pycocotools(tmp_path: Path,
                                                        items: list[ImageExportItem]) -> None:
    """A trial user's finding: boxes (and keypoints) were written with ``"segmentation": []``,
    so ``annToMask`` and ``COCOeval(..., "segm")`` raised ``IndexError``. Such an object's
    outline is now its box's 4 corners (as pycocotools' ``loadRes`` completes box
    detections), and our importer still reads a box back as a box."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    from datamill.modalities.image.importers.coco import CocoImporter

    out = tmp_path / "coco"
    CocoExporter(SCHEMA, copy_images=True, on_unsupported="skip").export(items, out)
    coco = COCO(str(out / "annotations.json"))
    boxes = [a for a in coco.dataset["annotations"] if a.get("datamill_box")]
    assert len(boxes) == sum(type(o) is Box for i in items for o in i.annotation.objects) == 3
    for ann in coco.dataset["annotations"]:
        mask = coco.annToMask(ann)
        assert mask.sum() > 0, ann
        if ann.get("datamill_box"):  # the rectangle's pixels, within a pixel per side
            w, h = ann["bbox"][2:]
            assert mask.sum() == pytest.approx(w * h, abs=2 * (w + h) + 4)
    for iou_type in ("bbox", "segm"):
        results = [{"image_id": a["image_id"], "category_id": a["category_id"],
                    "bbox": a["bbox"], "segmentation": coco.annToRLE(a), "score": 1.0}
                   for a in coco.dataset["annotations"]]
        if iou_type == "bbox":
            results = [{k: v for k, v in r.items() if k != "segmentation"} for r in results]
        evaluator = COCOeval(coco, coco.loadRes(results), iou_type)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
        assert evaluator.stats[0] == pytest.approx(1.0), iou_type
    imported = {name: ann for _, ann, name in CocoImporter().iter_items(out)}
    for item in items:
        assert [o for o in imported[item.id].objects if type(o) is Box] == [
            o for o in item.annotation.objects if type(o) is Box]


def test_coco_polyline_is_an_error_by_default(tmp_path: Path,
                                              items: list[ImageExportItem]) -> None:
    with pytest.raises(InvalidInput, match=r"item 'street-001' objects\[4\]: COCO cannot "
                                           r"represent a polyline object"):
        CocoExporter(SCHEMA).export(items, tmp_path / "coco")
    assert not (tmp_path / "coco" / ".annotations.partial").exists()


def test_coco_streams_a_generator(tmp_path: Path, items: list[ImageExportItem]) -> None:
    base = items[0]
    boxes = tuple(Box(label=f"c{i % 3}", x=i % 50, y=1, w=5, h=5) for i in range(10))

    def generate(n: int) -> Iterator[ImageExportItem]:
        for i in range(n):
            yield ImageExportItem(id=f"img{i}", image_path=base.image_path, sha256=base.sha256,
                                  width=64, height=48, annotation=ImageAnnotation(objects=boxes))

    tracemalloc.start()
    manifest = CocoExporter().export(generate(2000), tmp_path / "big")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert manifest.items == 2000
    data = json.loads((tmp_path / "big" / "annotations.json").read_text(encoding="utf-8"))
    assert len(data["annotations"]) == 20_000
    assert [c["name"] for c in data["categories"]] == ["c0", "c1", "c2"]
    assert peak < 5 * 2**20, f"peak {peak} bytes: the export is not streaming"


# ----------------------------------------------------------------------------- YOLO


def test_yolo_golden_and_supervision(tmp_path: Path, items: list[ImageExportItem]) -> None:
    import supervision as sv

    out = tmp_path / "yolo"
    manifest = YoloExporter(SCHEMA, on_unsupported="skip").export(items, out)
    _check_manifest(manifest, out, "yolo", 3)
    for rel in ("data.yaml", "labels/street-001.txt", "labels/portrait-002.txt",
                "labels/receipt-003.txt"):
        _compare_golden("yolo", rel, (out / rel).read_text(encoding="utf-8"))

    dataset = sv.DetectionDataset.from_yolo(
        images_directory_path=str(out / "images"), annotations_directory_path=str(out / "labels"),
        data_yaml_path=str(out / "data.yaml"))
    assert dataset.classes == ["car", "person", "lane", "road", "text"]
    by_name = {Path(path).stem: det for path, _, det in dataset}
    street = by_name["street-001"]
    assert street.class_id.tolist() == [0, 1]
    np.testing.assert_allclose(street.xyxy, [[2, 10.5, 22, 22.75], [40, 5, 48, 35]], atol=1e-3)
    assert len(by_name["receipt-003"]) == 0


def test_yolo_segment_writes_polygons(tmp_path: Path, items: list[ImageExportItem]) -> None:
    out = tmp_path / "yolo"
    YoloExporter(SCHEMA, task="segment", on_unsupported="skip").export(items, out)
    lines = (out / "labels" / "street-001.txt").read_text(encoding="utf-8").splitlines()
    assert lines[2] == "0 0.468750 0.625000 0.781250 0.625000 0.781250 0.833333 0.468750 0.875000"
    assert len(lines[0].split()) == 9  # a box as 4 corners


def test_a_delivery_writes_yolo_segments_when_the_schema_has_polygons() -> None:
    """The plugin's YOLO export keeps polygons (segment labels) when the spec allows them; a
    detection export leaves them out, and its manifest counts them by kind."""
    from datamill.modalities.image.plugin import ImagePlugin
    from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS

    with_polygons = {**IMAGE_REQUIREMENTS, "labels": {"labels": [
        {"name": "car", "kinds": ["box", "polygon"]}]}}
    plugin = ImagePlugin()
    assert plugin.make_exporter("yolo", with_polygons).task == "segment"  # type: ignore[attr-defined]
    assert plugin.make_exporter("yolo", IMAGE_REQUIREMENTS).task == "detect"  # type: ignore[attr-defined]


def test_objects_a_format_cannot_hold_are_counted(tmp_path: Path,
                                                  items: list[ImageExportItem]) -> None:
    detect = YoloExporter(SCHEMA, on_unsupported="skip").export(items, tmp_path / "d")
    segment = YoloExporter(SCHEMA, task="segment", on_unsupported="skip").export(
        items, tmp_path / "s")
    kinds = [o.kind for item in items for o in item.annotation.objects]
    objects = {k: v for k, v in detect.left_out.items() if k != "image_classes"}
    assert sum(objects.values()) == len(kinds) - kinds.count("box")
    assert detect.left_out["image_classes"] == sum(len(i.annotation.classes) for i in items)
    assert "polygon" in detect.left_out and "polygon" not in segment.left_out


# ----------------------------------------------------------------------------- Pascal VOC


def test_voc_golden_elementtree_and_supervision(tmp_path: Path,
                                                items: list[ImageExportItem]) -> None:
    import supervision as sv

    out = tmp_path / "voc"
    manifest = VocExporter(copy_images=True, on_unsupported="skip").export(items, out)
    _check_manifest(manifest, out, "voc", 3)
    for rel in ("Annotations/street-001.xml", "Annotations/portrait-002.xml",
                "Annotations/receipt-003.xml", "ImageSets/Main/default.txt"):
        _compare_golden("voc", rel, (out / rel).read_text(encoding="utf-8"))

    root = ET.parse(out / "Annotations" / "street-001.xml").getroot()
    assert root.findtext("filename") == "street-001.jpg"
    assert (root.findtext("size/width"), root.findtext("size/height")) == ("64", "48")
    objects = root.findall("object")
    assert [o.findtext("name") for o in objects] == ["car", "person"]
    box = [float(objects[0].findtext(f"bndbox/{t}")) for t in ("xmin", "ymin", "xmax", "ymax")]
    assert box == [3, 11.5, 22, 22.75]
    assert objects[1].findtext("difficult") == "1"
    assert objects[0].findtext("attributes/attribute/value") == "red"

    dataset = sv.DetectionDataset.from_pascal_voc(
        images_directory_path=str(out / "JPEGImages"),
        annotations_directory_path=str(out / "Annotations"))
    by_name = {Path(path).stem: det for path, _, det in dataset}
    np.testing.assert_allclose(by_name["street-001"].xyxy,
                               [[2, 10.5, 22, 22.75], [40, 5, 48, 35]], atol=1e-3)


# ----------------------------------------------------------------------------- PaddleOCR


def test_paddleocr_det_and_rec(tmp_path: Path, items: list[ImageExportItem]) -> None:
    det_out, rec_out = tmp_path / "det", tmp_path / "rec"
    det = PaddleOcrDetExporter(on_unsupported="skip").export(items, det_out)
    _check_manifest(det, det_out, "paddleocr_det", 3)
    _compare_golden("paddleocr", "Label.txt", (det_out / "Label.txt").read_text(encoding="utf-8"))
    path, entries = (det_out / "Label.txt").read_text(encoding="utf-8").splitlines()[2].split("\t")
    assert path == "images/receipt-003.png"
    assert [e["transcription"] for e in json.loads(entries)] == ["Total 12,50", "Merci ü", "###"]

    receipt = [items[2]]
    rec = PaddleOcrRecExporter().export(receipt, rec_out)
    _check_manifest(rec, rec_out, "paddleocr_rec", 1)
    _compare_golden("paddleocr", "rec_gt.txt",
                    (rec_out / "rec_gt.txt").read_text(encoding="utf-8"))
    with Image.open(rec_out / "crop_img" / "receipt-003_crop_0.png") as crop:
        assert crop.size == (56, 12)
    with Image.open(items[2].image_path) as original:
        expected = np.asarray(original.convert("RGB"))[4:16, 4:60]
    with Image.open(rec_out / "crop_img" / "receipt-003_crop_0.png") as crop:
        assert np.abs(np.asarray(crop).astype(int) - expected.astype(int)).mean() < 1.0


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("exporter", [CocoExporter(), YoloExporter(), VocExporter(),
                                      PaddleOcrDetExporter()], ids=lambda e: e.name)
def test_duplicate_and_unsafe_ids(tmp_path: Path, items: list[ImageExportItem], exporter) -> None:
    plain = ImageExportItem(id="a", image_path=items[0].image_path, sha256=items[0].sha256,
                            width=64, height=48, annotation=ImageAnnotation())
    with pytest.raises(InvalidInput, match="duplicate item id 'a'"):
        exporter.export([plain, plain], tmp_path / "dup")
    bad = ImageExportItem(id="../x", image_path=items[0].image_path, sha256=items[0].sha256,
                          width=64, height=48, annotation=ImageAnnotation())
    with pytest.raises(InvalidInput, match="path separators"):
        exporter.export([bad], tmp_path / "bad")


def test_label_outside_schema_and_unsupported_kind(tmp_path: Path,
                                                   items: list[ImageExportItem]) -> None:
    item = ImageExportItem(id="x", image_path=items[0].image_path, sha256=items[0].sha256,
                           width=64, height=48, annotation=ImageAnnotation(
                               objects=(Box(label="tree", x=0, y=0, w=1, h=1),)))
    with pytest.raises(InvalidInput, match=r"objects\[0\]: label 'tree' is not in the label"):
        YoloExporter(SCHEMA).export([item], tmp_path / "y")
    line = ImageExportItem(id="x", image_path=items[0].image_path, sha256=items[0].sha256,
                           width=64, height=48, annotation=ImageAnnotation(
                               objects=(Polyline(label="lane", points=((0, 0), (1, 1))),)))
    with pytest.raises(InvalidInput, match="Pascal VOC cannot represent a polyline"):
        VocExporter().export([line], tmp_path / "v")


def test_paddleocr_rec_tall_and_non_quad_lines(tmp_path: Path,
                                               items: list[ImageExportItem]) -> None:
    from datamill.modalities.image.schema import TextLine

    receipt = items[2]
    item = ImageExportItem(
        id="r", image_path=receipt.image_path, sha256=receipt.sha256, width=80, height=40,
        annotation=ImageAnnotation(objects=(
            TextLine(points=((10, 2), (20, 2), (20, 38), (10, 38)), transcription="tall"),
            TextLine(points=((30, 10), (50, 10), (60, 15), (50, 20), (30, 20), (25, 15)),
                     transcription="hexagon"),
            TextLine(points=((0, 0), (5, 0), (5, 5), (0, 5)), transcription="skip",
                     attributes={"illegible": True}),
        )))
    manifest = PaddleOcrRecExporter().export([item], tmp_path / "rec")
    assert sorted(manifest.files) == ["crop_img/r_crop_0.png", "crop_img/r_crop_1.png",
                                      "rec_gt.txt"]
    with Image.open(tmp_path / "rec" / "crop_img" / "r_crop_0.png") as crop:
        assert crop.size == (36, 10)  # turned: at least 1.5 times taller than wide
    with Image.open(tmp_path / "rec" / "crop_img" / "r_crop_1.png") as crop:
        assert crop.size == (35, 10)  # the minimum-area rectangle of the hexagon
    bad = ImageExportItem(id="b", image_path=receipt.image_path, sha256=receipt.sha256,
                          width=80, height=40, annotation=ImageAnnotation(objects=(
                              TextLine(points=((0, 0), (9, 0), (9, 9)), transcription="a\tb"),)))
    with pytest.raises(InvalidInput, match=r"item 'b' objects\[0\]: transcription holds a tab"):
        PaddleOcrRecExporter().export([bad], tmp_path / "bad")


@pytest.mark.parametrize(("mode", "depth"), [
    ("L", 1), ("I;16", 1), ("I", 1), ("1", 1), ("LA", 2), ("RGB", 3), ("P", 3), ("RGBA", 4),
    ("CMYK", 4), (None, 3),
])
def test_voc_depth_is_the_channels_a_viewer_shows(
    tmp_path: Path, items: list[ImageExportItem], mode: str | None, depth: int,
) -> None:
    """A grayscale image's ``<depth>`` is 1 (before: always 3, whatever the image)."""
    from datamill.modalities.base import ItemRecord
    from datamill.modalities.image.plugin import ImagePlugin

    base = items[0]
    record = ItemRecord(external_id="gray", sha256=base.sha256, filename="gray.png",
                        path=base.image_path, language="en",
                        attributes={"width": 64, "height": 48,
                                    **({"mode": mode} if mode else {})})
    item = ImagePlugin().export_item(record, {"objects": []})
    assert item.depth == depth
    VocExporter(on_unsupported="skip").export([item], tmp_path / "voc")
    root = ET.parse(tmp_path / "voc" / "Annotations" / "gray.xml").getroot()
    assert root.findtext("size/depth") == str(depth)
