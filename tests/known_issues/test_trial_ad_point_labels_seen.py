"""Autonomous-driving trial (MEDIUM): reviewers and inspectors could not see the point labels of
a segmentation project. An annotator relabelled every car and pedestrian point as road and
left the cuboids alone: the review page said "差异：0（对象：2 → 2）没有差异" although
``PointCloudPlugin.compare`` counted the relabelled points, and the inspection page marked a
frame below ``min_point_agreement`` "✓ 合格" (its script judged cuboids only) while the server
counted it defective. The review and inspection diffs now list the points that changed class,
per class pair, named by the spec's point classes; each sample's defect mark is the server's
own judgement (``sample_defects``), so it agrees with the scores' total and the verdict."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.modalities.pointcloud.schema import PointCloudAnnotation
from datamill.modalities.pointcloud.segmentation import encode_runs, point_moves
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.inspection import (
    create_batch,
    inspection_scores,
    record_correction,
    sample_defects,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import SIZES, render_scene, write_cloud
from tests.known_issues._web import web_login

ROAD, CAR, PEDESTRIAN = 40, 10, 30
POINT_CLASSES = [{"name": "road", "id": ROAD, "ground": True}, {"name": "car", "id": CAR},
                 {"name": "pedestrian", "id": PEDESTRIAN}]


def _spec() -> dict[str, Any]:
    return {
        "name": "lidar-seg", "modality": "pointcloud", "language": "zh-CN",
        "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 10,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"cuboid_accuracy": 0.9, "point_miou": 0.8},
        "requirements": {
            "cloud": {"min_points": 2000},
            "labels": {"labels": [{"name": k, "typical_size": list(v)} for k, v in SIZES.items()],
                       "point_classes": POINT_CLASSES},
            "iou_threshold": 0.5,
        },
    }


def _truth(points: np.ndarray, cuboids: list[Any]) -> np.ndarray:
    """render_scene's classes: ground points (intensity < 0.25) road, the rest the nearest
    object's class."""
    ids = {"car": CAR, "pedestrian": PEDESTRIAN}
    centres = np.array([(c.x, c.y) for c in cuboids])
    nearest = np.argmin(np.hypot(points[:, None, 0] - centres[None, :, 0],
                                 points[:, None, 1] - centres[None, :, 1]), axis=1)
    classes = np.array([ids.get(c.label, 0) for c in cuboids], dtype=np.uint32)
    return np.where(points[:, 3] < 0.25, ROAD, classes[nearest]).astype(np.uint32)  # noqa: PLR2004


def _frames(folder: Path) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Two frames: per name, the right annotation and the one with every object point road."""
    out = {}
    for i in range(2):
        points, cuboids = render_scene(700 + i, objects=2)
        cuboids = [c.model_copy(update={"label": ("car", "pedestrian")[j % 2]})
                   for j, c in enumerate(cuboids)]
        write_cloud(points, folder / f"frame{i}.bin")
        labels = _truth(points, cuboids)
        good = PointCloudAnnotation(objects=tuple(cuboids), point_labels=encode_runs(labels))
        bad = good.model_copy(update={"point_labels": encode_runs(np.full_like(labels, ROAD))})
        out[f"frame{i}"] = (good.model_dump(mode="json"), bad.model_dump(mode="json"))
    return out


def test_point_moves_count_every_changed_point_once() -> None:
    before, after = [(ROAD, 5), (CAR, 3), (PEDESTRIAN, 2)], [(ROAD, 9), (CAR, 1)]
    moves = point_moves(before, after)
    assert moves == [{"from": CAR, "to": ROAD, "points": 3},
                     {"from": PEDESTRIAN, "to": CAR, "points": 1},
                     {"from": PEDESTRIAN, "to": ROAD, "points": 1}]
    change = PointCloudPlugin().compare({"point_labels": before}, {"point_labels": after})
    assert change["points_relabelled"] == sum(m["points"] for m in moves) == 5
    assert change["point_moves"] == moves


def test_reviewer_and_inspector_see_relabelled_points_and_the_servers_verdict(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    frames = _frames(tmp_path / "in")
    with runtime.session() as s:
        pid = create_project(s, _spec()).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, tmp_path / "in")
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    for _ in frames:  # the right labels first
        with runtime.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            assert t is not None
            submit_annotation(s, users["ann1"], t.id, frames[t.external_id][0],
                              base_version=t.current_version)
    with runtime.session() as s:  # the reviewer sends frame back; the rework relabels points
        r = claim_next_task(s, users["rev"], pid, "review")
        assert r is not None
        reworked = r.external_id
        review_task(s, users["rev"], r.id, "reject", reason="check the points")
    with runtime.session() as s:
        t = claim_next_task(s, users["ann1"], pid, "annotate")
        assert t is not None and t.external_id == reworked
        submit_annotation(s, users["ann1"], t.id, frames[reworked][1],
                          base_version=t.current_version)
    with runtime.session() as s:
        r = claim_next_task(s, users["rev"], pid, "review")
        assert r is not None
        if r.external_id != reworked:  # the other frame first: accept it
            review_task(s, users["rev"], r.id, "accept")
            r = claim_next_task(s, users["rev"], pid, "review")
            assert r is not None
        review_id = r.id
    client = create_app(runtime)
    from fastapi.testclient import TestClient

    web = TestClient(client)
    web_login(web, "rev")
    web.get("/lang/zh-CN")
    page = web.get(f"/review/{review_id}").text
    count = re.search(r'data-testid="review-compare-count">(\d+)<', page)
    assert count and int(count.group(1)) == 2, page[-3000:]  # car → road, pedestrian → road
    assert "没有差异" not in page.split('data-testid="review-compare"')[1].split("</div>")[0]
    assert "点类别变更" in page
    moves = re.findall(r'data-testid="review-compare-row-move" data-from="(\d+)" data-to="(\d+)"'
                       r' data-points="(\d+)">([^<]*)<', page)
    assert {(int(f), int(t)) for f, t, _, _ in moves} == {(CAR, ROAD), (PEDESTRIAN, ROAD)}
    assert any(w.startswith("car → road") for *_, w in moves), moves
    # accept both, inspect: the inspector's version is the right one
    with runtime.session() as s:
        review_task(s, users["rev"], review_id, "accept")
        while (r := claim_next_task(s, users["rev"], pid, "review")) is not None:
            review_task(s, users["rev"], r.id, "accept")
    with runtime.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
    assert len(insp.sample) == 2
    with runtime.session() as s:
        for sample in insp.sample:
            good = frames[sample["external_id"]][0]
            record_correction(s, insp.id, sample["item_id"], json.dumps(good), users["insp"])
    with runtime.session() as s:
        defects = sample_defects(s, insp.id)
        total = inspection_scores(s, insp.id)["defective_items"]
    bad_item = next(x["item_id"] for x in insp.sample if x["external_id"] == reworked)
    assert defects == {x["item_id"]: x["item_id"] == bad_item for x in insp.sample}
    assert total == 1
    web = TestClient(client)
    web_login(web, "insp")
    web.get("/lang/zh-CN")
    page = web.get(f"/inspections/{insp.id}").text
    marks = dict(re.findall(r'data-testid="sample-(\d+)".*?data-testid="defect-mark" '
                            r'data-defective="(\d)"', page, flags=re.S))
    assert marks == {str(i): str(int(bad)) for i, bad in defects.items()}, marks
    bad_row = page.split(f'data-testid="sample-{bad_item}"')[1].split("</li>\n{% endfor")[0]
    assert "✗ 不合格" in bad_row.split("</div>")[0]
    assert "点类别变更" in bad_row
