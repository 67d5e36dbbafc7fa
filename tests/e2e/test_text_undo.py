"""The text workbench had no undo: a span deleted by its ×, or replaced by a new span marked
over it (a project without nested spans keeps one span per character), came back only by
marking it again, and Ctrl+Z did nothing. Now Ctrl+Z undoes and Ctrl+Shift+Z / Ctrl+Y redo
(adding, replacing, deleting and relabelling spans), the hint says so, and the draft saved is
the state undone to. The text is Chinese with full-width punctuation and no spaces: each span's
offsets are Python's."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.compliance.users import add_member
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from tests.e2e.conftest import Site, shot, sign_in
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

pytestmark = pytest.mark.slow

LONG = 30_000
WB = "document.querySelector('[data-text-workbench]').__workbench"
TEXT = "“北京”、上海：张伟说，好！"


def _project(site: Site) -> int:
    folder = site.scratch("text-undo")
    (folder / "lines.txt").write_text(TEXT + "\n", encoding="utf-8")
    prepared = prepare_text_source(folder / "lines.txt", folder / "prepared")
    spec = {"name": f"text-{folder.name}", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9}, "requirements": TEXT_REQUIREMENTS}
    with site.rt.session() as s:
        p = create_project(s, spec)
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


def _mark(page: Any, first: int, last: int, key: str) -> None:
    """Select the characters at code points first..last with the mouse, press ``key``."""
    a = page.locator(f".tx-text [data-i='{first}']").bounding_box()
    b = page.locator(f".tx-text [data-i='{last}']").bounding_box()
    page.mouse.move(a["x"] + 1, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] - 1, b["y"] + b["height"] / 2, steps=5)
    page.mouse.up()
    page.keyboard.press(key)


def _spans(page: Any) -> list[tuple[int, int, str, str]]:
    return [(s["start"], s["end"], s["label"], s["text"])
            for s in page.evaluate(f"() => {WB}.annotation().spans")]


def test_ctrl_z_undoes_span_edits_and_redo_brings_them_back(site: Site, browser: Any) -> None:
    ctx = browser.new_context(base_url=site.url, viewport={"width": 1400, "height": 900},
                              locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
    ctx.set_default_timeout(LONG)
    pid = _project(site)
    page = sign_in(ctx, "ann1")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto("/")
    page.click(f"[data-testid=next-{pid}]")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("[data-text-workbench][data-ready='1']")

    beijing = (1, 3, "LOC", "北京")
    _mark(page, 1, 2, "2")  # 北京 inside the full-width quotes
    assert _spans(page) == [beijing]
    assert TEXT[1:3] == "北京"
    _mark(page, 8, 9, "1")  # 张伟 after the full-width colon
    assert _spans(page) == [beijing, (8, 10, "PER", "张伟")]
    _mark(page, 2, 5, "3")  # 京”、上 over 北京: replaces it (no nested spans)
    assert _spans(page) == [(2, 6, "ORG", "京”、上"), (8, 10, "PER", "张伟")]

    page.keyboard.press("Control+z")  # the replaced span is back
    assert _spans(page) == [beijing, (8, 10, "PER", "张伟")]
    page.keyboard.press("Control+z")
    assert _spans(page) == [beijing]
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+y")
    assert _spans(page) == [(2, 6, "ORG", "京”、上"), (8, 10, "PER", "张伟")]
    page.keyboard.press("Control+z")

    page.locator("[data-testid=text-wb-span-1] select").select_option("ORG")  # relabel 张伟
    page.get_by_test_id("text-wb-delete-0").click()  # delete 北京
    assert _spans(page) == [(8, 10, "ORG", "张伟")]
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert _spans(page) == [beijing, (8, 10, "PER", "张伟")]
    assert "PER" in page.get_by_test_id("text-wb-span-1").inner_text()
    assert page.locator("[data-testid=text-wb-span-1] select").input_value() == "PER"
    shot(page, "text-undo")

    # the state undone to is the draft: a reload shows it
    page.wait_for_function(f"() => {WB}.saved >= {WB}.revision")
    page.reload()
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    assert _spans(page) == [beijing, (8, 10, "PER", "张伟")]
    assert "Ctrl+Z 撤销" in page.locator("[data-text-workbench]").inner_text()  # the hint says so
    assert not errors
    ctx.close()


def test_a_span_is_marked_from_the_keyboard_alone(site: Site, browser: Any) -> None:
    """The text took no focus and Shift+arrows selected nothing: a keyboard-only annotator
    could mark no span. Now Tab reaches the text, → selects a character, Shift+→ extends, a
    label's number key marks it (offsets right past full-width punctuation)."""
    ctx = browser.new_context(base_url=site.url, viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(LONG)
    pid = _project(site)
    page = sign_in(ctx, "ann1")
    page.goto("/")
    page.click(f"[data-testid=next-{pid}]")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    page.focus(".tx-text")  # where Tab reaches it
    assert page.evaluate("() => document.activeElement.classList.contains('tx-text')")
    for _ in range(9):  # → to 张 (code point 8): past “北京”、上海：
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function(f"() => {WB}.selection && {WB}.selection.end === 10")
    page.keyboard.press("1")
    assert _spans(page) == [(8, 10, "PER", "张伟")]
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    # both ends: the start is 1 already after → alone, before Shift+→ extends it (a race:
    # "2" then marked 北 alone, (1, 2) in one full-suite run)
    page.wait_for_function(f"() => {WB}.selection && {WB}.selection.start === 1"
                           f" && {WB}.selection.end === 3")
    page.keyboard.press("2")
    assert _spans(page) == [(1, 3, "LOC", "北京"), (8, 10, "PER", "张伟")]
    page.keyboard.press("Shift+ArrowLeft")  # back to 北 alone, then Delete removes its span
    page.wait_for_function(f"() => {WB}.selection && {WB}.selection.end === 2")
    page.keyboard.press("Delete")
    assert _spans(page) == [(8, 10, "PER", "张伟")]
    ctx.close()
