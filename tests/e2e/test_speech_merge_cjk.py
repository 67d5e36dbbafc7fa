"""Merging two segments of Chinese text in the workbench joins them as written: a split at the
caret undone by a merge gave 今天天气很好 我们走吧 (a space Chinese does not write) back.
English text still joins with a space."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Site, sign_in

pytestmark = pytest.mark.slow


def _split_then_merge(page: Any, text: str, caret: int) -> tuple[list[str], str]:
    box = page.locator(".seg-text").first
    box.fill(text)
    box.evaluate(f"el => {{ el.focus(); el.setSelectionRange({caret}, {caret}); }}")
    page.keyboard.press("Alt+s")
    halves = page.eval_on_selector_all(".seg-text", "els => els.map(e => e.value)")
    page.locator(".seg-text").first.focus()
    page.keyboard.press("Alt+m")
    return halves, page.locator(".seg-text").first.input_value()


def test_a_merge_joins_chinese_without_a_space(site: Site, context: Any) -> None:
    pid = site.project(1)
    page = sign_in(context, "ann1")
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("body[data-wb-ready='1']")

    assert _split_then_merge(page, "今天天气很好我们走吧", 6) == (
        ["今天天气很好", "我们走吧"], "今天天气很好我们走吧")
    assert _split_then_merge(page, "你好，世界", 3)[1] == "你好，世界"
    assert _split_then_merge(page, "hello world", 5) == (["hello", "world"], "hello world")
    assert _split_then_merge(page, "打开 WiFi", 2)[1] == "打开 WiFi"
