"""The review page's split panel in a real browser (en and zh-CN).

A text NER project with overlap 3: three annotators mark 张伟 PER alike but split three ways
on 北京 (LOC / PER / ORG). The majority-vote aggregate cannot decide that span, so the item is
unresolved; the reviewer's page shows the split panel: the question (the span's words and its
code-point offsets) and, for each annotator, their name and answer, headed and worded in the
page's language. Only ``tests/known_issues/test_trial_ner_overlap_qc.py`` read the panel's
HTML through a test client before; nothing looked at it rendered.
"""

from __future__ import annotations

from typing import Any

import pytest

from datamill.production.tasks import claim_next_task
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests.e2e.conftest import Site, shot, sign_in
from tests.known_issues.test_trial_ner_overlap_qc import (
    SPLIT_ANSWERS,
    TEXTS,
    answer_all,
    ner_project,
)

pytestmark = pytest.mark.slow

LABELS = ("LOC", "PER", "ORG")  # SPLIT_ANSWERS' answers on 北京, annotator by annotator


def _split_review_task(site: Site) -> tuple[int, dict[str, str]]:
    """A review task of an item split three ways; returns its id and each annotator's answer
    on the split span by username."""
    folder = site.scratch("split-")
    pid, people = ner_project(site.rt, site.users, folder / folder.name,  # names the project
                              texts={"t1": TEXTS["t1"]})
    for who, answers in zip(people, SPLIT_ANSWERS, strict=True):
        answer_all(site.rt, who, pid, answers)
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["rev"]), pid, "review")
        assert task is not None
        task_id = task.id
    return task_id, {p.username: label for p, label in zip(people, LABELS, strict=True)}


def _rows(page: Any) -> list[list[str]]:
    return [[c.strip() for c in r.locator("td").all_inner_texts()]
            for r in page.get_by_test_id("split-answer").all()]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_review_page_shows_each_annotators_answer_to_a_split_span(
    site: Site, browser: Any, lang: str
) -> None:
    task_id, answers = _split_review_task(site)
    words = {"en": EN, "zh-CN": ZH_CN}[lang]
    ctx = browser.new_context(base_url=site.url, locale=lang,
                              extra_http_headers={"Accept-Language": lang},
                              viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(10_000)
    try:
        page = sign_in(ctx, "rev")
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(f"/review/{task_id}")
        panel = page.get_by_test_id("split-answers")
        panel.wait_for()
        assert panel.is_visible()
        assert panel.locator("h2").inner_text().strip() == words["rv.split_title"]
        assert panel.locator("p.muted").inner_text().strip() == words["rv.split_hint"]
        heads = [h.strip() for h in panel.locator("thead th").all_inner_texts()]
        assert heads == [words["rv.split_question"], words["ag.annotator"],
                         words["rv.split_label"]]
        rows = page.get_by_test_id("split-answer")
        assert rows.count() == 3
        assert {r.get_attribute("data-key") for r in rows.all()} == {"span:3:5"}
        assert panel.locator("mark").inner_text() == "北京"  # the question: the span's words
        assert "3–5" in panel.locator("tbody td").first.inner_text()
        cells = _rows(page)
        # the first row carries the question cell (rowspan 3), then one row per annotator
        shown = {row[-2]: row[-1] for row in cells}
        assert shown == answers, cells
        assert all(panel.get_by_text(name, exact=True).is_visible() for name in answers)
        assert errors == []
        shot(page, f"review-split-panel-{lang}")
    finally:
        ctx.close()
