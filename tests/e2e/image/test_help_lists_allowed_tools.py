"""Trial 10 (L7): the image workbench's shortcut help (en and zh-CN) listed the R/L/K/M tools
on a project whose schema allows only boxes (and text lines): those keys do nothing there.
The help names only the tools the schema allows, and leaves out the keypoint and mask lines
when those kinds are not allowed."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.tasks import claim_next_task
from datamill.web.i18n import CATALOGUES
from tests.e2e.conftest import Site, sign_in
from tests.unit.production.image_helpers import make_image_project

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_help_lists_only_the_allowed_tools(site: Site, context: Any, lang: str) -> None:
    pid = make_image_project(site.rt, site.users, site.scratch(f"dm-help-{lang}-"))
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann1"]), pid, "annotate")
        assert task is not None
        task_id = task.id
    context.add_cookies([{"name": "lang", "value": lang, "url": site.url}])
    page = sign_in(context, "ann1")
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    page.get_by_test_id("image-wb-help").click()
    text = page.get_by_test_id("image-wb-help-overlay").inner_text()
    words = CATALOGUES[lang]
    for tool in ("select", "box", "text_line"):  # the schema: car/person boxes, text lines
        assert words[f"image.tool.{tool}"] in text, (tool, text)
    for tool in ("rotated_box", "polygon", "polyline", "keypoints", "mask"):
        assert words[f"image.tool.{tool}"] not in text, (tool, text)
    assert words["image.help.keypoints"] not in text and words["image.help.mask"] not in text
    assert words["image.help.history"] in text
