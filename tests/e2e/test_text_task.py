"""Issue 14 §1: the web UI mounts the text workbench for a text project's tasks. An annotator
selects two characters with the mouse, presses the label's number key, the draft autosaves, and
submits; the new annotation version holds the span (code-point offsets). The reviewer's page
shows that version with the span marked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Draft, Task
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.web.routes._common import when
from tests.e2e.conftest import Site, shot, sign_in
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-text-workbench]').__workbench"


def _text_project(site: Site) -> int:
    folder = site.scratch("datamill-e2e-text-")
    (folder / "lines.txt").write_text("😀张伟在北京工作。\n李娜喜欢在上海散步。\n", encoding="utf-8")
    prepared = prepare_text_source(folder / "lines.txt", folder / "prepared")
    spec = {"name": f"text-{folder.name}", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}
    with site.rt.session() as s:
        p = create_project(s, spec)
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with site.rt.session() as s:
        import_source(s, site.rt.blobs, pid, prepared.manifest)
    with site.rt.session() as s:
        summary = run_checks(s, site.rt.blobs, pid, workers=1)
        assert summary.passed == 2, summary.rejections
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    return pid


def _char(page: Any, i: int) -> dict[str, float]:
    box = page.locator(f".tx-text [data-i='{i}']").bounding_box()
    assert box is not None
    return box  # type: ignore[no-any-return]


def test_annotator_marks_a_span_and_submits(site: Site, context: Any) -> None:
    pid = _text_project(site)
    page = sign_in(context, "ann1")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    first = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    text = page.evaluate(f"() => {WB}.chars.join('')")
    assert text == "😀张伟在北京工作。"
    # select 北京 (code points 4..6; UTF-16 would say 5..7) with the mouse, press 2 (LOC)
    a, b = _char(page, 4), _char(page, 5)
    page.mouse.move(a["x"] + 1, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] - 1, b["y"] + b["height"] / 2, steps=5)
    page.mouse.up()
    page.keyboard.press("2")
    spans = page.evaluate(f"() => {WB}.annotation().spans")
    assert [(s["start"], s["end"], s["label"], s["text"]) for s in spans] == [(4, 6, "LOC", "北京")]
    # a second span by clicking its label, relabelled in the list, then deleted
    a, b = _char(page, 1), _char(page, 2)
    page.mouse.move(a["x"] + 1, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] - 1, b["y"] + b["height"] / 2, steps=5)
    page.mouse.up()
    page.get_by_test_id("text-wb-label-ORG").click()
    page.locator("[data-testid=text-wb-span-0] select").select_option("PER")
    spans = page.evaluate(f"() => {WB}.annotation().spans")
    assert [(s["start"], s["end"], s["label"]) for s in spans] == [(1, 3, "PER"), (4, 6, "LOC")]
    page.get_by_test_id("text-wb-delete-0").click()
    spans = page.evaluate(f"() => {WB}.annotation().spans")
    assert [(s["start"], s["end"], s["label"]) for s in spans] == [(4, 6, "LOC")]
    shot(page, "text-task-workbench")
    for _ in range(50):  # the autosaved draft reaches the server
        with site.rt.session() as s:
            if s.scalars(select(Draft).where(Draft.task_id == first)).first() is not None:
                break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the draft never reached the server")
    # the save status names when the server confirmed the draft, on the business's clock
    # (DATAMILL_BUSINESS_TIMEZONE, Asia/Shanghai here), as the server's when() writes it
    status = page.get_by_test_id("text-wb-status")
    page.wait_for_function(
        "(el) => / · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\+08:00$/.test(el.textContent)",
        arg=status.element_handle())
    for _ in range(50):
        with site.rt.session() as s:
            draft = s.scalars(select(Draft).where(Draft.task_id == first)).one()
        if status.inner_text().endswith(f" · {when(draft.updated_at)}"):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail(f"{status.inner_text()!r} does not name {when(draft.updated_at)!r}")
    page.get_by_test_id("text-wb-submit").click()
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{first}"))
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    assert not errors and not page.dialogs
    with site.rt.session() as s:
        task = s.get(Task, first)
        assert task is not None
        ann = s.scalars(select(Annotation).where(Annotation.item_id == task.item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "annotation"
        assert [(x["start"], x["end"], x["label"]) for x in ann.segments["spans"]] == [
            (4, 6, "LOC")]
        review = claim_next_task(s, site.users["rev"], pid, "review")
        assert review is not None
        review_id = review.id
    rev = sign_in(context, "rev")
    rev.goto(f"/review/{review_id}")
    marked = rev.get_by_test_id("review-span")
    assert marked.count() == 1 and marked.get_attribute("data-label") == "LOC"
    assert "北京" in marked.inner_text()
    shot(rev, "text-review")
