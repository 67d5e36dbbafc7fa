"""The corpus design page in a browser: a PM reaches it from the nav, pastes a pool, chooses
prompts and sees the coverage chart (chosen vs random, as SVG), the chosen prompts and the
rejected sentences with reasons; an annotator gets 403; the zh-CN page is in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from datamill.compliance.users import create_user
from datamill.testing.fixtures import make_runtime
from tests.e2e.conftest import PASSWORD, serve_in_thread, shot, sign_in

pytestmark = pytest.mark.slow
POOL = "\n".join([
    "今天天气很好，我们去公园散步吧。",
    "他在银行工作了三年。",
    "小明喜欢在周末读书和画画。",
    "这里的风景非常美丽，吸引了很多游客。",
    "我有3个苹果。",
    "你好。",
    "<script>alert('x')</script>今天天气很好。",
])


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from datamill.server import create_app

    rt = make_runtime(tmp_path_factory.mktemp("corpus-e2e"), "sqlite")
    with rt.session() as s:
        create_user(s, "pm", PASSWORD, "project_manager")
        create_user(s, "ann1", PASSWORD, "annotator")
    with serve_in_thread(create_app(rt)) as u:
        yield u
    rt.close()


@pytest.fixture
def ctx(browser: Any, url: str) -> Iterator[Any]:
    c = browser.new_context(base_url=url, viewport={"width": 1400, "height": 900})
    c.set_default_timeout(30_000)
    yield c
    c.close()


def test_pm_designs_a_corpus_and_sees_the_chart(ctx: Any) -> None:
    page = sign_in(ctx, "pm")
    page.get_by_role("link", name="Corpus design").click()
    page.wait_for_url("**/corpus")
    page.select_option("select[name=lang]", "zh")
    page.fill("input[name=n]", "3")
    page.get_by_test_id("corpus-pool").fill(POOL)
    page.get_by_test_id("corpus-submit").click()
    result = page.get_by_test_id("corpus-result")
    result.wait_for()
    charts = page.locator("[data-testid=corpus-charts] svg.coverage-chart")
    assert charts.count() == 2  # syllable and diphone
    first = charts.first
    assert first.locator("polyline.chosen").count() == 1
    assert first.locator("polyline.random").count() == 1
    box = first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    assert page.locator("[data-testid=corpus-chosen] tr").count() == 1 + 3
    rejected = page.get_by_test_id("corpus-rejected")
    assert rejected.locator("[data-code=digits]").count() == 1
    assert rejected.locator("[data-code=too_short]").count() == 1
    assert rejected.locator("[data-code=latin]").count() == 1  # the Latin letters of the tag
    assert rejected.locator("[data-code=rare_char]").count() == 1  # and its < / >
    assert "<script>" in rejected.inner_text()  # shown as text, never run
    assert page.dialogs == []
    shot(page, "corpus-design")


def test_annotator_is_refused_and_chinese_page(ctx: Any, browser: Any, url: str) -> None:
    page = sign_in(ctx, "ann1")
    assert page.get_by_role("link", name="Corpus design").count() == 0
    r = page.goto("/corpus")
    assert r is not None and r.status == 403
    zh = browser.new_context(base_url=url, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
    try:
        pz = sign_in(zh, "pm")
        pz.goto("/corpus")
        assert pz.locator("h1").inner_text() == "语料设计"
        assert pz.get_by_test_id("corpus-submit").inner_text() == "选取提示文本"
    finally:
        zh.close()
