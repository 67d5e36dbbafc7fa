"""Trial 10 (M2, L1). M2: an image annotation that did not parse (a box of width -5, a
polygon of 2 points) was refused in English only and without ``problems`` ("not an image
annotation: objects.0.box.w: Input should be greater than 0"), against the README's promise
that every refusal carries coded ``problems`` and ``detail`` in the caller's language. The
parse step of the image, text, LLM and point-cloud modalities now refuses with coded problems
(``box_size_not_positive``, ``polygon_too_few_points``, ``field_missing`` ...) worded per
language, the object named as the workbench's list names it. L1: a box past the right and the
bottom edge read "第 1 个对象（car）：超出图像范围；第 1 个对象（car）：超出图像范围"; each edge
is now named, and two problems worded alike are said once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.llm.schema import parse_annotation as parse_llm
from datamill.modalities.pointcloud.plugin import parse_annotation as parse_pointcloud
from datamill.modalities.problem_words import word_problems
from datamill.modalities.text.plugin import parse_annotation as parse_text
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import make_image_project

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _submit(client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path,
            obj: dict[str, Any], lang: dict[str, str]) -> Any:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["ann1"]), pid, "annotate")
        assert task is not None
        task_id = task.id
    headers = {**login(client, "ann1"), **lang}
    return client.post(f"{API}/tasks/{task_id}/annotations", headers=headers,
                       json={"annotation": {"objects": [obj], "classes": []}, "base_version": 0})


@pytest.mark.parametrize(("obj", "code", "zh"), [
    ({"kind": "box", "label": "car", "x": 10, "y": 10, "w": -5, "h": 20},
     "box_size_not_positive", "第 1 个对象（car）：矩形框的 w 必须大于 0"),
    ({"kind": "polygon", "label": "car", "points": [[0, 0], [5, 5]]},
     "polygon_too_few_points", "第 1 个对象（car）：多边形至少需要 3 个点，当前只有 2 个"),
], ids=["box-negative-width", "polygon-two-points"])
def test_a_shape_that_does_not_parse_is_a_coded_problem_in_the_callers_language(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path,
    obj: dict[str, Any], code: str, zh: str,
) -> None:
    r = _submit(client, runtime, users, tmp_path, obj, ZH)
    assert r.status_code == 422, r.text
    body = r.json()
    assert [p["code"] for p in body["problems"]] == [code]
    assert body["detail"] == zh and body["problems"][0]["detail"] == zh
    assert body["problems"][0]["number"] == 1 and body["problems"][0]["label"] == "car"
    assert body["message_en"].startswith("not an image annotation: objects[0].")


def test_english_keeps_the_technical_line_and_gains_the_problems(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    r = _submit(client, runtime, users, tmp_path,
                {"kind": "box", "label": "car", "x": 10, "y": 10, "w": -5, "h": 20}, {})
    assert r.status_code == 422, r.text
    body = r.json()
    # the path as every problem spells it (trial h6: it read "objects.0.box.w")
    assert body["detail"] == ("not an image annotation: objects[0].w: Input should be greater"
                              " than 0")
    assert body["problems"][0]["detail"] == "object 1 (car): the box's w must be greater than 0"


def test_a_box_past_two_edges_names_each_edge(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    r = _submit(client, runtime, users, tmp_path,
                {"kind": "box", "label": "car", "x": 10, "y": 10, "w": 50000, "h": 50000}, ZH)
    assert r.status_code == 422, r.text
    body = r.json()
    assert [p["code"] for p in body["problems"]] == ["outside_image", "outside_image"]
    assert body["detail"] == "第 1 个对象（car）：超出图像右边界；第 1 个对象（car）：超出图像下边界"


def test_two_problems_worded_alike_are_said_once() -> None:
    rec = {"code": "outside_image", "message": "x", "object": 0, "number": 1, "label": "car"}
    worded = word_problems([rec, {**rec, "message": "y"}], "zh-CN")
    assert worded is not None
    assert worded[1] == "第 1 个对象（car）：超出图像范围"
    assert len(worded[0]) == 2  # the records stay, each with its detail


@pytest.mark.parametrize(("parse", "payload", "code"), [
    (parse_text, {"spans": [{"start": -1, "end": 2, "label": "PER"}]}, "value_below_minimum"),
    (parse_llm, {"type": "llm_pairwise", "a": "r1", "b": "r2", "choice": "a"},
     "field_missing"),
    (parse_pointcloud, {"objects": [{"id": "c1", "label": "car", "x": 0, "y": 0, "z": 0,
                                     "length": -1, "width": 1, "height": 1, "yaw": 0}]},
     "size_not_positive"),
], ids=["text", "llm", "pointcloud"])
def test_other_modalities_parse_step_refuses_with_coded_problems(
    parse: Any, payload: dict[str, Any], code: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(payload)
    problems = caught.value.details["problems"]
    assert code in [p["code"] for p in problems], problems
    worded = word_problems(problems, "zh-CN")
    assert worded is not None
    assert not any(p["detail"] == p["message"] for p in worded[0]), worded  # worded, not English
