"""Boxes and outlines drawn on a phone photo as displayed (EXIF orientation 1, 3, 6 or 8; 3 is
the 180-degree turn whose stored size cannot tell it from upright) are delivered in the upright
frame: pycocotools' masks and boxes cover the object in the delivered pixels read without EXIF,
with and without image copies, and our importer reads the same annotation back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools.coco import COCO

from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema
from tests.unit.modalities.image._cases import sha256

# the stored pixels a viewer turns upright (PIL's exif_transpose undoes these)
_STORE = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
          8: Image.Transpose.ROTATE_270}
_DRAWN = ImageAnnotation.model_validate({"objects": [
    {"kind": "box", "label": "car", "x": 10, "y": 70, "w": 20, "h": 30},
    {"kind": "polygon", "label": "car", "points": [[10, 70], [30, 70], [30, 100], [10, 100]]}]})
_SCHEMA = ImageLabelSchema.model_validate({"labels": [{"name": "car",
                                                       "kinds": ["box", "polygon"]}]})


def _photos(folder: Path) -> list[ImageExportItem]:
    shown = np.full((120, 80, 3), 40, dtype=np.uint8)  # 80 wide, 120 high as displayed
    shown[70:100, 10:30] = (220, 20, 20)  # the red car, where it was drawn
    items = []
    for orientation, turn in _STORE.items():
        path = folder / f"o{orientation}.jpg"
        exif = Image.Exif()
        exif[0x0112] = orientation
        picture = Image.fromarray(shown)
        (picture.transpose(turn) if turn is not None else picture).save(
            path, quality=95, exif=exif.tobytes())
        items.append(ImageExportItem(id=f"o{orientation}", image_path=path,
                                     sha256=sha256(path), width=80, height=120,
                                     annotation=_DRAWN))
    return items


@pytest.mark.parametrize("copies", [True, False], ids=["copies", "references"])
def test_every_orientation_delivers_upright_and_round_trips(tmp_path: Path,
                                                            copies: bool) -> None:
    out = tmp_path / "coco"
    CocoExporter(_SCHEMA, copy_images=copies).export(_photos(tmp_path), out)
    coco = COCO(str(out / "annotations.json"))
    for image in coco.loadImgs(coco.getImgIds()):
        file = Path(image["file_name"])
        with Image.open(file if file.is_absolute() else out / file) as delivered:
            assert delivered.getexif().get(0x0112, 1) == 1, image["file_name"]
            pixels = np.asarray(delivered.convert("RGB"))
        assert pixels.shape[:2] == (image["height"], image["width"]) == (120, 80)
        red = (pixels[..., 0] > 150) & (pixels[..., 1] < 80)  # noqa: PLR2004
        records = coco.loadAnns(coco.getAnnIds(imgIds=[image["id"]]))
        assert [r["bbox"] for r in records] == [[10, 70, 20, 30]] * 2, image["file_name"]
        for record in records:
            mask = coco.annToMask(record).astype(bool)
            assert (mask & red).sum() / red.sum() > 0.97, image["file_name"]  # noqa: PLR2004
    back = CocoImporter().iter_items(out / "annotations.json", image_root=out)
    assert [annotation for _, annotation, *_ in back] == [_DRAWN] * 4
