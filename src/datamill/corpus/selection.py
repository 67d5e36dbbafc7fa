"""Greedy prompt selection over integer unit ids: the lazy (heap) version and the naive re-scan.

A sentence's **score** is the weight of the units it would add that are not covered yet, divided
by its reading cost (syllables), so a long sentence does not win by size alone. Ties go to the
more readable sentence, then to the earlier one, so the result is deterministic.

**Lazy greedy**: scores only fall as coverage grows, so a score computed earlier is an upper
bound. Pop the best bound, recompute it; if it still beats the next bound it is the true best
(the same pick the naive re-scan makes), otherwise push it back. On a 50k pool this re-scores a
few sentences per pick instead of all of them (``bench/corpus_selection.py``).

When everything the pool offers is covered and more sentences are wanted (``fill``), a new
round starts with coverage reset, so the next picks add second examples of each unit.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Problem", "coverage_curve", "greedy", "naive_greedy", "random_baseline"]


@dataclass(frozen=True)
class Problem:
    """``units[i]``: the distinct unit ids of sentence i; ``cost[i]`` > 0; ``weight[u]`` >= 0;
    ``kind[u]``: the kind index of unit u; ``tiebreak[i]``: higher wins ties (readability)."""

    units: Sequence[Sequence[int]]
    cost: Sequence[float]
    weight: Sequence[float]
    kind: Sequence[int]
    tiebreak: Sequence[float]
    kinds: int = 1

    def available(self) -> list[int]:
        """Distinct units per kind that the pool offers."""
        seen = bytearray(len(self.weight))
        out = [0] * self.kinds
        for us in self.units:
            for u in us:
                if not seen[u]:
                    seen[u] = 1
                    out[self.kind[u]] += 1
        return out


class _State:
    def __init__(self, p: Problem, target: float | None) -> None:
        self.p = p
        self.covered = bytearray(len(p.weight))  # this round
        self.ever = bytearray(len(p.weight))
        self.ever_count = [0] * p.kinds
        self.avail = p.available()
        self.target = target

    def score(self, i: int) -> float:
        covered, weight = self.covered, self.p.weight
        g = 0.0
        for u in self.p.units[i]:
            if not covered[u]:
                g += weight[u]
        return g / self.p.cost[i]

    def take(self, i: int) -> None:
        for u in self.p.units[i]:
            self.covered[u] = 1
            if not self.ever[u]:
                self.ever[u] = 1
                self.ever_count[self.p.kind[u]] += 1

    def reached(self) -> bool:
        if self.target is None:
            return False
        return all(a == 0 or c / a >= self.target for c, a in zip(self.ever_count, self.avail, strict=True))


def greedy(p: Problem, n: int, *, target: float | None = None, fill: bool = True,
           progress: Callable[[int], None] | None = None) -> tuple[list[int], str]:
    """Lazy greedy: up to ``n`` sentence indices in pick order, and why it stopped
    (``n``, ``target``, ``exhausted``: nothing left adds a unit, or the pool ran out)."""
    st = _State(p, target)
    heap = [(-st.score(i), -p.tiebreak[i], i) for i in range(len(p.units))]
    heapq.heapify(heap)
    chosen: list[int] = []
    picked_this_round = 0
    while len(chosen) < n:
        if st.reached():
            return chosen, "target"
        if not heap:
            return chosen, "exhausted"
        _, tb, i = heapq.heappop(heap)
        fresh = (-st.score(i), tb, i)
        if heap and fresh > heap[0]:
            heapq.heappush(heap, fresh)
            continue
        if fresh[0] == 0.0:  # nothing left adds a unit this round
            if not fill or picked_this_round == 0:
                return chosen, "exhausted"
            st.covered = bytearray(len(p.weight))
            picked_this_round = 0
            heap.append(fresh)
            heap = [(-st.score(j), t, j) for _, t, j in heap]
            heapq.heapify(heap)
            continue
        chosen.append(i)
        st.take(i)
        picked_this_round += 1
        if progress is not None:
            progress(len(chosen))
    return chosen, "target" if st.reached() else "n"


def naive_greedy(p: Problem, n: int, *, target: float | None = None,
                 fill: bool = True) -> tuple[list[int], str]:
    """The reference: re-score every remaining sentence before each pick (same result as
    :func:`greedy`, much slower)."""
    st = _State(p, target)
    remaining = set(range(len(p.units)))
    chosen: list[int] = []
    picked_this_round = 0
    while len(chosen) < n:
        if st.reached():
            return chosen, "target"
        if not remaining:
            return chosen, "exhausted"
        best = min((-st.score(i), -p.tiebreak[i], i) for i in remaining)
        if best[0] == 0.0:
            if not fill or picked_this_round == 0:
                return chosen, "exhausted"
            st.covered = bytearray(len(p.weight))
            picked_this_round = 0
            continue
        i = best[2]
        remaining.discard(i)
        chosen.append(i)
        st.take(i)
        picked_this_round += 1
    return chosen, "target" if st.reached() else "n"


def random_baseline(size: int, k: int, seed: int = 0) -> list[int]:
    """``k`` of ``range(size)`` drawn uniformly with a seeded generator (the comparison set)."""
    return random.Random(seed).sample(range(size), min(k, size))  # noqa: S311 - a baseline, not a secret


def coverage_curve(p: Problem, order: Sequence[int]) -> list[list[int]]:
    """Per kind, distinct units covered after each sentence of ``order``."""
    seen = bytearray(len(p.weight))
    counts = [0] * p.kinds
    curves: list[list[int]] = [[] for _ in range(p.kinds)]
    for i in order:
        for u in p.units[i]:
            if not seen[u]:
                seen[u] = 1
                counts[p.kind[u]] += 1
        for k in range(p.kinds):
            curves[k].append(counts[k])
    return curves
