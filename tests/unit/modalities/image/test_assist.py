"""Issue 10 §3: the assisted tool box → polygon (OpenCV GrabCut) finds the rendered object
inside a loose box; the web endpoint runs the modality's tool for people holding the item."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.image.assist import GrabCutIn, grabcut_polygon
from datamill.modalities.image.metric import _region_iou
from datamill.modalities.image.schema import Box, Polygon
from datamill.modalities.registry import get_modality
from datamill.testing.images import render_object_scene
from tests._tools import require_module


def _scene(tmp_path: Path, seed: int) -> tuple[Path, list[Box]]:
    scene = render_object_scene(seed, objects=3)
    path = tmp_path / f"scene{seed}.png"
    scene.save(path)
    return path, [o for o in scene.annotation.objects if isinstance(o, Box)]


def _iou_with_shape(truth: Box, points: list[tuple[float, float]]) -> float:
    """IoU of the polygon with the drawn shape: a rectangle (car) or an ellipse (person)."""
    from shapely.affinity import scale
    from shapely.geometry import Point
    from shapely.geometry import Polygon as ShapelyPolygon

    if truth.label == "car":
        return _region_iou(truth, Polygon(label="car", points=tuple(points)))
    ellipse = scale(Point(truth.x + truth.w / 2, truth.y + truth.h / 2).buffer(1, 64),
                    truth.w / 2, truth.h / 2)
    found = ShapelyPolygon(points).buffer(0)
    return float(ellipse.intersection(found).area / ellipse.union(found).area)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grabcut_outlines_the_object_in_a_loose_box(tmp_path: Path, seed: int) -> None:
    require_module("cv2")
    path, boxes = _scene(tmp_path, seed)
    for truth in boxes:
        pad = 8
        loose = GrabCutIn(x=max(0, truth.x - pad), y=max(0, truth.y - pad),
                          w=truth.w + 2 * pad, h=truth.h + 2 * pad)
        points = grabcut_polygon(path, loose)
        assert len(points) >= 3
        assert _iou_with_shape(truth, points) > 0.85, (seed, truth)
        assert grabcut_polygon(path, loose) == points  # deterministic


def test_grabcut_refuses_a_box_outside_the_image(tmp_path: Path) -> None:
    require_module("cv2")
    path, _ = _scene(tmp_path, 0)
    with pytest.raises(InvalidInput, match="outside"):
        grabcut_polygon(path, GrabCutIn(x=5000, y=10, w=40, h=40))
    plugin = get_modality("image")
    with pytest.raises(InvalidInput, match="unknown assisted tool"):
        plugin.assist("scissors", path, {})
    with pytest.raises(InvalidInput, match="grabcut"):
        plugin.assist("grabcut", path, {"x": 1, "y": 1, "w": 1})


def test_grabcut_of_a_large_box_decodes_a_big_jpeg_smaller(tmp_path: Path) -> None:
    """Trial h6: GrabCut decoded every pixel of a 48 MP photo for each click (0.9 s of CPU for
    a 3000 px box, whose crop is shrunk to 512 px anyway); a JPEG is now decoded at libjpeg's
    1/2..1/8 where the box allows (0.37 s), and the outline comes back in full-size, displayed
    coordinates (EXIF orientation applied)."""
    require_module("cv2")
    from PIL import Image, ImageDraw

    from datamill.modalities.image.preannotators import load_display_image_reduced

    stored = Image.new("RGB", (2000, 1500), (120, 130, 110))
    ImageDraw.Draw(stored).ellipse([500, 300, 1500, 1100], fill=(200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise: 1500 x 2000
    path = tmp_path / "photo.jpg"
    stored.save(path, quality=90, exif=exif.tobytes())
    shown_box = Box(label="car", x=1500 - 1100, y=500, w=800, h=1000)  # the ellipse, shown
    small, full = load_display_image_reduced(path, least_scale=0.4)
    assert full == (1500, 2000) and small.size == (750, 1000)  # libjpeg's 1/2
    points = grabcut_polygon(path, GrabCutIn(x=shown_box.x - 60, y=shown_box.y - 60,
                                             w=shown_box.w + 120, h=shown_box.h + 120))
    assert _iou_with_shape(shown_box.model_copy(update={"label": "person"}), points) > 0.9
