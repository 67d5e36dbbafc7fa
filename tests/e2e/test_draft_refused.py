"""A draft the server refuses is said to be refused, not retried as if offline: an annotator
has one task open in two tabs, submits it in one, and goes on editing in the other. The image
and the point-cloud workbenches both say the draft was not saved (with the server's words) and
stop sending it, instead of "Offline ... retrying" every few seconds for ever."""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.tasks import claim_next_task
from datamill.web.i18n import EN
from tests.e2e.conftest import Site, sign_in
from tests.e2e.test_pointcloud_task import _pointcloud_project
from tests.unit.production.image_helpers import make_image_project

pytestmark = pytest.mark.slow


def _claim(site: Site, pid: int) -> int:
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann1"]), pid, "annotate")
        assert task is not None
        return task.id


def _two_tabs(context: Any, task_id: int, ready: str) -> tuple[Any, Any, list[str]]:
    """Two tabs on the task; the first one's draft POSTs are counted."""
    first = sign_in(context, "ann1")
    drafts: list[str] = []
    first.on("request", lambda r: drafts.append(r.url) if r.method == "POST"
             and "/draft" in r.url else None)
    second = context.new_page()
    for page in (first, second):
        page.goto(f"/tasks/{task_id}")
        page.wait_for_selector(ready)
    return first, second, drafts


def test_image_draft_of_a_task_submitted_in_another_tab(site: Site, context: Any) -> None:
    pid = make_image_project(site.rt, site.users, site.scratch("dm-refused-"))
    task_id = _claim(site, pid)
    first, second, drafts = _two_tabs(context, task_id, "[data-image-workbench][data-ready='1']")
    second.get_by_test_id("image-wb-submit").click()
    second.wait_for_url(lambda u: f"/tasks/{task_id}" not in u)

    first.get_by_test_id("image-wb-tool-box").click()  # an edit: the draft goes out
    wb = "document.querySelector('[data-image-workbench]').__workbench"
    first.mouse.move(*first.evaluate(f"() => {wb}.clientPoint(20, 20)"))
    first.mouse.down()
    first.mouse.move(*first.evaluate(f"() => {wb}.clientPoint(90, 80)"), steps=4)
    first.mouse.up()
    status = first.get_by_test_id("image-wb-save-status")
    first.wait_for_function("(el) => el.textContent.includes('not saved')", arg=status.element_handle())
    assert "already submitted" in status.inner_text()
    first.wait_for_timeout(2500)  # an offline retry would have gone out by now
    assert len(drafts) == 1, drafts
    assert "Offline" not in status.inner_text()


def test_pointcloud_draft_of_a_task_submitted_in_another_tab(site: Site, context: Any) -> None:
    pid, _truth = _pointcloud_project(site)
    task_id = _claim(site, pid)
    first, second, drafts = _two_tabs(context, task_id,
                                      "[data-pointcloud-workbench][data-ready='1']")
    second.get_by_test_id("pc-wb-submit").click()
    second.wait_for_url(lambda u: f"/tasks/{task_id}" not in u)

    first.get_by_test_id("pc-wb-classes").locator("input[type=checkbox]").first.check()
    status = first.get_by_test_id("pc-wb-save")
    first.wait_for_function("(el) => el.textContent.includes('not saved')", arg=status.element_handle())
    assert "already submitted" in status.inner_text()
    first.wait_for_timeout(2500)
    assert len(drafts) == 1, drafts
    assert EN["pc.save_offline"] not in status.inner_text()


def test_image_draft_saved_in_another_tab_meanwhile(site: Site, context: Any) -> None:
    """Trial (H7): two tabs on one task each autosave a draft. The second tab's save carries a
    revision the first already saved (409 stale_draft): it says "saved elsewhere: reload",
    sends no more drafts (its later revisions would overwrite the first tab's work), and a
    reload starts from the server's draft."""
    pid = make_image_project(site.rt, site.users, site.scratch("dm-stale-"))
    task_id = _claim(site, pid)
    first, second, drafts = _two_tabs(context, task_id, "[data-image-workbench][data-ready='1']")
    wb = "document.querySelector('[data-image-workbench]').__workbench"

    def box(page: Any, x: int, y: int) -> None:
        page.get_by_test_id("image-wb-tool-box").click()
        page.mouse.move(*page.evaluate(f"() => {wb}.clientPoint({x}, {y})"))
        page.mouse.down()
        page.mouse.move(*page.evaluate(f"() => {wb}.clientPoint({x + 60}, {y + 50})"), steps=4)
        page.mouse.up()

    box(second, 10, 10)  # the other tab saves revision 1
    done = second.get_by_test_id("image-wb-save-status")
    second.wait_for_function(f"(el) => el.textContent.includes({EN['image.save.saved']!r})",
                             arg=done.element_handle())
    box(first, 20, 20)  # this tab's revision 1 too: refused
    status = first.get_by_test_id("image-wb-save-status")
    first.wait_for_function("(el) => el.textContent.includes('reload')", arg=status.element_handle())
    assert status.inner_text().strip() == EN["image.save.stale"]
    sent = len(drafts)
    box(first, 100, 100)  # revision 2 would overwrite the other tab's draft: not sent
    first.wait_for_timeout(2500)
    assert len(drafts) == sent, drafts
    first.reload()
    first.wait_for_selector("[data-image-workbench][data-ready='1']")
    objects = first.evaluate(f"() => {wb}.objects.map((o) => [o.x, o.y])")
    assert len(objects) == 1, objects  # the server's draft (the other tab's box)


def test_stale_image_tab_does_not_submit_over_the_other_tabs_draft(
    site: Site, context: Any
) -> None:
    """Trial 10 (M1): tab A knew it was stale (its draft save got 409), yet Ctrl+Enter
    submitted it and tab B's boxes were gone. Once stale, submit is disabled with the
    "reload" sentence, and Ctrl+Enter sends nothing; the item keeps no version of tab A's."""
    pid = make_image_project(site.rt, site.users, site.scratch("dm-stale-submit-"))
    task_id = _claim(site, pid)
    first, second, _drafts = _two_tabs(context, task_id,
                                       "[data-image-workbench][data-ready='1']")
    submits: list[str] = []
    first.on("request", lambda r: submits.append(r.url) if r.method == "POST"
             and r.url.endswith("/annotation") else None)
    wb = "document.querySelector('[data-image-workbench]').__workbench"
    second.get_by_test_id("image-wb-tool-box").click()
    second.mouse.move(*second.evaluate(f"() => {wb}.clientPoint(10, 10)"))
    second.mouse.down()
    second.mouse.move(*second.evaluate(f"() => {wb}.clientPoint(70, 60)"), steps=4)
    second.mouse.up()
    done = second.get_by_test_id("image-wb-save-status")
    second.wait_for_function(f"(el) => el.textContent.includes({EN['image.save.saved']!r})",
                             arg=done.element_handle())
    first.get_by_test_id("image-wb-tool-box").click()
    first.mouse.move(*first.evaluate(f"() => {wb}.clientPoint(20, 20)"))
    first.mouse.down()
    first.mouse.move(*first.evaluate(f"() => {wb}.clientPoint(90, 80)"), steps=4)
    first.mouse.up()
    status = first.get_by_test_id("image-wb-save-status")
    first.wait_for_function("(el) => el.textContent.includes('reload')", arg=status.element_handle())
    assert first.get_by_test_id("image-wb-submit").is_disabled()
    first.keyboard.press("Control+Enter")
    first.wait_for_timeout(1000)
    assert submits == [], submits
    assert EN["image.save.stale"] in first.locator("[data-image-workbench]").inner_text()
    with site.rt.session() as s:
        from datamill.production.models import Item, Task  # noqa: PLC0415

        task = s.get(Task, task_id)
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None and item.current_version == 0


# --- the speech workbench (workbench.html + workbench.js) -----------------------------------------

_SPEECH_READY = "body[data-wb-ready='1']"


def _speech_tabs(site: Site, context: Any) -> tuple[int, Any, Any, list[str], list[str]]:
    """Two tabs of ann1 on one claimed speech task; the first one's draft PUTs and submit
    POSTs are recorded."""
    pid = site.project(1)
    task_id = _claim(site, pid)
    first = sign_in(context, "ann1")
    drafts: list[str] = []
    submits: list[str] = []
    first.on("request", lambda r: drafts.append(r.url) if r.method == "PUT"
             and r.url.endswith("/draft") else None)
    first.on("request", lambda r: submits.append(r.url) if r.method == "POST"
             and r.url.endswith("/submit") else None)
    second = context.new_page()
    for page in (first, second):
        page.goto(f"/tasks/{task_id}")
        page.wait_for_selector(_SPEECH_READY)
    return task_id, first, second, drafts, submits


def _type(page: Any, text: str) -> None:
    page.locator(".seg-text").first.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def _item_version_and_draft(site: Site, task_id: int) -> tuple[int, list[str]]:
    from sqlalchemy import select  # noqa: PLC0415

    from datamill.production.models import Draft, Item, Task  # noqa: PLC0415

    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None
        texts = [seg["text"] for d in s.scalars(select(Draft).where(Draft.task_id == task_id))
                 for seg in d.payload]
        return item.current_version, texts


def test_stale_speech_tab_does_not_save_or_submit_over_the_other_tabs_draft(
    site: Site, context: Any
) -> None:
    """The speech workbench as the image one: the second tab saves a draft, the first tab's
    own save is refused 409 stale_draft, so it says "reload", sends no further drafts,
    disables submit and sends nothing on Ctrl+Enter; a reload starts from the other tab's
    draft, and the item keeps no version of the stale tab's words."""
    task_id, first, second, drafts, submits = _speech_tabs(site, context)
    version, _ = _item_version_and_draft(site, task_id)
    _type(second, "the second tab's words")
    second.wait_for_selector("[data-testid=save-status][data-state=saved]")
    _type(first, "first tab")  # fewer keystrokes, a lower revision: refused
    first.wait_for_selector("[data-testid=save-status][data-state=stale]")
    assert first.get_by_test_id("save-status").inner_text().strip() == EN["wb.save.stale"]
    assert first.get_by_test_id("speech-wb-submit").is_disabled()
    assert first.get_by_test_id("speech-wb-form-error").inner_text().strip() == EN["wb.save.stale"]
    sent = len(drafts)
    first.keyboard.type(" and more")  # revision 2 would overwrite the other tab's draft
    first.keyboard.press("Control+Enter")
    first.wait_for_timeout(2500)  # a save (500 ms debounce) or a submit would be out by now
    assert len(drafts) == sent, drafts
    assert submits == [], submits
    assert _item_version_and_draft(site, task_id) == (version, ["the second tab's words"])
    first.reload()
    first.wait_for_selector(_SPEECH_READY)
    texts = first.eval_on_selector_all(".seg-text", "els => els.map(e => e.value)")
    assert texts == ["the second tab's words"]
    assert first.get_by_test_id("speech-wb-submit").is_enabled()


def test_speech_submit_behind_another_tabs_draft_is_refused_and_says_so(
    site: Site, context: Any
) -> None:
    """Trial 10 (M1) on the speech workbench: the first tab never saved (it learns nothing
    from a refused draft save), the second tab saved a draft; the first tab's submit names
    draft revision 0 and is refused 409 stale_draft: the page says "reload", disables submit,
    and the item keeps no version of its words."""
    task_id, first, second, _drafts, submits = _speech_tabs(site, context)
    version, _ = _item_version_and_draft(site, task_id)
    _type(second, "the second tab's words")
    second.wait_for_selector("[data-testid=save-status][data-state=saved]")
    first.locator(".seg-text").first.click()
    first.keyboard.press("Control+Enter")
    first.wait_for_selector("[data-testid=save-status][data-state=stale]")
    assert len(submits) == 1, submits
    assert first.get_by_test_id("speech-wb-submit").is_disabled()
    assert first.get_by_test_id("speech-wb-form-error").inner_text().strip() == EN["wb.save.stale"]
    assert f"/tasks/{task_id}" in first.url  # no next task opened
    assert _item_version_and_draft(site, task_id) == (version, ["the second tab's words"])


def test_speech_draft_of_a_task_submitted_in_another_tab(site: Site, context: Any) -> None:
    """The speech workbench's draft of a task submitted in another tab: refused 409
    task_submitted (no draft row is written), the page says the task was submitted (not the
    bare "Not saved" it said), stops sending drafts, disables submit and goes read-only as the
    other workbenches do (test_submitted_elsewhere.py: the shared banner, controls disabled,
    text fields read-only, keys edit nothing)."""
    task_id, first, second, drafts, submits = _speech_tabs(site, context)
    second.get_by_test_id("speech-wb-submit").click()
    second.wait_for_url(lambda u: f"/tasks/{task_id}" not in u)
    _type(first, "typed after the other tab submitted")
    first.wait_for_selector("[data-testid=save-status][data-state=submitted]")
    assert first.get_by_test_id("save-status").inner_text().strip() == EN["wb.save.submitted"]
    assert first.get_by_test_id("speech-wb-submit").is_disabled()
    banner = first.get_by_test_id("wb-submitted-elsewhere")
    assert banner.inner_text().strip() == EN["wb.save.submitted"]
    assert first.locator("#workbench").get_attribute("data-readonly") == "submitted"
    assert not first.locator(".seg-text").first.is_editable()
    assert first.locator("[data-action=split]").is_disabled()
    segments = first.locator(".seg-text").count()
    first.locator(".seg-text").first.focus()
    first.keyboard.press("Alt+n")  # add a segment: not any more
    assert first.locator(".seg-text").count() == segments
    assert first.locator(".seg-text").first.input_value() == "typed after the other tab submitted"
    first.keyboard.type(" and more")
    first.keyboard.press("Control+Enter")
    first.wait_for_timeout(2500)  # a retried save or a submit would be out by now
    assert len(drafts) == 1, drafts
    assert submits == [], submits
    assert _item_version_and_draft(site, task_id)[1] == []
