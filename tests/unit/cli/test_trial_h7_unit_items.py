"""Found by trial h7: ``catalog list`` in zh-CN printed "数据量 30 items" for an entry of a
modality the installation has no plugin for (it counts items): the unit had no Chinese word."""

from __future__ import annotations

import pytest

from datamill.cli._words import code
from datamill.config import get_settings


def test_the_items_unit_is_worded_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        assert code("unit", "items") == "个条目"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert code("unit", "items") == "items"
