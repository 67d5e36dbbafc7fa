"""The one catalogue of coded refusals (``modalities.problem_words``): complete in both
languages, the caller's language read from ``Accept-Language``, objects counted from 1 and a
code the catalogue lacks left in the modality's English."""

from __future__ import annotations

import re

import pytest

from datamill.modalities.problem_words import (
    EN_PROBLEMS,
    ZH_CN_PROBLEMS,
    problem_language,
    word_problem,
    word_problems,
)


def test_every_sentence_has_a_chinese_twin_naming_the_same_values() -> None:
    assert set(EN_PROBLEMS) == set(ZH_CN_PROBLEMS)
    for key, english in EN_PROBLEMS.items():
        names = set(re.findall(r"\{(\w+)\}", english))
        assert names == set(re.findall(r"\{(\w+)\}", ZH_CN_PROBLEMS[key])), key


@pytest.mark.parametrize(("header", "lang"), [
    (None, "en"), ("", "en"), ("zh-CN", "zh-CN"), ("zh-TW;q=0.9, en;q=0.8", "zh-CN"),
    ("en-GB,zh-CN;q=0.5", "en"), ("fr, zh;q=0.3", "zh-CN"), ("de", "en")])
def test_the_language_comes_from_accept_language(header: str | None, lang: str) -> None:
    assert problem_language(header) == lang


def test_an_object_is_named_from_1_and_a_kind_in_the_readers_words() -> None:
    p = {"code": "kind_not_allowed", "message": "objects[0].kind: no", "object": 0,
         "number": 1, "label": "person", "kind": "box"}
    assert word_problem(p, "zh-CN") == "第 1 个对象（person）：该标签不能绘制为矩形框"
    assert word_problem(p, "en") == "object 1 (person): this label may not be drawn as a box"
    by_id = {**p, "object_id": "o7"}
    assert word_problem(by_id, "zh-CN") == "对象 o7（person）：该标签不能绘制为矩形框"


def test_what_the_catalogue_cannot_word_keeps_the_english() -> None:
    unknown = {"code": "brand_new", "message": "objects[0].x: brand new"}
    short = {"code": "attribute_required", "message": "objects[0].attributes: missing"}  # no name
    worded = word_problems([unknown, short], "zh-CN")
    assert worded is not None
    problems, said = worded
    assert said == "objects[0].x: brand new；objects[0].attributes: missing"
    assert [p["code"] for p in problems] == ["brand_new", "attribute_required"]
    assert word_problems(["a plain string"], "zh-CN") is None  # not coded: left alone
    assert word_problems([], "en") is None
