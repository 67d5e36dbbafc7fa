"""Trial h3 round 3: an autosave due while a submit is on its way went out after it.

The draft timer fired during the submit's POST, so the draft reached the server after the
submit and was refused as a draft of a submitted task (409 in the console). Now no draft goes
out while a submit is on its way; a submit that fails sends the draft of the edits again.
"""

from __future__ import annotations

from typing import Any

from .conftest import Harness
from .test_image_workbench import WB, drag, open_wb


def _paths(harness: Harness, name: str) -> list[str]:
    with harness.lock:
        return [p["path"] for p in harness.posts if p["path"].endswith(f"/{name}")]


def test_no_autosave_goes_out_after_the_submit(ctx: Any, harness: Harness) -> None:
    # The draft is due 1.5 s after the edit, inside the submit's 3 s on the wire. A shorter
    # autosave raced the drag itself on a loaded CI machine (the draft left before the submit).
    harness.delay_s["/submit/order"] = 3.0
    page = open_wb(ctx, harness, "order", autosave_ms=1500)
    page.keyboard.press("b")
    drag(page, (100, 100), (200, 200))  # an edit: its draft is due in 1.5 s
    page.evaluate(f"() => {WB}.submit()")  # at once, before it goes
    page.wait_for_selector("[data-image-workbench][data-submitted='1']")
    page.wait_for_timeout(300)
    assert _paths(harness, "order") == ["/submit/order"]
    assert not page.errors


def test_a_refused_submit_saves_the_edits_after_all(ctx: Any, harness: Harness) -> None:
    harness.delay_s["/submit/refused"] = 2.0
    harness.status["/submit/refused"] = 422
    page = open_wb(ctx, harness, "refused", autosave_ms=1500)
    page.keyboard.press("b")
    drag(page, (100, 100), (200, 200))
    page.evaluate(f"() => {WB}.submit()")
    page.wait_for_function("() => document.querySelector("
                           "'[data-testid=image-wb-save-status]').textContent.includes('saved')")
    assert _paths(harness, "refused") == ["/submit/refused", "/draft/refused"]
    assert not page.errors
