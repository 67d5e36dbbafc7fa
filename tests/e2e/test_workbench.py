"""The annotator's workbench in a real browser: keyboard-only correction, autosave, access."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import get_user
from datamill.production.models import Annotation, Draft, Task, TaskAssignment
from datamill.production.tasks import claim_next_task
from tests.e2e.conftest import Site, shot, sign_in

pytestmark = pytest.mark.slow


def _open_next(page: Any, project_id: int) -> int:
    """From the home page, start the next task with the keyboard; returns the task id."""
    page.focus(f"[data-testid=next-{project_id}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("body[data-wb-ready='1']")
    return int(page.url.rsplit("/", 1)[1])


def _texts(page: Any) -> list[str]:
    return page.eval_on_selector_all(".seg-text", "els => els.map(e => e.value)")


def test_annotator_corrects_with_keyboard_only_and_submits(site: Site, context: Any) -> None:
    pid = site.project(2)
    page = sign_in(context, "ann1")
    assert page.locator("h1").inner_text() == "My tasks"
    shot(page, "annotator-home")
    first = _open_next(page, pid)
    shot(page, "workbench")
    # the model's pre-annotation is the starting point, and the caret is in segment 1
    pre = _texts(page)
    assert len(pre) == 1 and pre[0]
    assert page.evaluate("document.activeElement.classList.contains('seg-text')")

    page.keyboard.press("F1")
    assert page.locator("#help").is_visible()
    assert page.locator("[data-testid=shortcuts] tr").count() >= 15
    shot(page, "workbench-help")
    page.keyboard.press("Escape")
    assert page.locator("#help").is_hidden()

    # split at the caret, then merge back; nudge the start; insert a noise symbol by shortcut
    page.keyboard.press("End")
    for _ in range(3):
        page.keyboard.press("Control+ArrowLeft")
    page.keyboard.press("Alt+s")
    assert page.locator(".segment").count() == 2
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+m")
    assert page.locator(".segment").count() == 1
    page.keyboard.press("Alt+BracketRight")
    assert page.locator(".seg-times").first.inner_text().startswith("0:00.10")

    # an unknown noise symbol is refused beside the segment
    page.keyboard.press("Control+a")
    page.keyboard.type("hello [bogus]")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".segment.invalid .seg-error")
    assert "[bogus]" in page.locator(".segment.invalid .seg-error").inner_text()
    shot(page, "workbench-errors")

    page.keyboard.press("Control+a")
    page.keyboard.type("the corrected transcript")
    page.keyboard.press("Alt+1")  # the spec's first noise symbol, at the caret
    page.keyboard.press("Alt+r")
    page.keyboard.type("spk1")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{first}"))
    second = int(page.url.rsplit("/", 1)[1])
    assert second != first  # the next task opened

    with site.rt.session() as s:
        task = s.get(Task, first)
        ann = s.scalars(
            select(Annotation).where(Annotation.item_id == task.item_id,
                                     Annotation.kind == "annotation")
        ).one()
        assert ann.text == "the corrected transcript [noise]"
        assert ann.segments[0]["speaker"] == "spk1"
        assert ann.segments[0]["start_ms"] == 100
        assert ann.time_spent_ms is not None and ann.time_spent_ms > 0
        assert s.scalars(select(Draft).where(Draft.task_id == first)).first() is None
    assert not page.dialogs


def test_draft_survives_reload_closed_tab_and_offline(site: Site, context: Any) -> None:
    pid = site.project(1)
    page = sign_in(context, "ann2")
    task_id = _open_next(page, pid)
    status = page.locator("[data-testid=save-status]")

    page.keyboard.press("Control+a")
    page.keyboard.type("saved on the server")
    page.wait_for_selector("[data-testid=save-status][data-state=saved]")
    page.reload()
    page.wait_for_selector("body[data-wb-ready='1']")
    assert _texts(page) == ["saved on the server"]

    # the network drops: the edit is held locally and the page says so
    context.set_offline(True)
    page.locator(".seg-text").first.fill("")
    page.locator(".seg-text").first.type("typed while offline")
    page.wait_for_selector("[data-testid=save-status][data-state=local]")
    shot(page, "workbench-offline")
    assert status.get_attribute("data-state") == "local"
    page.close()  # ... and the tab is closed before the network comes back
    context.set_offline(False)

    page = context.new_page()
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector("body[data-wb-ready='1']")
    assert _texts(page) == ["typed while offline"]
    page.wait_for_selector("[data-testid=save-status][data-state=saved]")
    with site.rt.session() as s:
        draft = s.scalars(select(Draft).where(Draft.task_id == task_id)).one()
        assert draft.payload[0]["text"] == "typed while offline"


def test_annotator_cannot_open_another_persons_task(site: Site, context: Any) -> None:
    pid = site.project(1)
    with site.rt.session() as s:
        task = claim_next_task(s, get_user(s, "ann1"), pid, "annotate")
        assert task is not None
    page = sign_in(context, "ann2")
    resp = page.goto(f"/tasks/{task.id}")
    assert resp is not None and resp.status == 403
    assert "do not hold" in page.locator("[data-testid=error-message]").inner_text()
    shot(page, "forbidden")
    api = context.request
    assert api.get(f"/web/api/items/{task.item_id}/audio").status == 403
    assert api.get(f"/web/api/items/{task.item_id}/peaks").status == 403
    body = {"segments": [], "base_version": 1, "revision": 1}
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    put = api.put(f"/web/api/tasks/{task.id}/draft", data=body, headers={"X-CSRF-Token": csrf})
    assert put.status == 403
    with site.rt.session() as s:
        holds = s.scalars(select(TaskAssignment.user_id).where(TaskAssignment.task_id == task.id))
        assert list(holds) == [get_user(s, "ann1").id]
