"""Point-cloud segmentation trial (LOW 7) in the browser: "label points from boxes" on boxes
whose label no point class is named after said nothing and labelled none of their points. The
workbench now shows the server's refusal when no box has such a point class, names the box
labels left unlabelled when some do; a submit relabels the points and goes on."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.production.models import Annotation, Task
from datamill.web.i18n import EN
from tests.e2e.conftest import Site
from tests.e2e.conftest import pointcloud_project as _pointcloud_project
from tests.e2e.test_pointcloud_task import WB, _at, _draw_rough_box, _first_task, _objects

pytestmark = pytest.mark.slow


def _stored(site: Site, task_id: int) -> Annotation | None:
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        return s.scalars(select(Annotation).where(
            Annotation.item_id == task.item_id, Annotation.kind == "annotation")).first()


def test_boxes_without_a_point_class_are_named_in_the_workbench(
    site: Site, context: Any
) -> None:
    pid, truth = _pointcloud_project(site, segment=True)  # point classes road, car
    page, errors, task_id, frame = _first_task(context, pid)
    cars = truth[frame]
    a, b = min(((p, q) for i, p in enumerate(cars) for q in cars[i + 1:]),
               key=lambda pq: math.hypot(pq[0].x - pq[1].x, pq[0].y - pq[1].y))
    page.mouse.move(*_at(page, (a.x + b.x) / 2, (a.y + b.y) / 2))
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"() => {WB}.view.s > 8")
    box = page.get_by_test_id("pc-wb-canvas").bounding_box()
    for c in (a, b):
        x, y = _at(page, c.x, c.y)
        assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    _draw_rough_box(page, a)
    page.wait_for_function(f"() => {WB}.annotation().objects.length === 1")
    page.keyboard.press("3")  # cyclist: no point class of that name
    assert _objects(page)[0]["label"] == "cyclist"
    notice = page.get_by_test_id("pc-wb-notice")
    status = page.get_by_test_id("pc-wb-status")
    page.get_by_test_id("pc-wb-label-points").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=pc-wb-status]').textContent"
        ".startsWith('Points not labelled')")
    assert "no point class is named like the box labels cyclist" in status.inner_text()
    # a second box, a car: that one is labelled, the cyclist named
    _draw_rough_box(page, b)
    page.wait_for_function(f"() => {WB}.annotation().objects.length === 2")
    page.keyboard.press("1")
    assert sorted(o["label"] for o in _objects(page)) == ["car", "cyclist"]
    page.get_by_test_id("pc-wb-label-points").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=pc-wb-status]').textContent"
        ".startsWith('Points labelled from the boxes')")
    assert notice.is_visible()
    assert notice.inner_text() == EN["pc.label_unmatched"].format(labels="cyclist", boxes=1)
    # a submit relabels the points (the cyclist's stay unlabelled, as the notice said) and goes on
    page.get_by_test_id("pc-wb-canvas").focus()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{task_id}"))
    stored = _stored(site, task_id)
    assert stored is not None
    assert {c for c, _ in stored.payload["point_labels"]} <= {0, 10, 40}
    assert any(c == 10 for c, _ in stored.payload["point_labels"])  # the car's points
    assert not errors, errors
