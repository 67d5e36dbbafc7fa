"""Found by a trial finance clerk under ``DATAMILL_LANG=zh-CN``: ``ledger invoice --amount 1e3``
was refused in English ("amount '1e3' is in exponent notation ...") while every other refusal of
the amount read in Chinese: the number's own refusals carried no reason code. Now they do."""

from __future__ import annotations

from decimal import Decimal

import pytest

from datamill.core.errors import InvalidInput
from datamill.core.money import parse_money
from datamill.modalities.problem_words import word_reason


@pytest.mark.parametrize(("typed", "code", "zh"), [
    ("1e3", "number_exponent", "科学计数法"),
    ("abc", "not_a_number", "不是数字"),
    ("NaN", "number_not_finite", "不是有限的数"),
])
def test_a_number_refused_as_typed_reads_in_chinese(typed: str, code: str, zh: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_money(typed, "amount")
    assert err.value.details["reason_code"] == code
    words = word_reason(err.value.details, "zh-CN")
    assert words is not None and zh in words and typed in words, words


def test_a_foreign_amount_shows_its_currency_minor_unit() -> None:
    """``ledger invoice`` on a JPY order printed ``333,333.00 JPY`` (the yen has no minor
    unit, ISO 4217)."""
    from datamill.core.shown_numbers import shown_money

    assert shown_money(Decimal("333333"), "JPY") == "333,333"  # was 333,333.00
    assert shown_money(Decimal("1.5"), "KWD") == "1.500"
    assert shown_money(Decimal("-0.001")) == "0.00"
