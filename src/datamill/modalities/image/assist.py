"""Assisted annotation tools that run on the server: box → polygon with OpenCV's GrabCut.

``grabcut_polygon(path, box)`` segments the object inside an axis-aligned box (image pixels of
the image as displayed, EXIF orientation applied) with ``cv2.grabCut`` initialised from the
rectangle, keeps the largest foreground region and returns its outline along the pixels' outer edges
(not through the boundary pixels' centres, half a pixel inside), simplified by Douglas-Peucker
(tolerance 0.5 % of the perimeter, at least 1 pixel).
The work is done on a crop around the box (a 10 % margin), scaled down so that its longer
side is at most ``max_side`` pixels; the polygon comes back in full-image coordinates. Only
that crop is decoded and turned upright where the format allows (``_region``: a JPEG down to
the box's last row; a small box on an 8000 x 6000 photo took 2.7 s a click, decoding all).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from datamill.core.errors import InvalidInput
from datamill.modalities.image.preannotators import require_python_packages

__all__ = ["MIN_SIDE", "GrabCutIn", "grabcut_polygon"]

MIN_SIDE = 4  # pixels each way: GrabCut needs a few pixels inside and around the box


class GrabCutIn(BaseModel):
    """The box to segment (image pixels) and GrabCut's number of iterations."""

    model_config = ConfigDict(extra="forbid")

    x: float = Field(ge=0)
    y: float = Field(ge=0)
    w: float = Field(gt=0, le=100_000)  # at least MIN_SIDE: refused in its own words
    h: float = Field(gt=0, le=100_000)
    iterations: int = Field(5, ge=1, le=10)


def grabcut_polygon(
    path: Path, box: GrabCutIn, *, max_side: int = 512, max_pixels: int = 100_000_000
) -> list[tuple[float, float]]:
    """The outline of the object inside ``box`` (at least 3 points, inside the image).

    Raises:
        InvalidInput: The box lies outside the image, or GrabCut found no object in it.
    """
    if box.w < MIN_SIDE or box.h < MIN_SIDE:
        w, h = f"{box.w:g}", f"{box.h:g}"
        raise InvalidInput(f"the box is {w}x{h} pixels: GrabCut needs at least "
                           f"{MIN_SIDE}x{MIN_SIDE}", field="box",
                           reason_code="img_grabcut_small", w=w, h=h, least=MIN_SIDE)
    require_python_packages("grabcut", {"cv2": "opencv-python-headless", "numpy": "numpy",
                                        "shapely": "shapely"},
                            "pip install 'datamill[vision]'")
    import cv2
    import numpy as np

    from datamill.modalities.image._region import load_display_region

    # the crop is shrunk to max_side anyway: a JPEG may be decoded that much smaller; only the
    # box and a 10 % margin are decoded where the format allows (a JPEG down to its last row)
    least = min(1.0, max_side / (1.2 * max(box.w, box.h) + 4))
    mx, my = 0.1 * box.w + 2, 0.1 * box.h + 2
    region = load_display_region(path, (box.x - mx, box.y - my, box.x + box.w + mx + 1,
                                        box.y + box.h + my + 1), max_pixels, least)
    width, height = region.size
    x0, y0 = max(0.0, box.x), max(0.0, box.y)
    x1, y1 = min(float(width), box.x + box.w), min(float(height), box.y + box.h)
    if x1 - x0 < 4 or y1 - y0 < 4:  # noqa: PLR2004 - GrabCut needs a few pixels each way
        raise InvalidInput(f"the box lies outside the {width}x{height} image", field="box",
                           reason_code="img_grabcut_outside", width=width, height=height)
    ox, oy, ox1, oy1 = region.box
    crop = region.image
    fx, fy = crop.width / max(1e-9, ox1 - ox), crop.height / max(1e-9, oy1 - oy)
    scale = min(1.0, max_side / max(crop.width, crop.height))
    if scale < 1:
        crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))))
    sx, sy = fx * scale, fy * scale  # crop pixels per full-image pixel
    bgr = np.ascontiguousarray(np.asarray(crop)[:, :, ::-1])
    rect = (max(0, int((x0 - ox) * sx)), max(0, int((y0 - oy) * sy)),
            max(2, int((x1 - x0) * sx)), max(2, int((y1 - y0) * sy)))
    rect = (rect[0], rect[1], min(rect[2], bgr.shape[1] - rect[0] - 1),
            min(rect[3], bgr.shape[0] - rect[1] - 1))
    mask = np.zeros(bgr.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut's GMM initialisation: the same box gives the same polygon
    cv2.grabCut(bgr, mask, rect, bgd, fgd, box.iterations, cv2.GC_INIT_WITH_RECT)
    fg = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
    contours, _ = cv2.findContours(fg, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        raise InvalidInput("GrabCut found no object in the box", field="box",
                           reason_code="img_grabcut_nothing")
    largest: Any = max(contours, key=cv2.contourArea)
    eps = max(1.0, 0.005 * cv2.arcLength(largest, True))
    approx = _pixel_edges(largest.reshape(-1, 2), eps)
    if len(approx) < 3:  # noqa: PLR2004 - a polygon
        raise InvalidInput("GrabCut found no object in the box", field="box",
                           reason_code="img_grabcut_nothing")
    return [(round(min(width, max(0.0, ox + px / sx)), 2),
             round(min(height, max(0.0, oy + py / sy)), 2)) for px, py in approx]


def _pixel_edges(contour: Any, eps: float) -> list[tuple[float, float]]:
    """The outline of the pixels whose boundary ``contour`` (OpenCV: pixel indices) walks,
    along their outer edges (continuous coordinates, pixel ``i`` spanning ``[i, i + 1)``),
    simplified by Douglas-Peucker within ``eps``; empty when it encloses less than a pixel.

    OpenCV's contour runs through the centres of the boundary pixels: taken as the outline
    it lies half a pixel inside all round, a 12 px square came back 11 px (IoU 0.84)."""
    from shapely.geometry import LineString, Point
    from shapely.geometry import Polygon as ShapelyPolygon

    centres = [(float(x) + 0.5, float(y) + 0.5) for x, y in contour]
    shape: Any = ShapelyPolygon(centres) if len(centres) >= 3 else None  # noqa: PLR2004
    if shape is None or not shape.is_valid or shape.area <= 0:
        shape = LineString(centres) if len(centres) > 1 else Point(centres[0])
    outline: Any = shape.buffer(0.5, cap_style="square", join_style="mitre")
    if outline.geom_type == "MultiPolygon":
        outline = max(outline.geoms, key=lambda g: g.area)
    simple = outline.simplify(eps, preserve_topology=True)
    if simple.is_empty or simple.area < 1:
        return []
    return [(float(x), float(y)) for x, y in list(simple.exterior.coords)[:-1]]
