"""Trial h6 (M2, known from the round before): an image refusal's ``field`` came in two
spellings. A document that does not parse said ``"field": "points.2.visibility"`` (inside the
object) with the message ``objects.0.keypoints.points.2.visibility: ...`` (pydantic's path with
the union's tag), while the meaning checks said ``"field": "objects[1].w"``. Every problem now
spells its field as the whole path, indices in brackets (``objects[0].points[2].visibility``,
what text, LLM and point-cloud problems already write), its message starts with it, and its
sentence names the object by number and label, then the field inside it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_problem
from datamill.modalities.registry import get_modality

PLUGIN = get_modality("image")
REQ = PLUGIN.requirements_model.model_validate({
    "image": {"allowed_formats": ["PNG"], "max_pixels": 10**6, "min_width": 1, "min_height": 1,
              "min_aspect_ratio": 0.1, "max_aspect_ratio": 10, "min_sharpness": 0,
              "max_overexposed_fraction": 1, "max_underexposed_fraction": 1,
              "min_mean_luminance": 0, "max_mean_luminance": 255, "max_duplicate_distance": 0},
    "labels": {"labels": [{"name": "person", "kinds": ["box", "keypoints"], "skeleton": "body"}],
               "skeletons": [{"name": "body", "keypoints": ["head", "neck"]}]},
    "iou_threshold": 0.5})
SIZE = {"width": 640, "height": 480}
PATH = re.compile(r"objects\[\d+\](\.[a-z_]+(\[\d+\])*)+")


def _problems(*objects: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as err:
        PLUGIN.validate_annotation({"objects": list(objects)}, SIZE, REQ)
    return list(err.value.details["problems"])


def _kp(visibility: int, x: float = 10) -> dict[str, Any]:
    return {"kind": "keypoints", "label": "person", "skeleton": "body",
            "points": [{"x": x, "y": 10, "visibility": 2}, {"x": 20, "y": 20,
                                                            "visibility": visibility}]}


def test_a_parse_problem_and_a_meaning_problem_spell_their_field_alike() -> None:
    box = {"kind": "box", "label": "person", "x": 5, "y": 1, "w": 10, "h": 10}
    [parsed] = _problems(_kp(3), box)  # a visibility 3 does not parse
    [meant] = _problems(_kp(2, x=700), {**box, "w": 1000})[:1]  # a keypoint past the edge
    assert parsed["field"] == "objects[0].points[1].visibility", parsed
    assert meant["field"] == "objects[0].points", meant
    for p in (parsed, meant):
        assert PATH.fullmatch(p["field"]), p
        assert p["message"].startswith(f"{p['field']}: "), p
        assert "keypoints.points" not in p["message"], p  # no union tag in the path
    assert word_problem(parsed, "en") == ("object 1 (person): the value of "
                                          "“points[1].visibility” is not allowed (one of 0, 1, 2)")
    said = word_problem(parsed, "zh-CN")
    assert said.startswith("第 1 个对象（person）：“points[1].visibility”"), said


def test_every_field_of_a_mixed_refusal_is_a_whole_path() -> None:
    problems = _problems(
        {"kind": "box", "label": "person", "x": "5", "y": 1, "w": -1, "h": 10},
        {"kind": "mask", "label": "person", "rle": {"size": [480, 640], "counts": [1.5]}},
    )
    fields = [p["field"] for p in problems]
    assert "objects[0].x" in fields and "objects[0].w" in fields, fields
    assert "objects[1].rle.counts[0]" in fields, fields
    assert all(PATH.fullmatch(f) for f in fields), fields
