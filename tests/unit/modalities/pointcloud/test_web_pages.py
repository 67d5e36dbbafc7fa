"""The web faces a point-cloud project reaches (English and zh-CN): the dashboard (its worst
files open rather than play, its batches show the project's acceptance metrics), the
annotator's task page, the reviewer's and the inspector's pages (which compare two versions:
``compare`` takes payloads and the inspection's canonical texts alike), and the points the
workbench draws (``/web/api/items/{id}/preview``: float32 quadruples)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.inspection import create_batch, start_inspection
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.test_pointcloud_loop import pointcloud_folder, pointcloud_spec


def test_every_page_of_a_pointcloud_project_renders(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    truth = pointcloud_folder(tmp_path / "in")
    with runtime.session() as s:
        pid = create_project(s, pointcloud_spec()).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, tmp_path / "in")
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    for _ in range(5):
        with runtime.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            assert t is not None
            submit_annotation(s, users["ann1"], t.id, truth[t.external_id].model_dump(mode="json"),
                              base_version=t.current_version)
    with runtime.session() as s:
        open_task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert open_task is not None
    for _ in range(4):
        with runtime.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            assert r is not None
            review_task(s, users["rev"], r.id, "accept")
    with runtime.session() as s:
        review = claim_next_task(s, users["rev"], pid, "review")
        assert review is not None
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
    item = insp.sample[0]["item_id"]
    app = create_app(runtime)
    pages = {"pm": [f"/projects/{pid}"], "ann1": [f"/tasks/{open_task.id}"],
             "rev": [f"/review/{review.id}"],
             "insp": [f"/inspections/{insp.id}", f"/inspections/{insp.id}?sample={item}"]}
    for user, paths in pages.items():
        for lang in ("en", "zh-CN"):
            client = TestClient(app)
            web_login(client, user)
            client.get(f"/lang/{lang}")
            for path in paths:
                r = client.get(path)
                assert r.status_code == 200, (user, lang, path, r.text[-800:])
    client = TestClient(app)
    web_login(client, "pm")
    board = client.get(f"/projects/{pid}").text  # a frame opens; the batch shows its metric
    assert "<audio" not in board and "/web/api/items/" in board and ">Open</a>" in board
    assert "<th>cuboid accuracy</th>" in board and "Character accuracy" not in board
    client = TestClient(app)
    web_login(client, "ann1")
    r = client.get(f"/web/api/items/{open_task.item_id}/preview")
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    points = np.frombuffer(r.content, dtype="<f4").reshape(-1, 4)
    assert len(points) == open_task.attributes["points"] - open_task.attributes["invalid_points"]
    assert np.isfinite(points).all()
