"""Hypothesis invariants of type-3 recognition: never above the order amount, monotone in
accepted volume, exact at completion; and money storage is exact."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.money import Scaled
from datamill.ledger.recognition import type3_step

cents = st.integers(min_value=1, max_value=10**11).map(lambda c: Decimal(c) / 100)
volume = st.integers(min_value=1, max_value=10**7).map(lambda v: Decimal(v) / 10**4)


@settings(max_examples=300, deadline=None)
@given(amount=cents, est_cost=cents, total=volume,
       cuts=st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1,
                     max_size=12))
def test_type3_recognition_bounded_monotone_exact(
    amount: Decimal, est_cost: Decimal, total: Decimal, cuts: list[float]
) -> None:
    # accepted cumulative volumes: sorted fractions of the total (4 dp), ending at the total
    steps = sorted({min(total, (total * Decimal(str(c))).quantize(Decimal("0.0001")))
                    for c in cuts} | {total})
    revenue = cost = Decimal(0)
    for accepted in steps:
        step = type3_step(total_revenue=amount, estimated_total_cost=est_cost,
                          total_volume=total, accepted_volume=accepted,
                          revenue_so_far=revenue, cost_so_far=cost)
        assert step.revenue >= 0 and step.cost >= 0  # monotone in accepted volume
        revenue += step.revenue
        cost += step.cost
        assert revenue <= amount  # never above the order amount
        assert cost <= est_cost
        assert step.completion <= 1
    assert (revenue, cost) == (amount, est_cost)  # exactly the order at completion


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_money_column_round_trips_exactly(minor: int) -> None:
    money = Scaled(2)
    value = Decimal(minor) / 100
    stored = money.process_bind_param(value, None)  # type: ignore[arg-type]
    assert money.process_result_value(stored, None) == value  # type: ignore[arg-type]
