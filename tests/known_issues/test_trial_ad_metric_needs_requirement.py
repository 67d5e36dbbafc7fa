"""Autonomous-driving trial (MEDIUM, LOW). A point-cloud spec with ``acceptance: {point_miou:
0.8}`` and no ``requirements.labels.point_classes`` (or ``[]``) was accepted; inspection then
showed the point metrics "未测" and only the defect count decided. Such a threshold is now
refused at project create and set-spec, saying which requirement the metric needs
(``unmeasurable_metrics_for``). LOW: an image project doing only segmentation had to set
``acceptance.character_accuracy`` though it has no text lines; the same mechanism makes it
optional there (``conditional_metrics``), and required wherever a label is a text line. A new
spec setting it there is refused too now (new-user trial); a stored one keeps loading."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.base import acceptance_metrics_for
from datamill.modalities.registry import get_modality
from datamill.production.spec import parse_spec
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

POINT_CLASSES = [{"name": "road", "id": 40, "ground": True}, {"name": "car", "id": 10}]


def _pointcloud(acceptance: dict[str, float], point_classes: Any = None) -> dict[str, Any]:
    spec = pointcloud_spec("lidar-metrics")
    spec["acceptance"] = acceptance
    if point_classes is not None:
        spec["requirements"]["labels"]["point_classes"] = point_classes
    return spec


def _masks_only(acceptance: dict[str, float]) -> dict[str, Any]:
    requirements = copy.deepcopy(IMAGE_REQUIREMENTS)
    requirements["labels"] = {"labels": [{"name": "road", "kinds": ["mask"]},
                                         {"name": "car", "kinds": ["mask", "polygon"]}]}
    return image_spec(name="seg-only", acceptance=acceptance, requirements=requirements)


@pytest.mark.parametrize("point_classes", [None, []], ids=["absent", "empty"])
@pytest.mark.parametrize("acceptance", [{"point_miou": 0.8},
                                        {"cuboid_accuracy": 0.9, "point_accuracy": 0.95}],
                         ids=["instead", "as-well"])
def test_a_point_metric_without_point_classes_is_refused(
    point_classes: Any, acceptance: dict[str, float]
) -> None:
    metric = next(m for m in acceptance if m.startswith("point_"))
    with pytest.raises(InvalidInput, match=rf"acceptance\.{metric}: this project cannot measure "
                                           r"it: requirements\.labels\.point_classes names no"):
        parse_spec(_pointcloud(acceptance, point_classes))
    parse_spec(_pointcloud(acceptance, POINT_CLASSES))  # with point classes: measured


def test_an_image_project_without_text_lines_needs_no_character_accuracy() -> None:
    spec, _ = parse_spec(_masks_only({"region_accuracy": 0.9}))
    assert acceptance_metrics_for(get_modality("image"), spec.acceptance.thresholds()) == (
        "region_accuracy",)
    # set all the same: refused for a new spec (new-user trial: it was then stated as the
    # acceptance basis of a project that never measured it) ...
    with pytest.raises(InvalidInput, match=r"acceptance\.character_accuracy: this project cannot"
                                           r" measure it") as refused:
        parse_spec(_masks_only({"region_accuracy": 0.9, "character_accuracy": 0.9}))
    assert refused.value.details["reason_code"] == "metric_not_measurable"
    # ... but a stored spec that holds it (every spec had to, before) still loads
    spec, _ = parse_spec(_masks_only({"region_accuracy": 0.9, "character_accuracy": 0.9}),
                         kept={"character_accuracy": 0.9})
    assert spec.acceptance.thresholds()["character_accuracy"] == 0.9
    # a project that transcribes text lines still must set it
    with pytest.raises(InvalidInput, match=r"acceptance\.character_accuracy: required"):
        parse_spec(image_spec(acceptance={"region_accuracy": 0.9}))


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> TestClient:
    return TestClient(create_app(runtime))


def test_create_and_set_spec_refuse_it_through_the_api(
    client: TestClient, runtime: Runtime
) -> None:
    pm = login(client, "pm")
    r = client.post(f"{API}/projects", json=_pointcloud({"point_miou": 0.8}), headers=pm)
    assert r.status_code == 422 and "point_classes names no point class" in r.text, r.text
    r = client.post(f"{API}/projects", json=_pointcloud({"cuboid_accuracy": 0.9}), headers=pm)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = client.patch(f"{API}/projects/{pid}/spec", json={"acceptance": {"point_miou": 0.8}},
                     headers=pm)
    assert r.status_code == 422 and "point_classes names no point class" in r.text, r.text
    r = client.patch(f"{API}/projects/{pid}/spec", headers=pm, json={
        "acceptance": {"point_miou": 0.8},
        "requirements": {"labels": {"point_classes": POINT_CLASSES}}})
    assert r.status_code == 200, r.text
    # and the image project doing only segmentation is created without character_accuracy
    r = client.post(f"{API}/projects", json=_masks_only({"region_accuracy": 0.9}), headers=pm)
    assert r.status_code == 201, r.text
