"""Two versions of an LLM annotation side by side, for the review and inspection pages: the
choice, the ranking (and each response's move), rubric scores and checks, comments and reasons,
and SFT turns that were added, removed or edited."""

from __future__ import annotations

import json
from typing import Any

from datamill.modalities.llm.schema import (
    PairwiseAnnotation,
    RankingAnnotation,
    RubricAnnotation,
    SftAnnotation,
    annotation_text,
    parse_annotation,
)

__all__ = ["annotation_summary", "compare_llm"]


def _doc(value: Any) -> Any:
    """A payload or its JSON text (inspections keep the canonical text); None for none."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = json.loads(value)
    return parse_annotation(value)


def _diff(kind: str, name: str | None, before: Any, after: Any) -> dict[str, Any]:
    return {"kind": kind, "name": name, "before": before, "after": after}


def _choice(doc: PairwiseAnnotation) -> str:
    return "tie" if doc.choice == "tie" else (doc.a if doc.choice == "a" else doc.b)


def annotation_summary(doc: Any) -> dict[str, Any]:
    """A document's one-line rendering as a ``code`` and the values it names, for a page to word
    in its language (``annotation_text`` is the English one): ``preferred`` (``winner``,
    ``loser``, ``reason``), ``tie`` (``a``, ``b``, ``reason``), ``rubric`` (``scores`` and
    ``checks`` as sorted ``[name, value]`` pairs, ``comment``), ``turns`` (an SFT
    conversation: ``turns`` as ``[role, content]`` pairs, for the page to word the roles, and
    ``text``), or ``text`` (``text``: the rendering itself, for rankings, which name no English
    words of ours)."""
    if isinstance(doc, PairwiseAnnotation):
        if doc.choice == "tie":
            return {"code": "tie", "a": doc.a, "b": doc.b, "reason": doc.reason}
        winner, loser = (doc.a, doc.b) if doc.choice == "a" else (doc.b, doc.a)
        return {"code": "preferred", "winner": winner, "loser": loser, "reason": doc.reason}
    if isinstance(doc, RubricAnnotation):
        return {"code": "rubric", "scores": [[k, v] for k, v in sorted(doc.scores.items())],
                "checks": [[k, v] for k, v in sorted(doc.checks.items())],
                "comment": doc.comment}
    if isinstance(doc, SftAnnotation):
        return {"code": "turns", "turns": [[t.role, t.content] for t in doc.turns],
                "text": annotation_text(doc)}
    return {"code": "text", "text": annotation_text(doc)}


def _differences(a: Any, b: Any) -> list[dict[str, Any]]:  # noqa: C901 - one rule per type
    if a is None or b is None or type(a) is not type(b):
        return [_diff("type", None, annotation_text(a) if a is not None else None,
                      annotation_text(b) if b is not None else None)]
    out: list[dict[str, Any]] = []
    if isinstance(a, PairwiseAnnotation) and isinstance(b, PairwiseAnnotation):
        if _choice(a) != _choice(b):
            out.append(_diff("choice", None, _choice(a), _choice(b)))
        if a.reason != b.reason:
            out.append(_diff("reason", None, a.reason, b.reason))
    elif isinstance(a, RankingAnnotation) and isinstance(b, RankingAnnotation):
        if a.ranking != b.ranking:
            out.append(_diff("ranking", None, " > ".join(a.ranking), " > ".join(b.ranking)))
            for rid in b.ranking:
                if rid in a.ranking and a.ranking.index(rid) != b.ranking.index(rid):
                    out.append(_diff("rank", rid, a.ranking.index(rid) + 1,
                                     b.ranking.index(rid) + 1))
        if a.reason != b.reason:
            out.append(_diff("reason", None, a.reason, b.reason))
    elif isinstance(a, RubricAnnotation) and isinstance(b, RubricAnnotation):
        for name in sorted(set(a.scores) | set(b.scores)):
            if a.scores.get(name) != b.scores.get(name):
                out.append(_diff("score", name, a.scores.get(name), b.scores.get(name)))
        for name in sorted(set(a.checks) | set(b.checks)):
            if a.checks.get(name) != b.checks.get(name):
                out.append(_diff("check", name, a.checks.get(name), b.checks.get(name)))
        if a.comment != b.comment:
            out.append(_diff("comment", None, a.comment, b.comment))
    elif isinstance(a, SftAnnotation) and isinstance(b, SftAnnotation):
        for i in range(max(len(a.turns), len(b.turns))):
            old = a.turns[i] if i < len(a.turns) else None
            new = b.turns[i] if i < len(b.turns) else None
            pair = [(t.role, t.content, t.reasoning) if t else None for t in (old, new)]
            if pair[0] != pair[1]:
                out.append({**_diff("turn", str(i + 1),
                                    f"{old.role}: {old.content}" if old else None,
                                    f"{new.role}: {new.content}" if new else None),
                            # the roles apart, for a page to word them in its language
                            "turns": [[t.role, t.content] if t else None for t in (old, new)]})
    return out


def compare_llm(before: Any, after: Any) -> dict[str, Any]:
    """``before``/``after`` as documents (dicts), their one-line renderings (``before_text``,
    ``after_text``), ``changes`` (each ``kind``: type, choice, reason, ranking, rank, score,
    check, comment or turn, with ``name``, ``before`` and ``after``) and ``differences``;
    ``before_summary`` and ``after_summary`` are the renderings as a code and its values
    (:func:`annotation_summary`), which a page words in its language."""
    a, b = _doc(before), _doc(after)
    changes = [] if a is None and b is None else _differences(a, b)
    return {
        "before": a.model_dump(mode="json", exclude_none=True) if a is not None else None,
        "after": b.model_dump(mode="json", exclude_none=True) if b is not None else None,
        "before_text": annotation_text(a) if a is not None else None,
        "after_text": annotation_text(b) if b is not None else None,
        "before_summary": annotation_summary(a) if a is not None else None,
        "after_summary": annotation_summary(b) if b is not None else None,
        "changes": changes, "differences": len(changes),
    }
