"""A float (32-bit) TIFF passes the checks and is delivered as it is (the customer's data),
but OpenCV's ``imread`` as Ultralytics and supervision call it opens nothing: the datasheet
and the deliveries page say how many such images the delivery holds (h9)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from datamill.modalities.base import ItemRecord
from datamill.modalities.image.checks import probe_image
from datamill.modalities.registry import get_modality
from datamill.web.delivery_sheet import sheet_view
from datamill.web.i18n import translator


def _record(path: Path) -> ItemRecord:
    attributes = probe_image(path, max_pixels=10_000_000).model_dump()
    return ItemRecord(external_id=path.stem, sha256="0" * 64, filename=path.name, path=path,
                      attributes=attributes, language="en-US")


def test_images_of_32_bit_samples_are_counted_in_the_datasheet(tmp_path: Path) -> None:
    ramp = np.linspace(0, 1, 64 * 48, dtype=np.float32).reshape(48, 64)
    Image.fromarray(ramp).save(tmp_path / "thermal.tif")
    Image.fromarray((ramp * 255).astype(np.uint8)).save(tmp_path / "photo.png")
    assert cv2.imread(str(tmp_path / "thermal.tif")) is None  # what a training loader gets
    assert cv2.imread(str(tmp_path / "photo.png")) is not None

    stats = get_modality("image").statistics()
    for name in ("thermal.tif", "photo.png"):
        stats.add(_record(tmp_path / name), {})
    sheet = stats.result()
    assert sheet["images_32_bit_samples"] == 1
    figures = dict(sheet_view({**sheet, "language": "en-US"}).figures)
    assert figures["dlv.ds.images_32_bit_samples"] == "1"
    assert "imread" in translator("en")("dlv.ds.images_32_bit_samples")
    assert translator("zh-CN")("dlv.ds.images_32_bit_samples").startswith("32 位采样的图像数")

    plain = get_modality("image").statistics()
    plain.add(_record(tmp_path / "photo.png"), {})
    assert "images_32_bit_samples" not in plain.result()
