"""h1 trial (L3): a delivery of a box-and-polygon project (no text lines) wrote every image
format by default: ``paddleocr_det/Label.txt`` with ``[]`` for each image beside another copy
of every image, and an empty ``paddleocr_rec/rec_gt.txt``. The image plugin now names the
formats that hold a kind of object its label schema allows (``default_exporter_names``, the
hook the delivery already asks); named formats are still written whatever they hold."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.modalities.registry import get_modality
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS


def _requirements(labels: list[dict[str, Any]], classes: tuple[str, ...] = ()) -> dict[str, Any]:
    return {**IMAGE_REQUIREMENTS, "labels": {"labels": labels, "image_classes": list(classes)}}


@pytest.mark.parametrize(("labels", "classes", "formats"), [
    ([{"name": "car", "kinds": ["box", "polygon"]}], (), ["coco", "yolo", "voc", "image_hf"]),
    ([{"name": "car", "kinds": ["polygon"]}], (), ["coco", "yolo", "image_hf"]),
    ([{"name": "text", "kinds": ["text_line"]}], (),
     ["coco", "paddleocr_det", "paddleocr_rec", "image_hf"]),
    ([{"name": "car", "kinds": ["box"]}, {"name": "text", "kinds": ["text_line"]}], (),
     ["coco", "yolo", "voc", "paddleocr_det", "paddleocr_rec", "image_hf"]),
    ([{"name": "lane", "kinds": ["polyline"]}], (), ["image_hf"]),
    ([], ("day", "night"), ["coco", "image_hf"]),
], ids=["box-polygon", "polygon", "ocr", "box-and-ocr", "polyline", "classes-only"])
def test_a_delivery_writes_by_default_the_formats_that_hold_the_schemas_objects(
    labels: list[dict[str, Any]], classes: tuple[str, ...], formats: list[str]
) -> None:
    plugin: Any = get_modality("image")
    assert plugin.default_exporter_names(_requirements(labels, classes)) == formats
    assert set(formats) <= set(plugin.exporter_names())
