"""Trial (Chinese autonomous-driving team, item 1 and LOW 5).

* The rework banner on the point-cloud workbench (``/tasks/{id}`` after a rejected batch) read
  "…低于要求的 0.9000；2 defective items in a sample of 5 (acceptance number 0). The inspector
  found this item defective (their version is in inspection 1)": the point-cloud template
  handed only the stored English to the wording function, whose parser did not know the
  "(their version is in inspection N)" ending. Every workbench now words the coded return the
  home page words, and the stored English of that shape parses too.
* A point-cloud inspection's scores carried the speech-only alias ``defective_utterances``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import render_scene, write_cloud
from datamill.web.check_text import return_reason
from datamill.web.i18n import translator
from tests._api import web_sign_in as _sign_in
from tests.unit.production.test_pointcloud_loop import _annotate, pointcloud_spec


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _rejected_pointcloud_task(runtime: Runtime, users: dict[str, User], folder: Path
                              ) -> tuple[int, int, dict[str, object]]:
    truth = {}
    for i in range(2):
        points, cuboids = render_scene(700 + i, objects=3)
        write_cloud(points, folder / f"drive/frame{i:02d}.pcd")
        truth[f"drive/frame{i:02d}"] = cuboids
    from datamill.modalities.pointcloud.schema import PointCloudAnnotation
    docs = {k: PointCloudAnnotation(objects=tuple(v)) for k, v in truth.items()}
    with runtime.session() as s:
        p = create_project(s, pointcloud_spec("lidar-rework"))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    _annotate(runtime, users, pid, docs)
    with runtime.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:  # the inspector moves every cuboid far off: all defective
            doc = json.loads(smp["delivered_text"])
            for o in doc["objects"]:
                o["x"] += 5.0
            record_correction(s, insp.id, smp["item_id"], json.dumps(doc))
        done = complete_inspection(s, insp.id, users["insp"])
    assert done.verdict == "rejected", done
    with runtime.session() as s:
        t = claim_next_task(s, users["ann1"], pid, "annotate")
        assert t is not None
        return t.id, insp.id, dict(done.scores)


def test_pointcloud_rework_banner_is_worded_in_chinese_and_scores_carry_no_speech_alias(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    task_id, insp_id, scores = _rejected_pointcloud_task(runtime, users, tmp_path / "in")
    assert "defective_items" in scores and "defective_utterances" not in scores, scores
    _sign_in(client, "ann1")
    client.cookies.set("lang", "zh-CN")
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.text[:500]
    said = re.search(r'data-testid="return-reason">(.*?)</p>', page.text, re.DOTALL).group(1)  # type: ignore[union-attr]
    assert "未通过质检" in said and f"质检 #{insp_id}" in said, said
    for english in ("defective", "sample", "acceptance", "inspector", "rejected"):
        assert english not in said, said


def test_stored_english_return_naming_the_inspection_is_worded_in_chinese() -> None:
    """A return stored before the coded values (text only) reads in Chinese too."""
    treturn = return_reason(translator("zh-CN"), "zh-CN")
    said = treturn("batch-001 rejected: cuboid accuracy 0.5000 < 0.9000; 2 defective items in a "
                   "sample of 5 (acceptance number 0). The inspector found this item defective "
                   "(their version is in inspection 1)")
    assert "defective" not in said and "acceptance" not in said, said
    assert "质检 #1" in said and "5" in said, said
