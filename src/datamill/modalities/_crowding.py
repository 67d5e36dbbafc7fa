"""A bound on how many object pairs one item's overlap aggregation compares.

Grouping annotators' objects (boxes, polygons, cuboids ...) compares every two objects of
different annotators that could overlap. Objects stacked in one place all could: 200 stacked
polygons a side were 40,000 IoUs (3 to 10 s in one submit), 500 cuboids 28 s. Above
:data:`MAX_CANDIDATE_PAIRS` candidate pairs of one kind in one item the objects are not
matched; the kind is one question instead, ``crowded:<kind>``, each annotator answering with
their object count and a digest of their objects of that kind (order aside): annotators who
drew exactly the same objects agree (the merge keeps the first submission's, the same
objects); any difference is a split the reviewer adjudicates (worded on the review page).
Scenes under the bound are grouped and merged exactly as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

__all__ = ["CROWDED_PREFIX", "MAX_CANDIDATE_PAIRS", "crowded_rows"]

MAX_CANDIDATE_PAIRS: Final = 10_000
CROWDED_PREFIX: Final = "crowded:"


def _digest(objects: Sequence[Any]) -> str:
    dumped = sorted(json.dumps(o.model_dump(mode="json") if hasattr(o, "model_dump") else o,
                               sort_keys=True) for o in objects)
    return hashlib.sha256("\n".join(dumped).encode()).hexdigest()[:8]


def crowded_rows(per_author: Mapping[int, Sequence[Any]], kind: str
                 ) -> list[tuple[int, str, str]]:
    """(author, ``crowded:<kind>``, ``"<count> × <digest>"``) for every author (see above).

    Examples:
        >>> rows = crowded_rows({1: [{"x": 1}, {"x": 2}], 2: [{"x": 2}, {"x": 1}], 3: []}, "box")
        >>> [(a, k, v.split(" × ")[0]) for a, k, v in rows]
        [(1, 'crowded:box', '2'), (2, 'crowded:box', '2'), (3, 'crowded:box', '0')]
        >>> rows[0][2] == rows[1][2] != rows[2][2]
        True
    """
    return [(a, CROWDED_PREFIX + kind, f"{len(objs)} × {_digest(objs)}")
            for a, objs in per_author.items()]
