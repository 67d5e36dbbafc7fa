"""The point-cloud workbench by keyboard: Tab on the canvas walks the objects and, past the last
one (or when there is none), moves on to the next control instead of keeping the focus there."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.tasks import claim_next_task
from tests.e2e.conftest import Site, sign_in
from tests.e2e.test_pointcloud_task import _pointcloud_project

pytestmark = pytest.mark.slow


def test_tab_leaves_the_canvas(site: Site, context: Any) -> None:
    pid, _truth = _pointcloud_project(site)
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann2"]), pid, "annotate")
        assert task is not None
        task_id = task.id
    page = sign_in(context, "ann2")
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    focused = "() => document.activeElement.dataset.testid || document.activeElement.tagName"
    page.focus("[data-testid=pc-wb-canvas]")
    page.keyboard.press("Tab")  # no objects: the focus moves on
    assert page.evaluate(focused) != "pc-wb-canvas"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) == "pc-wb-canvas"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) != "pc-wb-canvas"
