"""The zh-CN catalogue is complete (except the marked workforce / ledger blocks, which may fall
back to English for now), the language is negotiated, and pages render in Chinese."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from datamill.web import i18n
from datamill.web.i18n import EN, negotiate, t, translator
from datamill.web.i18n_zh import ZH_CN
from tests.e2e.conftest import PASSWORD, Site, shot

I18N_SOURCE = Path(i18n.__file__)
# English keys that may show in English on a Chinese page until they are translated: those in
# the blocks other teams append at the end of EN, marked with a comment naming the block.
FALLBACK_BLOCKS = ("workforce", "ledger")
FALLBACK_PREFIXES = ("workforce.", "wf.", "ledger.", "fin.")
NOT_TRANSLATED = {"app.name"}  # the product name stays as it is


def _block_keys(source: str | None = None) -> dict[str, str]:
    """``{key: block}`` for the English keys written inside a comment-marked workforce / ledger
    block of ``i18n.py`` (in the ``EN`` literal or in an ``EN.update({...})`` after it).

    A comment line naming a block opens it; a comment line with "end" and the block's name closes
    it; other comments change nothing.
    """
    text = source if source is not None else I18N_SOURCE.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    block: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            lower = stripped.lower()
            named = next((b for b in FALLBACK_BLOCKS if b in lower), None)
            if named is not None:
                block = None if re.search(r"\bend\b", lower) else named
            continue
        m = re.match(r'\s*"([^"]+)"\s*:', line)
        if m and block is not None:
            found[m.group(1)] = block
    return found


def test_every_english_key_has_a_chinese_entry() -> None:
    blocks = _block_keys()
    missing = sorted(set(EN) - set(ZH_CN))
    may_fall_back = {k for k in missing if k in blocks or k.startswith(FALLBACK_PREFIXES)}
    assert [k for k in missing if k not in may_fall_back] == [], (
        "add these keys to src/datamill/web/i18n_zh.py")
    for key in may_fall_back:  # ... and they do fall back to English, never to the bare key
        assert t(key, "zh-CN") == EN[key]
    assert sorted(set(ZH_CN) - set(EN)) == [], "zh-CN keys that English does not have (typos?)"


def test_marked_blocks_are_found() -> None:
    source = """EN: dict[str, str] = {
    "db.none": "Nothing yet.",
    # --- workforce pages (team W) ---
    "wk.vendors": "Vendors",
    "wk.skills": "Skills",
    # --- end workforce ---
    "x.after": "After",
    "y.after": "After",
}
CATALOGUES = {"en": EN}  # not a block
# ===== ledger / finance =====
# Appended as one block.
EN.update({
    "money.total": "Total",
})
# ===== end ledger =====
OTHER = {"z": "z"}
"""
    assert _block_keys(source) == {"wk.vendors": "workforce", "wk.skills": "workforce",
                                   "money.total": "ledger"}


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
    r = context.request.get("/lang/xx?next=/login", max_redirects=0)
    assert r.status == 422
    r = context.request.get("/lang/zh-CN?next=//evil.example", max_redirects=0)
    assert r.status == 303 and r.headers["location"] == "/"
