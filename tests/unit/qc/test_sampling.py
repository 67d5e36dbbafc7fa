"""ISO 2859-1 single sampling plans: table rows, arrows, 100 % inspection, errors, invariants."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.qc.sampling import (
    AQL_VALUES,
    INSPECTION_LEVELS,
    SamplingPlan,
    accept_lot,
    acceptance_probability,
    draw_sample,
    single_sampling_plan,
)

SAMPLE_SIZES = {
    "A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50,
    "J": 80, "K": 125, "L": 200, "M": 315, "N": 500, "P": 800, "Q": 1250, "R": 2000,
}  # fmt: skip

# (lot size, level) -> code letter, read from ISO 2859-1 Table 1 (both ends of several ranges).
TABLE_1_ROWS = [
    (2, "II", "A"),
    (8, "II", "A"),
    (8, "III", "B"),
    (9, "II", "B"),
    (15, "I", "A"),
    (16, "II", "C"),
    (25, "S-3", "B"),
    (50, "II", "D"),
    (51, "II", "E"),
    (90, "S-1", "B"),
    (150, "S-4", "D"),
    (280, "II", "G"),
    (281, "II", "H"),
    (500, "II", "H"),
    (500, "I", "F"),
    (1000, "S-1", "C"),
    (1000, "S-2", "C"),
    (1000, "S-3", "E"),
    (1000, "S-4", "F"),
    (1000, "I", "G"),
    (1000, "II", "J"),
    (1000, "III", "K"),
    (1200, "II", "J"),
    (1201, "II", "K"),
    (3200, "S-2", "D"),
    (3201, "II", "L"),
    (10000, "II", "L"),
    (10001, "II", "M"),
    (35000, "S-4", "H"),
    (150000, "II", "N"),
    (150001, "I", "M"),
    (500000, "II", "P"),
    (500001, "II", "Q"),
    (500001, "III", "R"),
    (10**7, "S-1", "D"),
    (10**7, "S-3", "H"),
    (10**7, "S-4", "K"),
]


@pytest.mark.parametrize(
    ("lot_size", "level", "letter"),
    TABLE_1_ROWS,
    ids=[f"{lot}-{level}-{letter}" for lot, level, letter in TABLE_1_ROWS],
)
def test_table_1_code_letters(lot_size: int, level: str, letter: str) -> None:
    assert single_sampling_plan(lot_size, level, 0.65).code_letter == letter


# (lot, level, AQL) -> (code letter, plan letter, sample size, Ac, Re), read from Table 2-A.
TABLE_2A_ROWS = [
    # plain cells
    (1000, "II", 1.0, ("J", "J", 80, 2, 3)),
    (1000, "II", 0.65, ("J", "J", 80, 1, 2)),
    (1000, "II", 2.5, ("J", "J", 80, 5, 6)),
    (1000, "II", 4.0, ("J", "J", 80, 7, 8)),
    (1000, "II", 6.5, ("J", "J", 80, 10, 11)),
    (1000, "II", 10, ("J", "J", 80, 14, 15)),
    (500, "II", 2.5, ("H", "H", 50, 3, 4)),
    (500, "II", 0.25, ("H", "H", 50, 0, 1)),
    (5000, "II", 1.0, ("L", "L", 200, 5, 6)),
    (5000, "II", 2.5, ("L", "L", 200, 10, 11)),
    (5000, "II", 4.0, ("L", "L", 200, 14, 15)),
    (5000, "II", 6.5, ("L", "L", 200, 21, 22)),
    (5000, "II", 0.065, ("L", "L", 200, 0, 1)),
    (20000, "II", 0.15, ("M", "M", 315, 1, 2)),
    (1000, "III", 1.0, ("K", "K", 125, 3, 4)),
    (1000, "S-4", 2.5, ("F", "F", 20, 1, 2)),
    (600000, "III", 0.025, ("R", "R", 2000, 1, 2)),
    (600000, "III", 0.65, ("R", "R", 2000, 21, 22)),
    (10, "II", 1000, ("B", "B", 3, 44, 45)),
    (100, "II", 100, ("F", "E", 13, 21, 22)),
    # arrow down: the first plan below, with its sample size
    (50, "II", 1.0, ("D", "E", 13, 0, 1)),
    (1000, "I", 1.0, ("G", "H", 50, 1, 2)),
    (1000, "S-3", 2.5, ("E", "F", 20, 1, 2)),
    (3000, "S-2", 0.10, ("D", "K", 125, 0, 1)),
    (100000, "II", 0.010, ("N", "Q", 1250, 0, 1)),
    # arrow up: the first plan above, with its sample size
    (1000, "S-1", 4.0, ("C", "B", 3, 0, 1)),
    (1000, "II", 0.25, ("J", "H", 50, 0, 1)),
    (20000, "II", 10, ("M", "K", 125, 21, 22)),
    (600000, "III", 0.010, ("R", "Q", 1250, 0, 1)),
    (600000, "III", 0.015, ("R", "P", 800, 0, 1)),
    (600000, "III", 1.0, ("R", "Q", 1250, 21, 22)),
    (20, "II", 1000, ("C", "B", 3, 44, 45)),
    (200, "II", 150, ("G", "E", 13, 30, 31)),
]


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "expected"),
    TABLE_2A_ROWS,
    ids=[f"{lot}-{level}-aql{aql}" for lot, level, aql, _ in TABLE_2A_ROWS],
)
def test_table_2a_plans(
    lot_size: int, level: str, aql: float, expected: tuple[str, str, int, int, int]
) -> None:
    plan = single_sampling_plan(lot_size, level, aql)
    got = (plan.code_letter, plan.plan_code_letter, plan.sample_size, plan.accept, plan.reject)
    assert got == expected
    assert plan.lot_size == lot_size
    assert plan.level == level
    assert plan.aql == pytest.approx(aql)
    assert not plan.full_inspection


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "sample_size", "accept"),
    [
        (2, "II", 6.5, 2, 0),  # A, n=2 = the whole lot
        (10, "II", 0.65, 10, 0),  # B -> arrow down to F (n=20) > lot: inspect all 10
        (5, "II", 10, 5, 1),  # A -> arrow down past B to C 1/2 (n=5) = lot
        (1, "II", 1.0, 1, 0),  # a single item uses the 2-8 row
        (40, "II", 0.10, 40, 0),  # D -> K (n=125) > lot
    ],
)
def test_full_inspection_keeps_the_plan_numbers(
    lot_size: int, level: str, aql: float, sample_size: int, accept: int
) -> None:
    plan = single_sampling_plan(lot_size, level, aql)
    assert plan.full_inspection
    assert (plan.sample_size, plan.accept, plan.reject) == (sample_size, accept, accept + 1)


def test_every_table_cell_resolves_to_a_plan() -> None:
    lots = [8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000, 150000, 500000, 10**6]
    for lot in lots:
        for level in INSPECTION_LEVELS:
            for aql in AQL_VALUES:
                plan = single_sampling_plan(lot, level, aql)
                assert plan.reject == plan.accept + 1
                assert SAMPLE_SIZES[plan.plan_code_letter] >= plan.sample_size


def test_aql_accepts_equivalent_numbers() -> None:
    assert single_sampling_plan(1000, "II", 0.1) == single_sampling_plan(1000, "II", 0.10)
    assert single_sampling_plan(1000, "II", 10).aql == 10.0


def test_defaults_are_level_ii_and_aql_1() -> None:
    assert single_sampling_plan(1000) == single_sampling_plan(1000, "II", 1.0)


def test_plan_dict_round_trip() -> None:
    plan = single_sampling_plan(50, "II", 1.0)
    data = plan.to_dict()
    assert data == {
        "lot_size": 50, "level": "II", "aql": 1.0, "code_letter": "D", "sample_size": 13,
        "accept": 0, "reject": 1, "plan_code_letter": "E",
    }  # fmt: skip
    assert SamplingPlan.from_dict(data) == plan
    with pytest.raises(InvalidInput, match="missing fields: accept"):
        SamplingPlan.from_dict({k: v for k, v in data.items() if k != "accept"})


def test_plan_code_letter_defaults_to_code_letter() -> None:
    plan = SamplingPlan(
        lot_size=100, level="II", aql=2.5, code_letter="F", sample_size=20, accept=1, reject=2
    )
    assert plan.plan_code_letter == "F"


INVALID_PLAN_ARGS: list[tuple[str, dict[str, Any], str]] = [
    ("lot-zero", {"lot_size": 0}, "lot_size must be a positive integer"),
    ("lot-negative", {"lot_size": -5}, "lot_size must be a positive integer"),
    ("lot-float", {"lot_size": 100.0}, "lot_size must be a positive integer"),
    ("lot-bool", {"lot_size": True}, "lot_size must be a positive integer"),
    ("lot-str", {"lot_size": "100"}, "lot_size must be a positive integer"),
    ("level-iv", {"level": "IV"}, "valid levels: S-1, S-2, S-3, S-4, I, II, III"),
    ("level-lowercase", {"level": "ii"}, "valid levels: S-1, S-2, S-3, S-4, I, II, III"),
    ("level-g2", {"level": "G-2"}, "unknown inspection level 'G-2'"),
    ("level-empty", {"level": ""}, "unknown inspection level"),
    ("aql-between-columns", {"aql": 0.3}, r"valid AQLs \(percent\): 0\.010, 0\.015"),
    ("aql-zero", {"aql": 0}, "unknown AQL 0"),
    ("aql-negative", {"aql": -1.0}, "unknown AQL"),
    ("aql-too-high", {"aql": 2000}, "1000$"),
    ("aql-nan", {"aql": math.nan}, "unknown AQL nan"),
    ("aql-inf", {"aql": math.inf}, "unknown AQL inf"),
    ("aql-bool", {"aql": True}, "unknown AQL True"),
    ("aql-str", {"aql": "1.0"}, "unknown AQL '1.0'"),
]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [(kwargs, message) for _, kwargs, message in INVALID_PLAN_ARGS],
    ids=[case_id for case_id, _, _ in INVALID_PLAN_ARGS],
)
def test_invalid_plan_arguments(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"lot_size": 1000, "level": "II", "aql": 1.0, **kwargs}
    with pytest.raises(InvalidInput, match=message) as info:
        single_sampling_plan(**args)
    assert type(info.value) is InvalidInput
    assert info.value.details["field"] in {"lot_size", "level", "aql"}


@pytest.mark.parametrize("defects", [-1, 1.5, True, "2"], ids=["negative", "float", "bool", "str"])
def test_accept_lot_rejects_bad_defect_counts(defects: Any) -> None:
    with pytest.raises(InvalidInput, match="defects must be a non-negative integer"):
        accept_lot(single_sampling_plan(1000), defects)


@pytest.mark.parametrize("rate", [-0.01, 1.01, math.nan, math.inf, "0.1", None], ids=str)
def test_acceptance_probability_rejects_bad_rates(rate: Any) -> None:
    with pytest.raises(InvalidInput, match=r"defect_rate must be a number in \[0, 1\]"):
        acceptance_probability(single_sampling_plan(1000), rate)


def test_accept_lot_uses_the_acceptance_number() -> None:
    plan = single_sampling_plan(1000, "II", 1.0)  # J, n=80, Ac 2, Re 3
    assert [accept_lot(plan, d) for d in range(5)] == [True, True, True, False, False]


def test_acceptance_probability_exact_values() -> None:
    zero_accept = single_sampling_plan(2, "II", 6.5)  # n=2, Ac=0: Pa = (1-p)^2
    assert acceptance_probability(zero_accept, 0.5) == pytest.approx(0.25)
    one_accept = single_sampling_plan(5, "II", 10)  # n=5, Ac=1: Pa = q^5 + 5 p q^4
    assert acceptance_probability(one_accept, 0.5) == pytest.approx(6 / 32)
    plan = single_sampling_plan(1000, "II", 1.0)  # n=80, Ac=2
    assert acceptance_probability(plan, 0.0) == 1.0
    assert acceptance_probability(plan, 1.0) == 0.0
    assert acceptance_probability(plan, 0.01) == pytest.approx(0.953447, abs=1e-6)


def test_draw_sample_is_deterministic_and_checks_the_lot() -> None:
    ids = [f"item-{i}" for i in range(1000)]
    plan = single_sampling_plan(len(ids), "II", 1.0)
    first = draw_sample(ids, plan, seed=42)
    assert first == draw_sample(tuple(ids), plan, seed=42)
    assert len(first) == 80
    assert len(set(first)) == 80
    assert set(first) <= set(ids)
    assert first != draw_sample(ids, plan, seed=43)
    with pytest.raises(InvalidInput, match="lot of 1000 items, got 999 ids"):
        draw_sample(ids[:-1], plan, seed=42)


def test_draw_sample_full_inspection_takes_everything() -> None:
    ids = list(range(10))
    plan = single_sampling_plan(10, "II", 0.65)
    assert sorted(draw_sample(ids, plan, seed=1)) == ids


# --- invariants ---------------------------------------------------------------------------

lot_sizes = st.integers(min_value=1, max_value=2_000_000)
levels = st.sampled_from(INSPECTION_LEVELS)
aqls = st.sampled_from(AQL_VALUES)


@given(lot_sizes, levels, aqls)
def test_reject_is_accept_plus_one(lot_size: int, level: str, aql: float) -> None:
    plan = single_sampling_plan(lot_size, level, aql)
    assert plan.reject == plan.accept + 1
    assert plan.accept >= 0


@given(lot_sizes, lot_sizes, levels, aqls)
def test_sample_size_non_decreasing_in_lot_size(a: int, b: int, level: str, aql: float) -> None:
    small, large = sorted((a, b))
    plan_small = single_sampling_plan(small, level, aql)
    plan_large = single_sampling_plan(large, level, aql)
    assert plan_small.sample_size <= plan_large.sample_size
    assert plan_small.code_letter <= plan_large.code_letter or plan_small.code_letter == "R"


@given(lot_sizes, aqls)
def test_sample_size_non_decreasing_in_level(lot_size: int, aql: float) -> None:
    sizes = [single_sampling_plan(lot_size, level, aql).sample_size for level in INSPECTION_LEVELS]
    assert sizes == sorted(sizes)


@given(lot_sizes, levels, aqls)
def test_full_inspection_never_exceeds_the_lot(lot_size: int, level: str, aql: float) -> None:
    plan = single_sampling_plan(lot_size, level, aql)
    table_size = SAMPLE_SIZES[plan.plan_code_letter]
    assert 1 <= plan.sample_size <= lot_size
    assert plan.sample_size == min(table_size, lot_size)
    assert plan.full_inspection == (table_size >= lot_size)


@settings(max_examples=200)
@given(
    lot_sizes,
    levels,
    aqls,
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_acceptance_probability_non_increasing_in_defect_rate(
    lot_size: int, level: str, aql: float, p1: float, p2: float
) -> None:
    plan = single_sampling_plan(lot_size, level, aql)
    low, high = sorted((p1, p2))
    pa_low = acceptance_probability(plan, low)
    pa_high = acceptance_probability(plan, high)
    assert 0.0 <= pa_high <= 1.0
    assert 0.0 <= pa_low <= 1.0
    assert pa_high <= pa_low + 1e-12


@given(st.integers(min_value=1, max_value=3000), levels, aqls, st.integers())
def test_draw_sample_is_a_reproducible_subset(
    lot_size: int, level: str, aql: float, seed: int
) -> None:
    plan = single_sampling_plan(lot_size, level, aql)
    ids = list(range(lot_size))
    sample = draw_sample(ids, plan, seed)
    assert sample == draw_sample(ids, plan, seed)
    assert len(sample) == len(set(sample)) == plan.sample_size
    assert set(sample) <= set(ids)


def test_error_lists_exactly_the_table_columns() -> None:
    with pytest.raises(InvalidInput) as info:
        single_sampling_plan(1000, "II", 0.3)
    valid = info.value.details["valid"]
    assert [float(label) for label in valid] == list(AQL_VALUES)
    assert len(valid) == 26
