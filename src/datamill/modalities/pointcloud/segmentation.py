"""Point segmentation: one class per point of a frame, as SemanticKITTI labels them.

A frame's point labels are a run-length list over the points in the file's order (every point,
invalid ones too, so label ``i`` is the ``i``-th row of the KITTI ``.bin`` and of its ``.label``
file): ``[[class_id, count], ...]``. ``class_id`` is a spec point class's number (SemanticKITTI's
ids: 40 road, 48 sidewalk, 10 car ...) or 0, unlabelled. A 120,000-point sweep labelled by
region is a few hundred runs, not 120,000 numbers.

:func:`labels_from_cuboids` makes a frame's labels from what an annotator already drew: points
inside a cuboid take the point class named like the cuboid's label, points on the ground plane
(RANSAC, as the cluster pre-annotator finds it) the spec's ground class, the rest stay 0. The
workbench's "label points from boxes" and the ``pointcloud-segment`` pre-annotator both use it.

:func:`score_points` compares two labellings of the same frames: ``point_accuracy`` (points
given the same class, over all points) and ``point_miou`` (the mean over classes of
intersection over union, SemanticKITTI's benchmark measure; unlabelled points are left out of
the IoU as that benchmark does).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from datamill.modalities.pointcloud.schema import Cuboid, PointCloudLabelSchema

__all__ = [
    "POINT_METRICS",
    "PointScore",
    "changed_points",
    "decode_runs",
    "encode_runs",
    "labels_from_cuboids",
    "point_moves",
    "score_points",
]

#: the metrics :func:`score_points` gives (a spec may judge deliveries by them)
POINT_METRICS = ("point_accuracy", "point_miou")


def encode_runs(labels: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Per-point class ids as ``((class_id, count), ...)``.

    Examples:
        >>> encode_runs(np.array([0, 0, 40, 40, 40, 10]))
        ((0, 2), (40, 3), (10, 1))
        >>> encode_runs(np.array([], dtype=np.int64))
        ()
    """
    values = np.asarray(labels).ravel()
    if values.size == 0:
        return ()
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    counts = np.diff(np.r_[starts, values.size])
    return tuple((int(values[s]), int(n)) for s, n in zip(starts, counts, strict=True))


def decode_runs(runs: Iterable[Sequence[int]]) -> np.ndarray:
    """The per-point class ids of ``runs`` (uint32, as a SemanticKITTI ``.label`` holds them).

    Examples:
        >>> decode_runs([(0, 2), (40, 3)]).tolist()
        [0, 0, 40, 40, 40]
    """
    pairs = np.asarray(list(runs), dtype=np.int64).reshape(-1, 2)
    return np.repeat(pairs[:, 0], pairs[:, 1]).astype(np.uint32)


def _inside(xyz: np.ndarray, c: Cuboid, margin: float = 0.0) -> np.ndarray:
    """Which of ``xyz`` lie inside the cuboid ``c`` grown by ``margin`` on every side (NaN
    rows never do)."""
    cos, sin = math.cos(c.yaw), math.sin(c.yaw)
    dx, dy, dz = xyz[:, 0] - c.x, xyz[:, 1] - c.y, xyz[:, 2] - c.z
    with np.errstate(invalid="ignore"):
        along, across = dx * cos + dy * sin, -dx * sin + dy * cos
        return ((np.abs(along) <= c.length / 2 + margin)
                & (np.abs(across) <= c.width / 2 + margin)
                & (np.abs(dz) <= c.height / 2 + margin))


def labels_from_cuboids(
    points: np.ndarray, cuboids: Sequence[Cuboid], schema: PointCloudLabelSchema, *,
    ground_tolerance_m: float = 0.15, margin_m: float = 0.05, seed: int = 0,
) -> np.ndarray:
    """Per-point class ids (uint32) for ``points`` (N x 3+, the file's order): the ground
    plane's points get the spec's ground class (when it has one), then each cuboid's points
    the point class named like its label (a later cuboid wins where two overlap); a label no
    point class is named after, and every other point, stay 0. A tight box has the object's
    points on its faces, half of them a hair outside: ``margin_m`` takes those in."""
    from datamill.modalities.pointcloud.preannotators import ground_plane

    xyz = np.asarray(points[:, :3], dtype=np.float64)
    out = np.zeros(len(xyz), dtype=np.uint32)
    ground = schema.ground_class()
    if ground is not None:
        plane = ground_plane(xyz, ground_tolerance_m, seed)
        if plane is not None:
            a, b, c = plane
            with np.errstate(invalid="ignore"):
                height = xyz[:, 2] - (a * xyz[:, 0] + b * xyz[:, 1] + c)
                out[np.abs(height) <= ground_tolerance_m] = ground.id
    ids = {pc.name: pc.id for pc in schema.point_classes}
    for cuboid in cuboids:
        class_id = ids.get(cuboid.label)
        if class_id is not None:
            out[_inside(xyz, cuboid, margin_m)] = class_id
    return out


def changed_points(before: Sequence[Sequence[int]], after: Sequence[Sequence[int]]) -> int:
    """How many points carry another class in ``after`` than in ``before`` (a frame's runs;
    points only one side covers count as changed)."""
    a, b = decode_runs(before), decode_runs(after)
    n = min(len(a), len(b))
    return int((a[:n] != b[:n]).sum()) + abs(len(a) - len(b))


def point_moves(
    before: Sequence[Sequence[int]], after: Sequence[Sequence[int]]
) -> list[dict[str, int]]:
    """The points whose class changed, per ``(from, to)`` class id pair (a frame's runs), most
    points first: what a reviewer or inspector reads of a relabelling that left every cuboid
    as it was. A point only one side covers counts as class 0 on the other.

    Examples:
        >>> point_moves([(10, 3), (40, 2)], [(40, 4), (48, 1)])
        [{'from': 10, 'to': 40, 'points': 3}, {'from': 40, 'to': 48, 'points': 1}]
    """
    a, b = decode_runs(before).astype(np.int64), decode_runs(after).astype(np.int64)
    n = max(len(a), len(b))
    a, b = np.pad(a, (0, n - len(a))), np.pad(b, (0, n - len(b)))
    changed = a != b
    if not changed.any():
        return []
    # one int64 key a pair (class ids are below 2**32): a 1-D unique, ~30x faster than a row-wise one
    keys, counts = np.unique((a[changed] << 32) | b[changed], return_counts=True)
    moves = [{"from": int(k >> 32), "to": int(k & 0xFFFFFFFF), "points": int(c)}
             for k, c in zip(keys, counts, strict=True)]
    return sorted(moves, key=lambda m: (-m["points"], m["from"], m["to"]))


@dataclass(frozen=True)
class PointScore:
    """Two labellings of the same frames compared point by point."""

    point_accuracy: float
    point_miou: float
    points: int
    per_class_iou: Mapping[int, float]

    def as_dict(self) -> dict[str, float]:
        return {"point_accuracy": self.point_accuracy, "point_miou": self.point_miou}


def score_points(
    reference: Sequence[Sequence[Sequence[int]]], hypothesis: Sequence[Sequence[Sequence[int]]],
) -> PointScore | None:
    """``point_accuracy`` and ``point_miou`` of ``hypothesis`` against ``reference`` (the runs
    of each frame, in the same order), or None when no frame has labels on either side (nothing
    to measure). A frame labelled on one side only counts as every point disagreeing where the
    other side is 0; frames of different lengths are compared over the longer one (a missing
    label is 0)."""
    counts: dict[tuple[int, int], int] = {}
    total = agree = 0
    measured = False
    for ref_runs, hyp_runs in zip(reference, hypothesis, strict=True):
        if not ref_runs and not hyp_runs:
            continue
        measured = True
        ref, hyp = decode_runs(ref_runs), decode_runs(hyp_runs)
        n = max(len(ref), len(hyp))
        ref = np.pad(ref, (0, n - len(ref)))
        hyp = np.pad(hyp, (0, n - len(hyp)))
        total += n
        agree += int((ref == hyp).sum())
        pairs, freq = np.unique(np.stack([ref, hyp]), axis=1, return_counts=True)
        for (r, h), k in zip(pairs.T.tolist(), freq.tolist(), strict=True):
            counts[(r, h)] = counts.get((r, h), 0) + k
    if not measured:
        return None
    classes = sorted({c for pair in counts for c in pair} - {0})
    ious: dict[int, float] = {}
    for c in classes:
        inter = counts.get((c, c), 0)
        union = sum(k for (r, h), k in counts.items() if r == c or h == c)
        ious[c] = inter / union if union else 0.0
    miou = sum(ious.values()) / len(ious) if ious else 1.0
    return PointScore(point_accuracy=agree / total if total else 1.0, point_miou=miou,
                      points=total, per_class_iou=ious)
