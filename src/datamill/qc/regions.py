"""Merging region-like answers (text spans, boxes) of several annotators of one item.

A region is kept when more than half of the annotators drew a matching one: same label and
overlap IoU >= ``min_iou`` (0.5 by default; character IoU for spans, area IoU for boxes). The
kept region's geometry is the median of its cluster's coordinates (spans: median start and
end; boxes: median x, y, w, h); its other fields come from the cluster member nearest to that
median. Modality plugins call these from ``merge_aggregate``.

Examples:
    >>> a = [{"label": "PER", "start": 0, "end": 5}]
    >>> b = [{"label": "PER", "start": 0, "end": 4}]
    >>> c = [{"label": "ORG", "start": 10, "end": 12}]
    >>> merge_spans([a, b, c])
    [{'label': 'PER', 'start': 0, 'end': 4}]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from statistics import median
from typing import Any

__all__ = ["box_iou", "merge_boxes", "merge_regions", "merge_spans", "span_iou"]

Region = Mapping[str, Any]


def span_iou(a: Region, b: Region) -> float:
    """Character-overlap IoU of two half-open spans ``[start, end)``.

    Examples:
        >>> span_iou({"start": 0, "end": 4}, {"start": 2, "end": 6})
        0.3333333333333333
    """
    inter = max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))
    union = (a["end"] - a["start"]) + (b["end"] - b["start"]) - inter
    return inter / union if union > 0 else 0.0


def box_iou(a: Region, b: Region) -> float:
    """Area IoU of two axis-aligned boxes given as ``x, y, w, h``.

    Examples:
        >>> box_iou({"x": 0, "y": 0, "w": 2, "h": 2}, {"x": 1, "y": 0, "w": 2, "h": 2})
        0.3333333333333333
    """
    ix = max(0.0, min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]))
    iy = max(0.0, min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]))
    inter = ix * iy
    union = a["w"] * a["h"] + b["w"] * b["h"] - inter
    return inter / union if union > 0 else 0.0


def merge_regions(
    per_annotator: Sequence[Sequence[Region]],
    *,
    iou: Callable[[Region, Region], float],
    coords: Sequence[str],
    key: Callable[[Region], Any] = lambda r: r.get("label"),
    min_iou: float = 0.5,
    integer: bool = False,
) -> list[dict[str, Any]]:
    """Regions that more than half of the annotators agree on (see the module docstring).

    Clustering is greedy and deterministic: annotators in the order given, regions in their
    order; each region joins the first cluster with the same ``key`` whose first region it
    overlaps by ``min_iou`` and which has no region of that annotator yet.
    """
    clusters: list[list[tuple[int, Region]]] = []
    for who, regions in enumerate(per_annotator):
        for region in regions:
            for cluster in clusters:
                first = cluster[0][1]
                if (key(first) == key(region) and all(w != who for w, _ in cluster)
                        and iou(first, region) >= min_iou):
                    cluster.append((who, region))
                    break
            else:
                clusters.append([(who, region)])
    need = len(per_annotator) / 2
    kept: list[dict[str, Any]] = []
    for cluster in clusters:
        if len(cluster) <= need:
            continue
        members = [r for _, r in cluster]
        middle = {c: median(float(m[c]) for m in members) for c in coords}
        if integer:
            middle = {c: round(v) for c, v in middle.items()}
        nearest = min(members, key=lambda m: sum(abs(float(m[c]) - middle[c]) for c in coords))
        kept.append({**nearest, **middle})
    return kept


def merge_spans(per_annotator: Sequence[Sequence[Region]], *, min_iou: float = 0.5
                ) -> list[dict[str, Any]]:
    """Character spans (``label``, ``start``, ``end``) kept by majority, sorted by position."""
    merged = merge_regions(per_annotator, iou=span_iou, coords=("start", "end"),
                           min_iou=min_iou, integer=True)
    return sorted(merged, key=lambda r: (r["start"], r["end"], str(r.get("label"))))


def merge_boxes(per_annotator: Sequence[Sequence[Region]], *, min_iou: float = 0.5
                ) -> list[dict[str, Any]]:
    """Axis-aligned boxes (``label``, ``x``, ``y``, ``w``, ``h``) kept by majority."""
    return merge_regions(per_annotator, iou=box_iou, coords=("x", "y", "w", "h"),
                         min_iou=min_iou)
