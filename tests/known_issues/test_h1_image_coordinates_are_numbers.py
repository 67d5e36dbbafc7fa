"""h1 trial (M2): an image annotation's coordinates given as text or a boolean were stored.

``POST /api/v1/tasks/3/annotations`` with ``{"kind": "box", "x": true, ...}`` answered 201 and
stored ``x = 1.0``; ``"x": "10", "y": " 10.5 ", "w": "1e2"`` were stored as 10, 10.5 and 100.
A client that sends text or a boolean for a coordinate has a bug the refusal must show (the
project refuses ``true`` and ``"0.9"`` as numbers elsewhere, e.g. the effect threshold). Each
such field is now a coded problem (``not_a_number``) worded in the caller's language; numbers of
any numeric type still parse."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from datamill.compliance.models import User
from datamill.modalities.image.schema import Box, ImageAnnotation, Keypoint, Polygon, RotatedBox
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
            objects: list[dict[str, Any]], lang: dict[str, str]) -> Any:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["ann1"]), pid, "annotate")
        assert task is not None
        task_id = task.id
    headers = {**login(client, "ann1"), **lang}
    return client.post(f"{API}/tasks/{task_id}/annotations", headers=headers,
                       json={"annotation": {"objects": objects, "classes": []},
                             "base_version": 0})


def test_a_boolean_coordinate_is_refused_in_the_callers_language(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    r = _submit(client, runtime, users, tmp_path,
                [{"kind": "box", "label": "car", "x": True, "y": 10, "w": 20, "h": 20}], ZH)
    assert r.status_code == 422, r.text
    body = r.json()
    assert [(p["code"], p["field"], p["number"]) for p in body["problems"]] == [
        ("not_a_number", "objects[0].x", 1)]  # the whole path (trial h6: it was "x")
    assert body["detail"] == "第 1 个对象（car）：“x”必须是数值"


def test_coordinates_as_text_are_refused_each_named(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    r = _submit(client, runtime, users, tmp_path, [
        {"kind": "box", "label": "car", "x": "10", "y": " 10.5 ", "w": "1e2", "h": 20},
        {"kind": "text_line", "label": "text", "points": [["10", 10], [50, 10], [50, 50]],
         "transcription": "EXIT"},
    ], {})
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    assert [(p["code"], p["field"], p["number"]) for p in problems] == [
        ("not_a_number", "objects[0].x", 1), ("not_a_number", "objects[0].y", 1),
        ("not_a_number", "objects[0].w", 1), ("not_a_number", "objects[1].points[0][0]", 2)]
    assert problems[0]["detail"] == "object 1 (car): “x” must be a number"
    # three points, one of them text: not also "needs at least 3 points, it has 2"
    assert problems[3]["label"] == "text"


@pytest.mark.parametrize("value", ["1", "Infinity", True, b"1"],
                         ids=["text", "infinity-as-text", "bool", "bytes"])
def test_every_coordinate_field_refuses_text_and_booleans(value: object) -> None:
    for make in (lambda v: Box(label="a", x=v, y=0, w=1, h=1),
                 lambda v: RotatedBox(label="a", cx=0, cy=0, w=1, h=1, angle_deg=v),
                 lambda v: Polygon(label="a", points=((0, 0), (v, 0), (1, 1))),
                 lambda v: Keypoint(x=0, y=v)):
        with pytest.raises(ValidationError, match="Input should be a valid number"):
            make(value)


def test_numbers_of_any_numeric_type_still_parse() -> None:
    box = Box(label="a", x=np.float32(1.5), y=np.int64(2), w=3, h=4.25)
    assert (box.x, box.y, box.w, box.h) == (1.5, 2.0, 3.0, 4.25)
    ann = ImageAnnotation.model_validate_json(
        '{"objects": [{"kind": "box", "label": "a", "x": 1, "y": 2.5, "w": 3, "h": 4}]}')
    assert ann.objects == (Box(label="a", x=1, y=2.5, w=3, h=4),)
