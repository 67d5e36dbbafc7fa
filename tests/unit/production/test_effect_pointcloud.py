"""Application-effect verification of point-cloud cuboid labels: a classifier on each cuboid's
size and points names the cuboids whose label it contradicts (domain §4.6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.base import ItemRecord
from datamill.modalities.pointcloud.effect import CuboidEffectEvaluator
from datamill.modalities.pointcloud.schema import PointCloudAnnotation
from datamill.production.effect_evaluation import evaluate_batch
from datamill.runtime import Runtime
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.unit.production.helpers import reviewed_batch
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

    def labelled(external_id: str) -> dict[str, Any]:
        cuboids = [c.model_copy(update={"label": NEXT[c.label]})
                   if (external_id, k) in FLIPPED else c
                   for k, c in enumerate(truth[external_id])]
        return PointCloudAnnotation(objects=tuple(cuboids)).model_dump(mode="json")

    batch_id = reviewed_batch(runtime, users, pointcloud_spec("lidar-effect"), tmp_path / "in",
                              labelled)
    with runtime.session() as s:
        done = evaluate_batch(s, runtime.blobs, batch_id, users["insp"])
    r = done.result
    assert r["items_scored"] == 16 and r["objects_scored"] == 64
    assert set(r["groups"]["label"]) == {"car", "pedestrian", "cyclist"}
    assert r["measure"]["value"] > r["baseline"]["macro_f1"] + 0.4, r
    named = [(x["external_id"], x["object"]) for x in r["second_look"]]
    assert set(named[:3]) == FLIPPED, r["second_look"]  # the most confident three are the flips
    assert all(len(x["size_m"]) == 3 for x in r["second_look"])


def test_one_class_of_cuboids_is_refused_by_name_before_any_cloud_is_read(
    tmp_path: Path,
) -> None:
    """Every cuboid "car": refused with its own code from the stored labels; the frames do not
    exist, so reading one would fail first (the old check read them all, then said too few)."""
    ev = CuboidEffectEvaluator({})
    found = 0
    for i in range(5):
        _, cuboids = render_scene(7100 + i, objects=3)
        found += len(cuboids)
        payload = PointCloudAnnotation(objects=tuple(
            c.model_copy(update={"label": "car"}) for c in cuboids)).model_dump(mode="json")
        ev.add(ItemRecord(external_id=f"f{i}", sha256="-", filename=f"f{i}.bin",
                          path=tmp_path / f"f{i}.bin", attributes={}, language="en-US"), payload)
    with pytest.raises(InvalidInput) as err:
        ev.result()
    details = err.value.details
    assert details["reason_code"] == "effect_one_class"
    assert (details["label"], details["found"]) == ("car", found)
