"""A task submitted in another tab: every document workbench stops as the speech one does.

An annotator has one task open in two tabs, submits it in one and goes on editing in the
other. The edit's draft save is refused 409 ``task_submitted`` (no draft row is written); the
text, LLM, image and point-cloud workbenches then say so in a banner (``wb-submitted-elsewhere``,
the catalogue's ``wb.save.submitted`` as the speech workbench says it, en and zh-CN; the image
and point-cloud save status quote the server's 409 detail), send no further draft (the
refused one is the only one out, whatever is edited after), and go read-only (controls
disabled or read-only, keys and pointer edit nothing, submit disabled); nothing new is stored
for the task (still no draft, the item keeps the other tab's version only). Before, the image
and point-cloud workbenches sent a refused draft on every edit, and the text and LLM ones said
"reload the page" with everything still editable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from datamill.production.models import Annotation, Draft, Task
from datamill.production.tasks import claim_next_task
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests.e2e.conftest import Site, llm_project, pointcloud_project, sign_in
from tests.e2e.test_text_task import _text_project
from tests.unit.production.image_helpers import make_image_project

pytestmark = pytest.mark.slow

BANNER = "wb-submitted-elsewhere"
#: the server's 409 detail (English), which the image and point-cloud save status quote
SERVER_WORDS = "is already submitted (in another tab, window or client)"
CATALOGUES = {"en": EN, "zh-CN": ZH_CN}


def _claim(site: Site, pid: int) -> int:
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann1"]), pid, "annotate")
        assert task is not None
        return task.id


def _stored(site: Site, task_id: int) -> tuple[int, int]:
    """(draft rows of the task, annotation versions of its item)."""
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        drafts = s.scalar(select(func.count()).select_from(Draft).where(Draft.task_id == task_id))
        versions = s.scalar(select(func.count()).select_from(Annotation)
                            .where(Annotation.item_id == task.item_id))
        return int(drafts or 0), int(versions or 0)


class Tabs:
    """Two tabs of ann1 on one claimed task; the first one's draft and submit POSTs are
    counted, its page errors kept."""

    def __init__(self, browser: Any, site: Site, task_id: int, ready: str, lang: str) -> None:
        self.ctx = browser.new_context(base_url=site.url, locale=lang, extra_http_headers={
            "Accept-Language": lang}, viewport={"width": 1400, "height": 900})
        self.ctx.set_default_timeout(10_000)
        self.first = sign_in(self.ctx, "ann1")
        self.drafts: list[str] = []
        self.submits: list[str] = []
        self.errors: list[str] = []
        self.first.on("request", self._count)
        self.first.on("pageerror", lambda err: self.errors.append(str(err)))
        self.second = self.ctx.new_page()
        for page in (self.first, self.second):
            page.goto(f"/tasks/{task_id}")
            page.wait_for_selector(ready)

    def _count(self, r: Any) -> None:
        if r.method != "POST":
            return
        if r.url.endswith("/draft"):
            self.drafts.append(r.url)
        elif r.url.endswith("/annotation") or r.url.endswith("/submit"):
            self.submits.append(r.url)


@pytest.fixture
def tabs(browser: Any) -> Any:
    made: list[Tabs] = []

    def make(site: Site, task_id: int, ready: str, lang: str = "en") -> Tabs:
        made.append(Tabs(browser, site, task_id, ready, lang))
        return made[-1]

    yield make
    for t in made:
        t.ctx.close()


def _stops(site: Site, t: Tabs, task_id: int, lang: str, edit: Callable[[], None],
           status: str, status_text: str) -> tuple[int, int]:
    """After the other tab submitted: ``edit`` once (its draft is refused), then the banner
    says the server's words, the status ``status_text``; a second ``edit`` (and Ctrl+Enter)
    sends nothing and no draft is stored. Returns what is stored."""
    t.second.wait_for_url(lambda u: f"/tasks/{task_id}" not in u)
    stored = _stored(site, task_id)
    assert stored[0] == 0  # the submit took the draft rows with it
    edit()
    banner = t.first.get_by_test_id(BANNER)
    banner.wait_for()
    assert banner.inner_text().strip() == CATALOGUES[lang]["wb.save.submitted"]
    assert banner.get_attribute("role") == "alert"
    assert status_text in t.first.get_by_test_id(status).inner_text()
    assert len(t.drafts) == 1, t.drafts
    edit()  # read-only now: nothing changes, nothing goes out
    t.first.keyboard.press("Control+Enter")
    t.first.wait_for_timeout(2500)  # a debounced save, a retry or a submit would be out by now
    assert len(t.drafts) == 1, t.drafts
    assert t.submits == [], t.submits
    assert _stored(site, task_id) == stored
    assert t.errors == []
    return stored


# --- text --------------------------------------------------------------------------------------

TEXT_WB = "document.querySelector('[data-text-workbench]').__workbench"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_text_workbench_stops_when_submitted_in_another_tab(
    site: Site, tabs: Any, lang: str
) -> None:
    pid = _text_project(site)
    task_id = _claim(site, pid)
    t = tabs(site, task_id, "[data-text-workbench][data-ready='1']", lang)
    t.second.get_by_test_id("text-wb-submit").click()
    page = t.first

    def edit() -> None:  # select 张伟 and press 1 (PER)
        page.evaluate(f"() => {TEXT_WB}.select(1, 3)")
        page.locator("body").press("1")

    _stops(site, t, task_id, lang, edit, "text-wb-status",
           CATALOGUES[lang]["wb.save.submitted"])
    # the span of the refused edit is shown (read-only); the second edit added none
    assert page.evaluate(f"() => {TEXT_WB}.spans.length") == 1
    root = page.locator("[data-text-workbench]")
    assert root.get_attribute("data-readonly") == "submitted"
    assert page.get_by_test_id("text-wb-submit").is_disabled()
    assert page.get_by_test_id("text-wb-label-LOC").is_disabled()
    assert page.get_by_test_id("text-wb-delete-0").is_disabled()
    assert page.get_by_test_id("text-wb-span-0").locator("select").is_disabled()


# --- LLM ---------------------------------------------------------------------------------------

LLM_WB = "document.querySelector('[data-llm-workbench]').__workbench"


def test_llm_workbench_stops_when_submitted_in_another_tab(site: Site, tabs: Any) -> None:
    pid = llm_project(site)
    task_id = _claim(site, pid)
    t = tabs(site, task_id, "[data-llm-workbench][data-ready='1']")
    t.second.get_by_test_id("llm-choose-a").click()
    t.second.get_by_test_id("llm-reason").fill("the first one is right")
    t.second.get_by_test_id("llm-submit").click()
    page = t.first
    keys = iter(["2", "1"])

    def edit() -> None:
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press(next(keys))

    _stops(site, t, task_id, "en", edit, "llm-status", EN["wb.save.submitted"])
    assert page.evaluate(f"() => {LLM_WB}.state.choice") == "b"  # the key 1 changed nothing
    assert page.locator("[data-llm-workbench]").get_attribute("data-readonly") == "submitted"
    assert not page.get_by_test_id("llm-reason").is_editable()
    assert page.get_by_test_id("llm-choose-a").is_disabled()
    assert page.get_by_test_id("llm-submit").is_disabled()


# --- image -------------------------------------------------------------------------------------

IMAGE_WB = "document.querySelector('[data-image-workbench]').__workbench"


def test_image_workbench_goes_read_only_when_submitted_in_another_tab(
    site: Site, tabs: Any
) -> None:
    pid = make_image_project(site.rt, site.users, site.scratch("dm-elsewhere-"))
    task_id = _claim(site, pid)
    t = tabs(site, task_id, "[data-image-workbench][data-ready='1']")
    t.second.get_by_test_id("image-wb-submit").click()
    page = t.first
    at = iter([(20, 20), (100, 100)])

    def edit() -> None:  # draw a box
        x, y = next(at)
        page.get_by_test_id("image-wb-tool-box").click(force=True)  # once read-only: disabled
        page.mouse.move(*page.evaluate(f"() => {IMAGE_WB}.clientPoint({x}, {y})"))
        page.mouse.down()
        page.mouse.move(*page.evaluate(f"() => {IMAGE_WB}.clientPoint({x + 70}, {y + 60})"),
                        steps=4)
        page.mouse.up()

    _stops(site, t, task_id, "en", edit, "image-wb-save-status", SERVER_WORDS)
    assert page.evaluate(f"() => {IMAGE_WB}.objects.length") == 1  # the second box was not drawn
    assert page.locator("[data-image-workbench]").get_attribute("data-readonly") == "submitted"
    assert page.get_by_test_id("image-wb-submit").is_disabled()
    assert page.get_by_test_id("image-wb-tool-box").is_disabled()
    page.keyboard.press("Delete")  # the box stays
    assert page.evaluate(f"() => {IMAGE_WB}.objects.length") == 1


# --- point cloud -------------------------------------------------------------------------------

def test_pointcloud_workbench_goes_read_only_when_submitted_in_another_tab(
    site: Site, tabs: Any
) -> None:
    pid, _truth = pointcloud_project(site)
    task_id = _claim(site, pid)
    t = tabs(site, task_id, "[data-pointcloud-workbench][data-ready='1']")
    t.second.get_by_test_id("pc-wb-submit").click()
    page = t.first
    boxes = page.get_by_test_id("pc-wb-classes").locator("input[type=checkbox]")

    def edit() -> None:  # tick the first scene class (once read-only: force the click)
        boxes.first.click(force=True)

    _stops(site, t, task_id, "en", edit, "pc-wb-save", SERVER_WORDS)
    assert boxes.first.is_checked()  # the refused edit is shown, the second did not untick it
    assert boxes.first.is_disabled()
    assert page.locator("[data-pointcloud-workbench]").get_attribute("data-readonly") \
        == "submitted"
    assert page.get_by_test_id("pc-wb-submit").is_disabled()
