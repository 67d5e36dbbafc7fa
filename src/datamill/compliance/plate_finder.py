"""Find licence plates without a trained model: colour, edges and character-like contours.

OpenCV ships Haar cascades for Russian-style plates only. This finder covers what they miss —
Chinese blue/yellow/green plates with provincial prefixes, EU, US and other Latin plates — with
classical image processing:

1. **candidates** from plate colours (blue, yellow, green in HSV) and from dense vertical
   strokes (black-hat/top-hat morphology and the horizontal gradient, closed into text-line
   blobs), at two scales;
2. each candidate's rotated rectangle must have a plate's shape (aspect 1.6–7, enough area);
3. **verification**: the candidate, straightened, must hold a row of 4–12 character-sized
   connected components (either polarity) whose centres line up and whose heights agree.

It is a first pass for desensitization, as the face cascades are: it misses plates that are
tiny (under ~50 px wide), strongly tilted or heavily blurred, and may take a shop sign for a
plate. The recall on a rendered held-out set is measured by ``bench/mask_recall.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from cv2.typing import RotatedRect

__all__ = ["find_plates", "looks_like_plate"]

_HSV_RANGES = (  # (lower, upper) in OpenCV's HSV (H 0..179)
    ((95, 90, 50), (130, 255, 255)),   # blue
    ((14, 90, 90), (36, 255, 255)),    # yellow
    ((36, 50, 70), (88, 255, 255)),    # green
)


def _boxes_from_mask(mask: np.ndarray, min_area: float) -> list[RotatedRect]:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out: list[RotatedRect] = []
    for c in contours:
        if cv2.contourArea(c) < min_area:
            continue
        rect = cv2.minAreaRect(c)
        (_cx, _cy), (w, h), _a = rect
        long, short = max(w, h), min(w, h)
        if short < 8 or long / max(short, 1) < 1.5 or long / max(short, 1) > 8:
            continue
        out.append(rect)
    return out


def _colour_candidates(bgr: np.ndarray) -> list[RotatedRect]:
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    rects: list[RotatedRect] = []
    for lo, hi in _HSV_RANGES:
        mask = cv2.inRange(hsv, np.array(lo, np.uint8), np.array(hi, np.uint8))
        for k in ((9, 3), (17, 5)):
            m = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, k))
            m = cv2.morphologyEx(m, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
            rects += _boxes_from_mask(m, 250)
    return rects


def _stroke_candidates(gray: np.ndarray) -> list[RotatedRect]:
    rects: list[RotatedRect] = []
    for scale in (1.0, 0.5):
        g = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale,
                                                 interpolation=cv2.INTER_AREA)
        for ksize in ((13, 5), (25, 9)):
            kernel = cv2.getStructuringElement(cv2.MORPH_RECT, ksize)
            for op in (cv2.MORPH_BLACKHAT, cv2.MORPH_TOPHAT):
                hat = cv2.morphologyEx(g, op, kernel)
                gx = np.abs(cv2.Sobel(hat, cv2.CV_32F, 1, 0, ksize=3))
                gx = cv2.normalize(gx, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)  # type: ignore[call-overload]
                gx = cv2.GaussianBlur(gx, (5, 5), 0)
                _, th = cv2.threshold(gx, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
                close = cv2.getStructuringElement(cv2.MORPH_RECT, (ksize[0] + 4, max(3, ksize[1] - 2)))
                th = cv2.morphologyEx(th, cv2.MORPH_CLOSE, close)
                th = cv2.erode(th, None, iterations=1)  # type: ignore[call-overload]
                th = cv2.dilate(th, None, iterations=2)  # type: ignore[call-overload]
                for (cx, cy), (w, h), a in _boxes_from_mask(th, 150):
                    rects.append(((cx / scale, cy / scale), (w / scale, h / scale), a))
    return rects


def _straighten(gray: np.ndarray, rect: RotatedRect, grow: float = 0.12) -> np.ndarray | None:
    (cx, cy), (w, h), angle = rect
    if w < h:
        w, h, angle = h, w, angle + 90
    if angle > 45:
        angle -= 180
    elif angle < -45:
        angle += 180
    w, h = w * (1 + grow), h * (1 + 2 * grow)
    out_h = 48
    out_w = max(16, round(out_h * w / max(h, 1)))
    if out_w > 48 * 9:
        return None
    m = cv2.getRotationMatrix2D((cx, cy), angle, out_h / h)
    m[0, 2] += out_w / 2 - cx
    m[1, 2] += out_h / 2 - cy
    return cv2.warpAffine(gray, m, (out_w, out_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def _character_row(crop: np.ndarray) -> bool:
    """Does the straightened crop hold a row of character-sized blobs?"""
    h, w = crop.shape
    if crop.std() < 18:
        return False
    for polarity in (cv2.THRESH_BINARY_INV, cv2.THRESH_BINARY):
        _, bw = cv2.threshold(crop, 0, 255, polarity | cv2.THRESH_OTSU)
        n, _lab, stats, cents = cv2.connectedComponentsWithStats(bw, connectivity=8)
        chars = []
        for i in range(1, n):
            x, _y, cw, ch, area = stats[i]
            if not (0.3 * h <= ch <= 0.92 * h and 1 <= cw <= 0.25 * w):
                continue
            if ch < cw * 0.8 or area < 0.12 * cw * ch or x == 0 or x + cw >= w:
                continue
            chars.append((cents[i][0], cents[i][1], ch))
        if len(chars) < 4 or len(chars) > 14:
            continue
        ys = np.array([c[1] for c in chars])
        hs = np.array([c[2] for c in chars])
        med_y, med_h = float(np.median(ys)), float(np.median(hs))
        row = [c for c in chars if abs(c[1] - med_y) < 0.18 * h and abs(c[2] - med_h) < 0.3 * med_h]
        if len(row) < 4:  # recall first: a shop sign masked by mistake costs little
            continue
        xs = sorted(c[0] for c in row)
        span = xs[-1] - xs[0]
        if span < 0.35 * w:
            continue
        gaps = np.diff(xs)
        if gaps.max() > 0.45 * w:
            continue
        return True
    return False


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / min(a[2] * a[3], b[2] * b[3]) if inter else 0.0


def _dedupe(boxes: Iterable[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    kept: list[tuple[int, int, int, int]] = []
    for b in sorted(boxes, key=lambda b: b[2] * b[3], reverse=True):
        if all(_overlap(b, k) < 0.6 for k in kept):
            kept.append(b)
    return kept


def find_plates(image: np.ndarray, *, min_width: int = 40) -> list[tuple[int, int, int, int]]:
    """Axis-aligned (x, y, w, h) boxes of the plates found in a BGR (or gray) image."""
    if image.ndim == 2:
        gray, bgr = image, cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    else:
        bgr = image[:, :, :3] if image.shape[2] >= 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    if gray.dtype != np.uint8:
        gray = cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)  # type: ignore[call-overload]
        bgr = cv2.normalize(bgr, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)  # type: ignore[call-overload]
    height, width = gray.shape
    found = []
    for rect in _colour_candidates(bgr) + _stroke_candidates(gray):
        long = max(rect[1])
        if long < min_width or long > 0.9 * width:
            continue
        crop = _straighten(gray, rect)
        if crop is None or not _character_row(crop):
            continue
        # a text-line candidate covers the characters only: grow it to the plate around them
        # (US plates are about twice as high as their character row)
        rw, rh = rect[1]
        grown = (rw * 1.2, rh * 2.2) if rw >= rh else (rw * 2.2, rh * 1.2)
        pts = cv2.boxPoints((rect[0], grown, rect[2]))
        x, y, w, h = cv2.boundingRect(pts.astype(np.float32))
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(width, x + w), min(height, y + h)
        if x1 > x0 and y1 > y0:
            found.append((int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
    return _dedupe(found)


def looks_like_plate(gray: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Does the axis-aligned ``box`` of a gray image hold a row of characters (the check every
    candidate passes; used on the Haar cascades' plate boxes too)?"""
    x, y, w, h = box
    crop = _straighten(gray, ((x + w / 2, y + h / 2), (float(w), float(h)), 0.0), grow=0.0)
    return crop is not None and _character_row(crop)
