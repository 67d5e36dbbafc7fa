"""Trial (Chinese autonomous-driving team, item 4): zh-CN refusals of a document that does not
parse embedded pydantic's English and its type path: "“x”无效（Input should be a finite
number）", "“rle.counts.tuple[int, ...].0”无效（Input should be a valid integer, got a number
with a fractional part）". The common pydantic error types now have their own codes and
sentences, and the field is named without pydantic's type segments; the English ``message``
stays for API clients."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from datamill.core.errors import InvalidInput
from datamill.modalities.image.plugin import _parse as parse_image
from datamill.modalities.parse_problems import validation_problems
from datamill.modalities.pointcloud.plugin import parse_annotation
from datamill.modalities.problem_words import word_problem

_LATIN = "abcdefghijklmnopqrstuvwxyz"


def _refused(parse: Any, payload: Any) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as err:
        parse(payload)
    return list(err.value.details["problems"])


def test_a_cuboid_at_infinity_is_refused_in_chinese() -> None:
    cuboid = {"id": "c1", "label": "car", "x": float("inf"), "y": 0, "z": 0, "length": 4,
              "width": 2, "height": 1.5}
    [p] = _refused(parse_annotation, {"objects": [cuboid]})
    assert p["code"] == "number_not_finite" and p["field"] == "objects[0].x", p
    assert "finite number" in p["message"]  # the English stays for API clients
    said = word_problem(p, "zh-CN")
    assert "有限" in said and "Input" not in said, said


def test_a_fractional_mask_count_names_the_field_without_type_segments() -> None:
    mask = {"kind": "mask", "label": "road", "rle": {"size": [2, 2], "counts": [1.5, 3]}}
    problems = _refused(parse_image, {"objects": [mask]})
    fields = {p["field"] for p in problems}
    # the whole path, as the meaning checks spell it (trial h6: it was "rle.counts.0")
    assert "objects[0].rle.counts[0]" in fields, problems
    assert not any("tuple" in f or "int," in f for f in fields), fields
    p = next(p for p in problems if p["field"] == "objects[0].rle.counts[0]")
    assert p["code"] == "number_not_whole", p
    said = word_problem(p, "zh-CN")
    assert "整数" in said and "Input" not in said and "tuple" not in said, said


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int
    x: float
    name: str
    kind: Literal["a", "b"]
    tags: list[str] = Field(min_length=1, max_length=2)
    score: float = Field(ge=0, le=1)


@pytest.mark.parametrize(("payload", "field"), [
    ({"n": "x"}, "n"),  # int_parsing
    ({"n": 1.5}, "n"),  # int_from_float
    ({"x": "y"}, "x"),  # float_parsing
    ({"name": 3}, "name"),  # string_type
    ({"kind": "c"}, "kind"),  # literal_error
    ({"tags": []}, "tags"),  # too_short
    ({"tags": ["a", "b", "c"]}, "tags"),  # too_long
    ({"score": -1}, "score"),  # greater_than_equal
    ({"score": 2}, "score"),  # less_than_equal
    ({"other": 1}, "other"),  # extra_forbidden
    ({}, "n"),  # missing
])
def test_common_pydantic_errors_read_in_chinese(payload: dict[str, Any], field: str) -> None:
    good = {"n": 1, "x": 1.0, "name": "a", "kind": "a", "tags": ["a"], "score": 0.5}
    doc = {**good, **payload} if payload else {k: v for k, v in good.items() if k != "n"}
    with pytest.raises(ValidationError) as err:
        _Doc.model_validate(doc)
    [p] = [p for p in validation_problems(err.value, doc) if p["field"] == field]
    assert p["code"] not in ("invalid_value", "wrong_type"), p
    said = word_problem(p, "zh-CN")
    assert "Input" not in said and "should" not in said, said
    assert any("\u4e00" <= ch <= "\u9fff" for ch in said), said
    named = said.replace(field, "").replace(str(p.get("allowed", "")), "")  # the values, as given
    assert not any(ch in _LATIN for ch in named), said
