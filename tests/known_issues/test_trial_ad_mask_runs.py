"""Autonomous-driving trial (HIGH): an image mask whose COCO run lengths merely summed to the
image's pixels (``[76810, -10]``, ``[100, -50, 76750]``, a run of 2**32 + 100 or 2**64) was
accepted: the review page drew nothing, inspection scored it 1.0, the COCO delivery wrote
``"area": -10`` and pycocotools' ``annToMask`` overflowed. One rule (``_rle.rle_problem``) now
holds every path that takes a mask: runs of 1 .. 2**32 - 1 (the first may be 0), covering the
image exactly, a compressed string decoded first. A submission (and so a review edit or an
inspector's correction, which go through the same validation) and a labelled COCO import are
refused with the coded problem ``mask_invalid``; a pre-annotator's unreadable mask is dropped."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.compliance.models import User
from datamill.modalities.image._rle import MAX_RUN, rle_area, rle_bbox, rle_problem, rle_string
from datamill.modalities.image.plugin import ImagePlugin
from datamill.modalities.image.schema import CocoRle, ImageAnnotation, Mask
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

# the scenes the helpers render are 640 x 480
W, H = 640, 480
BAD_RUNS = [
    [W * H + 10, -10],
    [100, -50, W * H - 50],
    [2**32 + 100, W * H - 2**32 - 100],
    [2**64, W * H - 2**64],
    [10, 0, W * H - 10],  # an empty run inside: pycocotools never writes one
]
MASK_REQUIREMENTS: dict[str, Any] = {
    **IMAGE_REQUIREMENTS,
    "labels": {"labels": [{"name": "car", "kinds": ["box"]},
                          {"name": "person", "kinds": ["box", "mask"]}]},
}


def _valid(runs: list[int], pixels: int) -> bool:
    return (all(r >= 1 for r in runs[1:]) and all(0 <= r <= MAX_RUN for r in runs)
            and sum(runs) == pixels)


@settings(deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=40), min_size=1, max_size=8),
       st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=6))
def test_the_rule_is_exactly_runs_in_range_covering_the_image(
    runs: list[int], height: int, width: int
) -> None:
    problem = rle_problem(runs, height, width)
    assert (problem is None) == _valid(runs, height * width), (runs, problem)
    # the compressed form is held to the same rule (it decodes to the same runs)
    assert (rle_problem(rle_string(runs), height, width) is None) == (problem is None)
    if problem is None:  # what a delivery writes of an accepted mask is sane
        assert 0 <= rle_area(runs) <= height * width
        x, y, w, h = rle_bbox(runs, height)
        assert x >= 0 and y >= 0 and x + w <= width and y + h <= height


@settings(deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=8))
def test_every_valid_mask_is_one_pycocotools_reads(runs: list[int]) -> None:
    height = 2
    runs = [*runs, 1] if sum(runs) % height else runs
    width = sum(runs) // height
    assert rle_problem(runs, height, width) is None
    mask_utils = importlib.import_module("pycocotools.mask")
    rle = {"size": [height, width], "counts": rle_string(runs).encode()}
    assert int(mask_utils.area(rle)) == rle_area(runs)
    assert int(mask_utils.decode(rle).sum()) == rle_area(runs)


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _project(client: TestClient, pm: dict[str, str], name: str) -> int:
    r = client.post(f"{API}/projects", json=image_spec(name=name, requirements=MASK_REQUIREMENTS,
                                                  acceptance={"region_accuracy": 0.95}),
                    headers=pm)
    assert r.status_code == 201, r.text
    pid = int(r.json()["id"])
    assert client.post(f"{API}/projects/{pid}/members", json={"username": "ann1"},
                       headers=pm).status_code == 201
    return pid


def _annotate_task(client: TestClient, runtime: Runtime, pid: int, pm: dict[str, str],
                   ann1: dict[str, str]) -> dict[str, Any]:
    from datamill.modalities.image.synth import render_object_scene

    folder = runtime.settings.resolved_import_root() / "masks"
    folder.mkdir(parents=True, exist_ok=True)
    render_object_scene(0, objects=2).save(folder / "scene0.png")
    assert client.post(f"{API}/projects/{pid}/imports", json={"path": "masks"},
                       headers=pm).status_code == 201
    assert client.post(f"{API}/projects/{pid}/checks", headers=pm).json()["passed"] == 1
    assert client.post(f"{API}/projects/{pid}/packages", json={"stage": "annotate"},
                       headers=pm).status_code == 201
    task: dict[str, Any] = client.post(f"{API}/projects/{pid}/tasks/next",
                                       params={"stage": "annotate"}, headers=ann1).json()
    return task


def _mask(counts: Any) -> dict[str, Any]:
    return {"base_version": 0, "annotation": {
        "type": "image_annotation", "schema_version": 1,
        "objects": [{"label": "person", "kind": "mask", "rle": {"size": [H, W], "counts": counts}}]}}


def test_a_submitted_mask_with_bad_runs_is_refused_with_a_coded_problem(
    client: TestClient, runtime: Runtime
) -> None:
    pm, ann1 = login(client, "pm"), login(client, "ann1")
    pid = _project(client, pm, "masks")
    task = _annotate_task(client, runtime, pid, pm, ann1)
    url = f"{API}/tasks/{task['id']}/annotations"
    for runs in BAD_RUNS:
        r = client.post(url, json=_mask(runs), headers={**ann1, "Accept-Language": "zh-CN"})
        assert r.status_code == 422, (runs, r.text)
        body = r.json()
        assert [p["code"] for p in body["problems"]] == ["mask_invalid"], body
        assert "掩码游程无效" in body["detail"], body
    # a compressed string that decodes to a negative run is the same problem
    r = client.post(url, json=_mask(rle_string([W * H + 10, -10])), headers=ann1)
    assert r.status_code == 422 and r.json()["problems"][0]["code"] == "mask_invalid", r.text
    # a good mask (compressed here) still goes in
    r = client.post(url, json=_mask(rle_string([W * H - 300, 200, 100])), headers=ann1)
    assert r.status_code == 201, r.text


def test_a_labelled_coco_import_with_a_bad_mask_is_refused(
    client: TestClient, runtime: Runtime
) -> None:
    from tests.known_issues.test_issue10_s3_labelled_import import _coco

    pm = login(client, "pm")
    _coco(runtime.settings.resolved_import_root() / "bad-mask", category_id=2,
          segmentation={"size": [H, W], "counts": [W * H + 10, -10]})
    pid = _project(client, pm, "bad-mask")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "bad-mask", "format": "coco"},
                    headers=pm)
    assert r.status_code == 422 and "runs are at least 1" in r.text, r.text


def test_a_pre_annotators_unreadable_mask_is_dropped_not_stored() -> None:
    from datamill.modalities.image.plugin import ImageAnnotationRequirements

    req = ImageAnnotationRequirements.model_validate(MASK_REQUIREMENTS)
    prediction = ImageAnnotation(objects=(
        Mask(label="person", rle=CocoRle(size=(H, W), counts=(W * H + 10, -10))),
        Mask(label="person", rle=CocoRle(size=(H, W), counts=(W * H - 5, 5)))))
    doc = ImagePlugin().map_prediction(prediction, req)
    payload: Any = doc.payload
    assert [o["rle"]["counts"] for o in payload["objects"]] == [[W * H - 5, 5]]
    assert doc.dropped == {"person": 1}
