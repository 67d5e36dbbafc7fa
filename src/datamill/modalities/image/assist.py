"""Assisted annotation tools that run on the server: box → polygon with OpenCV's GrabCut.

``grabcut_polygon(path, box)`` segments the object inside an axis-aligned box (image pixels of
the image as displayed, EXIF orientation applied) with ``cv2.grabCut`` initialised from the
rectangle, keeps the largest foreground region and returns its outline simplified by
Douglas-Peucker (``cv2.approxPolyDP``, tolerance 0.5 % of the perimeter, at least 1 pixel).
The work is done on a crop around the box (a 10 % margin), scaled down so that its longer
side is at most ``max_side`` pixels; the polygon comes back in full-image coordinates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from datamill.core.errors import InvalidInput
from datamill.modalities.image.preannotators import (
    load_display_image_reduced,
    require_python_packages,
)

__all__ = ["GrabCutIn", "grabcut_polygon"]


class GrabCutIn(BaseModel):
    """The box to segment (image pixels) and GrabCut's number of iterations."""

    model_config = ConfigDict(extra="forbid")

    x: float = Field(ge=0)
    y: float = Field(ge=0)
    w: float = Field(ge=4, le=100_000)
    h: float = Field(ge=4, le=100_000)
    iterations: int = Field(5, ge=1, le=10)


def grabcut_polygon(
    path: Path, box: GrabCutIn, *, max_side: int = 512, max_pixels: int = 100_000_000
) -> list[tuple[float, float]]:
    """The outline of the object inside ``box`` (at least 3 points, inside the image).

    Raises:
        InvalidInput: The box lies outside the image, or GrabCut found no object in it.
    """
    require_python_packages("grabcut", {"cv2": "opencv-python-headless", "numpy": "numpy"},
                            "pip install 'datamill[vision]'")
    import cv2
    import numpy as np

    # the crop is shrunk to max_side anyway: a JPEG may be decoded that much smaller
    least = min(1.0, max_side / (1.2 * max(box.w, box.h) + 4))
    image, (width, height) = load_display_image_reduced(path, max_pixels, least)
    x0, y0 = max(0.0, box.x), max(0.0, box.y)
    x1, y1 = min(float(width), box.x + box.w), min(float(height), box.y + box.h)
    if x1 - x0 < 4 or y1 - y0 < 4:  # noqa: PLR2004 - GrabCut needs a few pixels each way
        raise InvalidInput(f"the box lies outside the {width}x{height} image", field="box",
                           reason_code="img_grabcut_outside", width=width, height=height)
    fx, fy = image.width / width, image.height / height  # the decoded image's share
    x0, x1, y0, y1 = x0 * fx, x1 * fx, y0 * fy, y1 * fy
    mx, my = 0.1 * (x1 - x0) + 2, 0.1 * (y1 - y0) + 2
    cx0, cy0 = int(max(0, x0 - mx)), int(max(0, y0 - my))
    cx1, cy1 = int(min(image.width, x1 + mx + 1)), int(min(image.height, y1 + my + 1))
    scale = min(1.0, max_side / max(cx1 - cx0, cy1 - cy0))
    crop = image.crop((cx0, cy0, cx1, cy1))
    if scale < 1:
        crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))))
    bgr = np.ascontiguousarray(np.asarray(crop)[:, :, ::-1])
    rect = (max(0, int((x0 - cx0) * scale)), max(0, int((y0 - cy0) * scale)),
            max(2, int((x1 - x0) * scale)), max(2, int((y1 - y0) * scale)))
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
    approx = cv2.approxPolyDP(largest, eps, True).reshape(-1, 2)
    if len(approx) < 3 or cv2.contourArea(approx) < 1:  # noqa: PLR2004 - a polygon
        raise InvalidInput("GrabCut found no object in the box", field="box",
                           reason_code="img_grabcut_nothing")
    return [(round(min(width, max(0.0, (cx0 + float(px) / scale) / fx)), 2),
             round(min(height, max(0.0, (cy0 + float(py) / scale) / fy)), 2)) for px, py in approx]
