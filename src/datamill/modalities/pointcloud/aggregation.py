"""Aggregating several annotators' cuboids on one frame (the optional ``Aggregatable`` methods).

* **Units**: the scene classes, one answer under ``classes`` (the sorted set joined by ``|``;
  ``""`` for an annotator who gave none where another gave some). Every group of cuboids is a
  question too (``region_units``): cuboids of different annotators at 3D IoU >= 0.5
  (:func:`~.metric.cuboid_iou`), whatever their label, one per annotator, form a group keyed
  ``cuboid:<x>:<y>`` (the members' median centre, in metres to one decimal); every annotator
  answers it with their cuboid's label there, or ``O`` when they drew none. A cuboid one of
  two drew, or "car" against "truck", is a 1-1 split (confidence 0.5) the reviewer
  adjudicates; one of three is decided ``O`` at 2/3.
* **Merge**: a cuboid is kept when more than half of the annotators drew one with one label at
  IoU >= 0.5: the cluster's medoid (highest total IoU to the others), attributes by majority
  (ties: the medoid's). Scene classes as decided.
* **Point labels** (segmentation): the question ``points`` and the per-point majority
  (:mod:`._point_agreement`); they were the first submission's, never asked.

Before, point clouds had none of these methods: under overlap the last submission became
current, the other annotators' cuboids unseen by the reviewer.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from statistics import median
from typing import Any, ClassVar, Final

from datamill.modalities._class_questions import class_units, decided_classes, no_class_rows
from datamill.modalities._crowding import CROWDED_PREFIX, MAX_CANDIDATE_PAIRS, crowded_rows
from datamill.modalities._question_places import shape_place
from datamill.modalities.pointcloud._point_agreement import POINTS_KEY, majority_runs, point_units
from datamill.modalities.pointcloud.metric import cuboid_iou
from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation

__all__ = ["MATCH_IOU", "NO_CUBOID", "PointCloudAggregationMixin", "cuboid_units"]

MATCH_IOU: Final = 0.5
NO_CUBOID: Final = "O"


def _doc(payload: Any) -> PointCloudAnnotation:
    if isinstance(payload, PointCloudAnnotation):
        return payload
    return PointCloudAnnotation.model_validate(payload)


def _near(pool: Sequence[tuple[int, Cuboid]]) -> list[tuple[int, int]] | None:
    """``(n, m)``, ``n < m``, of two annotators' cuboids that could touch (centres nearer than
    their half diagonals, as :func:`cuboid_iou` tests first): the only pairs worth an IoU; None
    above :data:`~datamill.modalities._crowding.MAX_CANDIDATE_PAIRS` (cuboids stacked in one place)."""
    import numpy as np

    if len(pool) < 2:
        return []
    table = np.array([(c.x, c.y, c.length, c.width) for _a, c in pool], dtype=float)
    authors = np.array([a for a, _c in pool])
    reach = np.hypot(table[:, 2], table[:, 3]) / 2
    apart = np.hypot(table[:, 0:1] - table[None, :, 0], table[:, 1:2] - table[None, :, 1])
    could = (apart <= reach[:, None] + reach[None]) & (authors[:, None] != authors[None])
    left, right = np.nonzero(np.triu(could, 1))
    if len(left) > MAX_CANDIDATE_PAIRS:
        return None
    return [(int(n), int(m)) for n, m in zip(left, right, strict=True)]


def _groups(pool: Sequence[tuple[int, Cuboid]]) -> list[list[int]] | None:
    """Indices of ``pool`` grouped: one cuboid per annotator, every two of a group at IoU >=
    0.5, best pairs first (same label, then higher IoU); None when too many could touch."""
    near = _near(pool)
    if near is None:
        return None
    iou = {(n, m): cuboid_iou(pool[n][1], pool[m][1]) for n, m in near}
    pairs = sorted((pool[n][1].label != pool[m][1].label, -v, n, m)
                   for (n, m), v in iou.items() if v >= MATCH_IOU)
    members: dict[int, list[int]] = {n: [n] for n in range(len(pool))}
    group_of = list(range(len(pool)))
    for _other, _v, n, m in pairs:
        gn, gm = group_of[n], group_of[m]
        if gn == gm or {pool[i][0] for i in members[gn]} & {pool[j][0] for j in members[gm]}:
            continue
        if any(iou.get((min(i, j), max(i, j)), 0.0) < MATCH_IOU
               for i in members[gn] for j in members[gm]):
            continue
        members[gn] += members.pop(gm)
        for j in members[gn]:
            group_of[j] = gn
    return sorted(members.values())


def cuboid_units(docs: Mapping[int, PointCloudAnnotation]) -> list[tuple[int, str, str]]:
    """(author, ``cuboid:<x>:<y>``, label or ``O``) for every group of cuboids (see above)."""
    pool = [(a, c) for a, d in docs.items() for c in d.objects]
    groups = _groups(pool)
    if groups is None:  # stacked cuboids: one question, see datamill.modalities._crowding
        return crowded_rows({a: d.objects for a, d in docs.items()}, "cuboid")
    rows: list[tuple[int, str, str]] = []
    keys: set[str] = set()
    for group in groups:
        key = "cuboid:" + ":".join(f"{median(getattr(pool[i][1], c) for i in group):.1f}"
                                   for c in ("x", "y"))
        while key in keys:  # two groups at one place: a second question
            key += "'"
        keys.add(key)
        said = {pool[i][0]: pool[i][1].label for i in group}
        rows += [(a, key, said.get(a, NO_CUBOID)) for a in docs]
    return rows


def _majority(values: Sequence[Any], default: Any) -> Any:
    counts = Counter(json.dumps(v, sort_keys=True) for v in values)
    best, n = counts.most_common(1)[0]
    return default if counts[json.dumps(default, sort_keys=True)] == n else json.loads(best)


def _merge_cuboids(per_annotator: Sequence[Sequence[Cuboid]]) -> list[dict[str, Any]]:
    flat = [(who, c) for who, objects in enumerate(per_annotator) for c in objects]
    if _near(flat) is None:  # stacked cuboids (not matched): the first answer's that drew any
        return [c.model_dump(mode="json") for w, c in flat if w == flat[0][0]]
    clusters: list[list[tuple[int, Cuboid]]] = []
    for who, objects in enumerate(per_annotator):
        for obj in objects:
            for cluster in clusters:
                first = cluster[0][1]
                if (first.label == obj.label and all(w != who for w, _ in cluster)
                        and cuboid_iou(first, obj) >= MATCH_IOU):
                    cluster.append((who, obj))
                    break
            else:
                clusters.append([(who, obj)])
    kept = []
    for cluster in clusters:
        if len(cluster) <= len(per_annotator) / 2:
            continue
        members = [c for _, c in cluster]
        medoid = max(members, key=lambda c: sum(cuboid_iou(c, m) for m in members))
        chosen = medoid.model_dump(mode="json")
        names = sorted({k for m in members for k in m.attributes})
        attrs = {}
        for name in names:
            value = _majority([m.attributes.get(name) for m in members],
                              medoid.attributes.get(name))
            if value is not None:
                attrs[name] = value
        chosen["attributes"] = attrs
        kept.append(chosen)
    return kept


class PointCloudAggregationMixin:
    """``aggregation_units`` / ``pairwise_units`` / ``region_units`` / ``merge_aggregate``."""

    #: questions answered in free text (:func:`datamill.qc.aggregating.free_text_key`): the
    #: point labels (``points``), stacked cuboids' digest (``crowded:cuboid``)
    free_text_questions: ClassVar[tuple[str, ...]] = (POINTS_KEY, CROWDED_PREFIX)

    def aggregation_units(self, payload: Any) -> dict[str, str]:
        return class_units(_doc(payload).classes)

    def pairwise_units(self, payload: Any) -> list[tuple[str, str, str]]:
        return []

    def question_place(self, key: str) -> dict[str, Any]:
        """A split cuboid group's ``shape``: its corner in metres (one decimal)."""
        return shape_place(key, ("cuboid",), float)

    def region_units(self, payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
        docs = {a: _doc(p) for a, p in payloads.items()}
        rows = no_class_rows({a: d.classes for a, d in docs.items()})
        return rows + cuboid_units(docs) + point_units(
            {a: d.point_labels for a, d in docs.items()})

    def merge_aggregate(self, payloads: Sequence[Any], decided: Mapping[str, str]) -> Any:
        docs = [_doc(p) for p in payloads]
        if not docs:
            return PointCloudAnnotation().model_dump(mode="json")
        classes = decided_classes(decided, docs[0].classes)
        merged = docs[0].model_dump(mode="json")
        merged["objects"] = _merge_cuboids([d.objects for d in docs])
        merged["classes"] = classes
        merged["point_labels"] = majority_runs([d.point_labels for d in docs])
        return PointCloudAnnotation.model_validate(merged).model_dump(mode="json")
