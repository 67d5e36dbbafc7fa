"""Masked copies of images as a delivery needs them (h9): a phone photo stored sideways with
an EXIF orientation tag is masked and written upright (its annotations and the regions to mask
are those of the image as displayed), and every image a project can import is masked (GIF)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from datamill.compliance.desensitize import IMAGE_SUFFIXES as MASKED_SUFFIXES
from datamill.compliance.image_masking import mask_image_file
from datamill.modalities.image.importers._common import IMAGE_SUFFIXES as IMPORTED_SUFFIXES
from datamill.modalities.image.plugin import ImagePlugin


def test_a_photo_stored_sideways_is_masked_and_written_upright(tmp_path: Path) -> None:
    shown = np.full((120, 80, 3), 40, dtype=np.uint8)  # displayed 80 wide, 120 high
    shown[70:100, 10:30] = (220, 20, 20)  # the object to mask, as displayed
    exif = Image.Exif()
    exif[0x0112] = 6  # a viewer turns the stored pixels 90 degrees clockwise
    Image.fromarray(shown).transpose(Image.Transpose.ROTATE_90).save(
        tmp_path / "phone.jpg", quality=95, exif=exif.tobytes())

    mask_image_file(tmp_path / "phone.jpg", tmp_path / "masked.jpg", regions=[(10, 70, 20, 30)],
                    detect=False, method="box")
    masked = cv2.imread(str(tmp_path / "masked.jpg"),
                        cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert masked.shape[:2] == (120, 80)  # was 80 x 120: sideways, and no tag to turn it
    assert float(masked[70:100, 10:30, 2].mean()) < 60  # the object is covered ...
    assert abs(float(masked[10:60, 40:75].mean()) - 40) < 8  # ... and nothing else


def test_every_image_a_project_imports_is_masked() -> None:
    imported = set(ImagePlugin.media_suffixes) | IMPORTED_SUFFIXES
    assert imported <= MASKED_SUFFIXES, sorted(imported - MASKED_SUFFIXES)
