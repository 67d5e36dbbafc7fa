"""When two annotators' polylines, keypoint instances or masks are "the same object" under overlap.

Each similarity lies in [0, 1]; two objects of different annotators agree at >= 0.5 (the
grouping threshold of :mod:`.aggregation`, as box and polygon IoU):

* **Polylines** (lane lines ...): the symmetric mean distance ``d`` between the two lines
  (points sampled evenly along each line, their distance to the other line, averaged both
  ways), against a tolerance ``tol = max(5 px, 3% of the longer line's length)``; similarity
  ``max(0, 1 - d / (2 tol))``, so lines agree when ``d <= tol``.
* **Keypoints**: a symmetric object keypoint similarity (COCO's OKS with both instances' scale):
  ``sum_i exp(-d_i^2 / (2 s^2 k^2)) / n`` over the ``n`` keypoints either annotator labelled
  (a point one labelled and the other did not scores 0), ``s^2`` the mean of the two
  instances' :func:`~.metric.keypoint_area`, ``k = 2 sigma`` with the default sigma 0.07
  (every point alike, as the metric's default): a point agrees when it is within about 16%
  of the object's size.
  Another skeleton or point count: 0.
* **Masks**: pixel IoU (:func:`~.metric._mask_iou`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

from datamill.modalities.image.metric import _mask_iou, keypoint_area
from datamill.modalities.image.schema import DEFAULT_KEYPOINT_SIGMA, Keypoints, Mask, Polyline

__all__ = ["KEYPOINT_K", "LINE_MIN_TOLERANCE_PX", "LINE_TOLERANCE_SHARE", "envelope",
           "keypoints_similarity", "mask_similarity", "near_pairs", "object_corner",
           "polyline_similarity"]

LINE_MIN_TOLERANCE_PX: Final = 5.0
LINE_TOLERANCE_SHARE: Final = 0.03
KEYPOINT_K: Final = 2 * DEFAULT_KEYPOINT_SIGMA
_SAMPLES: Final = 32


def _mean_distance(a: Polyline, b: Polyline) -> tuple[float, float]:
    """(symmetric mean distance, longer length) of two polylines."""
    from shapely.geometry import LineString, Point

    la, lb = LineString(a.points), LineString(b.points)

    def one_way(src: LineString, dst: LineString) -> float:
        if src.length == 0:
            return float(dst.distance(Point(src.coords[0])))
        steps = [src.interpolate(i / (_SAMPLES - 1), normalized=True) for i in range(_SAMPLES)]
        return sum(float(dst.distance(p)) for p in steps) / _SAMPLES

    return (one_way(la, lb) + one_way(lb, la)) / 2, max(float(la.length), float(lb.length))


def polyline_similarity(a: Polyline, b: Polyline) -> float:
    """1.0 for one line, 0.5 at the tolerance, 0.0 at twice it (see the module docstring).

    Examples:
        >>> lane = Polyline(label="lane", points=((0, 0), (100, 0)))
        >>> polyline_similarity(lane, Polyline(label="lane", points=((0, 2), (100, 2))))
        0.8
        >>> polyline_similarity(lane, Polyline(label="lane", points=((0, 40), (100, 40))))
        0.0
    """
    distance, length = _mean_distance(a, b)
    tolerance = max(LINE_MIN_TOLERANCE_PX, LINE_TOLERANCE_SHARE * length)
    return max(0.0, 1.0 - distance / (2 * tolerance))


def keypoints_similarity(a: Keypoints, b: Keypoints) -> float:
    """Symmetric OKS of two keypoint instances (see the module docstring).

    Examples:
        >>> from datamill.modalities.image.schema import Keypoint
        >>> def person(dx: float) -> Keypoints:
        ...     return Keypoints(label="p", skeleton="s", points=(
        ...         Keypoint(x=0 + dx, y=0), Keypoint(x=100 + dx, y=100)))
        >>> keypoints_similarity(person(0), person(0))
        1.0
        >>> keypoints_similarity(person(0), person(5)) > 0.5 > keypoints_similarity(person(0),
        ...                                                                          person(30))
        True
    """
    if a.skeleton != b.skeleton or len(a.points) != len(b.points):
        return 0.0
    areas = [v for v in (keypoint_area(a), keypoint_area(b)) if v is not None]
    if not areas:
        return 1.0  # neither labels a point: the same (empty) answer
    scale2 = sum(areas) / len(areas)
    total = 0.0
    counted = 0
    for p, q in zip(a.points, b.points, strict=True):
        if p.visibility == 0 and q.visibility == 0:
            continue
        counted += 1
        if p.visibility > 0 and q.visibility > 0:
            d2 = (p.x - q.x) ** 2 + (p.y - q.y) ** 2
            total += math.exp(-d2 / (2 * scale2 * KEYPOINT_K**2))
    return total / counted if counted else 1.0


def mask_similarity(a: Mask, b: Mask) -> float:
    """Pixel IoU of two masks (0.0 for masks of different sizes)."""
    return _mask_iou(a, b)


def object_corner(obj: Polyline | Keypoints | Mask) -> tuple[float, float]:
    """The top-left corner of an object's extent (labelled keypoints; a mask's foreground)."""
    if isinstance(obj, Mask):
        from datamill.modalities.image._rle import rle_bbox, rle_runs

        x, y, _w, _h = rle_bbox(rle_runs(obj.rle.counts), int(obj.rle.size[0]))
        return float(x), float(y)
    if isinstance(obj, Keypoints):
        points = [p for p in obj.points if p.visibility > 0] or list(obj.points)
        return min(p.x for p in points), min(p.y for p in points)
    return min(p[0] for p in obj.points), min(p[1] for p in obj.points)


def envelope(obj: Any) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` beyond which nothing of ``obj`` can be alike: two objects whose
    envelopes do not meet have similarity < 0.5 (IoU 0; polylines: widened by the largest
    tolerance; keypoints: by a fifth of their scale, more than the ~16% a point may be off)."""
    from datamill.modalities.image.metric import _geometry
    from datamill.modalities.image.schema import Box

    if isinstance(obj, Box):
        return obj.x, obj.y, obj.x + obj.w, obj.y + obj.h
    if isinstance(obj, Mask):
        from datamill.modalities.image._rle import rle_bbox, rle_runs

        x, y, w, h = rle_bbox(rle_runs(obj.rle.counts), int(obj.rle.size[0]))
        return float(x), float(y), float(x + w), float(y + h)
    if isinstance(obj, Keypoints):
        points = [p for p in obj.points if p.visibility > 0] or list(obj.points)
        xs, ys = [p.x for p in points], [p.y for p in points]
        area = keypoint_area(obj)  # None: nothing labelled, alike only another such (any place)
        pad = 0.2 * math.sqrt(area) if area is not None else 1e9
        return min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad
    if isinstance(obj, Polyline):
        xs, ys = [p[0] for p in obj.points], [p[1] for p in obj.points]
        length = sum(math.dist(p, q) for p, q in zip(obj.points, obj.points[1:], strict=False))
        # the longer line of a pair sets the tolerance: at most twice this one's, or its own
        pad = 2 * max(LINE_MIN_TOLERANCE_PX, LINE_TOLERANCE_SHARE * length) + LINE_MIN_TOLERANCE_PX
        return min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad
    x0, y0, x1, y1 = _geometry(obj).bounds
    return float(x0), float(y0), float(x1), float(y1)


def near_pairs(envelopes: Sequence[tuple[float, float, float, float]], *,
               authors: Sequence[int] | None = None, limit: int | None = None,
               cross_only: bool = False) -> set[tuple[int, int]] | None:
    """``(n, m)``, ``n < m``, of every two envelopes that meet (shapely's STRtree): the only
    pairs worth a similarity. 1,000 polygons a side were 2,000,000 shapely IoUs (160 s in one
    annotator's submit); a scene's objects mostly meet a few neighbours. None when more than
    ``limit`` of them join two ``authors``' objects (objects stacked in one place; counted
    before any tuple is built); ``cross_only``: only those pairs."""
    if len(envelopes) < 2:
        return set()
    import numpy as np
    from shapely import STRtree, box

    tree = STRtree([box(*e) for e in envelopes])
    left, right = tree.query([box(*e) for e in envelopes], predicate="intersects")
    keep = left < right
    if authors is not None:
        who = np.asarray(authors)
        cross = keep & (who[left] != who[right])
        if limit is not None and int(cross.sum()) > limit:
            return None
        if cross_only:
            keep = cross
    return {(int(n), int(m)) for n, m in zip(left[keep], right[keep], strict=True)}
