"""Trial h14: overlap aggregation is bounded and asks what it used to take unasked.

* Objects stacked in one place were compared in every pair: 200 stacked polygons a side took
  3.2 to 10 s, 500 stacked cuboids 28 s in one submit. Above ``MAX_CANDIDATE_PAIRS`` candidate
  pairs of one kind, the kind is one ``crowded:<kind>`` question (count and digest of each
  annotator's objects): equal sets agree and merge as the first answer's, any difference is a
  split worded on the review page.
* zh-CN: the split refusal said 验收 (the customer's acceptance) for the reviewer's accept.
"""

from __future__ import annotations

import time
from typing import Any

from datamill.modalities._crowding import MAX_CANDIDATE_PAIRS
from datamill.modalities.registry import get_modality
from datamill.qc.aggregating import _majority, split_units
from datamill.web.i18n import translator
from datamill.web.routes._common import templates

_STACK = 101  # 101 x 101 candidate pairs > MAX_CANDIDATE_PAIRS (10,000)


def _polygons(n: int, label: str = "p") -> dict[str, Any]:
    return {"objects": [{"kind": "polygon", "label": label,
                         "points": [[10 + i * 0.01, 10], [60, 10], [60, 60], [10, 60]]}
                        for i in range(n)]}


def _cuboids(n: int, label: str = "car") -> dict[str, Any]:
    return {"objects": [{"label": label, "x": 1 + i * 0.001, "y": 2.0, "z": 0.0, "length": 4.0,
                         "width": 2.0, "height": 1.5, "yaw": 0.3} for i in range(n)]}


def test_stacked_objects_are_one_question_in_bounded_time() -> None:
    assert _STACK * _STACK > MAX_CANDIDATE_PAIRS
    for modality, make, kind in (("image", _polygons, "polygon"),
                                 ("pointcloud", _cuboids, "cuboid")):
        plugin = get_modality(modality)
        same = plugin.region_units({1: make(_STACK), 2: make(_STACK)})
        assert [(a, k) for a, k, _v in same] == [(1, f"crowded:{kind}"), (2, f"crowded:{kind}")]
        assert split_units(same) == {} and _majority(same)[1] == 1.0  # the same objects agree
        started = time.perf_counter()
        differ = plugin.region_units({1: make(_STACK), 2: make(_STACK, label="other")})
        assert list(split_units(differ)) == [f"crowded:{kind}"]  # a split for the reviewer
        merged = plugin.merge_aggregate([make(_STACK), make(_STACK)], {})
        assert len(merged["objects"]) == _STACK  # the first answer's
        assert time.perf_counter() - started < 3.0  # was 2-10 s for units alone, now ~0.2 s


def test_a_normal_scene_is_still_grouped_object_by_object() -> None:
    plugin = get_modality("image")
    units = plugin.region_units({1: _polygons(3), 2: _polygons(3)})
    assert {k.split(":")[0] for _a, k, _v in units} == {"polygon"}


def test_the_crowded_question_is_worded_for_the_reviewer() -> None:
    table = templates.env.get_template("_split_answers.html")
    split = [{"key": "crowded:polygon", "start": None, "end": None, "head": None, "tail": None,
              "box": None, "shape": None,
              "answers": [{"username": "mei", "label": "101 × 1a2b3c4d"},
                          {"username": "jun", "label": "101 × 9f8e7d6c"}]}]
    html = table.render(split=split, t=translator("en"))
    assert "Stacked polygons: too many overlapping to match one by one" in html
    assert "101 × 9f8e7d6c" in html
    assert "堆叠的多边形" in table.render(split=split, t=translator("zh-CN"))


def test_zh_cn_split_refusal_says_review_not_customer_acceptance() -> None:
    from datamill.modalities._reason_words import ZH_CN_REASONS

    words = ZH_CN_REASONS["unresolved_split"]
    assert "验收" not in words and "审核通过" in words


def _cloud(runs: list[list[int]]) -> dict[str, Any]:
    return {"objects": [], "point_labels": runs}


def test_point_labels_are_asked_and_merged_by_per_point_majority() -> None:
    plugin = get_modality("pointcloud")
    road, car = [[40, 1000]], [[40, 900], [10, 100]]  # 10% of the points differ
    two = plugin.region_units({1: _cloud(road), 2: _cloud(car)})
    assert list(split_units(two)) == ["points"]  # was no question: the first answer's kept
    three = plugin.region_units({1: _cloud(road), 2: _cloud(car), 3: _cloud(road)})
    decided, confidence = _majority([r for r in three if r[1] == "points"])
    assert (decided, round(confidence, 3)) == ({"points": "agree"}, 0.667)
    merged = plugin.merge_aggregate([_cloud(car), _cloud(road), _cloud(road)], {})
    assert merged["point_labels"] == [[40, 1000]]  # was the first answer's (car)
    edge = plugin.region_units({1: _cloud(road), 2: _cloud([[40, 990], [10, 10]])})  # 1%
    assert split_units(edge) == {}
    assert not plugin.region_units({1: _cloud([]), 2: _cloud([])})  # nobody segmented


def test_point_label_split_is_worded_for_the_reviewer() -> None:
    table = templates.env.get_template("_split_answers.html")
    split = [{"key": "points", "start": None, "end": None, "head": None, "tail": None,
              "box": None, "shape": None, "answers": [{"username": "mei", "label": "agree"},
                                                      {"username": "jun", "label": "10.0% · #3e"}]}]
    html = table.render(split=split, t=translator("en"))
    assert "Point labels (segmentation)" in html and "agrees with the per-point majority" in html
    assert "与逐点多数一致" in table.render(split=split, t=translator("zh-CN"))


def _speech(speaker: str, end_ms: int = 1000) -> list[dict[str, Any]]:
    return [{"start_ms": 0, "end_ms": end_ms, "text": "hello world", "speaker": speaker}]


def test_speech_speakers_and_boundaries_are_asked() -> None:
    plugin = get_modality("speech.asr")
    same = plugin.region_units({1: _speech("A"), 2: _speech("A", end_ms=1150)})
    assert split_units(same) == {}  # within 200 ms: agreed
    speakers = plugin.region_units({1: _speech("A"), 2: _speech("B")})
    assert split_units(speakers) == {"segments": {"A 0.00–1.00 s": 1, "B 0.00–1.00 s": 1}}
    cut = plugin.region_units({1: _speech("A"), 2: _speech("A", end_ms=1500)})
    assert list(split_units(cut)) == ["segments"]  # was agreement: only the text compared
    merged = plugin.merge_aggregate([_speech("B"), _speech("A"), _speech("A")],
                                    {"transcript": "hello world",
                                     "segments": "A 0.00–1.00 s"})
    assert merged[0]["speaker"] == "A"
