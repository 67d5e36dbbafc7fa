"""A point-segmentation project through the loop (SQLite and PostgreSQL): its spec names point
classes and judges batches by ``point_miou`` as well (an optional metric a cuboid project need
not set), the cluster pre-annotation labels the points, a submission must cover every point,
the inspection scores the points, and the delivery holds SemanticKITTI's layout, read back
with NumPy and its YAML as SemanticKITTI's own tools read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.base import acceptance_metrics_for
from datamill.modalities.pointcloud.segmentation import decode_runs, encode_runs
from datamill.modalities.registry import get_modality
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.production.spec import parse_spec
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.unit.modalities.pointcloud.test_segmentation import (
    POINT_CLASSES,
    requirements,
    true_labels,
)
from tests.unit.production.test_pointcloud_loop import pointcloud_spec


def segmentation_spec(name: str = "lidar-seg") -> dict[str, Any]:
    """The lidar loop's spec, its labels with point classes, judged by point_miou as well."""
    spec = pointcloud_spec(name)
    return {**spec, "acceptance": {"cuboid_accuracy": 0.9, "point_miou": 0.9},
            "requirements": {**spec["requirements"], **requirements()}}


def test_the_point_metrics_judge_as_well_as_or_instead_of_the_cuboids() -> None:
    plugin = get_modality("pointcloud")
    parse_spec(segmentation_spec())
    cuboids_only = {**segmentation_spec(), "acceptance": {"cuboid_accuracy": 0.9}}
    parse_spec(cuboids_only)  # a cuboid project need not name them
    assert acceptance_metrics_for(plugin, {"cuboid_accuracy": 0.9}) == ("cuboid_accuracy",)
    points_only = {**segmentation_spec(), "acceptance": {"point_miou": 0.9}}
    parse_spec(points_only)  # a segmentation-only project need not judge cuboids
    assert acceptance_metrics_for(plugin, {"point_miou": 0.9}) == ("point_miou",)
    assert acceptance_metrics_for(plugin, segmentation_spec()["acceptance"]) == (
        "cuboid_accuracy", "point_miou")
    with pytest.raises(InvalidInput, match="not a metric of modality pointcloud"):
        parse_spec({**segmentation_spec(), "acceptance": {"cuboid_accuracy": 0.9,
                                                              "span_f1": 0.9}})
    with pytest.raises(InvalidInput, match=r"acceptance\.cuboid_accuracy: required"):
        parse_spec({**segmentation_spec(), "acceptance": {}})


def test_a_segmentation_project_runs_the_loop(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    truth = {}
    folder = tmp_path / "in"
    for i in range(4):
        points, cuboids = render_scene(40 + i, objects=3, labels=("car", "pedestrian"))
        write_cloud(points, folder / f"f{i}.bin")
        truth[f"f{i}"] = (points, cuboids)
    (folder / "manifest.csv").write_text(
        "path,id,sequence,frame\n" + "".join(f"f{i}.bin,f{i},drive-3,{i}\n" for i in range(4)),
        encoding="utf-8")
    with runtime.session() as s:
        p = create_project(s, segmentation_spec())
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, p.id, folder / "manifest.csv").imported == 4
        assert run_checks(s, runtime.blobs, p.id, workers=1).passed == 4
    with runtime.session() as s:
        assert preannotate_project(s, runtime.blobs, p.id, engine="pointcloud-cluster",
                                   workers=1)["items"] == 4
    with runtime.session() as s:  # the suggestion labels most points right
        for ext, payload in s.execute(
                select(Item.external_id, Annotation.payload)
                .join(Annotation, Annotation.id == Item.current_annotation_id)
                .where(Item.project_id == p.id)):
            points, cuboids = truth[ext]
            labels = decode_runs(payload["point_labels"])
            assert (labels == true_labels(points, cuboids)).mean() >= 0.95, ext
        create_packages(s, p.id, "annotate")
        create_packages(s, p.id, "review")
    while (t := _claim(runtime, users["ann1"], p.id, "annotate")) is not None:
        points, cuboids = truth[t[1]]
        payload = {"objects": [c.model_dump(mode="json") for c in cuboids],
                   "point_labels": [list(r) for r in encode_runs(true_labels(points, cuboids))]}
        with runtime.session() as s:
            short = {**payload, "point_labels": payload["point_labels"][:-1]}
            with pytest.raises(InvalidInput, match=r"point_labels cover \d+ points; the cloud "
                                                   r"has \d+"):
                submit_annotation(s, users["ann1"], t[0], short, base_version=t[2])
        with runtime.session() as s:
            submit_annotation(s, users["ann1"], t[0], payload, base_version=t[2])
    while (r := _claim(runtime, users["rev"], p.id, "review")) is not None:
        with runtime.session() as s:
            review_task(s, users["rev"], r[0], "accept")
    with runtime.session() as s:
        batch = create_batch(s, p.id)
    with runtime.session() as s:  # the inspector relabels every point of the sample as road
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            points, _ = truth[smp["external_id"]]
            wrong = {"objects": [], "point_labels": [[POINT_CLASSES[0]["id"], len(points)]]}
            record_correction(s, insp.id, smp["item_id"], json.dumps(wrong))
        done = complete_inspection(s, insp.id, users["insp"])
    assert done.verdict == "rejected"
    assert done.scores["point_miou"] < 0.9 and done.scores["point_accuracy"] < 0.9
    assert any("point miou" in reason for reason in done.reasons), done.reasons

    with runtime.session() as s:  # a second batch of the same work, inspected as delivered
        batch2 = _rebatch(runtime, users, p.id, truth)
    with runtime.session() as s:
        insp = start_inspection(s, batch2, users["insp"])
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        done = complete_inspection(s, insp.id, users["insp"])
    assert done.verdict == "accepted", done.reasons
    assert done.scores["point_miou"] == 1.0 and done.scores["point_accuracy"] == 1.0
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch2, tmp_path / "out")
    assert set(d.formats) == {"openpcdet", "semantickitti", "pointcloud_parquet"}
    root = Path(d.path) / "semantickitti"
    config = yaml.safe_load((root / "semantic-kitti.yaml").read_text(encoding="utf-8"))
    assert config["labels"] == {0: "unlabeled", 10: "car", 30: "pedestrian", 40: "road"}
    assert config["learning_map"] == {0: 0, 10: 1, 30: 2, 40: 3}
    rows = (root / "frames.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 4
    for row in rows:
        sequence, stem, frame_id = row.split("\t")
        points, cuboids = truth[frame_id]
        scan = np.fromfile(root / "sequences" / sequence / "velodyne" / f"{stem}.bin",
                           dtype=np.float32).reshape(-1, 4)
        label = np.fromfile(root / "sequences" / sequence / "labels" / f"{stem}.label",
                            dtype=np.uint32)
        assert (sequence, stem) == ("drive-3", f"{int(frame_id[1:]):06d}")
        assert np.array_equal(scan, points)
        assert np.array_equal(label & 0xFFFF, true_labels(points, cuboids))


def _claim(rt: Runtime, user: User, pid: int, stage: str) -> tuple[int, str, int] | None:
    with rt.session() as s:
        t = claim_next_task(s, user, pid, stage)  # type: ignore[arg-type]
        return None if t is None else (t.id, t.external_id, t.current_version)


def _rebatch(rt: Runtime, users: dict[str, User], pid: int, truth: dict[str, Any]) -> int:
    """The rejected batch's items, reworked as they were, reviewed and batched again."""
    while (t := _claim(rt, users["ann1"], pid, "annotate")) is not None:
        points, cuboids = truth[t[1]]
        payload = {"objects": [c.model_dump(mode="json") for c in cuboids],
                   "point_labels": [list(r) for r in encode_runs(true_labels(points, cuboids))]}
        with rt.session() as s:
            submit_annotation(s, users["ann1"], t[0], payload, base_version=t[2])
    while (r := _claim(rt, users["rev"], pid, "review")) is not None:
        with rt.session() as s:
            review_task(s, users["rev"], r[0], "accept")
    with rt.session() as s:
        return create_batch(s, pid).id
