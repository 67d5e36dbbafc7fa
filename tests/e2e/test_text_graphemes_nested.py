"""Trial (text workbench): each code point was its own element, so selecting 👍🏽 (thumbs up +
skin tone), 👨‍👩‍👧 (a ZWJ family) or é (e + U+0301) and pressing a label key made a span over
half a character, which submit then refused ("its end offset 13 splits the character '👍🏽'").
Now the text is shown one user-perceived character per element and a selection takes whole
characters (code-point offsets, as the server counts); nested spans are drawn as stacked
underlines and hovering one in the list highlights it. On zh-CN pages the llm workbench's
refusal reads "未提交：理由至少需要…", apart from the submit button."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Task
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from tests.e2e.conftest import Site, shot, sign_in
from tests.e2e.conftest import llm_project as _llm_project
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-text-workbench]').__workbench"
LINE = "我们给他点赞👍🏽，全家👨\u200d👩\u200d👧都来了咖啡馆cafe\u0301。"
THUMB, FAMILY, ACUTE = LINE.index("👍"), LINE.index("👨"), LINE.index("e\u0301")


def _project(site: Site) -> int:
    folder = site.scratch("datamill-e2e-text-")
    (folder / "lines.txt").write_text(LINE + "\n", encoding="utf-8")
    prepared = prepare_text_source(folder / "lines.txt", folder / "prepared")
    req = copy.deepcopy(TEXT_REQUIREMENTS)
    req["labels"]["allow_nested"] = True
    req["text"]["require_normalized"] = False  # e + U+0301 is not NFC
    with site.rt.session() as s:
        p = create_project(s, {
            "name": f"text-{folder.name}", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": req})
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with site.rt.session() as s:
        import_source(s, site.rt.blobs, pid, prepared.manifest)
    with site.rt.session() as s:
        assert run_checks(s, site.rt.blobs, pid, workers=1).passed == 1
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
    return pid


def _drag(page: Any, first: int, last: int) -> None:
    """Select from the element at code point ``first`` to the one at ``last`` with the mouse."""
    a = page.locator(f".tx-text [data-i='{first}']").bounding_box()
    b = page.locator(f".tx-text [data-i='{last}']").bounding_box()
    page.mouse.move(a["x"] + 1, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] - 1, b["y"] + b["height"] / 2, steps=5)
    page.mouse.up()


def test_selections_take_whole_characters_and_nested_spans_show(site: Site, context: Any) -> None:
    pid = _project(site)
    page = sign_in(context, "ann2")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    task_id = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    for at, key in ((THUMB, "1"), (FAMILY, "2"), (ACUTE, "3")):
        _drag(page, at, at)  # the one element holding the character
        page.keyboard.press(key)
    spans = page.evaluate(f"() => {WB}.annotation().spans")
    assert [(s["start"], s["end"], s["text"]) for s in spans] == [
        (THUMB, THUMB + 2, "👍🏽"), (FAMILY, FAMILY + 5, "👨\u200d👩\u200d👧"),
        (ACUTE, ACUTE + 2, "e\u0301")]
    shown = page.locator(".tx-text [data-i]").all_inner_texts()
    assert "👍🏽" in shown and "👨\u200d👩\u200d👧" in shown and "e\u0301" in shown
    _drag(page, THUMB - 2, THUMB)  # 点赞👍🏽 ORG, holding 👍🏽 PER
    page.keyboard.press("3")
    thumb = page.locator(f".tx-text [data-i='{THUMB}']")
    assert thumb.locator(".ul").count() == 2  # two stacked underlines
    assert thumb.get_attribute("title") == "PER · ORG"
    org = page.locator("[data-testid=text-wb-spans] li[data-label=ORG]").filter(has_text="点赞")
    org.hover()
    assert page.locator(".tx-text .ul.hl").count() == 3  # 点, 赞, 👍🏽
    shot(page, "text-graphemes-nested")
    page.get_by_test_id("text-wb-submit").click()
    page.wait_for_url(lambda u: not u.endswith(f"/tasks/{task_id}"))
    assert not errors and not page.dialogs
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        ann = s.scalars(select(Annotation).where(Annotation.item_id == task.item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "annotation"
        assert sorted((x["start"], x["end"], x["label"]) for x in ann.segments["spans"]) == [
            (THUMB - 2, THUMB + 2, "ORG"), (THUMB, THUMB + 2, "PER"),
            (FAMILY, FAMILY + 5, "LOC"), (ACUTE, ACUTE + 2, "ORG")]


def test_llm_refusal_reads_in_chinese_apart_from_the_button(site: Site, context: Any) -> None:
    pid = _llm_project(site)
    context.add_cookies([{"name": "lang", "value": "zh-CN", "url": site.url}])
    page = sign_in(context, "ann2")
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    page.keyboard.press("1")
    page.get_by_test_id("llm-submit").click()
    status = page.get_by_test_id("llm-status")
    page.wait_for_function("() => document.querySelector('[data-testid=llm-status]').textContent")
    assert status.inner_text() == "未提交：理由至少需要 5 个字母或数字（空格和标点不计）"
    button = page.get_by_test_id("llm-submit").bounding_box()
    told = status.bounding_box()
    assert told["x"] >= button["x"] + button["width"] + 8  # not "提交未提交"
    shot(page, "llm-refusal-zh")
