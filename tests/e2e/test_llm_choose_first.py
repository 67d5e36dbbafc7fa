"""A pairwise comparison submitted before either response was chosen was refused with the
validator's words: "the value of “choice” is not allowed (one of 'a', 'b', 'tie')": a field
and values the page never shows (it shows "1 · better", "= · tie", "2 · better"). Now the page
says to choose first, in its own words and keys, and puts the focus on the first choice; no
submit goes out."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.web.i18n import EN, ZH_CN
from tests.e2e.conftest import Site, llm_project, sign_in

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_submit_without_a_choice_says_to_choose(site: Site, browser: Any, lang: str) -> None:
    ctx = browser.new_context(base_url=site.url, viewport={"width": 1400, "height": 900},
                              locale=lang, extra_http_headers={"Accept-Language": lang})
    ctx.set_default_timeout(30_000)
    pid = llm_project(site)
    page = sign_in(ctx, "ann1")
    submits: list[str] = []
    page.on("request", lambda r: submits.append(r.url)
            if r.method == "POST" and r.url.endswith("/annotation") else None)
    page.goto("/")
    page.click(f"[data-testid=next-{pid}]")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    task_url = page.url
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    page.get_by_test_id("llm-reason").fill("both are fine, but one is better")
    page.get_by_test_id("llm-submit").click()
    status = page.get_by_test_id("llm-status")
    words = (EN if lang == "en" else ZH_CN)["llm.choose_first"]
    page.wait_for_function("([el, w]) => el.textContent === w", arg=[status.element_handle(), words])
    assert "choice" not in status.inner_text() and "'a'" not in status.inner_text()
    assert page.evaluate("() => document.activeElement.dataset.testid") == "llm-choose-a"
    assert page.url == task_url and submits == []
    page.keyboard.press("Enter")  # the focused choice takes the key: response 1 chosen
    page.get_by_test_id("llm-submit").click()
    page.wait_for_url(lambda u: u != task_url)
    ctx.close()


def test_rubric_submit_names_the_criteria_left_unmarked(site: Site, context: Any) -> None:
    """A rubric submitted with criteria unmarked was refused as "“scores.accuracy” must be a
    whole number; “checks.safe” must be true or false": now the page names the criteria to
    mark, as it shows them, and focuses the first; no submit goes out."""
    from tests.e2e.test_llm_forms import _open, _submit, _task

    context.set_default_timeout(30_000)
    tid = _task(site, "rubric")
    page = _open(context, tid)
    submits: list[str] = []
    page.on("request", lambda r: submits.append(r.url)
            if r.method == "POST" and r.url.endswith("/annotation") else None)
    page.get_by_test_id("llm-helpfulness-4").check()
    page.get_by_test_id("llm-reason").fill("clear and correct answer")
    page.get_by_test_id("llm-submit").click()
    status = page.get_by_test_id("llm-status")
    words = EN["llm.rate_first"].replace("{names}", "accuracy, safe")
    page.wait_for_function("([el, w]) => el.textContent === w", arg=[status.element_handle(), words])
    assert page.evaluate("() => document.activeElement.name") == "c-accuracy"
    assert submits == []
    page.get_by_test_id("llm-accuracy-5").check()
    page.get_by_test_id("llm-safe-true").check()
    _submit(page, tid)
