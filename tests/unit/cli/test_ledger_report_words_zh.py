"""Under zh-CN the CLI's ledger reports printed their segment codes in English ("speech",
"product_licence", "overseas", "big_tech") and budget-vs-actual the hour points' stage
("staff"), where the finance pages say 语音, 标准化数据集产品授权, 境外, 大型科技公司 and 人员.
English keeps the codes (scripts may look for them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datamill.cli._words import code
from datamill.cli.ledger import _cell
from datamill.config import get_settings


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("DATAMILL_LANG")
    get_settings.cache_clear()


def test_report_segments_are_worded(zh: None) -> None:
    cells = [_cell(f, v) for f, v in (("business_line", "speech"),
                                      ("offering", "product_licence"), ("region", "overseas"),
                                      ("customer_type", "big_tech"))]
    assert cells == ["语音", "标准化数据集产品授权", "境外", "大型科技公司"]
    assert code("stage", "staff") == "人员"
    assert _cell("project", "demo-asr-zh") == "demo-asr-zh"  # a name stays as it is


def test_english_keeps_the_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMILL_LANG", "en")
    get_settings.cache_clear()
    try:
        assert _cell("offering", "product_licence") == "product_licence"
        assert code("stage", "staff") == "staff"
    finally:
        get_settings.cache_clear()
