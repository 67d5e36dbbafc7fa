"""Aggregation of several annotators' text annotations (overlap > 1), per AGG_CONTRACT.

Units (categorical answers): ``class`` (single-label), ``label:<class>`` -> ``yes``/``no`` for
every class offered in a multi-label task, ``sentiment``, and ``relation:<head>|<tail>`` ->
label, where a span is named by its offsets ``start:end``. NER spans are not units; they are
merged: a span is kept when more than half of the annotators drew one with the same label and
character IoU >= 0.5, with the most common offsets of its group (ties: the earliest). Tokens
and free-text attributes come from the first payload.

Span units (:func:`span_units`, the optional ``region_units`` of the contract): the spans of
one item's answers are grouped across annotators by character IoU >= 0.5 whatever their label;
each group is one question ``span:<start>:<end>`` (its most common offsets), and every
annotator answers it with the label of their span there, or ``O`` (:data:`NO_SPAN`) when they
drew none. These are what agreement, confidence and split detection count (a span labelled
LOC, PER and ORG by three annotators is a split); the merge above still decides the spans.
A relation is answered by every annotator too: those who did not draw it say their own label
between matching spans, or ``O`` (none); a relation decided ``O`` is left out of the merge.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import ValidationError

from datamill.core.errors import InvalidInput
from datamill.core.lookalike import fold_label
from datamill.modalities.text.schema import Relation, Span, TextAnnotation

__all__ = ["MATCH_IOU", "NO_SPAN", "aggregation_units", "merge_aggregate", "span_iou",
           "span_units"]

MATCH_IOU: Final = 0.5
NO_SPAN: Final = "O"  # an annotator who drew no span where others did (BIO's "outside")


def _parse(payload: Any) -> TextAnnotation:
    """A payload, its labels as their look-alike spellings share them (``‹新闻>`` drawn by one
    annotator and ``<新闻>`` by another are one answer: :func:`~datamill.core.lookalike.fold_label`)."""
    try:
        ann = TextAnnotation.model_validate(payload)
    except ValidationError as err:
        raise InvalidInput(f"not a text annotation: {err.error_count()} problems") from err
    return ann.model_copy(update={
        "spans": tuple(s.model_copy(update={"label": fold_label(s.label)}) for s in ann.spans),
        "relations": tuple(r.model_copy(update={"label": fold_label(r.label)})
                           for r in ann.relations),
        "classes": tuple(fold_label(c) for c in ann.classes),
        "offered": tuple(fold_label(c) for c in ann.offered),
        "sentiment": None if ann.sentiment is None else fold_label(ann.sentiment)})


def _key(span: Span) -> str:
    return f"{span.start}:{span.end}"


def span_iou(a: Span, b: Span) -> float:
    """Character IoU of two spans."""
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def aggregation_units(payload: Any) -> dict[str, str]:
    ann = _parse(payload)
    units: dict[str, str] = {}
    if ann.offered:
        units.update({f"label:{c}": "yes" if c in ann.classes else "no" for c in ann.offered})
    elif ann.classes:
        units["class"] = ann.classes[0]
    if ann.sentiment is not None:
        units["sentiment"] = ann.sentiment
    by_id = {s.id: s for s in ann.spans if s.id}
    for r in ann.relations:
        head, tail = by_id.get(r.head), by_id.get(r.tail)
        if head is not None and tail is not None:
            units[f"relation:{_key(head)}|{_key(tail)}"] = r.label
    return units


def span_units(payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
    """(author, ``span:<start>:<end>``, label or :data:`NO_SPAN`) for every span group of one
    item's answers (see the module docstring); ``[]`` when nobody drew a span.

    Groups hold one span per annotator, every two of them at IoU >= :data:`MATCH_IOU`. They are
    formed from the best pairs first: the same label before another label, then the higher
    IoU. (Taken in text order, a nested span of another label could take the place of the
    span two annotators agreed on: [0, 4) ORG drawn by both, and [0, 3) LOC inside it by one,
    read as ORG against LOC and ORG against nothing, trial h5 round 4.)"""
    anns = {author: _parse(p) for author, p in payloads.items()}
    pool = sorted((s.start, s.end, s.label, str(a), a) for a, ann in anns.items()
                  for s in ann.spans)

    def iou(i: int, j: int) -> float:
        (s1, e1, *_), (s2, e2, *_) = pool[i], pool[j]
        return max(0, min(e1, e2) - max(s1, s2)) / (max(e1, e2) - min(s1, s2))

    pairs: list[tuple[bool, float, int, int]] = []
    for n, (_start, end, label, _order, who) in enumerate(pool):
        for m in range(n + 1, len(pool)):  # sorted by start: later ones only
            if pool[m][0] >= end:
                break  # no overlap from here on
            if pool[m][4] != who and (share := iou(n, m)) >= MATCH_IOU:
                pairs.append((pool[m][2] != label, -share, n, m))
    group_of = list(range(len(pool)))
    members: dict[int, list[int]] = {n: [n] for n in range(len(pool))}
    for _other_label, _share, n, m in sorted(pairs):
        gn, gm = group_of[n], group_of[m]
        if gn == gm:
            continue
        a, b = members[gn], members[gm]
        if {pool[i][4] for i in a} & {pool[j][4] for j in b}:
            continue  # one span per annotator in a group
        if any(iou(i, j) < MATCH_IOU for i in a for j in b):
            continue
        a.extend(b)
        for j in members.pop(gm):
            group_of[j] = gn
    groups = []
    for group in members.values():
        counts = Counter((pool[i][0], pool[i][1]) for i in group)
        (s0, e0), _ = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        groups.append(((s0, e0), -len(group), min(group), group))
    rows: list[tuple[int, str, str]] = []
    keys: set[str] = set()
    for (s0, e0), _size, _first, group in sorted(groups):
        key = f"span:{s0}:{e0}"
        while key in keys:  # the same offsets drawn twice by one annotator: a second question
            key += "'"
        keys.add(key)
        said = {pool[i][4]: pool[i][2] for i in group}
        rows += [(a, key, said.get(a, NO_SPAN)) for a in anns]
    return rows + _relation_abstentions(anns)


def _relations(ann: TextAnnotation) -> list[tuple[Span, Span, str]]:
    """(head, tail, label) of every relation of ``ann`` whose two spans it has."""
    by_id = {s.id: s for s in ann.spans if s.id}
    return [(by_id[r.head], by_id[r.tail], r.label) for r in ann.relations
            if r.head in by_id and r.tail in by_id]


def _relation_abstentions(anns: Mapping[int, TextAnnotation]) -> list[tuple[int, str, str]]:
    """What the annotators who did not draw a relation say about it: ``aggregation_units``
    gives a ``relation:<head>|<tail>`` question only to those who drew it, so a relation one
    annotator of two (or of three) drew was decided at confidence 1.0, never split, and kept
    in the aggregate. Every other annotator answers it here: with the label of their own
    relation between matching spans (character IoU >= :data:`MATCH_IOU` at both ends), else
    :data:`NO_SPAN` (no such relation)."""
    drawn = {author: _relations(ann) for author, ann in anns.items()}
    keys: dict[str, tuple[Span, Span]] = {}
    for relations in drawn.values():
        for head, tail, _label in relations:
            keys.setdefault(f"relation:{_key(head)}|{_key(tail)}", (head, tail))
    rows: list[tuple[int, str, str]] = []
    for key, (head, tail) in sorted(keys.items()):
        for author, relations in drawn.items():
            if any(f"relation:{_key(h)}|{_key(t)}" == key for h, t, _ in relations):
                continue  # answered in aggregation_units
            near = [(span_iou(head, h) + span_iou(tail, t), label) for h, t, label in relations
                    if span_iou(head, h) >= MATCH_IOU and span_iou(tail, t) >= MATCH_IOU]
            rows.append((author, key, max(near)[1] if near else NO_SPAN))
    return rows


def _merge_spans(anns: Sequence[TextAnnotation]) -> list[tuple[Span, int]]:
    """Majority spans with their support (number of annotators)."""
    need = len(anns) // 2 + 1
    pool = [(i, s) for i, a in enumerate(anns) for s in a.spans]
    # a span at IoU >= 0.5 with the seed starts in [seed.start - len, seed.end): only those
    # are looked at (every seed scanned the whole pool: 3 × 12,500 spans took 52 s)
    by_start = sorted(range(len(pool)), key=lambda m: pool[m][1].start)
    starts = [pool[m][1].start for m in by_start]
    used: set[int] = set()
    kept: list[tuple[Span, int]] = []
    for n, (who, seed) in enumerate(pool):
        if n in used:
            continue
        group = {who: (n, seed)}
        near = sorted(by_start[bisect.bisect_left(starts, 2 * seed.start - seed.end):
                               bisect.bisect_left(starts, seed.end)])
        for m in near:
            other, s = pool[m]
            if m in used or m == n or other in group or s.label != seed.label:
                continue
            if span_iou(seed, s) >= MATCH_IOU:
                group[other] = (m, s)
        if len(group) < need:
            continue
        used.update(m for m, _ in group.values())
        counts = Counter((s.start, s.end) for _, s in group.values())
        (start, end), _ = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        kept.append((Span(start=start, end=end, label=seed.label), len(group)))
    return kept


def _nested(ann: TextAnnotation) -> bool:
    spans = sorted(ann.spans, key=lambda s: (s.start, s.end))
    return any(b.start < a.end for a, b in itertools.pairwise(spans))


def merge_aggregate(payloads: Sequence[Any], decided: Mapping[str, str]) -> dict[str, Any]:
    """The aggregated annotation (see the module docstring)."""
    if not payloads:
        raise InvalidInput("nothing to aggregate: the item has no annotation")
    anns = [_parse(p) for p in payloads]
    first = anns[0]
    merged = _merge_spans(anns)
    if not any(_nested(a) for a in anns):  # nobody nests: keep the better-supported of overlaps
        merged.sort(key=lambda p: (-p[1], p[0].start))
        flat: list[tuple[Span, int]] = []
        taken = bytearray(max((s.end for s, _ in merged), default=0))  # characters kept
        for span, support in merged:
            if taken.find(1, span.start, span.end) < 0:
                taken[span.start:span.end] = b"\x01" * (span.end - span.start)
                flat.append((span, support))
        merged = flat
    spans = sorted((s for s, _ in merged), key=lambda s: (s.start, s.end, s.label))
    relations = [(k[len("relation:"):].split("|"), v) for k, v in decided.items()
                 if k.startswith("relation:") and v != NO_SPAN]  # NO_SPAN: decided absent
    if relations:
        spans = [s.model_copy(update={"id": f"m{i}"}) for i, s in enumerate(spans)]
    by_key = {_key(s): s.id for s in spans}
    offered = next((a.offered for a in anns if a.offered), ())
    if offered:
        classes = tuple(c for c in offered if decided.get(f"label:{c}") == "yes")
    else:
        classes = (decided["class"],) if decided.get("class") else ()
    out = TextAnnotation(
        classes=classes, offered=offered, sentiment=decided.get("sentiment"),
        spans=tuple(spans), tokens=first.tokens, attributes=first.attributes,
        relations=tuple(Relation(head=str(by_key[h]), tail=str(by_key[t]), label=label)
                        for (h, t), label in relations if h in by_key and t in by_key),
    )
    return out.model_dump(mode="json")
