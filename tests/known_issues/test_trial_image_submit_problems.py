"""Trial: a refused image or point-cloud submission said only
``objects[2].attributes.color: required attribute is missing``, in English whatever the page's
language, numbering objects from 0 where the object list numbers them from 1. A first fix sent
``errors`` (field, reason ``type``, ``params``) and let the browser word them from its own
tables, while the text and llm modalities sent ``problems`` that the server words: two shapes
for one idea, and API clients got no words at all.

Now every modality refuses the same way: ``problems``, one record per problem with a stable
``code``, the English ``message``, ``object``/``number`` (from 0 and from 1) for an object's
problem, and ``detail``, the sentence for people in the caller's language (the one catalogue,
``modalities.problem_words``, en and zh-CN), through the REST API (``Accept-Language``) and
the web workbench's submit route alike (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import render_scene, write_cloud
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.image_helpers import make_image_project
from tests.unit.production.test_pointcloud_loop import pointcloud_spec


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _box(label: str, **attributes: Any) -> dict[str, Any]:
    return {"kind": "box", "label": label, "x": 1, "y": 2, "w": 3, "h": 4,
            "attributes": attributes}


def _task(runtime: Runtime, users: dict[str, User], pid: int) -> tuple[int, int]:
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        assert task is not None
        return task.id, task.current_version


IMAGE_DOC = {"objects": [_box("car"), _box("truck"), _box("car", colour="red")],
             "classes": ["dusk"]}


def test_a_refused_image_submission_is_coded_and_worded_through_the_api(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    task_id, version = _task(runtime, users, pid)
    ann1 = login(client, "ann1")
    url = f"{API}/tasks/{task_id}/annotations"
    body = {"annotation": IMAGE_DOC, "base_version": version}
    r = client.post(url, json=body, headers={**ann1, "Accept-Language": "zh-CN,en;q=0.5"})
    assert r.status_code == 422, r.text
    zh = r.json()
    assert "errors" not in zh  # one shape: the coded problems
    assert [(p["code"], p["field"], p.get("object"), p.get("number")) for p in zh["problems"]] \
        == [("class_unknown", "classes[0]", None, None),
            ("label_unknown", "objects[1].label", 1, 2),
            ("attribute_unknown", "objects[2].attributes.colour", 2, 3)]
    assert [p["detail"] for p in zh["problems"]] == [
        "类别“dusk”不在标签体系中", "第 2 个对象（truck）：标签“truck”不在标签体系中",
        "第 3 个对象（car）：属性“colour”不属于该标签"]
    assert zh["detail"] == "；".join(p["detail"] for p in zh["problems"])
    assert zh["message_en"].startswith("classes[0]: unknown image class 'dusk'")
    assert zh["problems"][1]["message"].startswith("objects[1].label: unknown class 'truck'")
    # English: the technical detail stays as it was; each problem is worded for people too
    en = client.post(url, json=body, headers=ann1).json()
    assert en["detail"] == zh["message_en"] and "message_en" not in en
    assert en["problems"][2]["detail"] == (
        "object 3 (car): the attribute “colour” is not one of this label's")


def test_a_refused_image_submission_reads_in_the_page_language(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    task_id, version = _task(runtime, users, pid)
    web_login(client, "ann1", "password1")
    csrf = csrf_of(client)
    doc = {"objects": [_box("car"), _box("car", colour="red")], "classes": []}

    def submit(lang: str) -> dict[str, Any]:
        r = client.post(f"/web/api/tasks/{task_id}/annotation",
                        json={"annotation": doc, "base_version": version},
                        headers={"X-CSRF-Token": csrf, "Accept-Language": lang})
        assert r.status_code == 422, r.text
        return r.json()  # type: ignore[no-any-return]

    zh = submit("zh-CN")
    assert zh["detail"] == "第 2 个对象（car）：属性“colour”不属于该标签"
    assert zh["problems"][0]["code"] == "attribute_unknown"
    # a page is read by people: English too is the catalogue's, objects counted from 1
    en = submit("en")
    assert en["detail"] == "object 2 (car): the attribute “colour” is not one of this label's"
    assert en["message_en"] == ("objects[1].attributes.colour: unknown attribute for label "
                                "'car'")


def _pointcloud_project(runtime: Runtime, users: dict[str, User], folder: Path) -> int:
    points, _ = render_scene(501, objects=2)
    write_cloud(points, folder / "frame00.pcd")
    spec = pointcloud_spec()
    spec["requirements"]["labels"]["labels"][0]["attributes"] = [
        {"name": "color", "type": "text", "required": True}]
    with runtime.session() as s:
        pid = create_project(s, spec).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
    return pid


def test_a_refused_point_cloud_annotation_is_coded_and_worded_through_the_api(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _pointcloud_project(runtime, users, tmp_path / "clouds")
    label = pointcloud_spec()["requirements"]["labels"]["labels"][0]["name"]
    task_id, version = _task(runtime, users, pid)
    cuboid = {"label": label, "x": 1, "y": 2, "z": 0, "length": 4, "width": 2, "height": 1.5,
              "yaw": 0, "attributes": {"color": "red"}}
    doc = {"objects": [{**cuboid, "id": "o1"}, {**cuboid, "id": "o2", "attributes": {}}]}
    r = client.post(f"{API}/tasks/{task_id}/annotations",
                    json={"annotation": doc, "base_version": version},
                    headers={**login(client, "ann1"), "Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text
    body = r.json()
    assert "errors" not in body
    [problem] = body["problems"]
    assert (problem["code"], problem["object"], problem["number"], problem["object_id"],
            problem["name"], problem["field"]) == (
        "attribute_required", 1, 2, "o2", "color", "objects[1].attributes.color")
    assert body["detail"] == problem["detail"] == f"对象 o2（{label}）：必填属性“color”未填写"
    assert "attribute 'color' is required" in body["message_en"]  # the English, as before
