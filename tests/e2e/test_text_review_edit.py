"""Issue 14: a reviewer corrects a text annotation in the review page's text workbench. The page
lists what changed against the rejected version; the reviewer opens the editor, adds a span by
mouse selection and label key, and submits: a ``review_edit`` version holding both spans, and
the item is reviewed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.production.annotating import review_task, submit_annotation
from datamill.production.models import Annotation, Item
from datamill.production.tasks import claim_next_task
from tests.e2e.conftest import Site, shot, sign_in
from tests.e2e.test_text_task import _char, _text_project

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-text-workbench]').__workbench"


def _doc(*spans: tuple[int, int, str]) -> dict[str, Any]:
    return {"type": "text_annotation", "schema_version": 1,
            "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}


def test_reviewer_corrects_a_text_annotation_in_the_workbench(site: Site, context: Any) -> None:
    pid = _text_project(site)
    with site.rt.session() as s:  # ann1 labels 张伟 ORG; rev rejects; ann1 relabels it PER
        ann, rev = site.users["ann1"], site.users["rev"]
        task = claim_next_task(s, ann, pid, "annotate")
        assert task is not None
        item_id = task.item_id
        submit_annotation(s, ann, task.id, _doc((1, 3, "ORG")), base_version=task.current_version)
        review = claim_next_task(s, rev, pid, "review")
        assert review is not None and review.item_id == item_id
        review_task(s, rev, review.id, "reject", reason="Entity label wrong")
        task = claim_next_task(s, ann, pid, "annotate")
        assert task is not None and task.item_id == item_id
        submit_annotation(s, ann, task.id, _doc((1, 3, "PER")), base_version=task.current_version)
        review = claim_next_task(s, rev, pid, "review")
        assert review is not None and review.item_id == item_id
        review_id, version = review.id, review.current_version
    page = sign_in(context, "rev")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"/review/{review_id}")
    rows = page.get_by_test_id("review-compare-row")
    assert rows.count() == 1 and rows.first.get_attribute("data-status") == "relabelled"
    assert "ORG → PER" in rows.first.inner_text()
    page.get_by_test_id("review-edit").locator("summary").click()
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    spans = page.evaluate(f"() => {WB}.annotation().spans")
    assert [(x["start"], x["end"], x["label"]) for x in spans] == [(1, 3, "PER")]
    a, b = _char(page, 4), _char(page, 5)  # 北京, code points 4..6
    page.mouse.move(a["x"] + 1, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] - 1, b["y"] + b["height"] / 2, steps=5)
    page.mouse.up()
    page.keyboard.press("2")
    spans = page.evaluate(f"() => {WB}.annotation().spans")
    assert [(x["start"], x["end"], x["label"]) for x in spans] == [(1, 3, "PER"), (4, 6, "LOC")]
    # the review page keeps its drafts in the browser only: a reload brings the correction
    # back (it was written there and never read: trial h5)
    page.wait_for_timeout(500)
    page.reload()
    page.get_by_test_id("review-edit").locator("summary").click()
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    spans = page.evaluate(f"() => {WB}.annotation().spans")
    assert [(x["start"], x["end"], x["label"]) for x in spans] == [(1, 3, "PER"), (4, 6, "LOC")]
    shot(page, "text-review-edit")
    page.get_by_test_id("text-wb-submit").click()
    page.wait_for_url(lambda u: not re.search(rf"/review/{review_id}$", u))
    assert not errors and not page.dialogs
    with site.rt.session() as s:
        item = s.get(Item, item_id)
        assert item is not None and item.status == "reviewed"
        ann_row = s.scalars(select(Annotation).where(Annotation.item_id == item_id)
                            .order_by(Annotation.version.desc())).first()
        assert ann_row is not None and ann_row.kind == "review_edit"
        assert ann_row.version == version + 1
        assert [(x["start"], x["end"], x["label"]) for x in ann_row.segments["spans"]] == [
            (1, 3, "PER"), (4, 6, "LOC")]
