"""Issue 14 §2 web: an annotator opens an LLM pairwise task, sees the prompt and both responses
side by side, chooses with the keyboard (2), types the required reason, the draft autosaves,
submits; the new version holds the choice and the time spent (carried over a reload by the
draft) and the next task opens. The review page shows the submitted version."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.production.models import Annotation, Draft, Task
from tests.e2e.conftest import Site, shot, sign_in
from tests.e2e.conftest import llm_project as _llm_project

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-llm-workbench]').__workbench"


def test_pairwise_choice_by_keyboard_and_submit(site: Site, context: Any) -> None:
    pid = _llm_project(site)
    page = sign_in(context, "ann1")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    first = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    assert page.get_by_test_id("llm-prompt").inner_text().strip() != ""
    a_text = page.get_by_test_id("llm-resp-a").inner_text()
    b_text = page.get_by_test_id("llm-resp-b").inner_text()
    assert a_text and b_text and a_text != b_text
    shot(page, "llm-pairwise-workbench")

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("2")
    assert page.evaluate(f"() => {WB}.state.choice") == "b"
    assert "chosen" in (page.get_by_test_id("llm-resp-b").get_attribute("class") or "")
    # the choice is named as its response's heading is (a trial read "Your choice: a" under
    # headings "Response 1" / "Response 2")
    heading = page.get_by_test_id("llm-resp-b").locator("h3").inner_text()
    assert heading.startswith("Response 2 (")
    assert page.get_by_test_id("llm-choice").inner_text() == f"Your choice: {heading}"
    page.keyboard.press("=")
    assert page.evaluate(f"() => {WB}.state.choice") == "tie"
    page.keyboard.press("1")
    assert page.evaluate(f"() => {WB}.state.choice") == "a"
    # without a reason the server refuses (the reason is required) and says so
    page.get_by_test_id("llm-submit").click()
    page.wait_for_function("() => document.querySelector('[data-testid=llm-status]')"
                           ".classList.contains('error')")
    assert "reason" in page.get_by_test_id("llm-status").inner_text()
    page.get_by_test_id("llm-reason").fill("response 1 answers correctly")
    page.get_by_test_id("llm-reason").press("Escape")
    for _ in range(60):  # the autosaved draft reaches the server
        with site.rt.session() as s:
            d = s.scalars(select(Draft).where(Draft.task_id == first)).first()
            saved: Any = d.payload if d is not None else None
            if isinstance(saved, dict) and saved.get("reason") == "response 1 answers correctly":
                break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the draft never reached the server")
    with site.rt.session() as s:  # the draft carries the time counted so far
        d = s.scalars(select(Draft).where(Draft.task_id == first)).first()
        drafted_ms = d.time_spent_ms if d is not None else 0
    assert drafted_ms > 0
    page.reload()  # the draft comes back, with its time
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    assert page.evaluate(f"() => {WB}.state.choice") == "a"
    assert page.evaluate(f"() => {WB}.clock.ms()") >= drafted_ms
    assert page.get_by_test_id("llm-reason").input_value() == "response 1 answers correctly"
    page.get_by_test_id("llm-submit").click()
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{first}"))
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    assert not errors and not page.dialogs

    with site.rt.session() as s:
        task = s.get(Task, first)
        assert task is not None
        ann = s.scalars(select(Annotation).where(Annotation.item_id == task.item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "annotation"
        assert ann.segments["choice"] == "a" and ann.segments["type"] == "llm_pairwise"
        assert ann.text.startswith("preferred ")
        # time on task is recorded (the workbench sent none: NULL), counting the draft's too
        assert ann.time_spent_ms is not None and ann.time_spent_ms >= drafted_ms > 0
        assert s.scalars(select(Draft).where(Draft.task_id == first)).first() is None

    review = sign_in(context, "rev")  # the review page shows the submitted version
    review.focus(f"[data-testid=next-{pid}]")
    review.keyboard.press("Enter")
    review.wait_for_url(re.compile(r"/review/\d+$"))
    shown = review.get_by_test_id("current-text").inner_text()
    assert shown.startswith("preferred ") and "response 1 answers correctly" in shown
    shot(review, "llm-review")
