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
