"""The image review page in Chinese and by keyboard alone: the comparison (legend, list of
differences, object kinds) is in the page's language, and the folded correction editor takes no
keys, so Tab reaches Accept and Enter accepts."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.models import Item
from datamill.production.tasks import claim_next_task
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests.e2e.conftest import Site, shot, sign_in
from tests.e2e.test_image_review_page import _project

pytestmark = pytest.mark.slow


def _review_task(site: Site) -> tuple[int, int]:
    pid, _scene = _project(site)
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["rev"]), pid, "review")
        assert task is not None
        return task.id, task.item_id


def test_the_comparison_is_in_the_pages_language(site: Site, context: Any) -> None:
    task_id, _item = _review_task(site)
    context.add_cookies([{"name": "lang", "value": "zh-CN", "url": site.url}])
    page = sign_in(context, "rev")
    page.goto(f"/review/{task_id}")
    page.wait_for_selector("[data-image-compare][data-ready='1']")
    compare = page.get_by_test_id("review-compare")
    legend = compare.locator(".compare-legend").inner_text()
    for key in ("cmp.submitted", "cmp.differs"):
        assert ZH_CN[key] in legend and EN[key] not in legend
    # no pre-annotation here: no layer is named the model's (the page says there is no baseline)
    assert ZH_CN["cmp.pre"] not in legend and EN["cmp.pre"] not in legend
    assert ZH_CN["cmp.no_baseline"] in page.get_by_test_id("no-baseline").inner_text()
    heading = compare.locator("h3").inner_text()
    assert ZH_CN["cmp.differences"] in heading and EN["cmp.differences"] not in heading
    row = page.get_by_test_id("review-compare-row").first.inner_text()
    assert ZH_CN["cmp.status.added"] in row and ZH_CN["cmp.kind.box"] in row
    assert " box " not in f" {row} "
    shot(page, "image-review-zh-CN")


def test_a_reviewer_accepts_by_keyboard(site: Site, context: Any) -> None:
    task_id, item_id = _review_task(site)
    page = sign_in(context, "rev")
    page.goto(f"/review/{task_id}")
    page.wait_for_selector("[data-image-workbench][data-ready='1']", state="attached")
    seen = []
    for _ in range(30):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.dataset.testid || ''"))
        if seen[-1] == "accept":
            break
    assert seen[-1] == "accept", seen
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: f"/review/{task_id}" not in u)
    with site.rt.session() as s:
        item = s.get(Item, item_id)
        assert item is not None and item.status == "reviewed"
