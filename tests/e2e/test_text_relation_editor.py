"""Round 4, h5: the text workbench draws relations. Before, a relations project's workbench
listed imported relations read-only: an annotator could delete one (with its span) but never
draw one, so the relations task could not be done in the browser at all. Now the side panel
has a head select, a tail select (the spans, by their words) and a label select (the schema's
relation labels) and an add button, all reached with the keyboard; each relation has a delete
button. The relation goes through the draft (a reload keeps it) and the submit, and the
reviewer's comparison lists it as added."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.labelled_import import import_labelled
from datamill.production.models import Annotation, Task
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from tests.e2e.conftest import Site, shot, sign_in
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-text-workbench]').__workbench"
TEXT = "张伟在北京的清华大学工作，𠮷野家在上海。"  # 𠮷 lies outside the BMP (two UTF-16 units)


def relations_task(site: Site, annotation: dict[str, Any], text: str = TEXT) -> tuple[int, int]:
    """A zh-CN relations project with one pre-labelled item; ann2's claimed task and the
    project."""
    folder = site.scratch("datamill-e2e-text-rel-new-")
    row = {"id": "r1", "text": text, "annotation": annotation}
    (folder / "data.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    requirements = {**TEXT_REQUIREMENTS, "labels": {
        "tasks": ["ner", "relations"], "entity_labels": ["PER", "LOC", "ORG"],
        "relation_labels": ["works_at", "located_in"]}}
    with site.rt.session() as s:
        p = create_project(s, {
            "name": f"text-rel-{folder.name}", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9}, "requirements": requirements})
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with site.rt.session() as s:
        assert import_labelled(s, site.rt.blobs, pid, folder / "data.jsonl").labelled == 1
    with site.rt.session() as s:
        run_checks(s, site.rt.blobs, pid, workers=1)
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
        task = claim_next_task(s, site.users["ann2"], pid, "annotate")
        assert task is not None
        return task.id, pid


def _rows(page: Any) -> list[str]:
    return [t.rstrip(" ×") for t in
            page.get_by_test_id("text-wb-relations").locator("li").all_inner_texts()]


def test_an_annotator_draws_a_relation_with_the_keyboard(site: Site, context: Any) -> None:
    tid, pid = relations_task(site, {"spans": [  # no ids: the editor gives them
        {"start": 0, "end": 2, "label": "PER"}, {"start": 6, "end": 10, "label": "ORG"}]})
    page = sign_in(context, "ann2")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"/lang/zh-CN?next=/tasks/{tid}")
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    assert page.get_by_test_id("text-wb-rel-add").inner_text() == "添加关系"
    # a new span over 𠮷野家 (code points 13..16; 4 UTF-16 units): selected, then key 3 (ORG)
    page.evaluate(f"() => {WB}.select(13, 16)")
    page.keyboard.press("3")
    head = page.get_by_test_id("text-wb-rel-head")
    assert head.locator("option").all_inner_texts() == [
        "1. 张伟 · PER", "2. 清华大学 · ORG", "3. 𠮷野家 · ORG"]
    # keyboard only: the head is the first span; Tab to the tail, one down (清华大学), Tab to
    # the label (works_at is first), Tab to the button and Enter
    head.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "text-wb-rel-tail"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "text-wb-rel-add"
    page.keyboard.press("Enter")
    assert _rows(page) == ["张伟 → 清华大学 · works_at"]
    page.keyboard.press("Enter")  # the same relation again: refused, said in Chinese
    assert _rows(page) == ["张伟 → 清华大学 · works_at"]
    assert page.get_by_test_id("text-wb-status").inner_text() == "该关系已存在"
    # 𠮷野家 → 清华大学 located_in (a span outside the BMP as the head)
    head.select_option(label="3. 𠮷野家 · ORG")
    page.get_by_test_id("text-wb-rel-tail").select_option(label="2. 清华大学 · ORG")
    page.get_by_test_id("text-wb-rel-label").select_option("located_in")
    page.get_by_test_id("text-wb-rel-add").click()
    assert _rows(page) == ["张伟 → 清华大学 · works_at", "𠮷野家 → 清华大学 · located_in"]
    # the draft reaches the server (the page says so), and a reload brings both back
    page.wait_for_function(
        "() => document.querySelector('[data-testid=text-wb-status]').textContent"
        ".startsWith('草稿已保存')", timeout=15_000)
    page.reload()
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    assert _rows(page) == ["张伟 → 清华大学 · works_at", "𠮷野家 → 清华大学 · located_in"]
    page.get_by_test_id("text-wb-relation-delete-1").click()
    assert _rows(page) == ["张伟 → 清华大学 · works_at"]
    shot(page, "text-relation-editor")
    page.get_by_test_id("text-wb-submit").click()
    page.wait_for_url(lambda u: not re.search(rf"/tasks/{tid}$", u))
    assert not errors
    with site.rt.session() as s:
        t = s.get(Task, tid)
        assert t is not None
        got = s.scalars(select(Annotation.segments).where(Annotation.item_id == t.item_id)
                        .order_by(Annotation.version.desc())).first()
    assert got is not None
    by_id = {sp["id"]: (sp["start"], sp["end"]) for sp in got["spans"] if "id" in sp}
    assert [(by_id[r["head"]], by_id[r["tail"]], r["label"]) for r in got["relations"]] == [
        ((0, 2), (6, 10), "works_at")]
    assert [(sp["start"], sp["end"], sp["label"]) for sp in got["spans"]] == [
        (0, 2, "PER"), (6, 10, "ORG"), (13, 16, "ORG")]
    # the reviewer sees the relation among the changes since the pre-annotation
    with site.rt.session() as s:
        review = claim_next_task(s, site.users["rev"], pid, "review")
        assert review is not None
        rid = review.id
    rpage = sign_in(context, "rev")
    rpage.goto(f"/lang/zh-CN?next=/review/{rid}")
    rows = rpage.get_by_test_id("review-compare-row")
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]
    assert "relation-added" in statuses
    added = rows.nth(statuses.index("relation-added")).inner_text()
    assert "张伟 → 清华大学" in added and "works_at" in added
