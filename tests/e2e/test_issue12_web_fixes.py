"""Issue 12 §4 A1, A3, A5 in a real browser: the speech workbench warns before submitting an
empty transcript (Ctrl+Enter) and names the field; the reviewer must choose a reject reason; an
unknown URL shows the HTML 404 page with the navigation and the favicon."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.compliance.users import get_user
from datamill.production.annotating import submit_annotation
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from tests.e2e.conftest import Site, shot, sign_in

pytestmark = pytest.mark.slow


def test_empty_transcript_is_not_sent(site: Site, context: Any) -> None:
    pid = site.project(1, pre=False)
    page = sign_in(context, "ann1")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.method == "POST" else None)
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("body[data-wb-ready='1']")
    task_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator(".seg-text").first.input_value() == ""
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#form-error:not([hidden])")
    message = page.locator("#form-error").inner_text()
    assert "required" in message and "Transcript" in message
    assert page.locator(".segment.invalid .seg-error").inner_text() == message
    assert page.evaluate("document.activeElement.classList.contains('seg-text')")
    assert not any(u.endswith("/submit") for u in requests)  # nothing was sent
    assert page.url.endswith(f"/tasks/{task_id}")
    shot(page, "workbench-required")
    page.keyboard.type("now there are words")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: not u.endswith(f"/tasks/{task_id}"))


def test_reject_reason_is_not_preselected(site: Site, context: Any) -> None:
    pid = site.project(1)
    with site.rt.session() as s:
        user = get_user(s, "ann1")
        task = claim_next_task(s, user, pid, "annotate")
        assert task is not None
        submit_annotation(s, user, task.id, [SegmentIn(start_ms=0, end_ms=task.duration_ms or 0,
                                                       text="some words")],
                          base_version=task.current_version)
    page = sign_in(context, "rev")
    page.click(f"[data-testid=next-{pid}]")
    page.wait_for_url(re.compile(r"/review/\d+$"))
    url = page.url
    assert page.locator("[data-testid=reason-code]").input_value() == ""
    page.click("[data-testid=reject]")  # the browser refuses the form: no reason chosen
    assert page.url == url
    assert page.evaluate(
        "document.querySelector('[data-testid=reason-code]').validity.valueMissing")
    shot(page, "review-reason-required")
    page.select_option("[data-testid=reason-code]", "wrong_words")
    page.click("[data-testid=reject]")
    page.wait_for_url(lambda u: u != url)


def test_unknown_url_keeps_navigation_and_favicon(site: Site, context: Any) -> None:
    page = sign_in(context, "pm")
    resp = page.goto("/no/such/page")
    assert resp is not None and resp.status == 404
    assert page.locator("h1").inner_text().startswith("404")
    assert page.locator("[data-testid=username]").inner_text() == "pm"
    assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    shot(page, "error-404")
    fav = context.request.get("/favicon.ico")
    assert fav.status == 200 and fav.headers["content-type"].startswith("image/svg+xml")
