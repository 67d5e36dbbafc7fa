"""The fixed 3-image case behind the image golden files (real images made with Pillow)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image

from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import (
    Box,
    CocoRle,
    ImageAnnotation,
    ImageLabelSchema,
    Keypoint,
    Keypoints,
    LabelSpec,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    Skeleton,
    TextLine,
)

SCHEMA = ImageLabelSchema(
    labels=(
        LabelSpec(name="car", kinds=("box", "polygon", "rotated_box")),
        LabelSpec(name="person", kinds=("box", "keypoints"), skeleton="stick"),
        LabelSpec(name="lane", kinds=("polyline",)),
        LabelSpec(name="road", kinds=("mask",)),
        LabelSpec(name="text", kinds=("text_line",)),
    ),
    skeletons=(Skeleton(name="stick", keypoints=("head", "hip", "foot"), edges=((0, 1), (1, 2))),),
    image_classes=("day", "night"),
)


def make_image(path: Path, width: int, height: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def three_items(image_dir: Path) -> list[ImageExportItem]:
    """Street scene (JPEG), portrait (PNG) and receipt (PNG), with every object kind."""
    image_dir.mkdir(parents=True, exist_ok=True)
    street = make_image(image_dir / "street.jpg", 64, 48, 1)
    portrait = make_image(image_dir / "portrait.png", 48, 64, 2)
    receipt = make_image(image_dir / "receipt.png", 80, 40, 3)
    annotations = {
        "street-001": (street, 64, 48, ImageAnnotation(
            objects=(
                Box(label="car", x=2, y=10.5, w=20, h=12.25, attributes={"color": "red"}),
                Box(label="person", x=40, y=5, w=8, h=30, attributes={"difficult": True}),
                Polygon(label="car", points=((30, 30), (50, 30), (50, 40), (30, 42))),
                RotatedBox(label="car", cx=20, cy=38, w=10, h=4, angle_deg=30),
                Polyline(label="lane", points=((0, 47), (63, 20))),
            ),
            classes=("day",),
        )),
        "portrait-002": (portrait, 48, 64, ImageAnnotation(
            objects=(
                Box(label="person", x=10, y=4, w=28, h=56, attributes={"pose": "Frontal"}),
                Keypoints(label="person", skeleton="stick", points=(
                    Keypoint(x=24, y=8), Keypoint(x=24, y=34, visibility=1),
                    Keypoint(x=0, y=0, visibility=0))),
                Mask(label="road", rle=CocoRle(size=(64, 48), counts=(100, 20, 2942, 10))),
            ),
            classes=("night",),
        )),
        "receipt-003": (receipt, 80, 40, ImageAnnotation(
            objects=(
                TextLine(points=((4, 4), (60, 4), (60, 16), (4, 16)), transcription="Total 12,50"),
                TextLine(points=((4, 20), (40, 22), (40, 34), (4, 32)), transcription="Merci ü"),
                TextLine(points=((62, 20), (76, 20), (76, 36), (62, 36)), transcription=""),
            ),
        )),
    }
    return [ImageExportItem(id=item_id, image_path=path, sha256=sha256(path), width=w,
                            height=h, annotation=ann)
            for item_id, (path, w, h, ann) in annotations.items()]
