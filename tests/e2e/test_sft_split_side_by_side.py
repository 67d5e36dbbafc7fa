"""Two writers' SFT conversations side by side on the review page, differences marked (h6).

An SFT item at overlap 2 whose writers differ is split; its review page listed the two
conversations one under the other, whole, for the reviewer to compare by eye. It now shows
them in two columns, next to each other, with what the other answer lacks marked: by word in
English, by character in Chinese written without spaces (首都是北京 / 首都是上海 marks 北京 and
上海 only); the "no majority" line above says where each answer differs instead of repeating
both whole.
"""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.tasks import claim_next_task
from datamill.web.i18n_zh_items import ZH_CN_ITEMS
from tests.e2e.conftest import Site, shot, sign_in
from tests.known_issues.test_trial_h19_sft_overlap import LONG, PROMPTS, _project, _write

pytestmark = pytest.mark.slow

FIRST = f"首都是北京。{LONG}It is a quiet city."
SECOND = f"首都是上海。{LONG}It is a busy city."


def test_split_sft_answers_side_by_side_with_differences_marked(site: Site, browser: Any
                                                                ) -> None:
    folder = site.scratch("sft-split-")
    pid, (first, second) = _project(site.rt, site.users, folder / folder.name,
                                    names=(f"{folder.name}a", f"{folder.name}b"))
    _write(site.rt, first, pid, {PROMPTS[0]: FIRST, PROMPTS[1]: "Hello."})
    _write(site.rt, second, pid, {PROMPTS[0]: SECOND, PROMPTS[1]: "Hello."})
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["rev"]), pid, "review")
        assert task is not None
        task_id = task.id
    ctx = browser.new_context(base_url=site.url, locale="zh-CN",
                              extra_http_headers={"Accept-Language": "zh-CN"},
                              viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(10_000)
    try:
        page = sign_in(ctx, "rev")
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(f"/review/{task_id}")
        grid = page.get_by_test_id("split-side-by-side")
        grid.wait_for()
        columns = grid.get_by_test_id("split-column").all()
        assert len(columns) == 2
        assert [c.get_by_test_id("split-column-who").inner_text() for c in columns] == [
            first.username, second.username]
        left, right = (c.bounding_box() for c in columns)
        assert left is not None and right is not None
        assert abs(left["y"] - right["y"]) < 2  # next to each other, not one under the other
        assert right["x"] >= left["x"] + left["width"]
        marks = [c.get_by_test_id("split-diff").all_inner_texts() for c in columns]
        assert marks == [["北京", "quiet"], ["上海", "busy"]], marks  # by character in Chinese
        text = columns[0].locator(".split-text").inner_text()
        assert text.startswith(f"user: {PROMPTS[0]}\nassistant: 首都是北京。Keep"), text
        assert page.get_by_text(ZH_CN_ITEMS["rv.split_diff_hint"]).is_visible()
        # the "no majority" line says where each differs, not both conversations again
        line = page.get_by_test_id("no-majority").inner_text()
        assert f"{first.username}：…北京。Keep a regular" in line, line
        assert f"{second.username}：…上海。Keep a regular" in line, line
        assert len(line) < 200, line  # was over 600 characters: both answers whole
        assert errors == []
        shot(page, "review-sft-split-side-by-side-zh-CN")
    finally:
        ctx.close()
