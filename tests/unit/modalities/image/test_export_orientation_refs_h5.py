"""Exports that reference or embed the stored image agree with their boxes without EXIF (h5).

COCO with ``copy_images=False`` named the stored original and the Parquet export embedded its
bytes as stored; a phone photo stored sideways (EXIF orientation 6 or 8) then had upright
``width``/``height`` and boxes over sideways pixels, so a reader that ignores the tag (PIL,
pyarrow, torchvision's ``read_image``) saw every box on the wrong pixels. Now such an image
gets an upright copy (COCO, VOC, PaddleOCR) or is embedded upright (Parquet).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image
from pycocotools.coco import COCO

from datamill.modalities.image.exporters.coco import CocoExporter
from datamill.modalities.image.exporters.hf import ImageHfExporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import Box, ImageAnnotation
from tests.unit.modalities.image._cases import sha256

# displayed 80 wide, 120 high; a red object at x 10..30, y 70..100
_BOX = Box(label="car", x=10, y=70, w=20, h=30)
# the stored pixels a viewer turns upright: 6 turns them 90 degrees clockwise, 8 anticlockwise
_STORE = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def _photos(folder: Path) -> list[ImageExportItem]:
    folder.mkdir()
    shown = np.full((120, 80, 3), 40, dtype=np.uint8)
    shown[70:100, 10:30] = (220, 20, 20)
    items = []
    for orientation, turn in _STORE.items():
        path = folder / f"phone{orientation}.jpg"
        exif = Image.Exif()
        exif[0x0112] = orientation
        Image.fromarray(shown).transpose(turn).save(path, quality=92, exif=exif.tobytes())
        with Image.open(path) as check:  # a real sideways JPEG: stored 120 wide, 80 high
            assert check.size == (120, 80)
        items.append(ImageExportItem(id=f"phone{orientation}", image_path=path,
                                     sha256=sha256(path), width=80, height=120,
                                     annotation=ImageAnnotation(objects=(_BOX,))))
    plain = folder / "plain.jpg"
    Image.fromarray(np.full((30, 40, 3), 90, dtype=np.uint8)).save(plain, quality=90)
    items.append(ImageExportItem(id="plain", image_path=plain, sha256=sha256(plain), width=40,
                                 height=30, annotation=ImageAnnotation()))
    return items


def _red_inside(image: Image.Image, box: list[float]) -> bool:
    """Whether the box's middle is the red object in ``image`` as its pixels lie (no EXIF)."""
    x, y, w, h = box
    r, g, _ = np.asarray(image.convert("RGB"))[int(y + h / 2), int(x + w / 2)]
    return int(r) > 150 and int(g) < 80  # noqa: PLR2004


@pytest.mark.parametrize("orientation", [6, 8])
def test_coco_without_copies_names_upright_pixels(tmp_path: Path, orientation: int) -> None:
    out = tmp_path / "out"
    manifest = CocoExporter(copy_images=False).export(_photos(tmp_path / "src"), out)
    coco = COCO(str(out / "annotations.json"))
    by_name = {img["datamill_id"]: img for img in coco.loadImgs(coco.getImgIds())}
    image = by_name[f"phone{orientation}"]
    file = Path(image["file_name"])
    path = file if file.is_absolute() else out / file
    with Image.open(path) as pixels:  # as a reader that ignores the tag sees it
        assert pixels.size == (image["width"], image["height"]) == (80, 120)
        [ann] = coco.loadAnns(coco.getAnnIds(imgIds=[image["id"]]))
        assert _red_inside(pixels, ann["bbox"])
        assert pixels.getexif().get(0x0112, 1) == 1
    assert f"images/phone{orientation}.jpg" in manifest.files
    # an upright original is still referenced where it lies, not copied
    assert Path(by_name["plain"]["file_name"]).is_absolute()
    assert "images/plain.jpg" not in manifest.files


def test_parquet_embeds_upright_pixels(tmp_path: Path) -> None:
    items = _photos(tmp_path / "src")
    ImageHfExporter().export(items, tmp_path / "out")
    rows = {row["image_id"]: row for row in pq.read_table(tmp_path / "out" / "data.parquet")
            .to_pylist()}
    for orientation in _STORE:
        row = rows[f"phone{orientation}"]
        with Image.open(io.BytesIO(row["image"]["bytes"])) as pixels:
            assert pixels.size == (row["width"], row["height"]) == (80, 120)
            assert _red_inside(pixels, row["objects"][0]["bbox"])
        assert row["sha256"] == items[0 if orientation == 6 else 1].sha256  # the original's
    # an upright image is embedded byte for byte
    assert rows["plain"]["image"]["bytes"] == items[2].image_path.read_bytes()


def _bomb_png(path: Path, side: int) -> Path:
    """A PNG whose header declares side x side pixels (no pixel data worth the name)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side,
                                                                         8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("exporter", [CocoExporter(copy_images=False),
                                      CocoExporter(copy_images=True), ImageHfExporter()],
                         ids=["coco-refs", "coco-copies", "parquet"])
def test_an_image_pillow_refuses_to_open_is_delivered_as_stored(tmp_path: Path,
                                                                exporter: object) -> None:
    """400 megapixels declared: Pillow's DecompressionBombError escaped every image export
    (a 500 through the API); the file is referenced, copied or embedded as stored instead."""
    bomb = _bomb_png(tmp_path / "bomb.png", 20_000)
    item = ImageExportItem(id="bomb", image_path=bomb, sha256=sha256(bomb), width=20_000,
                           height=20_000, annotation=ImageAnnotation())
    manifest = exporter.export([item], tmp_path / "out")  # type: ignore[attr-defined]
    assert manifest.items == 1
