"""Object-by-object differences between two image annotations (review and inspection pages).

``compare_annotations(before, after)`` pairs the objects of two versions of one image's
annotation and says, per pair, what changed. Identical objects pair first; the rest pair by the
IoU of their bounding rectangles (any kind that has points; masks by their pixels, a mask and
a box, rotated box or polygon by the pixels of the shape rasterised), the
largest IoU first, at or above ``min_iou``. The outcome of each object is one of:

* ``same``: identical object (kind, label, geometry, attributes, transcription);
* ``changed``: paired with an object of the other version that differs; ``changes`` lists what:
  ``label``, ``geometry`` (with the IoU), ``transcription``, ``attributes``, ``kind``;
* ``removed``: in ``before`` only; ``added``: in ``after`` only.

Image-level classes are compared as sets. The result is plain JSON for a page to draw.

Examples:
    >>> from datamill.modalities.image.schema import Box
    >>> a = ImageAnnotation(objects=[Box(label="car", x=0, y=0, w=10, h=10)])
    >>> b = ImageAnnotation(objects=[Box(label="car", x=1, y=0, w=10, h=10),
    ...                              Box(label="person", x=50, y=50, w=5, h=5)])
    >>> d = compare_annotations(a, b)
    >>> [(p["status"], p["before"], p["after"]) for p in d["pairs"]]
    [('changed', 0, 0), ('added', None, 1)]
    >>> d["pairs"][0]["changes"], d["differences"]
    (['geometry'], 2)
"""

from __future__ import annotations

import json
from typing import Any

from datamill.modalities.image.schema import (
    Box,
    ImageAnnotation,
    Keypoints,
    Mask,
    Polygon,
    RotatedBox,
    rotated_box_corners,
)

__all__ = ["compare_annotations"]


def _canonical(value: Any) -> Any:
    """``value`` with every whole float as an int: a browser's JSON writes ``1.0`` as ``1``,
    and an object that only went through a page is the same object."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _key(obj: Any) -> str:
    return json.dumps(_canonical(obj.model_dump(mode="json")), sort_keys=True)


def _rect(obj: Any) -> tuple[float, float, float, float] | None:
    """The object's bounding rectangle (x0, y0, x1, y1), or None for a mask."""
    if isinstance(obj, Box):
        return (obj.x, obj.y, obj.x + obj.w, obj.y + obj.h)
    if isinstance(obj, RotatedBox):
        pts = rotated_box_corners(obj)
    elif isinstance(obj, Keypoints):
        pts = [(p.x, p.y) for p in obj.points if p.visibility > 0] or [(0.0, 0.0)]
    elif isinstance(obj, Mask):
        return None
    else:
        pts = list(obj.points)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _iou(a: Any, b: Any) -> float:
    ra, rb = _rect(a), _rect(b)
    if ra is None or rb is None:  # masks: their pixels' IoU (one mask and a region shape: the
        if isinstance(a, Mask) != isinstance(b, Mask):  # shape rasterised, by its pixels)
            mask, shape = (a, b) if isinstance(a, Mask) else (b, a)
            if isinstance(shape, Box | RotatedBox | Polygon):
                from datamill.modalities.image.metric import shape_mask_iou

                return shape_mask_iou(mask, shape)
            return 0.0
        if tuple(a.rle.size) != tuple(b.rle.size):
            return 0.0
        from datamill.modalities.image._rle import rle_iou, rle_runs

        return rle_iou(rle_runs(a.rle.counts), rle_runs(b.rle.counts))
    # degenerate rectangles (a horizontal polyline) count at least 1 pixel each way
    ra = (ra[0], ra[1], max(ra[2], ra[0] + 1), max(ra[3], ra[1] + 1))
    rb = (rb[0], rb[1], max(rb[2], rb[0] + 1), max(rb[3], rb[1] + 1))
    iw = min(ra[2], rb[2]) - max(ra[0], rb[0])
    ih = min(ra[3], rb[3]) - max(ra[1], rb[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    area_a = (ra[2] - ra[0]) * (ra[3] - ra[1])
    area_b = (rb[2] - rb[0]) * (rb[3] - rb[1])
    return inter / (area_a + area_b - inter)


def _changes(a: Any, b: Any, iou: float) -> list[str]:
    out = []
    if a.kind != b.kind:
        out.append("kind")
    if a.label != b.label:
        out.append("label")
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    geometry = {k for k in set(da) | set(db)
                if k not in ("kind", "label", "attributes", "transcription")}
    if any(da.get(k) != db.get(k) for k in geometry):
        out.append("geometry")
    if getattr(a, "transcription", None) != getattr(b, "transcription", None):
        out.append("transcription")
    if a.attributes != b.attributes:
        out.append("attributes")
    return out or (["geometry"] if iou < 1 else [])


def compare_annotations(
    before: ImageAnnotation, after: ImageAnnotation, *, min_iou: float = 0.1
) -> dict[str, Any]:
    """Pair the objects of ``before`` and ``after`` and describe the differences.

    Returns:
        ``{"pairs": [{"before": index | None, "after": index | None, "status", "changes",
        "iou"}], "classes": {"removed": [...], "added": [...]}, "differences": n}`` where
        indices point into each version's ``objects`` and ``differences`` counts the pairs that
        are not ``same`` plus the changed image classes.
    """
    left, right = list(before.objects), list(after.objects)
    free_l, free_r = set(range(len(left))), set(range(len(right)))
    pairs: list[dict[str, Any]] = []
    by_key: dict[str, list[int]] = {}
    for j in range(len(right)):
        by_key.setdefault(_key(right[j]), []).append(j)
    for i in range(len(left)):
        hits = by_key.get(_key(left[i]))
        if hits:
            j = hits.pop(0)
            free_l.discard(i)
            free_r.discard(j)
            pairs.append({"before": i, "after": j, "status": "same", "changes": [], "iou": 1.0})
    candidates = sorted(
        ((_iou(left[i], right[j]), i, j) for i in free_l for j in free_r),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    for iou, i, j in candidates:
        if iou < min_iou or i not in free_l or j not in free_r:
            continue
        free_l.discard(i)
        free_r.discard(j)
        changes = _changes(left[i], right[j], iou)
        pairs.append({"before": i, "after": j, "status": "changed" if changes else "same",
                      "changes": changes, "iou": round(iou, 4)})
    pairs += [{"before": i, "after": None, "status": "removed", "changes": [], "iou": None}
              for i in sorted(free_l)]
    pairs += [{"before": None, "after": j, "status": "added", "changes": [], "iou": None}
              for j in sorted(free_r)]
    pairs.sort(key=lambda p: (p["after"] if p["after"] is not None else 10**9,
                              p["before"] if p["before"] is not None else 10**9))
    classes = {"removed": sorted(set(before.classes) - set(after.classes)),
               "added": sorted(set(after.classes) - set(before.classes))}
    differences = sum(p["status"] != "same" for p in pairs)
    return {"pairs": pairs, "classes": classes,
            "differences": differences + len(classes["removed"]) + len(classes["added"])}
