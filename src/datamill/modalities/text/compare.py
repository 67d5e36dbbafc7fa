"""Two versions of a text annotation side by side, for the review and inspection pages:
spans added, removed or relabelled (same offsets, another label), relations between spans
added or removed, classes added or removed, and the sentiment when it changed."""

from __future__ import annotations

import json
from typing import Any

from datamill.core.lookalike import fold_label
from datamill.modalities.text.plugin import parse_annotation
from datamill.modalities.text.schema import TextAnnotation

__all__ = ["compare_text"]


def _doc(value: Any) -> TextAnnotation | None:
    """A payload or its JSON text (inspections keep the canonical text); None for none."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = json.loads(value)
    return parse_annotation(value)


def _span(s: Any) -> dict[str, Any]:
    return {"start": s.start, "end": s.end, "label": s.label, "text": s.text}


def compare_text(before: Any, after: Any) -> dict[str, Any]:
    """``before``/``after`` as annotations (dicts), ``spans`` (each ``status`` added, removed or
    relabelled, ``old_label`` when relabelled), ``classes`` (added, removed), ``sentiment``
    (``{"before", "after"}`` when it changed, else None) and ``differences`` (their count)."""
    old, new = _doc(before), _doc(after)
    empty = TextAnnotation()
    a, b = old or empty, new or empty
    spans = _spans(a, b)
    relations = _relations(a, b)
    classes = {"added": sorted(set(b.classes) - set(a.classes)),
               "removed": sorted(set(a.classes) - set(b.classes))}
    sentiment = ({"before": a.sentiment, "after": b.sentiment}
                 if a.sentiment != b.sentiment else None)
    return {
        "before": a.model_dump(mode="json") if old else None,
        "after": b.model_dump(mode="json") if new else None,
        "spans": spans, "classes": classes, "sentiment": sentiment, "relations": relations,
        "differences": len(spans) + len(classes["added"]) + len(classes["removed"])
        + (sentiment is not None) + len(relations),
    }


def _spans(a: TextAnnotation, b: TextAnnotation) -> list[dict[str, Any]]:
    """Spans removed, added or relabelled, in text order. A span is the same span when its
    offsets and label are; of the spans left over at one place, a removed and an added one pair
    as a relabelling (nested spans may share offsets under several labels: keyed by offsets
    alone, removing one of two such spans read as the other relabelled, trial h5 round 4)."""
    was = {(s.start, s.end, fold_label(s.label)): s for s in a.spans}  # ‹新闻> is <新闻>
    now = {(s.start, s.end, fold_label(s.label)): s for s in b.spans}
    gone: dict[tuple[int, int], list[Any]] = {}
    new: dict[tuple[int, int], list[Any]] = {}
    for key in sorted(set(was) - set(now)):
        gone.setdefault(key[:2], []).append(was[key])
    for key in sorted(set(now) - set(was)):
        new.setdefault(key[:2], []).append(now[key])
    out: list[dict[str, Any]] = []
    for at in sorted(set(gone) | set(new)):
        olds, news = gone.get(at, []), new.get(at, [])
        for old, fresh in zip(olds, news, strict=False):
            out.append({**_span(fresh), "status": "relabelled", "old_label": old.label})
        out += [{**_span(s), "status": "removed"} for s in olds[len(news):]]
        out += [{**_span(s), "status": "added"} for s in news[len(olds):]]
    return out


def _relations(a: TextAnnotation, b: TextAnnotation) -> list[dict[str, Any]]:
    """Relations added or removed, each named by its spans' offsets (a version's span ids are
    its own; a reviewer sees the relations that changed, not only the spans: trial h5):
    ``{"status", "label", "head": [start, end], "tail": [start, end]}``."""
    def keyed(doc: TextAnnotation) -> set[tuple[tuple[int, int], tuple[int, int], str]]:
        at = {s.id: (s.start, s.end) for s in doc.spans if s.id}
        return {(at[r.head], at[r.tail], r.label) for r in doc.relations
                if r.head in at and r.tail in at}

    was, now = keyed(a), keyed(b)
    return [{"status": "removed" if key in was else "added", "label": key[2],
             "head": list(key[0]), "tail": list(key[1])}
            for key in sorted(was ^ now)]
