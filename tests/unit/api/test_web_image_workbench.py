"""Issue 10: the web workbench is chosen by modality. An image task opens the image workbench
(templates/image/task.html) on ``/web/api/items/{id}/media``; its drafts and submit go to the web
document endpoints (CSRF-checked), through the same service as the REST API."""

from __future__ import annotations

import html
import io
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
from tests._api import web_sign_in
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, make_image_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _attr(page: str, name: str) -> str:
    return html.unescape(re.search(rf'{name}="([^"]*)"', page).group(1))  # type: ignore[union-attr]


def _annotation(page: str) -> Any:
    """The workbench's starting annotation: a JSON script inside the workbench's host."""
    m = re.search(r'<script type="application/json" data-annotation-json>(.*?)</script>', page,
                  re.S)
    assert m is not None, "no annotation JSON on the page"
    return json.loads(m.group(1))


def test_each_modality_names_its_workbench() -> None:
    assert get_modality("speech.asr").workbench_template == "workbench.html"
    assert get_modality("image").workbench_template == "image/task.html"


def test_image_task_through_the_web_workbench(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    csrf = web_sign_in(client, "ann1")
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        task_id, item_id = task.id, task.item_id
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.text
    assert "data-image-workbench" in page.text and 'id="waveform"' not in page.text
    assert "data-preview-url" not in page.text  # 640 px wide: the image itself is small
    assert _attr(page.text, "data-image-url") == f"/web/api/items/{item_id}/display"
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
    assert _annotation(page.text)["objects"][0]["x"] == 10
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


def test_large_image_task_page_offers_a_cached_preview(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    """An image wider than the preview's long side: the page names a preview (and the full
    size, for full-resolution coordinates); the preview route renders it once per blob."""
    from PIL import Image

    from datamill.modalities.image.synth import render_object_scene

    folder = tmp_path / "big"
    folder.mkdir()
    render_object_scene(7, width=2400, height=1350, objects=3).save(folder / "big.png")
    pid = make_image_project(runtime, users, folder, n=0)
    web_sign_in(client, "ann1")
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        task_id, item_id = task.id, task.item_id
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.text
    assert _attr(page.text, "data-preview-url") == f"/web/api/items/{item_id}/preview"
    assert (_attr(page.text, "data-image-width"), _attr(page.text, "data-image-height")) == (
        "2400", "1350")
    assert f'rel="preload" as="image" href="/web/api/items/{item_id}/preview"' in page.text
    first = client.get(f"/web/api/items/{item_id}/preview")
    assert first.status_code == 200 and first.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(first.content)) as img:
        assert img.size == (1920, 1080)
    cached = list((runtime.blobs.cache_dir / "derived").rglob("*.jpg"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    again = client.get(f"/web/api/items/{item_id}/preview")
    assert again.content == first.content and cached[0].stat().st_mtime_ns == stamp
    client.cookies.clear()
    assert client.get(f"/web/api/items/{item_id}/preview").status_code == 401


def test_copy_from_previous_offers_the_annotator_s_last_image(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    # the workbench's "Copy from previous" button never showed: no page handed it a source
    pid = make_image_project(runtime, users, tmp_path / "scenes", 3)
    csrf = web_sign_in(client, "ann1")
    with runtime.session() as s:
        first = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        first_id = first.id
    page = client.get(f"/tasks/{first_id}")
    assert "data-previous-annotation" not in page.text  # nothing submitted yet
    doc = {"objects": [{"kind": "box", "label": "car", "x": 10, "y": 12, "w": 30, "h": 20}],
           "classes": []}
    r = client.post(_attr(page.text, "data-submit-url"),
                    json={"annotation": doc, "base_version": 0}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    second = client.get(r.json()["next_url"])
    assert second.status_code == 200, second.text
    previous = json.loads(_attr(second.text, "data-previous-annotation"))
    assert previous["objects"][0]["x"] == 10 and previous["objects"][0]["label"] == "car"
    web_sign_in(client, "ann2")  # someone else's work is not theirs to copy
    with runtime.session() as s:
        other = claim_next_task(s, s.get(User, users["ann2"].id), pid, "annotate")
    assert other is not None
    assert "data-previous-annotation" not in client.get(f"/tasks/{other.id}").text
