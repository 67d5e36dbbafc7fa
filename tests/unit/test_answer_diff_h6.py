"""Side-by-side answers with their differences marked (web/answer_diff.py, core/text_units.py):
Chinese by character, English by word, emoji and combining marks whole, NFC-equal text equal."""

from __future__ import annotations

import pytest

from datamill.core.text_units import units
from datamill.web import answer_diff
from datamill.web.answer_diff import marked_runs, side_by_side


@pytest.mark.parametrize("text", ["北京是首都。", "naïve cafe\u0301 👨‍👩‍👧 ok", "a  b\n\tc", "", "🇨🇳🏳️‍🌈"])
def test_units_join_back(text: str) -> None:
    assert "".join(units(text)) == text


def test_chinese_marks_characters_and_english_words() -> None:
    assert marked_runs("我住在北京市。", "我住在上海市。") == [
        (False, "我住在"), (True, "北京"), (False, "市。")]
    assert marked_runs("It is a quiet city.", "It is a busy city.") == [
        (False, "It is a "), (True, "quiet"), (False, " city.")]


def test_emoji_and_combining_marks_stay_whole() -> None:
    family, other = "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👦"
    assert marked_runs(f"hi {family}!", f"hi {other}!") == [
        (False, "hi "), (True, family), (False, "!")]
    # "é" typed as e + U+0301 is the other answer's "é": nothing marked
    assert marked_runs("cafe\u0301 ok", "café ok") == [(False, "cafe\u0301 ok")]


def test_three_answers_each_against_the_first() -> None:
    cols = side_by_side(["red car", "blue car", "red bike"])
    assert cols == [[(True, "red"), (False, " car")], [(True, "blue"), (False, " car")],
                    [(False, "red "), (True, "bike")]]
    assert side_by_side(["alone"]) == [[(False, "alone")]]


def test_a_middle_too_big_to_compare_is_marked_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answer_diff, "MAX_CELLS", 4)
    assert marked_runs("head a b c tail", "head x y z tail") == [
        (False, "head "), (True, "a b c"), (False, " tail")]


def test_an_ocr_reading_is_marked_by_character() -> None:
    """h15: a text line's readings differ in a letter; by word the whole "EXIT" was marked."""
    assert side_by_side(["出口 EXIT", "出日 EXlT"], by_character=True) == [
        [(False, "出"), (True, "口"), (False, " EX"), (True, "I"), (False, "T")],
        [(False, "出"), (True, "日"), (False, " EX"), (True, "l"), (False, "T")]]
    assert marked_runs("e\u0301 👍🏽", "é 👍", by_character=True) == [
        (False, "e\u0301 "), (True, "👍🏽")]  # NFC-equal; an emoji with its modifier whole
