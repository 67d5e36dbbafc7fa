"""What the audit trail keeps of a free-text question split with no majority.

An SFT conversation (``sft``), a speech transcript or an image text line is answered in free
text: its "label" is the whole answer (an SFT label is the conversation, tens of thousands of
characters, with whatever personal data the writers typed). The audit entries of a split
(``aggregate.routed``, ``aggregate.unresolved``) kept every such answer in full, as a key of
``split``: the trail (hash-chained, never pruned, exported to auditors) grew by the answers'
length and held the personal data unmasked. It now keeps, per distinct answer, what a reviewer
or an auditor needs to find and tell the answers apart (:func:`answer_record`): the authors and
their annotation ids, the answer's SHA-256 and length, and a short excerpt where the answers
begin to differ, with personal data masked (:func:`datamill.compliance.pii.mask_text`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Final

from datamill.compliance.pii import mask_text

__all__ = ["EXCERPT_CHARS", "answer_record", "excerpt"]

#: characters of an answer the audit trail keeps (masked), from just before the first difference
EXCERPT_CHARS: Final = 80
#: characters kept before the first difference, for the reader to see where it is
_LEAD: Final = 20
#: characters masked on either side of the excerpt, so that a phone number or an address
#: straddling its edges is found whole (a cut "1380013" is no phone, and would stay readable)
_MARGIN: Final = 160


def excerpt(text: str, start: int) -> str:
    """``text[start:start + EXCERPT_CHARS]`` with personal data masked (``…`` marks a cut).

    Examples:
        >>> excerpt("user: call me\\nassistant: call 13800138000 now", 14)
        '…assistant: call 138****8000 now'
    """
    start = max(0, min(start, len(text)))
    low = max(0, start - _MARGIN)
    high = min(len(text), start + EXCERPT_CHARS + _MARGIN)
    window = mask_text(text[low:high], keep_length=True)
    if len(window) != high - low:  # a mask that changed the length: mask what is kept alone
        window = text[low:start] + mask_text(text[start:high])
    kept = window[start - low:start - low + EXCERPT_CHARS]
    return ("…" if start else "") + kept + ("…" if start + EXCERPT_CHARS < len(text) else "")


def _common_prefix(texts: Sequence[str]) -> int:
    """Characters every text begins with (a shared prompt)."""
    if len(texts) < 2:  # noqa: PLR2004 - one text differs from nothing
        return 0
    low, high = min(texts), max(texts)  # the common prefix of all is that of these two
    n = next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), None)
    return min(len(low), len(high)) if n is None else n


def answer_record(labels: Sequence[str], counts: Sequence[int],
                  authors: Sequence[Sequence[int]],
                  annotation_ids: Sequence[Sequence[int]]) -> list[dict[str, Any]]:
    """One entry per distinct answer (``labels[i]``, given by ``counts[i]`` annotators: user ids
    ``authors[i]``, their versions ``annotation_ids[i]``): ``sha256`` and ``chars`` of the
    answer, ``excerpt`` (masked, from a little before where the answers first differ),
    ``count``, ``authors`` and ``annotation_ids``."""
    start = max(0, _common_prefix(labels) - _LEAD)
    return [{"sha256": hashlib.sha256(label.encode()).hexdigest(), "chars": len(label),
             "excerpt": excerpt(label, start), "count": n, "authors": list(who),
             "annotation_ids": list(ids)}
            for label, n, who, ids in zip(labels, counts, authors, annotation_ids, strict=True)]
