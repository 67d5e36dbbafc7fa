"""One rule for a share shown as a percentage on every face (``shown_percent``): the budget
page showed a budgeted margin of -0.049674 as ``-5.0%`` while its approval reason said
``-4.97%``, and the CLI's plan deviations had two places where the page had one."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from datamill.core import shown_numbers
from datamill.core.shown_numbers import shown_percent
from datamill.web.ledger_text import percent


@pytest.mark.parametrize(("value", "signed", "shown"), [
    (Decimal("-0.049674"), False, "-4.97%"), ("0.20", False, "20%"), (0.125, False, "12.50%"),
    (Decimal("0.9716346"), False, "97.16%"), (Decimal("-0.00001"), False, "0%"),
    (Decimal("0.000049"), False, "0%"), (Decimal("0.00005"), False, "0.01%"),
    (None, False, "–"), ("0.049674", True, "+4.97%"), ("-0.1", True, "-10%"),
    (Decimal("-0.000001"), True, "0%"),
])
def test_shown_percent(value: object, signed: bool, shown: str) -> None:
    assert shown_percent(value, signed=signed) == shown  # type: ignore[arg-type]


def test_the_reasons_and_the_rows_share_the_rule() -> None:
    for v in ("-0.049674", "0.125", "0.2", "-0.047000"):
        assert percent(v) == shown_percent(v)
    assert doctest.testmod(shown_numbers).failed == 0
