"""Debt from the all-problems-at-once round: a point-cloud annotation was checked in stages, the
parse first (a negative size, a missing coordinate), the label schema and the cloud only once
it parsed. An annotator who fixed the one size refused was told next of an unknown label on
another box, then of a box outside the cloud: one round trip per problem. Now the refusal names
the parse's problems and those of every part that parses (each other object, the scene classes,
the point labels) in one answer, as a spec's refusal does."""

from __future__ import annotations

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.schema import PointCloudRequirements
from datamill.modalities.problem_words import word_problem
from tests.unit.modalities.pointcloud.test_conformance import REQUIREMENTS
from tests.unit.modalities.pointcloud.test_cuboids import BOUNDS, CAR

PLUGIN = PointCloudPlugin()
REQ = PointCloudRequirements.model_validate(REQUIREMENTS)


def test_every_problem_of_a_submitted_cloud_annotation_comes_at_once() -> None:
    payload = {"objects": [{**CAR, "id": "a", "length": -1},       # the parse refuses it
                           {**CAR, "id": "b", "label": "tree"},     # no such label
                           {**CAR, "id": "c", "x": 500},            # outside the cloud
                           {**CAR, "id": "d"}],                     # fine
               "classes": ["nowhere"]}                              # no such scene class
    with pytest.raises(InvalidInput) as refused:
        PLUGIN.validate_annotation(payload, BOUNDS, REQ)
    problems = refused.value.details["problems"]
    found = {(p.get("object_id"), p["code"]) for p in problems}
    assert ("b", "label_unknown") in found, problems
    assert ("c", "outside_cloud") in found, problems
    assert (None, "class_unknown") in found, problems
    assert ("a", "size_not_positive") in found, problems  # the parse's, by object id
    assert not any(p.get("object_id") == "d" for p in problems)
    message = str(refused.value)
    assert "unknown label 'tree'" in message and "lies outside the cloud" in message
    for problem in problems:  # each worded for a Chinese reader too
        zh = word_problem(problem, "zh-CN")
        assert zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh), problem


def test_a_well_formed_annotation_is_judged_as_before() -> None:
    with pytest.raises(InvalidInput) as refused:
        PLUGIN.validate_annotation({"objects": [{**CAR, "label": "tree"}]}, BOUNDS, REQ)
    assert [p["code"] for p in refused.value.details["problems"]] == ["label_unknown"]
    doc = PLUGIN.validate_annotation({"objects": [CAR]}, BOUNDS, REQ)
    assert doc.payload["objects"][0]["id"] == "o1"
