"""Which writer's answer a split free-text item's review editor starts from.

A split SFT item or speech transcript (writers whose answers differ, :mod:`datamill.qc.aggregating`) has a
majority-vote aggregate all the same, and the reviewer's editor was filled with it: at a tie the
label first in code-point order (``min`` in ``_majority``), so whichever answer sorted
first, never said. :func:`split_prefill` names a defined one instead, and why: of the answers
the most writers gave, the earliest submitted (:func:`datamill.qc.tie_break.choose`, the rule
the speech aggregate holds too; submission order is the answers' item versions, as the
aggregate is merged).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.production.models import Item
from datamill.qc.aggregating import answer_units, latest_answers, project_plugin, unresolved_units
from datamill.qc.tie_break import choose

__all__ = ["choose", "split_prefill"]

def split_prefill(session: Session, item_id: int, key: str) -> dict[str, Any] | None:
    """For an unresolved item whose ``key`` question is split: ``{"username", "payload",
    "why"}`` of the answer its editor starts from (:func:`choose`); None otherwise (speech:
    the payload is the transcript's segments)."""
    item = session.get(Item, item_id)
    if item is None or key not in unresolved_units(session, item):
        return None
    _project, plugin = project_plugin(session, item.project_id)
    answers = latest_answers(session, item.project_id, [item.id]).get(item.id, {})
    labels = {author: label for author, k, label in answer_units(plugin, answers) if k == key}
    if not labels:
        return None
    author, why = choose(labels, {a: (answers[a].version, answers[a].id) for a in labels})
    username = session.scalar(select(User.username).where(User.id == author))
    return {"username": username or str(author), "payload": answers[author].payload, "why": why}
