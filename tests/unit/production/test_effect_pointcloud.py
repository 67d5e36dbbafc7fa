"""Application-effect verification of point-cloud cuboid labels: a classifier on each cuboid's
size and points names the cuboids whose label it contradicts (domain §4.6)."""

from __future__ import annotations

from pathlib import Path

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.modalities.pointcloud.schema import PointCloudAnnotation
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.effect_evaluation import evaluate_batch
from datamill.production.importing import import_source
from datamill.production.inspection import create_batch
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.unit.production.test_pointcloud_loop import pointcloud_spec

NEXT = {"car": "pedestrian", "pedestrian": "cyclist", "cyclist": "car"}
FLIPPED = {("frame03", 1), ("frame09", 0), ("frame14", 2)}


def test_cuboid_classifier_learns_the_labels_and_names_the_flipped_cuboids(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    truth = {}
    for i in range(16):
        points, cuboids = render_scene(7000 + i, objects=4, self_occlusion=i % 2 == 1)
        write_cloud(points, tmp_path / "in" / f"frame{i:02d}.bin")
        truth[f"frame{i:02d}"] = cuboids
    with runtime.session() as s:
        pid = create_project(s, pointcloud_spec("lidar-effect")).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, tmp_path / "in")
    with runtime.session() as s:
        assert run_checks(s, runtime.blobs, pid, workers=1).passed == 16
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    while True:
        with runtime.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            cuboids = [c.model_copy(update={"label": NEXT[c.label]})
                       if (t.external_id, k) in FLIPPED else c
                       for k, c in enumerate(truth[t.external_id])]
            doc = PointCloudAnnotation(objects=tuple(cuboids)).model_dump(mode="json")
            submit_annotation(s, users["ann1"], t.id, doc, base_version=t.current_version)
    while True:
        with runtime.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")
    with runtime.session() as s:
        batch_id = create_batch(s, pid).id
    with runtime.session() as s:
        done = evaluate_batch(s, runtime.blobs, batch_id, users["insp"])
    r = done.result
    assert r["items_scored"] == 16 and r["objects_scored"] == 64
    assert set(r["groups"]["label"]) == {"car", "pedestrian", "cyclist"}
    assert r["measure"]["value"] > r["baseline"]["macro_f1"] + 0.4, r
    named = [(x["external_id"], x["object"]) for x in r["second_look"]]
    assert set(named[:3]) == FLIPPED, r["second_look"]  # the most confident three are the flips
    assert all(len(x["size_m"]) == 3 for x in r["second_look"])
