"""Trial: a refused image or point-cloud submission said only
``objects[2].attributes.color: required attribute is missing``, in English whatever the page's
language, numbering objects from 0 where the object list numbers them from 1. The refusal now
also carries ``errors``: one record per problem with the ``field``, a stable reason code
(``type``), the ``object``'s index and the ``params`` a translation names, so that the pages
name the object as their list does and say the reason in their language (SQLite and
PostgreSQL through the web workbench's submit route; the point-cloud plugin directly)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.image_helpers import make_image_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _box(label: str, **attributes: Any) -> dict[str, Any]:
    return {"kind": "box", "label": label, "x": 1, "y": 2, "w": 3, "h": 4,
            "attributes": attributes}


def test_a_refused_image_submission_carries_coded_problems(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task_id = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate").id
    web_login(client, "ann1", "password1")
    doc = {"objects": [_box("car"), _box("truck"), _box("car", colour="red")], "classes": []}
    r = client.post(f"/web/api/tasks/{task_id}/annotation",
                    json={"annotation": doc, "base_version": 0},
                    headers={"X-CSRF-Token": csrf_of(client)})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"].startswith("objects[1].label: unknown class 'truck'")  # unchanged
    assert [(e["field"], e["type"], e["object"], e["params"]) for e in body["errors"]] == [
        ("objects[1].label", "label_unknown", 1, {"label": "truck"}),
        ("objects[2].attributes.colour", "attribute_unknown", 2, {"name": "colour"}),
    ]
    assert body["errors"][1]["message"] == "unknown attribute for label 'car'"


def test_a_refused_point_cloud_annotation_carries_coded_problems() -> None:
    plugin = PointCloudPlugin()
    req = plugin.requirements_model.model_validate({"labels": {"labels": [
        {"name": "car", "attributes": [{"name": "color", "type": "text", "required": True}]}]}})
    cuboid = {"label": "car", "x": 1, "y": 2, "z": 0, "length": 4, "width": 2, "height": 1.5,
              "yaw": 0, "attributes": {"color": "red"}}
    doc = {"objects": [cuboid, cuboid, {**cuboid, "attributes": {}}]}
    with pytest.raises(InvalidInput) as err:
        plugin.validate_annotation(doc, {}, req)
    assert "attribute 'color' is required" in err.value.message  # the English, as before
    [problem] = err.value.details["errors"]
    assert problem["type"] == "attribute_required" and problem["object"] == 2
    assert problem["params"] == {"name": "color"}
    assert problem["field"] == "objects[2].attributes.color"
