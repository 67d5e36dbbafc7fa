"""The LLM conversation editor removed a turn, its text with it, at one click and had no undo:
a turn removed by mistake was typed again. Now Ctrl+Z brings back a removed turn (or a role, a
choice, a move) with its text, Ctrl+Shift+Z / Ctrl+Y redo, the editor's hint says so, and the
state undone to is the draft a reload shows. In a text field Ctrl+Z stays the field's own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Site
from tests.e2e.test_llm_forms import _open, _submit, _submitted, _task

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-llm-workbench]').__workbench"


def _turns(page: Any) -> list[tuple[str, str]]:
    return [(t["role"], t["content"]) for t in page.evaluate(f"() => {WB}.annotation().turns")]


def test_a_removed_turn_comes_back_with_ctrl_z(site: Site, context: Any) -> None:
    context.set_default_timeout(30_000)
    tid = _task(site, "sft")
    page = _open(context, tid)
    assert "Ctrl+Z" in page.get_by_test_id("llm-sft-hint").inner_text()
    page.get_by_test_id("llm-content-1").fill("Rome is the capital of Italy, not Milan.")
    page.get_by_test_id("llm-add-turn").click()
    page.get_by_test_id("llm-content-2").fill("And of France?")
    whole = [("user", "What is the capital of Italy?"),
             ("assistant", "Rome is the capital of Italy, not Milan."),
             ("user", "And of France?")]
    assert _turns(page) == whole
    page.get_by_test_id("llm-remove-1").click()  # the wrong turn
    assert _turns(page) == [whole[0], whole[2]]
    page.keyboard.press("Control+z")
    assert _turns(page) == whole  # back, its text with it
    page.keyboard.press("Control+Shift+z")
    assert _turns(page) == [whole[0], whole[2]]
    page.keyboard.press("Control+z")
    assert _turns(page) == whole
    # in a text field Ctrl+Z is the field's: no turn comes or goes
    page.get_by_test_id("llm-content-2").click()
    page.keyboard.press("Control+z")
    assert len(_turns(page)) == 3
    page.locator("body").click(position={"x": 5, "y": 5})
    page.wait_for_function(f"() => {WB}.savedRevision >= {WB}.revision")
    page.reload()
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    assert _turns(page) == whole
    page.get_by_test_id("llm-remove-2").click()  # a conversation ends with the assistant
    _submit(page, tid)
    assert [(t["role"], t["content"]) for t in _submitted(site, tid)["turns"]][:2] == whole[:2]
