"""Two versions of a text annotation side by side, for the review and inspection pages:
spans added, removed or relabelled (same offsets, another label), relations between spans
added or removed, classes added or removed, and the sentiment when it changed."""

from __future__ import annotations

import json
from typing import Any

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
    was = {(s.start, s.end): s for s in a.spans}
    now = {(s.start, s.end): s for s in b.spans}
    spans: list[dict[str, Any]] = []
    for key in sorted(set(was) | set(now)):
        if key not in now:
            spans.append({**_span(was[key]), "status": "removed"})
        elif key not in was:
            spans.append({**_span(now[key]), "status": "added"})
        elif was[key].label != now[key].label:
            spans.append({**_span(now[key]), "status": "relabelled", "old_label": was[key].label})
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
