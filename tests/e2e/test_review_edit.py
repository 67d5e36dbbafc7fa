"""The reviewer's edit path (a new ``review_edit`` version, the old one kept) and the rework
diff (after a rejection the reviewer sees what the annotator changed), in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import get_user
from datamill.production.annotating import submit_annotation
from datamill.production.models import Annotation, Item, Review, Task
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from tests.e2e.conftest import Site, shot, sign_in

pytestmark = pytest.mark.slow


def _annotate_one(site: Site, pid: int, who: str, text: str) -> int:
    """``who`` claims and submits one annotate task with ``text``; returns the item id."""
    with site.rt.session() as s:
        user = get_user(s, who)
        task = claim_next_task(s, user, pid, "annotate")
        assert task is not None
        seg = SegmentIn(start_ms=0, end_ms=task.duration_ms or 0, text=text)
        submit_annotation(s, user, task.id, [seg], base_version=task.current_version)
        return task.item_id


def _open_review(page: Any, pid: int) -> None:
    page.click(f"[data-testid=next-{pid}]")
    page.wait_for_url(re.compile(r"/review/\d+$"))


def _versions(site: Site, item_id: int) -> list[tuple[int, str, str]]:
    with site.rt.session() as s:
        rows = s.scalars(
            select(Annotation).where(Annotation.item_id == item_id).order_by(Annotation.version)
        ).all()
        return [(a.version, a.kind, a.text) for a in rows]


def test_reviewer_edits_a_segment_and_accepts(site: Site, context: Any) -> None:
    pid = site.project(1)
    item_id = _annotate_one(site, pid, "ann1", "the quick brwn fox")
    page = sign_in(context, "rev")
    _open_review(page, pid)
    task_id = int(page.url.rsplit("/", 1)[1])
    field = page.locator("[data-testid=edit-seg-1]")
    assert field.input_value() == "the quick brwn fox"
    field.fill("the quick brown fox")
    shot(page, "review-edit")
    page.click("[data-testid=edit]")
    page.wait_for_url(re.compile(r"/\?empty="))
    assert not page.dialogs

    versions = _versions(site, item_id)
    # pre-annotation (1), the annotator's version (2) kept as it was, the reviewer's edit (3)
    assert [(v, k) for v, k, _ in versions] == [(1, "preannotation"), (2, "annotation"),
                                               (3, "review_edit")]
    assert versions[1][2] == "the quick brwn fox"
    assert versions[2][2] == "the quick brown fox"
    with site.rt.session() as s:
        item = s.get(Item, item_id)
        assert item.status == "reviewed" and item.current_version == 3
        current = s.get(Annotation, item.current_annotation_id)
        assert current.kind == "review_edit" and current.author_id == site.users["rev"].id
        assert current.segments[0]["end_ms"] == item.attributes["duration_ms"]  # the boundaries are kept
        review = s.scalars(select(Review).where(Review.item_id == item_id)).one()
        assert review.verdict == "edit" and review.annotation_id == current.id
        assert s.get(Task, task_id).status == "done"


def test_stale_review_edit_is_refused_and_nothing_is_written(site: Site, context: Any) -> None:
    pid = site.project(1)
    item_id = _annotate_one(site, pid, "ann1", "first words")
    page = sign_in(context, "rev")
    _open_review(page, pid)
    # the base version on the page is older than the item's (another edit landed meanwhile)
    # (the edit form's: the accept and reject forms name the version shown too)
    page.eval_on_selector("form:has([data-testid=edit]) input[name=base_version]",
                          "el => { el.value = '1'; }")
    page.locator("[data-testid=edit-seg-1]").fill("changed words")
    page.click("[data-testid=edit]")
    assert "version" in page.locator("[data-testid=error-message]").inner_text()
    assert [k for _, k, _ in _versions(site, item_id)] == ["preannotation", "annotation"]


def test_rework_shows_the_diff_against_the_rejected_version(site: Site, context: Any) -> None:
    pid = site.project(1)
    _annotate_one(site, pid, "ann2", "a first rough transcript")
    rev = sign_in(context, "rev")
    _open_review(rev, pid)
    assert rev.locator("[data-testid=diff-prev]").count() == 0  # nothing to compare yet
    rev.select_option("[data-testid=reason-code]", "wrong_words")
    rev.fill("[data-testid=reason-text]", "listen to the end")
    rev.click("[data-testid=reject]")
    rev.wait_for_url(re.compile(r"/\?empty="))

    # the annotator reworks the returned task in the workbench and resubmits
    ann = sign_in(context, "ann2")
    ann.locator(f"[data-project='{pid}'] a", has_text="Open").click()
    ann.wait_for_selector("body[data-wb-ready='1']")
    text = ann.locator(".seg-text").first
    assert text.input_value() == "a first rough transcript"
    text.fill("a first careful transcript to the end")
    ann.keyboard.press("Control+Enter")
    ann.wait_for_url(re.compile(r"/\?empty="))

    rev = sign_in(context, "rev")  # one cookie jar per context: sign the reviewer in again
    _open_review(rev, pid)
    diff = rev.locator("[data-testid=diff-prev]")
    assert diff.locator("del").all_inner_texts() == ["rough"]
    assert diff.locator("ins").all_inner_texts() == ["careful", "to the end"]
    assert "2 → 3" in rev.locator("[data-testid=diff-prev-versions]").inner_text()
    assert "listen to the end" in rev.locator("[data-testid=rework-reason]").inner_text()
    assert rev.locator("[data-testid=current-text]").inner_text() == (
        "a first careful transcript to the end")
    shot(rev, "review-rework-diff")
    rev.click("[data-testid=accept]")
    rev.wait_for_url(re.compile(r"/\?empty="))
    assert not rev.dialogs and not ann.dialogs
