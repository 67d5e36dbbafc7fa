"""An annotator skips an image or a point-cloud task from its workbench, with a reason (as the
API's and the CLI's skip do): a skip without a reason is refused on the page, one with a reason
hands the task back to the pool and opens the next task."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.task_notes import skipped_by
from datamill.production.tasks import claim_next_task
from datamill.web.i18n import EN
from tests.e2e.conftest import Site, image_project, pointcloud_project, sign_in

pytestmark = pytest.mark.slow


def _skip(site: Site, context: Any, pid: int, ready: str) -> None:
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann2"]), pid, "annotate")
        assert task is not None
        task_id = task.id
    page = sign_in(context, "ann2")
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector(ready)
    page.get_by_test_id("skip-open").click()
    page.get_by_test_id("skip-confirm").click()
    assert page.get_by_test_id("skip-error").inner_text() == EN["sp.skip_needs_reason"]
    page.get_by_test_id("skip-reason").fill("the picture is cut off")
    page.get_by_test_id("skip-confirm").click()
    page.wait_for_url(lambda u: f"/tasks/{task_id}" not in u)
    with site.rt.session() as s:
        [skip] = skipped_by(s, task_id)
        assert skip["reason"] == "the picture is cut off"


def test_skip_an_image_task(site: Site, context: Any) -> None:
    pid = image_project(site)
    _skip(site, context, pid, "[data-image-workbench][data-ready='1']")


def test_skip_a_pointcloud_task(site: Site, context: Any) -> None:
    pid, _truth = pointcloud_project(site)
    _skip(site, context, pid, "[data-pointcloud-workbench][data-ready='1']")
