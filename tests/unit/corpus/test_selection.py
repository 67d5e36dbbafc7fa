"""Greedy prompt selection: the hand example, lazy == naive, monotone coverage, stopping."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.corpus.selection import Problem, coverage_curve, greedy, naive_greedy, random_baseline


def _problem(units: list[list[int]], cost: list[float], weight: list[float],
             tiebreak: list[float] | None = None, kinds: int = 1) -> Problem:
    return Problem(units=units, cost=cost, weight=weight, kind=[u % kinds for u in range(len(weight))],
                   tiebreak=tiebreak or [0.0] * len(units), kinds=kinds)


def test_picks_the_sentence_adding_most_new_weight_per_syllable() -> None:
    # units weigh 1, unit 5 is rare and weighs 3; sentence 0 has the most units but is long
    p = _problem(units=[[0, 1, 2, 3], [0, 5], [1, 2]], cost=[4, 2, 2],
                 weight=[1, 1, 1, 1, 1, 3])
    # scores: s0 4/4 = 1.0, s1 (1 + 3)/2 = 2.0, s2 2/2 = 1.0 -> s1
    # then: s0 adds 1, 2, 3 -> 3/4 = 0.75; s2 adds 1, 2 -> 2/2 = 1.0 -> s2; then s0 (unit 3)
    chosen, stopped = greedy(p, 3, fill=False)
    assert chosen == [1, 2, 0]
    assert stopped == "n"
    assert naive_greedy(p, 3, fill=False) == (chosen, stopped)


def test_readability_breaks_ties_then_order() -> None:
    p = _problem(units=[[0], [1], [2]], cost=[1, 1, 1], weight=[1, 1, 1],
                 tiebreak=[10.0, 50.0, 50.0])
    assert greedy(p, 3)[0] == [1, 2, 0]


def test_stops_when_exhausted_or_target_reached_and_fills_a_second_round() -> None:
    p = _problem(units=[[0, 1], [1, 2], [0], [2]], cost=[1, 1, 1, 1], weight=[1, 1, 1])
    chosen, stopped = greedy(p, 10, fill=False)
    assert stopped == "exhausted"
    assert {u for i in chosen for u in p.units[i]} == {0, 1, 2}
    chosen, stopped = greedy(p, 10, target=0.6)
    assert stopped == "target" and len(chosen) == 1
    chosen, stopped = greedy(p, 4)  # a second round: every sentence gets used
    assert sorted(chosen) == [0, 1, 2, 3] and stopped == "n"


pools = st.integers(min_value=1, max_value=30).flatmap(lambda n_units: st.tuples(
    st.lists(st.lists(st.integers(0, n_units - 1), min_size=1, max_size=8), min_size=1, max_size=40),
    st.lists(st.floats(0.1, 10.0), min_size=n_units, max_size=n_units),
    st.integers(1, 50),
    st.sampled_from([None, 0.5, 0.9, 1.0]),
    st.booleans(),
))


@settings(max_examples=150, deadline=None)
@given(pools)
def test_lazy_greedy_equals_naive_greedy(data: tuple) -> None:  # type: ignore[type-arg]
    units, weight, n, target, fill = data
    units = [sorted(set(u)) for u in units]
    cost = [float(1 + len(u) % 4) for u in units]
    tiebreak = [float((i * 7) % 5) for i in range(len(units))]
    p = _problem(units, cost, weight, tiebreak, kinds=2)
    assert greedy(p, n, target=target, fill=fill) == naive_greedy(p, n, target=target, fill=fill)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=6), min_size=1, max_size=60))
def test_coverage_is_monotone_and_ends_at_everything_available(
        units: list[list[int]]) -> None:
    units = [sorted(set(u)) for u in units]
    p = _problem(units, [1.0] * len(units), [1.0] * 41, kinds=1)
    chosen, _ = greedy(p, len(units), fill=False)
    curve = coverage_curve(p, chosen)[0]
    assert all(a <= b for a, b in itertools.pairwise(curve))
    assert curve[-1] == p.available()[0]


def test_random_baseline_is_seeded() -> None:
    assert random_baseline(100, 10, seed=1) == random_baseline(100, 10, seed=1)
    assert len(set(random_baseline(100, 10, seed=1))) == 10
    assert sorted(random_baseline(3, 10)) == [0, 1, 2]
