"""Trial: an annotator drew a box (the rectangle) and pressed Submit before the heading step
(drag, or a click for heading 0): the box on screen was dropped and an empty frame submitted.
Submitting now keeps it as a click would (heading 0, fitted to the points), and waits for a
box being fitted."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.models import Annotation, Task
from tests.e2e.conftest import Site
from tests.e2e.test_pointcloud_task import WB, _at, _first_task, _pointcloud_project

pytestmark = pytest.mark.slow


def test_submit_keeps_a_box_whose_heading_is_pending(site: Site, context: Any) -> None:
    pid, truth = _pointcloud_project(site)
    page, errors, task_id, frame = _first_task(context, pid)
    target = max(truth[frame], key=lambda c: c.length * c.width)
    page.get_by_test_id("pc-wb-tool-box").click()
    half = max(target.length, target.width) / 2 + 0.3
    page.mouse.move(*_at(page, target.x + half, target.y + half))
    page.mouse.down()
    page.mouse.move(*_at(page, target.x - half, target.y - half), steps=6)
    page.mouse.up()
    assert "drag in the direction" in page.get_by_test_id("pc-wb-status").inner_text()
    assert page.evaluate(f"() => {WB}.annotation().objects.length") == 0  # heading pending
    page.get_by_test_id("pc-wb-submit").click()
    page.wait_for_url(lambda url: not url.endswith(f"/tasks/{task_id}"))
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None and task.status == "done"
        ann = s.query(Annotation).filter(Annotation.task_id == task_id).one()
        objects = ann.payload["objects"]
    assert len(objects) == 1 and objects[0]["label"] == "car", objects
    assert not errors
