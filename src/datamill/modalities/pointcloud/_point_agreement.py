"""Several annotators' point labels (segmentation) of one frame under overlap.

Each point's class is decided by majority over the annotators who segmented the frame (a tie:
the earliest submission's class among the tied). An annotator *disagrees* on a point where
their class is not that point's majority class, or where there is none (a tie); the share of
the frame's points they disagree on is their answer to the question ``points``:
``agree`` at or below :data:`POINT_DISAGREE_SHARE`, otherwise the share and a digest of their
labels (so two annotators who each disagree never count as agreeing). Two annotators whose
labels differ on more than 2% of the points are a 1-1 split the reviewer adjudicates; of
three, one who differs is outvoted (``agree`` at 2/3). The merged labels are the per-point
majority. An annotator who gave no labels where another did disagrees on every point; a frame
nobody segmented asks nothing.

Before, the first submission's labels were kept and never asked: another annotator's
different segmentation of the whole frame reached no reviewer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np

__all__ = ["POINTS_AGREE", "POINTS_KEY", "POINT_DISAGREE_SHARE", "majority_runs", "point_units"]

POINTS_KEY: Final = "points"
POINTS_AGREE: Final = "agree"
#: the share of a frame's points an annotator may label off the majority and still agree
POINT_DISAGREE_SHARE: Final = 0.02
_MISSING: Final = -1  # a point an annotator's runs do not reach


def _table(runs_of: Sequence[Sequence[Sequence[int]]]) -> np.ndarray:
    """One row per annotator: each point's class (:data:`_MISSING` past the end of the runs)."""
    rows = [np.repeat(np.array([c for c, _n in runs], dtype=np.int64),
                      np.array([n for _c, n in runs], dtype=np.int64)) for runs in runs_of]
    width = max((len(r) for r in rows), default=0)
    table = np.full((len(rows), width), _MISSING, dtype=np.int64)
    for i, row in enumerate(rows):
        table[i, :len(row)] = row
    return table


def _majority(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each point's majority class, whether it is a strict majority: no tie at the top);
    ties go to the earliest row among the tied."""
    votes = (table[:, None, :] == table[None, :, :]).sum(axis=1)  # rows x points
    top = votes.max(axis=0)
    first = np.argmax(votes == top, axis=0)
    chosen = table[first, np.arange(table.shape[1])]
    holders = (votes == top) & (table != chosen[None, :])  # another class as many votes
    return chosen, ~holders.any(axis=0)


def point_units(runs_by_author: Mapping[int, Sequence[Sequence[int]]]
                ) -> list[tuple[int, str, str]]:
    """(author, ``points``, ``agree`` or ``"<share>% · #<digest>"``) per author; ``[]``
    when nobody segmented the frame.

    Examples:
        >>> point_units({1: [(1, 90), (2, 10)], 2: [(1, 100)]})
        [(1, 'points', '10.0% · #3e8b0158'), (2, 'points', '10.0% · #88163244')]
        >>> [v for _a, _k, v in point_units({1: [(1, 100)], 2: [(1, 99), (2, 1)]})]
        ['agree', 'agree']
    """
    if not any(runs_by_author.values()):
        return []
    authors = list(runs_by_author)
    table = _table([runs_by_author[a] for a in authors])
    chosen, strict = _majority(table)
    points = max(table.shape[1], 1)
    rows = []
    for i, author in enumerate(authors):
        share = float(((table[i] != chosen) | ~strict).sum()) / points
        if share <= POINT_DISAGREE_SHARE:
            rows.append((author, POINTS_KEY, POINTS_AGREE))
        else:
            digest = hashlib.sha256(table[i].astype("<i8").tobytes()).hexdigest()[:8]
            rows.append((author, POINTS_KEY, f"{100 * share:.1f}% · #{digest}"))
    return rows


def majority_runs(runs_of: Sequence[Sequence[Sequence[int]]]) -> list[list[int]]:
    """The per-point majority of several annotators' labels, as canonical runs (points past
    every annotator's runs are dropped; a tie: the earliest submission's class).

    Examples:
        >>> majority_runs([[(1, 5)], [(1, 3), (2, 2)], [(1, 4), (2, 1)]])
        [[1, 4], [2, 1]]
    """
    segmented = [r for r in runs_of if r]
    if not segmented:
        return []
    chosen, _strict = _majority(_table(segmented))
    if not len(chosen):
        return []
    starts = np.flatnonzero(np.r_[True, chosen[1:] != chosen[:-1]])
    counts = np.diff(np.r_[starts, len(chosen)])
    out: list[list[int]] = [[int(chosen[s]), int(n)] for s, n in zip(starts, counts, strict=True)]
    return [run for run in out if run[0] != _MISSING]

