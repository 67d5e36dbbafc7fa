"""Trial h3 round 3: an autosave due while a submit was on its way went out meanwhile. Reaching
the server after the submit it was refused (409 task_submitted in the console); reaching it
first (the submit held up on the way, as here) it made the page's own submit stale, refused as
409 stale_draft, and the page never moved on (this test timed out). No draft goes out while a
submit is on its way now."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.conftest import Site
from tests.e2e.test_pointcloud_task import WB, _first_task, _pointcloud_project

pytestmark = pytest.mark.slow


def test_no_draft_goes_out_after_the_submit(site: Site, context: Any) -> None:
    pid, _truth = _pointcloud_project(site)
    page, errors, task_id, _frame = _first_task(context, pid)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    def slow(route: Any) -> None:  # the submit takes a while: the draft timer runs meanwhile
        time.sleep(0.8)
        route.continue_()

    page.route(f"**/web/api/tasks/{task_id}/annotation", slow)
    page.evaluate(f"""() => {{
      {WB}.autosaveMs = 100;
      document.querySelector('[data-testid=pc-wb-classes] input[type=checkbox]').click();
      document.querySelector('[data-testid=pc-wb-submit]').click();
    }}""")
    page.wait_for_url(lambda url: not url.endswith(f"/tasks/{task_id}"))
    mine = [u for u in posts if f"/tasks/{task_id}/" in u]
    assert mine and mine[-1].endswith(f"/tasks/{task_id}/annotation"), mine
    assert not errors
