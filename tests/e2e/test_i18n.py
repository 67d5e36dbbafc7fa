"""The zh-CN catalogue is complete, the language is negotiated, and pages render in Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.web.i18n import EN, negotiate, t, translator
from datamill.web.i18n_zh import ZH_CN
from tests._zh_text import half_width_in_chinese
from tests.e2e.conftest import PASSWORD, Site, shot

NOT_TRANSLATED = {"app.name",  # the product name stays as it is
                  "sp.colon",  # punctuation: the full-width colon after a label
                  "sp.list_sep",  # and the full-width semicolon between listed reasons
                  "sp.comma",  # and the full-width comma between listed values
                  "sp.paren", "sp.lparen", "sp.rparen",  # and full-width parentheses
                  "sp.lparen_after",  # a full-width parenthesis after a word, no space
                  "sp.lquote", "sp.rquote",  # the quotes around a compared label or text
                  "image.objects_count",  # the object count in full-width parentheses
                  "collect.with_reasons",  # a prompt and its reasons in full-width brackets
                  "prob.list_sep",  # the full-width semicolon between listed problems
                  "llm.list_sep"}  # the enumeration comma between unmarked rubric criteria


def test_every_english_key_has_a_chinese_entry() -> None:
    """Every catalogue key (``i18n.py`` and every ``i18n_<area>.py`` merged into it) has a
    zh-CN entry: nothing on a Chinese page falls back to English."""
    missing = sorted(set(EN) - set(ZH_CN))
    assert missing == [], f"add these keys to src/datamill/web/i18n_zh*.py: {missing}"
    assert sorted(set(ZH_CN) - set(EN)) == [], "zh-CN keys that English does not have (typos?)"


def test_the_area_catalogues_are_merged() -> None:
    """Each ``i18n_<area>.py`` catalogue is in ``EN`` and its ``i18n_zh_<area>.py`` twin in
    ``ZH_CN`` (a module written but not registered would otherwise go unnoticed)."""
    import importlib
    import pkgutil

    import datamill.web as web

    for info in pkgutil.iter_modules(web.__path__):
        if not info.name.startswith("i18n_"):
            continue
        module = importlib.import_module(f"datamill.web.{info.name}")
        for name in getattr(module, "__all__", []):
            table = getattr(module, name)
            if isinstance(table, dict) and name.startswith(("EN_", "ZH_CN_")):
                target = ZH_CN if name.startswith("ZH_CN_") else EN
                assert set(table) <= set(target), f"{info.name}.{name} is not merged"


def test_chinese_entries_are_real_chinese_text() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for key, value in ZH_CN.items():
        if key in NOT_TRANSLATED:
            continue
        assert value.strip() and cjk.search(value), f"{key}: {value!r} is not Chinese"
    # the domain's terms
    assert ZH_CN["rv.title"] == "审核"
    assert ZH_CN["action.inspect"] == "质检" and "抽检" in ZH_CN["in.plan"]
    assert ZH_CN["pm.title"] == "数据包" and "交付" in ZH_CN["db.deliveries"]
    assert "验收" in ZH_CN["db.deliveries"] and "预标注" in ZH_CN["rv.vs_pre"]
    assert "返工" in ZH_CN["rv.rework"] and "标注" in ZH_CN["home.my_tasks"]


#: entries that write a notation, not a sentence: the time formats a speech segment takes
#: (``分:秒.毫秒`` reads as ``1:02.500``)
NOTATIONS = {"sp.time_hint", "sp.err.format"}


def test_chinese_entries_use_full_width_punctuation() -> None:
    """No half-width , : ; ! ? ( ) beside Chinese and no space between two Chinese words in any
    zh-CN page string (``选择 (V)`` read as a half-width bracket; it is ``选择（V）``)."""
    assert half_width_in_chinese(ZH_CN, NOTATIONS) == {}


def test_language_negotiation() -> None:
    assert negotiate(None) == "en"
    assert negotiate("zh-CN,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert negotiate("zh") == "zh-CN"
    assert negotiate("zh-Hans-CN") == "zh-CN"
    assert negotiate("en-US,en;q=0.9,zh-CN;q=0.5") == "en"
    assert negotiate("fr-FR, zh-cn;q=0.7, en;q=0.3") == "zh-CN"  # best supported by q-value
    assert negotiate("de, fr;q=0.5") == "en"
    assert negotiate("zh-CN;q=0, en") == "en"
    assert negotiate("zh-CN;q=bogus, en;q=0.1") == "en"
    assert negotiate("*") == "en"
    assert negotiate("zh-CN", cookie="en") == "en"  # an explicit choice beats the header
    assert negotiate("en", cookie="zh-CN") == "zh-CN"
    assert negotiate("zh-CN", cookie="klingon") == "zh-CN"  # an unknown cookie is ignored
    assert translator("zh-CN")("login.title") == "登录"
    assert t("no.such.key", "zh-CN") == "no.such.key"


@pytest.mark.slow
def test_login_page_renders_in_chinese(site: Site, browser: Any) -> None:
    ctx = browser.new_context(base_url=site.url, locale="zh-CN",
                              extra_http_headers={"Accept-Language": "zh-CN"})
    try:
        page = ctx.new_page()
        page.goto("/login")
        assert page.locator("h1").inner_text() == "登录"
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert "用户名" in page.locator("form").inner_text()
        assert page.title().startswith("登录")
        shot(page, "login-zh-CN")
        page.fill("input[name=username]", "rev")
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda u: "/login" not in u)
        assert page.locator("h1").inner_text() == "我的审核队列"
        assert page.get_by_role("button", name="退出登录").count() == 1
        # the language links set the lang cookie, which beats Accept-Language
        page.locator("[data-testid=languages] a", has_text="English").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "My review queue"
        assert page.locator("html").get_attribute("lang") == "en"
        assert {c["name"]: c["value"] for c in ctx.cookies()}["lang"] == "en"
        page.locator("[data-testid=languages] a", has_text="简体中文").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "我的审核队列"
    finally:
        ctx.close()


@pytest.mark.slow
def test_english_stays_the_default(site: Site, context: Any) -> None:
    page = context.new_page()
    page.goto("/login")
    assert page.locator("h1").inner_text() == "Sign in"
    r = context.request.get("/lang/xx?next=/login", max_redirects=0)  # no catalogue: back
    assert r.status == 303 and r.headers["location"] == "/login"
    r = context.request.get("/lang/zh-CN?next=//evil.example", max_redirects=0)
    assert r.status == 303 and r.headers["location"] == "/"
