"""Issue 10: the web workbench is chosen by modality. An image task opens the image workbench
(templates/image/task.html) on ``/web/api/items/{id}/media``; its drafts and submit go to the web
document endpoints (CSRF-checked), through the same service as the REST API."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema, validate_annotation
from datamill.modalities.registry import get_modality
from datamill.production.models import Annotation, Draft
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, make_image_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _sign_in(client: TestClient, username: str) -> str:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": username, "password": "password1",
                                    "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    home = client.get("/")
    return re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]


def _attr(page: str, name: str) -> str:
    return html.unescape(re.search(rf'{name}="([^"]*)"', page).group(1))  # type: ignore[union-attr]


def test_each_modality_names_its_workbench() -> None:
    assert get_modality("speech.asr").workbench_template == "workbench.html"
    assert get_modality("image").workbench_template == "image/task.html"


def test_image_task_through_the_web_workbench(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    csrf = _sign_in(client, "ann1")
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        task_id, item_id = task.id, task.item_id
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.text
    assert "data-image-workbench" in page.text and 'id="waveform"' not in page.text
    assert _attr(page.text, "data-image-url") == f"/web/api/items/{item_id}/media"
    assert json.loads(_attr(page.text, "data-label-schema"))["labels"][0]["name"] == "car"
    draft_url, submit_url = _attr(page.text, "data-draft-url"), _attr(page.text, "data-submit-url")

    media = client.get(f"/web/api/items/{item_id}/media")
    assert media.status_code == 200 and media.headers["content-type"] == "image/png"
    assert media.content[:8] == b"\x89PNG\r\n\x1a\n"

    box = {"kind": "box", "label": "car", "x": 10, "y": 12, "w": 30, "h": 20}
    doc = {"objects": [box], "classes": []}
    assert client.post(draft_url, json={"annotation": doc, "base_version": 0, "revision": 1}
                       ).status_code == 403  # no CSRF token
    r = client.post(draft_url, json={"annotation": doc, "base_version": 0, "revision": 2},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    page = client.get(f"/tasks/{task_id}")  # the server's draft is what the page starts from
    assert json.loads(_attr(page.text, "data-annotation"))["objects"][0]["x"] == 10
    assert _attr(page.text, "data-draft-revision") == "2"

    bad = {"objects": [{**box, "label": "truck"}], "classes": []}
    r = client.post(submit_url, json={"annotation": bad, "base_version": 0},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "truck" in r.json()["detail"]
    assert client.post(submit_url, json={"annotation": doc, "base_version": 0}).status_code == 403
    r = client.post(submit_url, json={"annotation": doc, "base_version": 0},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert re.fullmatch(r"/tasks/\d+", r.json()["next_url"])
    with runtime.session() as s:
        ann = s.scalars(select(Annotation).where(Annotation.item_id == item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "annotation" and ann.version == 1
        saved = ImageAnnotation.model_validate(ann.segments)
        schema = ImageLabelSchema.model_validate(IMAGE_REQUIREMENTS["labels"])
        assert validate_annotation(saved, schema, 10_000, 10_000) == []
        assert s.scalars(select(Draft).where(Draft.task_id == task_id)).first() is None
