"""Trial 11, M3: a sheet's quantities add up to the accepted volume, never more.

On the old code each line was rounded up on its own (0.02455 h → 0.0246, 0.01985 h → 0.0199):
the sheet settled 0.0445 h for 0.0444 h accepted and the purchase order counted 0.0445 h."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.workforce.settlement import create_settlement_sheet
from datamill.workforce.sheet_quantities import RunningQuantities
from tests.unit.workforce.test_settlement_properties import WEEKS, _build

_Q4 = Decimal("0.0001")


def _hours(ms: int) -> Decimal:
    return (Decimal(ms) / Decimal(3_600_000)).quantize(_Q4, rounding=ROUND_HALF_UP)


def _sheet_quantities(runtime: Runtime, durations: list[tuple[int, int]]) -> tuple[Decimal, int]:
    s = runtime.sessions()
    try:
        vendor_id, _, _ = _build(s, [("accepted", who, 0, ms) for who, ms in durations])
        admin = s.scalars(select(User).where(User.username == "boss")).one()
        sheet = create_settlement_sheet(s, admin, vendor_id, WEEKS[0])
        return sum((ln.quantity for ln in sheet.lines), Decimal(0)), len(sheet.lines)
    finally:
        s.rollback()
        s.close()


def test_the_trial_lines_add_up_to_the_accepted_hours(runtime: Runtime) -> None:
    settled, lines = _sheet_quantities(runtime, [(0, 88_380), (1, 71_460)])
    assert lines == 2
    assert settled == _hours(88_380 + 71_460) == Decimal("0.0444")  # not 0.0246 + 0.0199


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(1, 3_600_000)), min_size=1, max_size=8))
def test_settled_never_exceeds_accepted(runtime: Runtime, durations: list[tuple[int, int]]) -> None:
    settled, _ = _sheet_quantities(runtime, durations)
    accepted = sum(ms for _, ms in durations)
    assert settled == _hours(accepted)
    assert settled <= Decimal(accepted) / Decimal(3_600_000) + _Q4 / 2


@given(st.lists(st.fractions(min_value=0, max_value=100, max_denominator=3_600_000),
                min_size=1, max_size=30))
def test_running_quantities_sum_then_round(exact: list[Fraction]) -> None:
    running = RunningQuantities()
    printed = [running.take("k", q) for q in exact]
    total = sum(exact, Fraction(0))
    whole = (Decimal(total.numerator) / Decimal(total.denominator)).quantize(
        _Q4, rounding=ROUND_HALF_UP)
    assert sum(printed, Decimal(0)) == whole
    for p, q in zip(printed, exact, strict=True):  # each line within 0.0001 of its own
        assert abs(Decimal(q.numerator) / Decimal(q.denominator) - p) <= _Q4
