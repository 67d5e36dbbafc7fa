"""Corpus design service: each filter rejects with its reason, readability ordering, coverage
report and curves, validation."""

from __future__ import annotations

import itertools

import pytest

from datamill.core.errors import InvalidInput
from datamill.corpus.analysis import Filters, analyse, readability
from datamill.corpus.dedup import find_duplicates
from datamill.corpus.design import DesignOptions, design_corpus, parse_units, read_pool


def _codes(text: str, lang: str, **filters: object) -> list[str]:
    return [r["code"] for r in analyse(0, text, lang, Filters(**filters)).reasons]  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "lang", "filters", "code"), [
    ("Hello there.", "en", {}, "too_short"),
    ("one two three four five six", "en", {"max_length": 5}, "too_long"),
    ("I bought 3 apples at the market.", "en", {}, "digits"),
    ("We had a coffee at the café today.", "en", {}, "rare_char"),
    ("The wug gorped the blicket quickly.", "en", {}, "oov"),
    ("What a damn fine morning it is.", "en", {"sensitive": ("damn",)}, "sensitive"),
    ("你好。", "zh", {}, "too_short"),
    ("我有３个苹果和两个梨。", "zh", {}, "digits"),  # full-width digit
    ("魑魅魍魉是古书里的怪物。", "zh", {}, "rare_char"),
    ("我们今天用Python写程序。", "zh", {}, "latin"),
    ("这句话里有一个坏词语。", "zh", {"sensitive": ("坏词",)}, "sensitive"),
])
def test_each_filter_rejects_with_its_reason(text: str, lang: str, filters: dict[str, object],
                                            code: str) -> None:
    assert code in _codes(text, lang, **filters)


def test_latin_letters_are_their_own_reason_not_rare_characters() -> None:
    """A trial's Mandarin pool: 'WiFi' was reported as rare characters (生僻字符)."""
    reasons = analyse(0, "我们用ＷｉＦｉ和GPS导航。", "zh", Filters()).reasons
    assert reasons == [{"code": "latin", "detail": "WiFi GPS"}]
    assert _codes("魑魅魍魉是古书里的怪物。", "zh") == ["rare_char"]


def test_clean_sentences_pass() -> None:
    assert _codes("Please close the window before you leave.", "en") == []
    assert _codes("今天天气很好，我们去公园散步吧。", "zh") == []
    # a sensitive word only matches whole words in English
    assert _codes("The class assessment went well today.", "en", sensitive=("ass",)) == []


def test_duplicates_and_near_duplicates_keep_the_first() -> None:
    texts = ["Please close the window before you leave the house.",
             "please close the window, before you leave the house!",
             "Please close the window before you leave your house.",
             "Something entirely different is written here."]
    found = find_duplicates(texts, "en", 0.8)
    assert found[1][:2] == ("duplicate", 0)
    assert found[2][:2] == ("near_duplicate", 0) and found[2][2] >= 0.8
    assert 3 not in found and 0 not in found
    assert 2 not in find_duplicates(texts, "en", 1.0)


def test_readability_short_common_beats_long_rare() -> None:
    easy_en, _ = readability("The dog ran home.", "en")
    hard_en, _ = readability("Incomprehensibility characterizes institutional "
                             "administrative documentation extraordinarily.", "en")
    assert easy_en > hard_en
    easy_zh, _ = readability("我们去公园。", "zh")
    hard_zh, d = readability("魑魅魍魉与饕餮在氤氲缭绕的幽邃峡谷里踟蹰徘徊，觊觎着遥远的星辰。", "zh")
    assert easy_zh > hard_zh
    assert d["rare_characters"] > 5


POOL_EN = [
    "The quick brown fox jumps over the lazy dog.",
    "She sells sea shells by the sea shore.",
    "Please close the window before you leave.",
    "I bought 3 apples.",
    "A big black bug bit a big black bear.",
    "Thank you for the lovely evening together.",
    "The church bells ring on Sunday morning.",
    "Treasure hunting is a pleasure in the summer.",
]


def test_design_report_has_units_coverage_curves_and_rejections() -> None:
    r = design_corpus(POOL_EN, DesignOptions("en", 3, parse_units("phone,diphone:2", "en")))
    assert len(r["chosen"]) == 3 and r["stopped"] == "n"
    assert [c["rank"] for c in r["chosen"]] == [1, 2, 3]
    assert set(r["chosen"][0]["units"]) == {"phone", "diphone"}
    assert r["pool"] == {"sentences": 8, "eligible": 7, "rejected": 1,
                         "rejected_by_reason": {"digits": 1}}
    assert r["rejected"][0]["line"] == 4
    ph = r["coverage"]["phone"]
    assert ph["inventory"] == 39 and ph["covered"] <= ph["available"] <= 39
    assert r["coverage"]["diphone"]["inventory"] is None
    for kind, c in r["curves"].items():
        assert len(c["chosen"]) == len(c["random"]) == 3
        assert c["chosen"][-1] == r["coverage"][kind]["covered"]
        assert all(a <= b for a, b in itertools.pairwise(c["chosen"]))
    # greedy is at least as good as the random set of the same size at its first pick
    assert r["curves"]["diphone"]["chosen"][0] >= r["curves"]["diphone"]["random"][0]
    # deterministic
    assert design_corpus(POOL_EN, DesignOptions("en", 3, {"phone": 1, "diphone": 2})) == r


def test_design_zh_units_and_inventory() -> None:
    pool = ["今天天气很好，我们去公园散步吧。", "他在银行工作了三年。", "小明喜欢在周末读书和画画。",
            "这里的风景非常美丽，吸引了很多游客。"]
    r = design_corpus(pool, DesignOptions("zh", 2, {"syllable": 1, "initial": 1, "final": 1}))
    syl = r["coverage"]["syllable"]
    assert syl["inventory"] > 1000 and syl["covered_in_inventory"] == syl["covered"]
    assert r["coverage"]["initial"]["inventory"] >= 21
    chosen = {u for c in r["chosen"] for u in c["units"]["syllable"]}
    assert len(chosen) == syl["covered"]
    assert set(syl["not_chosen"]).isdisjoint(chosen)
    assert "hao3" in chosen | set(syl["not_chosen"])


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lang": "fr"}, "lang"),
    ({"n": 0}, "n"),
    ({"units": {"syllable": 1.0}}, "units"),  # not an English kind
    ({"units": {"phone": 0.0}}, "units"),
    ({"target": 1.5}, "target"),
])
def test_invalid_options_are_refused(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {"lang": "en", "n": 2, "units": {"phone": 1.0}}
    with pytest.raises(InvalidInput) as err:
        design_corpus(POOL_EN, DesignOptions(**{**base, **kwargs}))  # type: ignore[arg-type]
    assert err.value.details["field"] == field


def test_pool_reading() -> None:
    assert read_pool("a b c\n\n  d e f  \r\n") == ["a b c", "d e f"]
    with pytest.raises(InvalidInput):
        read_pool("a\x00b")
    with pytest.raises(InvalidInput):
        design_corpus([], DesignOptions("en", 1, {"phone": 1.0}))
    with pytest.raises(InvalidInput):
        parse_units("phone:x", "en")
