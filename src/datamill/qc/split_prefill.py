"""Which writer's answer a split free-text item's review editor starts from.

A split SFT item or speech transcript (writers whose answers differ, :mod:`datamill.qc.aggregating`) has a
majority-vote aggregate all the same, and the reviewer's editor was filled with it: at a tie the
label first in code-point order (``min`` in ``_majority``), so whichever answer sorted
first, never said. :func:`split_prefill` names a defined one instead, and why: of the answers
the most writers gave, the earliest submitted (:func:`datamill.core.tie_break.choose`, the rule
the speech aggregate holds too; submission order is the answers' item versions, as the
aggregate is merged).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.tie_break import choose
from datamill.qc.aggregating import ItemSplit, item_split

__all__ = ["choose", "split_prefill"]


def split_prefill(session: Session, item: int | ItemSplit | None, key: str
                  ) -> dict[str, Any] | None:
    """For an unresolved item whose ``key`` question is split: ``{"username", "payload",
    "why"}`` of the answer its editor starts from (:func:`choose`); None otherwise (speech:
    the payload is the transcript's segments). ``item``: its id, or its
    :func:`~datamill.qc.aggregating.item_split` read already (None: no majority-vote
    aggregate)."""
    found = item_split(session, item) if isinstance(item, int) else item
    if found is None or key not in found.units:
        return None
    answers = found.answers
    labels = {author: label for author, k, label in found.rows if k == key}
    if not labels:
        return None
    order = {a: (answers[a].version, answers[a].id) for a in labels}
    author, why = choose(labels, order)
    # of the writers of that answer, the one whose answer the aggregate holds (speech: the
    # transcript with the segmentation most transcribers gave, not the earliest's own cut)
    author = next((a for a in sorted(labels, key=order.__getitem__)
                   if labels[a] == labels[author] and answers[a].payload == found.current.payload),
                  author)
    username = session.scalar(select(User.username).where(User.id == author))
    return {"username": username or str(author), "payload": answers[author].payload, "why": why}
