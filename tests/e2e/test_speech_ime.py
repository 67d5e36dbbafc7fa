"""Typing Chinese through an input method in the speech workbench: keys pressed while the IME
composes (Enter or Space picking a candidate, Ctrl+Space switching the IME, Alt+digits) belong
to the IME and trigger no shortcut; the same keys after composition do. The collection page in
Chinese says why the quota cells refuse a subject, in Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.collection import staff
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from tests.e2e.conftest import Site, sign_in

pytestmark = pytest.mark.slow

_COMPOSING = """(keys) => { const el = document.activeElement;
  for (const k of keys) el.dispatchEvent(new KeyboardEvent('keydown',
    {...k, isComposing: true, keyCode: 229, bubbles: true, cancelable: true})); }"""


def test_keys_during_ime_composition_trigger_no_shortcut(site: Site, context: Any) -> None:
    pid = site.project(2)
    page = sign_in(context, "ann1")
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    page.wait_for_selector("body[data-wb-ready='1']")
    url = page.url
    box = page.locator(".seg-text").first
    box.fill("")
    box.focus()
    page.keyboard.insert_text("他用流利")
    page.evaluate(_COMPOSING, [
        {"key": "Enter", "code": "Enter", "ctrlKey": True},  # submit
        {"key": "Process", "code": "Space", "ctrlKey": True},  # play
        {"key": "Process", "code": "KeyN", "altKey": True},  # new segment
        {"key": "Process", "code": "Digit1", "altKey": True},  # noise symbol
        {"key": "z", "code": "KeyZ", "ctrlKey": True},  # undo
    ])
    page.wait_for_timeout(500)
    assert page.url == url
    assert page.locator(".segment").count() == 1
    assert box.input_value() == "他用流利"
    page.keyboard.press("Alt+Digit1")  # composition over: the shortcut works
    assert box.input_value().startswith("他用流利")
    assert "[noise]" in box.input_value()


def test_collection_page_in_chinese_says_why_it_refuses(site: Site, context: Any) -> None:
    spec = {"name": "e2e-collect-zh", "modality": "speech.asr", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
            "collection": {"age_bands": [{"name": "青年", "min": 18, "max": 35}],
                           "cells": [{"name": "北方女青年", "age_band": "青年",
                                      "gender": "female", "accent": "北方", "items": 1}]}}
    with site.rt.session() as s:
        p = create_project(s, spec)
        pm = s.merge(site.users["pm"])
        add_member(s, p.id, pm, actor_id=None)
        staff.set_consent_text(s, pm, p.id, "本人同意为本项目录音。")
        staff.add_prompts(s, pm, p.id, ["今天天气很好。"])
        token = str(staff.create_invite(s, pm, p.id, "spk-zh")["token"])
    context.add_cookies([{"name": "lang", "value": "zh-CN", "url": site.url}])
    page = context.new_page()
    page.goto(f"/collect/{token}")
    page.fill("input[name=signature]", "李娜")
    page.check("input[name=agree]")
    page.click("#consent-form button[type=submit]")
    page.wait_for_selector("#demo-step", state="visible")
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=age]", "30")
    # the accents the cells name are choices (typing 北京 for 北方 would miss the cell)
    assert page.locator("select[name=accent] option").all_inner_texts() == ["北方", "以上都不是"]
    page.select_option("select[name=accent]", "")  # none of these: no cell takes her
    page.click("#demo-form button[type=submit]")
    page.wait_for_selector("#message:not(:empty)")
    assert page.inner_text("#message") == "出错了：本项目不招募您所属类别的说话人。感谢您的关注！"
