"""The speaking-rate check's syllable count: a number in a Chinese prompt counts the syllables of
its Mandarin reading (years digit by digit, amounts by place), not one per digit (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech.prompt_rate import prompt_syllables, speaking_rate_outcome

_DIGITS = "零一二三四五六七八九"
_PLACES = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))


def _said_by_place(n: int) -> str:
    """1..99999 as said in Mandarin (the test's own oracle): 一万零一十五, 十五, 三百."""
    out, zero, rest = "", False, n
    for value, unit in _PLACES:
        digit, rest = divmod(rest, value)
        if digit:
            out += ("零" if zero else "") + ("" if (unit == "十" and digit == 1 and not out)
                                              else _DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out + (("零" if zero else "") + _DIGITS[rest] if rest else "")


@pytest.mark.parametrize(("prompt", "syllables"), [
    ("2026年", 5),                  # a year: 二零二六年
    ("300人", 3),                   # an amount: 三百人 (one per digit said 4)
    ("30年前", 4),                  # a count of years: 三十年前, not 三零年前
    ("我在2026年买了300本书。", 13),  # 我在 二零二六年 买了 三百本书
    ("电话13812345678", 13),        # a phone number, digit by digit
    ("12345元", 10),                # 一万二千三百四十五元
    ("3.5公斤", 5),                 # 三点五公斤
    ("50%的人", 7),                 # 百分之五十的人
    ("1,000元", 3),                 # 一千元
    ("２０２６年", 5),              # full-width digits
    ("编号007", 5),                 # a code: 编号零零七
    ("打开WiFi，然后连接到打印机。", 12),  # no number: as before
])
def test_a_number_in_a_chinese_prompt_counts_as_said(prompt: str, syllables: int) -> None:
    assert prompt_syllables(prompt) == (syllables, True)


def test_a_number_outside_chinese_counts_one_per_digit() -> None:
    assert prompt_syllables("Route 66") == (4, False)  # Rou-te 6 6: unchanged
    assert prompt_syllables("2026年です") == (7, True)  # Japanese: not read as Mandarin


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 99999), unit=st.sampled_from(["人", "个", "元", "本书"]))
def test_an_amount_counts_the_syllables_of_its_reading(n: int, unit: str) -> None:
    said = f"他有{_said_by_place(n)}{unit}"
    assert prompt_syllables(f"他有{n}{unit}") == prompt_syllables(said) == (len(said), True)


@settings(max_examples=100, deadline=None)
@given(year=st.integers(1000, 9999), years=st.integers(1, 999))
def test_a_year_is_read_digit_by_digit_and_a_count_of_years_by_place(year: int, years: int) -> None:
    assert prompt_syllables(f"{year}年") == (5, True)
    assert prompt_syllables(f"{years}年") == (len(_said_by_place(years)) + 1, True)


def test_the_speaking_rate_uses_the_reading() -> None:
    outcomes = [CheckOutcome(name="duration", passed=True, value=1000.0),
                CheckOutcome(name="leading_silence", passed=True, value=0.0),
                CheckOutcome(name="trailing_silence", passed=True, value=0.0)]
    # 二万人, 3 syllables in one second; counted one per digit it was 6
    outcome = speaking_rate_outcome("20000人", outcomes)
    assert (outcome.passed, outcome.value, outcome.extra["syllables"]) == (True, 3.0, 3)
