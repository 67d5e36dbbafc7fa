"""A moment the pages' JavaScript shows (the workbench's "last saved", from the draft API's ISO
``saved_at``) reads on the business's clock, as the server-rendered times do (``when()``:
``2026-12-01 03:00 UTC+08:00``), not in UTC or the browser's zone; and it follows
``DATAMILL_BUSINESS_TIMEZONE``. The page names the zone (``<html data-business-timezone>``)
and ``static/common.js`` ``when`` formats with it: one format, checked against the server's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from datamill.production.models import Draft
from datamill.web.routes._common import when
from tests.e2e.conftest import Site, sign_in
from tests.e2e.test_workbench import _open_next

pytestmark = pytest.mark.slow

#: moments to format in the browser and on the server: naive (as SQLite hands them back),
#: with Z, with an offset; either side of New York's summer time
MOMENTS = ["2026-11-30T19:00:00", "2026-11-30T19:00:00Z", "2026-07-01T12:34:56+00:00",
           "2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-12-31T16:30:00.123456"]


def _server_when(iso: str, *, seconds: bool = False) -> str:
    at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return when(at if at.tzinfo else at.replace(tzinfo=UTC), seconds=seconds)


def _browser_when(page: Any, iso: str, *, seconds: bool = False) -> str:
    said: str = page.evaluate(
        "([iso, seconds]) => import('/static/common.js').then((m) => m.when(iso, { seconds }))",
        [iso, seconds])
    return said


def _saved_draft(site: Site, context: Any, user: str) -> tuple[Any, Draft]:
    """A speech workbench page of ``user`` whose draft the server has just confirmed."""
    pid = site.project(1)
    page = sign_in(context, user)
    task_id = _open_next(page, pid)
    page.keyboard.press("Control+a")
    page.keyboard.type("a draft with a time")
    page.wait_for_selector("[data-testid=save-status][data-state=saved]")
    page.wait_for_selector("[data-testid=saved-at-line]:not([hidden])")
    with site.rt.session() as s:
        draft = s.scalars(select(Draft).where(Draft.task_id == task_id)).one()
        s.expunge(draft)
    return page, draft


def test_the_workbench_shows_when_its_draft_was_saved_on_the_business_clock(
    site: Site, context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATAMILL_BUSINESS_TIMEZONE", raising=False)  # the default: Shanghai
    page, draft = _saved_draft(site, context, "ann1")
    assert page.locator("html").get_attribute("data-business-timezone") == "Asia/Shanghai"
    shown = page.get_by_test_id("saved-at").inner_text()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\+08:00", shown), shown
    assert shown == when(draft.updated_at)  # the server's words for the same moment
    assert page.get_by_test_id("saved-at").get_attribute("datetime").endswith("+00:00")
    page.reload()  # the server's draft brings its time along
    page.wait_for_selector("body[data-wb-ready='1']")
    assert page.get_by_test_id("saved-at").inner_text() == when(draft.updated_at)
    # a known moment: 19:00 UTC on 30 November is 03:00 on 1 December in Shanghai
    assert _browser_when(page, "2026-11-30T19:00:00Z") == "2026-12-01 03:00 UTC+08:00"
    for iso in MOMENTS:
        assert _browser_when(page, iso) == _server_when(iso), iso
        assert _browser_when(page, iso, seconds=True) == _server_when(iso, seconds=True), iso


@pytest.mark.parametrize(("zone", "label"), [("America/New_York", "UTC-05:00"), ("UTC", "UTC")])
def test_the_pages_follow_the_business_timezone_setting(
    site: Site, context: Any, monkeypatch: pytest.MonkeyPatch, zone: str, label: str
) -> None:
    monkeypatch.setenv("DATAMILL_BUSINESS_TIMEZONE", zone)
    page, draft = _saved_draft(site, context, "ann2")
    assert page.locator("html").get_attribute("data-business-timezone") == zone
    shown = page.get_by_test_id("saved-at").inner_text()
    assert shown == when(draft.updated_at), (shown, zone)
    assert "UTC+08:00" not in shown
    if draft.updated_at.month in (1, 2, 12):  # New York's winter offset; UTC has none
        assert shown.endswith(f" {label}")
    assert _browser_when(page, "2026-11-30T19:00:00Z") == (
        "2026-11-30 14:00 UTC-05:00" if zone == "America/New_York" else "2026-11-30 19:00 UTC")
    for iso in MOMENTS:  # summer time too: the offset is the moment's, not today's
        assert _browser_when(page, iso, seconds=True) == _server_when(iso, seconds=True), iso
