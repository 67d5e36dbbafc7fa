"""Point-cloud segmentation trial (LOW 6a, 6b): a point class id sent as JSON ``true`` or as the
string ``"10"`` was silently read as 1 or 10 (pydantic's lax ints) wherever per-point labels
arrive (an API submission, a review edit, an inspection correction, a labelled import); and
runs sent non-canonically (two adjacent runs of one class) were stored as sent, so two equal
labellings compared and exported unequal. Now such an id or count is refused with a coded
problem (``point_class_not_integer`` / ``point_count_not_integer``, worded in English and
zh-CN) and nothing is saved, and the runs are stored canonical (adjacent runs of one class
merged): :func:`canonical_runs` is idempotent and keeps every point's class.
SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.schema import canonical_runs
from datamill.modalities.pointcloud.segmentation import decode_runs
from datamill.modalities.problem_words import word_problems
from datamill.production.annotating import review_task
from datamill.production.inspection import (
    create_batch,
    get_inspection,
    record_correction,
    start_inspection,
)
from datamill.production.models import Annotation, Item
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.modalities.pointcloud.test_segmentation import CAR, GROUND, requirements
from tests.unit.production.test_assist_faces import world  # noqa: F401 - a fixture

PLUGIN = PointCloudPlugin()
RUNS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 6)), max_size=60)


@given(RUNS)
def test_canonical_runs_are_idempotent_and_keep_every_points_class(
    runs: list[tuple[int, int]]
) -> None:
    once = canonical_runs(runs)
    assert canonical_runs(once) == once
    assert decode_runs(once).tolist() == decode_runs(runs).tolist()
    assert all(n >= 1 for _, n in once)
    assert all(a[0] != b[0] for a, b in itertools.pairwise(once))


@pytest.mark.parametrize(("runs", "code", "run", "given"), [
    ([[True, 6], [CAR, 4]], "point_class_not_integer", 1, "true"),
    ([["10", 6], [CAR, 4]], "point_class_not_integer", 1, '"10"'),
    ([[GROUND, 6], [CAR, "4"]], "point_count_not_integer", 2, '"4"'),
    ([[GROUND, 6], [CAR, 4.0]], "point_count_not_integer", 2, "4.0"),
    ([[GROUND, False], [CAR, 10]], "point_count_not_integer", 1, "false"),
], ids=["id-true", "id-string", "count-string", "count-float", "count-false"])
def test_a_point_label_that_is_no_json_integer_is_refused_by_code(
    runs: list[Any], code: str, run: int, given: str
) -> None:
    req = PLUGIN.requirements_model.model_validate(requirements())
    with pytest.raises(InvalidInput) as refused:
        PLUGIN.validate_annotation({"point_labels": runs}, {"points": 10}, req)
    problems = refused.value.details["problems"]
    assert [(p["code"], p["given"]) for p in problems] == [(code, given)]
    assert problems[0]["run"] == run
    en = word_problems(problems, "en")
    zh = word_problems(problems, "zh-CN")
    assert en is not None and zh is not None
    assert f"point label run {run}" in en[1] and given in en[1]
    assert f"第 {run} 段点标签" in zh[1] and "整数" in zh[1] and given in zh[1]


def test_adjacent_runs_of_one_class_are_stored_merged() -> None:
    req = PLUGIN.requirements_model.model_validate(requirements())
    doc = PLUGIN.validate_annotation(
        {"point_labels": [[GROUND, 2], [GROUND, 4], [CAR, 1], [CAR, 3]]}, {"points": 10}, req)
    assert doc.payload["point_labels"] == [[GROUND, 6], [CAR, 4]]
    # two spellings of one labelling compare equal and read as the same inspection text
    a = {"point_labels": [[GROUND, 6], [CAR, 4]]}
    b = {"point_labels": [[GROUND, 1], [GROUND, 5], [CAR, 4]]}
    assert PLUGIN.inspection_text(a, "") == PLUGIN.inspection_text(b, "")
    assert PLUGIN.compare(a, b)["points_relabelled"] == 0


@pytest.fixture
def client(runtime: Runtime, world: dict[str, Any]) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(runtime)) as c:
        yield c


def _stored(runtime: Runtime, item_id: int) -> list[Any]:
    with runtime.session() as s:
        return [a.payload for a in s.scalars(select(Annotation).where(
            Annotation.item_id == item_id).order_by(Annotation.id))]


def test_the_api_refuses_a_point_class_sent_as_true_or_text_and_stores_runs_merged(
    runtime: Runtime, users: dict[str, User], client: TestClient,
    world: dict[str, Any],  # noqa: F811
) -> None:
    n = world["points"]
    with runtime.session() as s:
        pid = s.get(Item, world["item"]).project_id
    ann = login(client, "ann1")
    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann).json()
    url = f"{API}/tasks/{task['id']}/annotations"
    for bad, code in (([[True, n]], "point_class_not_integer"),
                      ([["10", n]], "point_class_not_integer"),
                      ([[0, str(n)]], "point_count_not_integer")):
        r = client.post(url, json={"base_version": task["current_version"],
                                   "annotation": {"objects": [], "point_labels": bad}},
                        headers={**ann, "Accept-Language": "zh-CN"})
        assert r.status_code == 422, r.text
        problems = r.json()["problems"] if "problems" in r.json() else r.json()["errors"]
        assert [p["code"] for p in problems] == [code], r.json()
        assert "段点标签" in r.json()["detail"] and "整数" in r.json()["detail"], r.json()
    assert _stored(runtime, world["item"]) == []  # nothing saved
    # the same labelling spelled in two runs of class 0 is stored as one
    r = client.post(url, json={"base_version": task["current_version"], "annotation": {
        "objects": [], "point_labels": [[0, n - 5], [0, 5]]}}, headers=ann)
    assert r.status_code == 201, r.text
    assert [p["point_labels"] for p in _stored(runtime, world["item"])] == [[[0, n]]]
    # a review edit and an inspection correction: refused alike, stored merged alike
    with runtime.session() as s:
        create_packages(s, pid, "review")
        add_member(s, pid, users["rev"], actor_id=None)
    with runtime.session() as s:
        rev = claim_next_task(s, users["rev"], pid, "review")
        assert rev is not None
    with pytest.raises(InvalidInput) as refused, runtime.session() as s:  # rolled back
        review_task(s, users["rev"], rev.id, "edit",
                    payload={"objects": [], "point_labels": [[True, n]]},
                    base_version=rev.current_version)
    assert refused.value.details["problems"][0]["code"] == "point_class_not_integer"
    assert len(_stored(runtime, world["item"])) == 1
    with runtime.session() as s:
        review_task(s, users["rev"], rev.id, "edit",
                    payload={"objects": [], "point_labels": [[GROUND, 3], [GROUND, n - 3]]},
                    base_version=rev.current_version)
    assert _stored(runtime, world["item"])[-1]["point_labels"] == [[GROUND, n]]
    with runtime.session() as s:
        insp = start_inspection(s, create_batch(s, pid).id, users["insp"])
    with pytest.raises(InvalidInput) as refused, runtime.session() as s:
        record_correction(s, insp.id, world["item"],
                          json.dumps({"point_labels": [["40", n]]}), users["insp"])
    assert refused.value.details["problems"][0]["code"] == "point_class_not_integer"
    with runtime.session() as s:
        record_correction(s, insp.id, world["item"], json.dumps(
            {"point_labels": [[CAR, 1], [CAR, n - 1]]}), users["insp"])
    with runtime.session() as s:
        sample = get_inspection(s, insp.id).sample[0]
    assert json.loads(sample["corrected_text"])["point_labels"] == [[CAR, n]]

