"""A photo stored sideways with an EXIF orientation tag is delivered upright (h9).

The annotation is drawn on the image as displayed (tag applied); the COCO, VOC and YOLO
deliveries used to copy the file as stored, so a reader that ignores the tag (torchvision's
``read_image``, OpenCV with ``IMREAD_IGNORE_ORIENTATION``) put every box sideways.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.exporters.voc import VocExporter
from datamill.modalities.image.exporters.yolo import YoloExporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import Box, ImageAnnotation
from tests.unit.modalities.image._cases import sha256

# displayed 80 wide, 120 high; a red object at x 10..30, y 70..100
_BOX = Box(label="car", x=10, y=70, w=20, h=30)


def _rotated_photo(path: Path) -> ImageExportItem:
    shown = np.full((120, 80, 3), 40, dtype=np.uint8)
    shown[70:100, 10:30] = (220, 20, 20)
    # orientation 6: a viewer turns the stored pixels 90 degrees clockwise to show them
    stored = Image.fromarray(shown).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(path, quality=90, exif=exif.tobytes())
    return ImageExportItem(id="phone", image_path=path, sha256=sha256(path), width=80,
                           height=120, annotation=ImageAnnotation(objects=(_BOX,)))


def _plain_photo(path: Path) -> ImageExportItem:
    Image.fromarray(np.full((30, 40, 3), 90, dtype=np.uint8)).save(path, quality=90)
    return ImageExportItem(id="plain", image_path=path, sha256=sha256(path), width=40,
                           height=30, annotation=ImageAnnotation())


def _coco(out: Path) -> tuple[str, tuple[int, int], tuple[float, float, float, float]]:
    data = json.loads((out / "annotations.json").read_text(encoding="utf-8"))
    image = next(i for i in data["images"] if i["datamill_id"] == "phone")
    box = next(a["bbox"] for a in data["annotations"] if a["image_id"] == image["id"])
    return image["file_name"], (image["width"], image["height"]), tuple(box)


def _voc(out: Path) -> tuple[str, tuple[int, int], tuple[float, float, float, float]]:
    root = ET.parse(out / "Annotations" / "phone.xml").getroot()
    size = (int(root.findtext("size/width") or 0), int(root.findtext("size/height") or 0))
    x0, y0, x1, y1 = (float(root.findtext(f"object/bndbox/{k}") or 0)
                      for k in ("xmin", "ymin", "xmax", "ymax"))
    return "JPEGImages/" + (root.findtext("filename") or ""), size, (x0, y0, x1 - x0, y1 - y0)


def _yolo(out: Path) -> tuple[str, tuple[int, int], tuple[float, float, float, float]]:
    rel = "images/phone.jpg"
    h, w = cv2.imread(str(out / rel), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION).shape[:2]
    _, cx, cy, bw, bh = map(float, (out / "labels" / "phone.txt").read_text().split())
    return rel, (w, h), ((cx - bw / 2) * w, (cy - bh / 2) * h, bw * w, bh * h)


@pytest.mark.parametrize(("exporter", "read"), [
    (CocoExporter(copy_images=True), _coco),
    (VocExporter(copy_images=True), _voc),
    (YoloExporter(), _yolo),
], ids=["coco", "voc", "yolo"])
def test_the_delivered_image_and_its_boxes_agree_without_exif(tmp_path: Path, exporter,
                                                               read) -> None:
    source = tmp_path / "src"
    source.mkdir()
    phone, plain = _rotated_photo(source / "phone.jpg"), _plain_photo(source / "plain.jpg")
    out = tmp_path / "out"
    manifest = exporter.export([phone, plain], out)

    rel, size, (x, y, w, h) = read(out)
    pixels = cv2.imread(str(out / rel), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert (pixels.shape[1], pixels.shape[0]) == size == (80, 120)
    inside = pixels[round(y):round(y + h), round(x):round(x + w)]
    assert inside.size and float(inside[..., 2].mean()) > 180  # red (BGR) under the box
    with Image.open(out / rel) as delivered:
        assert delivered.getexif().get(0x0112, 1) == 1
        with Image.open(phone.image_path) as original:  # the same JPEG quantisation kept
            assert delivered.quantization == original.quantization
    assert manifest.files[rel] == sha256(out / rel)
    plain_rel = rel.replace("phone", "plain")
    assert manifest.files[plain_rel] == plain.sha256  # an upright image is copied as it is
