"""Issue 10 §3: the review and inspection pages of image projects are the modality's own
(``review_template`` / ``inspection_template``) and draw both versions over the image with the
differences listed; the reviewer's correction and the inspector's go through the web's document
endpoints (CSRF-checked) into the same services as the API."""

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
from datamill.modalities.registry import get_modality
from datamill.production.annotating import submit_annotation
from datamill.production.inspection import create_batch, get_inspection, start_inspection
from datamill.production.models import Annotation, Item
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in as _sign_in
from tests.unit.production.image_helpers import make_image_project

CAR = {"kind": "box", "label": "car", "x": 10, "y": 12, "w": 30, "h": 20}
PERSON = {"kind": "box", "label": "person", "x": 40, "y": 40, "w": 10, "h": 20}


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _comparisons(page: str) -> list[dict[str, Any]]:
    return [json.loads(html.unescape(m))
            for m in re.findall(r'data-comparison="([^"]*)"', page)]


def _annotated(runtime: Runtime, users: dict[str, User], pid: int) -> list[tuple[int, int]]:
    """Every item annotated by ann1 with one car; returns (item id, review task id) pairs."""
    out = []
    while True:
        with runtime.session() as s:
            t = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
            if t is None:
                break
            submit_annotation(s, s.get(User, users["ann1"].id), t.id,
                              {"objects": [CAR], "classes": []}, base_version=t.current_version)
            out.append(t.item_id)
    return out


def test_each_modality_names_its_review_and_inspection_pages() -> None:
    image, speech = get_modality("image"), get_modality("speech.asr")
    assert image.review_template == "image/review.html"
    assert image.inspection_template == "image/inspection.html"
    assert getattr(speech, "review_template", "review.html") == "review.html"


def test_image_review_page_draws_both_versions_and_takes_a_correction(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", n=2)
    items = _annotated(runtime, users, pid)
    csrf = _sign_in(client, "rev")
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        task_id, item_id = task.id, task.item_id
    page = client.get(f"/review/{task_id}")
    assert page.status_code == 200, page.text
    assert 'data-testid="image-review"' in page.text and "<audio" not in page.text
    assert 'data-testid="no-baseline"' in page.text  # no pre-annotation: all of it is new
    assert 'data-layer="before"' not in page.text  # and no legend names a model's version
    (cmp,) = _comparisons(page.text)
    assert cmp["after"]["objects"][0]["label"] == "car" and cmp["before"]["objects"] == []
    assert [p["status"] for p in cmp["pairs"]] == ["added"]
    assert f'data-image-url="/web/api/items/{item_id}/display"' in page.text
    assert "rv.reason.wrong_class" not in page.text and "Wrong class" in page.text

    edit_url = html.unescape(re.search(r'data-submit-url="([^"]*)"', page.text).group(1))
    moved = {**CAR, "x": 14}
    doc = {"objects": [moved, PERSON], "classes": []}
    assert client.post(edit_url, json={"annotation": doc, "base_version": 1}).status_code == 403
    bad = {"objects": [{**CAR, "label": "truck"}], "classes": []}
    r = client.post(edit_url, json={"annotation": bad, "base_version": 1},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and "truck" in r.text
    r = client.post(edit_url, json={"annotation": doc, "base_version": 1},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["next_url"].startswith("/review/")
    with runtime.session() as s:
        item = s.get(Item, item_id)
        ann = s.get(Annotation, item.current_annotation_id)
        assert item.status == "reviewed" and ann.kind == "review_edit"
        assert [o["label"] for o in ann.segments["objects"]] == ["car", "person"]
    assert item_id in items


def test_image_review_in_rework_compares_with_the_rejected_version(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", n=1)
    _annotated(runtime, users, pid)
    _sign_in(client, "rev")
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
    token = client.get(f"/review/{task.id}").text.split('name="csrf_token" value="')[1][:80]
    token = token.split('"')[0]
    r = client.post(f"/review/{task.id}", data={"verdict": "reject", "csrf_token": token,
                                                "reason_code": "wrong_class", "reason_text": "x"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    with runtime.session() as s:  # the annotator fixes the class and resubmits
        t = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        submit_annotation(s, s.get(User, users["ann1"].id), t.id,
                          {"objects": [{**CAR, "label": "person"}], "classes": []},
                          base_version=t.current_version)
        task2 = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
    page = client.get(f"/review/{task2.id}")
    assert "Wrong class" in page.text and 'data-testid="rework-reason"' in page.text
    (cmp,) = _comparisons(page.text)
    assert [(p["status"], p["changes"]) for p in cmp["pairs"]] == [("changed", ["label"])]
    assert 'data-testid="review-compare-row"' in page.text


def test_image_inspection_page_draws_delivered_and_inspectors_versions(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes", n=2)
    _annotated(runtime, users, pid)
    while True:
        with runtime.session() as s:
            t = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
            if t is None:
                break
            from datamill.production.annotating import review_task

            review_task(s, s.get(User, users["rev"].id), t.id, "accept")
    with runtime.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, s.get(User, users["insp"].id))
        insp_id, sample = insp.id, [x["item_id"] for x in insp.sample]
    csrf = _sign_in(client, "insp")
    page = client.get(f"/inspections/{insp_id}")
    assert page.status_code == 200, page.text
    assert "<audio" not in page.text and 'data-score="region_accuracy"' not in page.text
    cmps = _comparisons(page.text)
    assert len(cmps) == len(sample) and all(c["differences"] == 0 for c in cmps)
    first = sample[0]
    editor = client.get(f"/inspections/{insp_id}?sample={first}")
    assert editor.status_code == 200 and "data-image-workbench" in editor.text
    assert client.get(f"/inspections/{insp_id}?sample=999999").status_code == 404
    submit_url = html.unescape(re.search(r'data-submit-url="([^"]*)"', editor.text).group(1))
    assert submit_url == f"/web/api/inspections/{insp_id}/samples/{first}/annotation?base=none"
    doc = {"objects": [{**CAR, "x": 30}], "classes": []}  # moved: IoU 1/3 < 0.5
    assert client.post(submit_url, json={"annotation": doc}).status_code == 403
    r = client.post(submit_url, json={"annotation": doc}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["next_url"] == f"/inspections/{insp_id}"
    assert r.json()["scores"]["region_accuracy"] == 0.0
    page = client.get(f"/inspections/{insp_id}")
    assert 'data-score="region_accuracy"' in page.text
    by_item = dict(zip(sample, _comparisons(page.text), strict=True))
    assert by_item[first]["differences"] == 1
    assert by_item[first]["pairs"][0]["changes"] == ["geometry"]
    assert by_item[first]["after"]["objects"][0]["x"] == 30
    with runtime.session() as s:
        corrected = [x for x in get_inspection(s, insp_id).sample if x["item_id"] == first]
        assert json.loads(corrected[0]["corrected_text"])["objects"][0]["x"] == 30
        assert s.scalars(select(Item).where(Item.project_id == pid)).first() is not None


def test_assist_endpoint_turns_a_box_into_a_polygon(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Any
) -> None:
    from datamill.testing.images import render_object_scene

    pid = make_image_project(runtime, users, tmp_path / "scenes", n=1)
    truth = render_object_scene(0, objects=2).annotation.objects[0]
    with runtime.session() as s:
        item_id = s.scalars(select(Item.id).where(Item.project_id == pid)).one()
    box = {"x": truth.x - 6, "y": truth.y - 6, "w": truth.w + 12, "h": truth.h + 12}
    url = f"/web/api/items/{item_id}/assist/grabcut"
    csrf = _sign_in(client, "ann1")
    r = client.post(url, json=box, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 403 and "no task" in r.text  # only for those holding the item
    with runtime.session() as s:
        t = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        task_id = t.id
    assert client.post(url, json=box).status_code == 403  # no CSRF token
    r = client.post(url, json=box, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "polygon" and len(r.json()["points"]) >= 3
    xs = [p[0] for p in r.json()["points"]]
    assert abs(min(xs) - truth.x) <= 3 and abs(max(xs) - (truth.x + truth.w)) <= 3
    r = client.post(f"/web/api/items/{item_id}/assist/scissors", json=box,
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422
    r = client.post(url, json={"x": 1}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422
    task_page = client.get(f"/tasks/{task_id}").text
    assert f'data-assist-url="{url}"' in task_page
