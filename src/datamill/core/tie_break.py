"""One rule for the answer a split question defaults to (pure: no database, no modality).

Writers whose free-text answers differ (a speech transcript, an SFT conversation) leave an item
split. Two faces pick a default for it: the speech aggregate (the item's current version, what
``work next --stage review`` and the API show) and the review page's editor
(:mod:`datamill.qc.split_prefill`). They chose by two rules, which differed at a 2-2-1 split
(the editor took the earliest answer of all, the lone third one when it came first; the
aggregate the earliest of the tied two). Both now call :func:`choose`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any, Literal, TypeVar

__all__ = ["Why", "choose"]

Why = Literal["most", "earliest"]
A = TypeVar("A", bound=Hashable)


def choose(labels: Mapping[A, str], submitted: Mapping[A, Any]) -> tuple[A, Why]:
    """The author whose answer a split question defaults to, and why: of the labels given by
    the most authors, the earliest submitted author (``submitted``: author -> a sortable
    submission key); ``most`` when one label leads alone, ``earliest`` when several tie at
    the top (a lone answer of a 2-2-1 is never the default).

    Examples:
        >>> choose({1: "lone", 2: "x", 3: "y", 4: "x", 5: "y"}, {a: a for a in range(1, 6)})
        (2, 'earliest')
        >>> choose({1: "b", 2: "a", 3: "a"}, {1: 0, 2: 2, 3: 1})
        (3, 'most')
    """
    counts = Counter(labels.values())
    top = max(counts.values())
    leaders = {label for label, n in counts.items() if n == top}
    pool = [a for a, label in labels.items() if label in leaders]
    return min(pool, key=submitted.__getitem__), ("most" if len(leaders) == 1 else "earliest")
