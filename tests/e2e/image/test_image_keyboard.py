"""The image workbench by keyboard alone (static/image/tools.js), in Chromium on the static
harness: Tab moves between the page's controls and walks the objects only from the canvas,
Space and Enter press a focused button, Ctrl+Enter submits."""

from __future__ import annotations

from typing import Any

from .conftest import Harness
from .test_image_workbench import WB, open_wb

BOXES = {"objects": [{"kind": "box", "label": "car", "attributes": {}, "x": 10, "y": 10,
                      "w": 50, "h": 40},
                     {"kind": "box", "label": "car", "attributes": {}, "x": 300, "y": 300,
                      "w": 60, "h": 40}], "classes": []}


def focused(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.dataset.testid"
                             " || document.activeElement.tagName"))


def test_tab_reaches_submit_and_enter_presses_it(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "kb-submit", annotation=BOXES)
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == "image-wb-submit":
            break
    assert seen[-1] == "image-wb-submit", seen  # Tab moved the focus through the toolbar
    assert page.evaluate(f"() => {WB}.sel") is None  # ... and selected no object on the way
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-image-workbench][data-submitted='1']")
    [sent] = harness.posted("/submit/kb-submit")
    assert len(sent["body"]["annotation"]["objects"]) == 2
    assert not page.errors


def test_space_presses_a_focused_button(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "kb-space")
    page.focus("[data-testid=image-wb-help]")
    page.keyboard.press(" ")
    assert page.get_attribute("[data-testid=image-wb-help-overlay]", "hidden") is None
    page.keyboard.press("Escape")
    assert page.get_attribute("[data-testid=image-wb-help-overlay]", "hidden") is not None
    page.focus("[data-testid=image-wb-tool-box]")
    page.keyboard.press("Enter")
    assert page.evaluate(f"() => {WB}.tool") == "box"


def test_tab_on_the_canvas_walks_the_objects_then_leaves(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "kb-walk", annotation=BOXES)
    page.focus("[data-testid=image-wb-canvas]")
    ids = page.evaluate(f"() => {WB}.objects.map((o) => o._id)")
    page.keyboard.press("Tab")
    assert page.evaluate(f"() => {WB}.sel") == ids[0]
    assert focused(page) == "image-wb-canvas"
    page.keyboard.press("Tab")
    assert page.evaluate(f"() => {WB}.sel") == ids[1]
    page.keyboard.press("Tab")  # past the last object: the focus moves on
    assert page.evaluate(f"() => {WB}.sel") is None
    assert focused(page) != "image-wb-canvas"
    page.keyboard.press("Shift+Tab")  # back onto the canvas, then backwards through the objects
    assert focused(page) == "image-wb-canvas"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(f"() => {WB}.sel") == ids[1]


def test_ctrl_enter_submits_from_the_transcription(ctx: Any, harness: Harness) -> None:
    line = {"kind": "text_line", "label": "text", "attributes": {}, "transcription": "EXIT",
            "points": [[10, 10], [200, 10], [200, 50], [10, 50]]}
    page = open_wb(ctx, harness, "kb-ctrl-enter", annotation={"objects": [line], "classes": []})
    page.get_by_test_id("image-wb-object-select-0").click()
    page.get_by_test_id("image-wb-transcription").fill("EXIT 12")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-image-workbench][data-submitted='1']")
    [sent] = harness.posted("/submit/kb-ctrl-enter")
    assert sent["body"]["annotation"]["objects"][0]["transcription"] == "EXIT 12"


def test_submit_waits_for_the_image_and_goes_once(ctx: Any, harness: Harness) -> None:
    """Submit is off until the image is shown (an image that cannot be loaded is never
    submitted unseen), and a second Ctrl+Enter while the first submit is on its way is dropped."""
    page = open_wb(ctx, harness, "kb-missing", image_url="/no-such-image.png")
    page.wait_for_function(f"() => {WB}.ready")
    assert page.get_by_test_id("image-wb-submit").is_disabled()
    page.focus("[data-testid=image-wb-canvas]")
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(500)
    assert harness.posted("/submit/kb-missing") == []

    page = open_wb(ctx, harness, "kb-once", annotation=BOXES)
    assert page.get_by_test_id("image-wb-submit").is_enabled()
    page.focus("[data-testid=image-wb-canvas]")
    page.keyboard.press("Control+Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-image-workbench][data-submitted='1']")
    page.wait_for_timeout(500)
    assert len(harness.posted("/submit/kb-once")) == 1


def test_no_dead_copy_button_without_a_previous_annotation(ctx: Any, harness: Harness) -> None:
    """A page with nothing to copy from shows no "Copy from previous" (it could never work);
    one with a previous annotation shows it."""
    page = open_wb(ctx, harness, "no-previous")
    assert not page.get_by_test_id("image-wb-copy-previous").is_visible()
    page = open_wb(ctx, harness, "with-previous", previous_annotation=BOXES)
    assert page.get_by_test_id("image-wb-copy-previous").is_visible()
