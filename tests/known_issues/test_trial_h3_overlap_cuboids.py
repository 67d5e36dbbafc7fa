"""Trial h3: point-cloud cuboids under overlap are aggregated and asked, not last-one-wins.

Point clouds had no aggregation: under overlap 2 the last submission became the item's current
version; a car only the first annotator drew was gone, unseen by the reviewer, and the accept
went through. Now every group of cuboids (3D IoU >= 0.5) is a question: a cuboid one of two
drew is a split at 0.5, the accept is refused until an edit decides it, and the review page
words it ("Cuboid near x 12.3 m, y -4.0 m" / "(no cuboid)", zh-CN 立体框); agreeing
annotators merge at confidence 1.0 (the cluster's medoid).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import Conflict
from datamill.production.annotating import review_task
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import render_scene, write_cloud
from datamill.web.i18n import translator
from datamill.web.routes._common import templates
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.known_issues.test_trial_ner_overlap_qc import _u
from tests.unit.production.test_pointcloud_loop import pointcloud_spec


def _frame(runtime: Runtime, users: dict[str, User], folder: Path) -> tuple[int, list[Any]]:
    points, cuboids = render_scene(510, objects=2)
    write_cloud(points, folder / "frame00.pcd")
    with runtime.session() as s:
        pid = create_project(s, {**pointcloud_spec("lidar-overlap"), "overlap": 2}).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    return pid, [c.model_dump(mode="json") for c in cuboids]


def test_a_cuboid_one_of_two_drew_waits_for_the_reviewer(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from tests.known_issues._web import web_login

    pid, cuboids = _frame(runtime, users, tmp_path / "clouds")
    _submit(runtime, users["ann1"], pid, {"objects": cuboids})
    nudged = {**cuboids[1], "x": cuboids[1]["x"] + 0.05}
    _submit(runtime, users["ann2"], pid, {"objects": [nudged]})  # misses the first object
    with runtime.session() as s:
        item = s.query(Item).filter_by(project_id=pid).one()
        current = s.get(Annotation, item.current_annotation_id)
        assert current is not None
        assert (current.kind, current.confidence) == ("aggregate", 0.5)  # was annotation, None
        task = claim_next_task(s, _u(s, users["rev"]), pid, "review")
        assert task is not None
        task_id = task.id
        with pytest.raises(Conflict, match="split with no majority") as err:
            review_task(s, _u(s, users["rev"]), task_id, "accept")  # was accepted
        (key, counts), = err.value.details["split"].items()
        assert key == f"cuboid:{cuboids[0]['x']:.1f}:{cuboids[0]['y']:.1f}"
        assert counts == {"O": 1, cuboids[0]["label"]: 1}
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        x, y = (f"{cuboids[0][c]:.1f}" for c in ("x", "y"))
        assert f"Cuboid near x {x} m, y {y} m" in page and "(no cuboid)" in page
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/review/{task_id}").text
        assert f"立体框（x {x} 米，y {y} 米附近）" in page and "（未画立体框）" in page


def test_agreeing_cuboids_merge_at_full_confidence() -> None:
    from datamill.modalities.registry import get_modality
    from datamill.qc.aggregating import _majority, split_units

    plugin = get_modality("pointcloud")
    car = {"label": "car", "x": 10.0, "y": 2.0, "z": 0.8, "length": 4.2, "width": 1.8,
           "height": 1.5, "attributes": {}}
    one, close = {"objects": [car]}, {"objects": [{**car, "x": 10.2}]}
    units = [*plugin.region_units({1: one, 2: close})]
    assert split_units(units) == {} and _majority(units)[1] == 1.0
    merged = plugin.merge_aggregate([one, close, {"objects": [{**car, "x": -20.0}]}], {})
    assert len(merged["objects"]) == 1 and merged["objects"][0]["x"] in (10.0, 10.2)
    relabelled = plugin.region_units({1: one, 2: {"objects": [{**car, "label": "truck"}]}})
    assert split_units(relabelled) == {"cuboid:10.0:2.0": {"car": 1, "truck": 1}}
    table = templates.env.get_template("_split_answers.html")
    split = [{"key": "cuboid:10.0:2.0", "start": None, "end": None, "head": None, "tail": None,
              "box": None, "shape": {"kind": "cuboid", "x": 10.0, "y": 2.0},
              "answers": [{"username": "mei", "label": "car"}, {"username": "jun", "label": "O"}]}]
    html = table.render(split=split, t=translator("en"))
    assert '<td rowspan="2">Cuboid near x 10.0 m, y 2.0 m</td>' in html
