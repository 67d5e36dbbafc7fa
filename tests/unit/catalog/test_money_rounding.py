"""Issue 10 §2: the catalog rounds money with the house rule (half-up to cents, core.money),
not Decimal's default half-even: a price of 0.125 is 0.13 as everywhere else."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from datamill.catalog.datasets import _money
from datamill.core.money import to_cents


def test_half_a_cent_rounds_up() -> None:
    assert _money("0.125", "price") == Decimal("0.13")
    assert _money(0.005, "price") == Decimal("0.01")
    assert _money("2.675", "price") == Decimal("2.68")


@given(st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False))
def test_catalog_money_is_core_money(value: Decimal) -> None:
    assert _money(str(value), "price") == to_cents(value)
