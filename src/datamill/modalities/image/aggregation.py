"""Aggregating several annotators' answers on one image (the optional ``Aggregatable`` methods).

* **Units** (categorical, voted by the engine's method): the image-level classes, as one answer
  under the key ``classes`` (the sorted set joined by ``|``; single-class projects get the
  class itself); an annotator who gave none answers ``""`` where another gave one
  (``region_units``). Boxes are questions too (``region_units``, :func:`box_units`): each
  group of overlapping boxes is answered by every annotator with their box's label or ``O``,
  so a box drawn by some but not a majority lowers confidence and is a split, as a text span;
  rotated boxes, polygons, text lines, polylines, keypoint instances and masks likewise
  (:func:`shape_units`, keyed by position). A text line drawn by two or more annotators is
  a second question, its transcription (``text:<x>:<y>``, NFC and whitespace collapsed, as
  the OCR metric): "EXIT" against "EXlT" is a split for the reviewer, never merged as agreed.
* **Regions** (merged here): boxes by box IoU, rotated boxes, polygons and text lines by
  polygon IoU, masks by pixel IoU, polylines by mean distance and keypoints by a symmetric
  OKS (:mod:`._agreement`; same class, similarity >= 0.5), kept when more than half of the
  annotators drew one. Boxes take the median ``x, y, w, h``; other objects take the
  cluster's medoid (the member with the highest mean similarity to the others). Per-object
  attributes and OCR transcriptions are decided by majority inside each kept cluster (ties:
  the medoid's / the median box's value).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from statistics import median
from typing import Any, ClassVar, Final

from datamill.modalities._class_questions import class_units, decided_classes, no_class_rows
from datamill.modalities._crowding import CROWDED_PREFIX, MAX_CANDIDATE_PAIRS, crowded_rows
from datamill.modalities._question_places import box_place, shape_place
from datamill.modalities.image._agreement import (
    envelope,
    keypoints_similarity,
    mask_similarity,
    near_pairs,
    object_corner,
    polyline_similarity,
)
from datamill.modalities.image.metric import _geometry, _region_iou, normalize_ocr_text
from datamill.modalities.image.schema import (
    Box,
    ImageAnnotation,
    Keypoints,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    TextLine,
)
from datamill.qc.regions import box_iou

__all__ = ["NO_BOX", "SHAPE_KEYS", "ImageAggregationMixin", "box_units", "shape_units"]

_SHAPES = (RotatedBox, Polygon, TextLine, Polyline, Keypoints, Mask)
MATCH_IOU: Final = 0.5
NO_BOX: Final = "O"  # an annotator who drew no box where others did


def _doc(payload: Any) -> ImageAnnotation:
    if isinstance(payload, ImageAnnotation):
        return payload
    return ImageAnnotation.model_validate(payload)


def _majority(values: Sequence[Any], default: Any) -> Any:
    """Most common value (JSON-compared); ``default`` unless it is strictly the most common."""
    counts = Counter(json.dumps(v, sort_keys=True) for v in values)
    best, n = counts.most_common(1)[0]
    if counts[json.dumps(default, sort_keys=True)] == n:
        return default
    return json.loads(best)


def _vote_attributes(chosen: dict[str, Any], members: Sequence[Mapping[str, Any]]) -> None:
    names = sorted({k for m in members for k in (m.get("attributes") or {})})
    attrs = {}
    for name in names:
        values = [(m.get("attributes") or {}).get(name) for m in members]
        value = _majority(values, (chosen.get("attributes") or {}).get(name))
        if value is not None:
            attrs[name] = value
    chosen["attributes"] = attrs
    if "transcription" in chosen:
        chosen["transcription"] = _majority([m.get("transcription") for m in members],
                                            chosen["transcription"])


def _similarity(a: Any, b: Any) -> float:
    """How alike two objects of one kind are, in [0, 1] (agreeing at >= 0.5)."""
    if isinstance(a, Polyline) and isinstance(b, Polyline):
        return polyline_similarity(a, b)
    if isinstance(a, Keypoints) and isinstance(b, Keypoints):
        return keypoints_similarity(a, b)
    if isinstance(a, Mask) and isinstance(b, Mask):
        return mask_similarity(a, b)
    return _region_iou(a, b)


def _clusters(flat: Sequence[tuple[int, Any]], alike: Any
              ) -> list[list[tuple[int, Any]]] | None:
    """``flat`` ((annotator, object)) clustered greedily in order: each object joins the first
    cluster (in creation order) whose first member is of its kind and label, near it
    (:func:`near_pairs`), of no cluster member's annotator, and ``alike(first, obj) >= 0.5``;
    as comparing with every cluster did, without the all-pairs cost. None when more than
    :data:`~datamill.modalities._crowding.MAX_CANDIDATE_PAIRS` pairs of two annotators' objects are
    near (objects stacked in one place: not matched, see :mod:`datamill.modalities._crowding`)."""
    pairs = near_pairs([envelope(o) for _w, o in flat], authors=[w for w, _o in flat],
                       limit=MAX_CANDIDATE_PAIRS)
    if pairs is None:
        return None
    near: dict[int, list[int]] = {}
    for n, m in sorted(pairs):
        near.setdefault(m, []).append(n)  # ascending n: earlier objects first
    clusters: dict[int, list[tuple[int, Any]]] = {}  # keyed by the first member's index
    for index, (who, obj) in enumerate(flat):
        for head in near.get(index, ()):
            cluster = clusters.get(head)
            if cluster is None:
                continue
            first = cluster[0][1]
            if (first.kind == obj.kind and first.label == obj.label
                    and all(w != who for w, _ in cluster) and alike(first, obj) >= MATCH_IOU):
                cluster.append((who, obj))
                break
        else:
            clusters[index] = [(who, obj)]
    return list(clusters.values())


def _merge_shapes(per_annotator: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Every object but boxes: clusters by similarity (:func:`_similarity`), majority, medoid.
    Objects stacked in one place (:func:`_clusters` None): each kind apart, a kind still too
    crowded to match is the first answer's that drew one (asked as ``crowded:<kind>``)."""
    flat = [(who, obj) for who, objects in enumerate(per_annotator) for obj in objects]
    clusters = _clusters(flat, _similarity)
    first_answers: list[dict[str, Any]] = []
    if clusters is None:
        clusters = []
        for kind in dict.fromkeys(o.kind for _w, o in flat):
            of_kind = [(w, o) for w, o in flat if o.kind == kind]
            grouped = _clusters(of_kind, _similarity)
            if grouped is not None:
                clusters += grouped
            else:
                first_answers += [o.model_dump(mode="json") for w, o in of_kind
                                  if w == of_kind[0][0]]
    kept = []
    for cluster in clusters:
        if len(cluster) <= len(per_annotator) / 2:
            continue
        members = [o for _, o in cluster]
        medoid = max(members, key=lambda o: sum(_similarity(o, m) for m in members))
        chosen = medoid.model_dump(mode="json")
        _vote_attributes(chosen, [m.model_dump(mode="json") for m in members])
        kept.append(chosen)
    return kept + first_answers


def _merge_boxes(per_annotator: Sequence[Sequence[Box]]) -> list[dict[str, Any]]:
    """Boxes kept by majority with the median ``x, y, w, h`` (the member nearest to it gives
    the rest), as :func:`datamill.qc.regions.merge_boxes`, whose all-clusters scan took 35 s
    for 5,000 boxes a side; attributes by majority over the cluster."""
    flat = [(who, box) for who, boxes in enumerate(per_annotator) for box in boxes]
    coords = ("x", "y", "w", "h")
    clusters = _clusters(flat, _similarity)
    if clusters is None:  # stacked boxes (not matched): the first answer's
        return [b.model_dump(mode="json") for w, b in flat if w == flat[0][0]]
    kept = []
    for cluster in clusters:
        if len(cluster) <= len(per_annotator) / 2:
            continue
        members = [b.model_dump(mode="json") for _, b in cluster]
        middle = {c: median(float(m[c]) for m in members) for c in coords}
        nearest = min(members, key=lambda m: sum(abs(float(m[c]) - middle[c]) for c in coords))
        box = {**nearest, **middle}
        _vote_attributes(box, members)
        kept.append(box)
    return kept


def _groups(pool: Sequence[tuple[int, Any]], iou: Any) -> list[list[int]] | None:
    """Indices of ``pool`` ((author, object)) grouped: objects of different annotators at
    IoU >= 0.5 whatever their label, one per annotator, every two of a group matching, best
    pairs first (same label, then higher IoU). Only objects whose envelopes meet are compared
    (:func:`near_pairs`); None above :data:`~datamill.modalities._crowding.MAX_CANDIDATE_PAIRS` such
    pairs (stacked objects, asked as one ``crowded:`` question)."""
    near = near_pairs([envelope(o) for _a, o in pool], authors=[a for a, _o in pool],
                      limit=MAX_CANDIDATE_PAIRS, cross_only=True)
    if near is None:
        return None
    pairs = sorted((pool[n][1].label != pool[m][1].label, -v, n, m)
                   for n, m in near if (v := iou(n, m)) >= MATCH_IOU)
    members: dict[int, list[int]] = {n: [n] for n in range(len(pool))}
    group_of = list(range(len(pool)))
    for _other, _iou, n, m in pairs:
        gn, gm = group_of[n], group_of[m]
        if gn == gm or {pool[i][0] for i in members[gn]} & {pool[j][0] for j in members[gm]}:
            continue  # one object per annotator in a group
        if any((min(i, j), max(i, j)) not in near or iou(min(i, j), max(i, j)) < MATCH_IOU
               for i in members[gn] for j in members[gm]):
            continue
        members[gn] += members.pop(gm)
        for j in members[gn]:
            group_of[j] = gn
    return sorted(members.values())


def _rows(docs: Mapping[int, ImageAnnotation], pool: Sequence[tuple[int, Any]],
          groups: Sequence[Sequence[int]], key_of: Any) -> list[tuple[int, str, str]]:
    """Every annotator's answer to each group: their object's label there, or ``O``; for a
    group of text lines two or more drew, also each drawer's transcription (``text:...``)."""
    rows: list[tuple[int, str, str]] = []
    keys: set[str] = set()
    for group in groups:
        key = key_of(group)
        while key in keys:  # two groups at the same place: a second question
            key += "'"
        keys.add(key)
        said = {pool[i][0]: pool[i][1].label for i in group}
        rows += [(a, key, said.get(a, NO_BOX)) for a in docs]
        lines = [pool[i] for i in group if isinstance(pool[i][1], TextLine)]
        if len(lines) > 1:  # what the line says: only those who drew it answer
            question = "text:" + key.partition(":")[2]
            rows += [(a, question, normalize_ocr_text(o.transcription)) for a, o in lines]
    return rows


def box_units(docs: Mapping[int, ImageAnnotation]) -> list[tuple[int, str, str]]:
    """(author, ``box:<x>:<y>:<w>:<h>``, label or ``O``) for every group of boxes of one item's
    answers (:func:`_groups`); the key is the group's median box in whole pixels. Every
    annotator answers each group: the label of their box there, or ``O`` when they drew none.
    The merge keeps a box only when more than half drew it with one label, so a box one of two
    annotators drew (or car against truck) vanished at confidence 1.0 with no split; now it is
    a 1-1 split (confidence 0.5) the reviewer adjudicates, and one of three is decided ``O``
    at 2/3."""
    pool = [(a, b) for a, d in docs.items() for b in d.objects if isinstance(b, Box)]
    if not pool:
        return []
    coords = [b.model_dump(mode="json") for _a, b in pool]

    def key_of(group: Sequence[int]) -> str:
        return "box:" + ":".join(str(round(median(coords[i][c] for i in group)))
                                 for c in ("x", "y", "w", "h"))

    groups = _groups(pool, lambda n, m: box_iou(coords[n], coords[m]))
    if groups is None:
        return crowded_rows({a: [b for w, b in pool if w == a] for a in docs}, "box")
    return _rows(docs, pool, groups, key_of)


SHAPE_KEYS: Final = {"rotated_box": "rotated", "polygon": "polygon", "text_line": "line",
                     "polyline": "polyline", "keypoints": "keypoints", "mask": "mask"}


def _corner(obj: Any) -> tuple[float, float]:
    if isinstance(obj, (RotatedBox, Polygon, TextLine)):
        x, y, _x1, _y1 = _geometry(obj).bounds
        return float(x), float(y)
    return object_corner(obj)


def _kind_units(docs: Mapping[int, ImageAnnotation], kind: str) -> list[tuple[int, str, str]]:
    pool = [(a, o) for a, d in docs.items() for o in d.objects
            if isinstance(o, _SHAPES) and o.kind == kind]
    if not pool:
        return []
    corners = [_corner(o) for _a, o in pool]

    @cache
    def similarity(n: int, m: int) -> float:
        return _similarity(pool[n][1], pool[m][1])

    def key_of(group: Sequence[int]) -> str:
        return f"{SHAPE_KEYS[kind]}:" + ":".join(
            str(round(median(corners[i][c] for i in group))) for c in (0, 1))

    groups = _groups(pool, similarity)
    if groups is None:
        return crowded_rows({a: [o for w, o in pool if w == a] for a in docs}, SHAPE_KEYS[kind])
    return _rows(docs, pool, groups, key_of)


def shape_units(docs: Mapping[int, ImageAnnotation]) -> list[tuple[int, str, str]]:
    """As :func:`box_units` for every other kind of object, each kind apart, grouped by
    :func:`_similarity`: ``rotated:``, ``polygon:``, ``line:``, ``polyline:``, ``keypoints:``
    or ``mask:`` then ``<x>:<y>``, the median top-left corner of the group's objects in whole
    pixels; a text line group two or more drew also asks ``text:<x>:<y>`` (its transcription).
    ``_merge_shapes`` dropped an object fewer than half drew (or drew with another label) at
    confidence 1.0, no split; polylines, keypoints and masks were the first answer's, unasked."""
    return [row for kind in SHAPE_KEYS for row in _kind_units(docs, kind)]


class ImageAggregationMixin:
    """``aggregation_units`` / ``pairwise_units`` / ``merge_aggregate`` for :class:`ImagePlugin`."""

    #: questions answered in free text (:func:`datamill.qc.aggregating.free_text_key`): a text
    #: line's reading (``text:<x>:<y>``), stacked objects' digest (``crowded:<kind>``)
    free_text_questions: ClassVar[tuple[str, ...]] = ("text:", CROWDED_PREFIX)

    def aggregation_units(self, payload: Any) -> dict[str, str]:
        return class_units(_doc(payload).classes)

    def pairwise_units(self, payload: Any) -> list[tuple[str, str, str]]:
        return []

    def question_place(self, key: str) -> dict[str, Any]:
        """A split box group's ``box``; an object group's (or its text line's reading,
        ``text:``) ``shape``, its top-left corner in whole pixels."""
        return box_place(key) or shape_place(key, (*SHAPE_KEYS.values(), "text"))

    def region_units(self, payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
        """The ``classes`` answer of the annotators who gave no image class, where another
        gave one: ``""`` (none applies). ``aggregation_units`` asks only those who gave a
        class, so one annotator's "night" against another's none was decided at confidence
        1.0, never a split; a project where nobody classifies gets no such question. Then
        every group of boxes (:func:`box_units`) and of other shapes (:func:`shape_units`)."""
        docs = {a: _doc(p) for a, p in payloads.items()}
        rows = no_class_rows({a: d.classes for a, d in docs.items()})
        return rows + box_units(docs) + shape_units(docs)

    def merge_aggregate(self, payloads: Sequence[Any], decided: Mapping[str, str]) -> Any:
        docs = [_doc(p) for p in payloads]
        if not docs:
            return ImageAnnotation().model_dump(mode="json")
        merged_boxes = _merge_boxes([[o for o in d.objects if isinstance(o, Box)] for d in docs])
        shapes = _merge_shapes([[o for o in d.objects if isinstance(o, _SHAPES)]
                                for d in docs])
        classes = decided_classes(decided, docs[0].classes)
        merged = ImageAnnotation.model_validate(
            {"objects": [*merged_boxes, *shapes], "classes": classes}
        )
        return merged.model_dump(mode="json")
