"""Found by trial h7 (the catalog CLI): ``catalog list`` in zh-CN printed "数据量 30 items" for an entry of a
modality the installation has no plugin for (it counts items): the unit had no Chinese word."""

from __future__ import annotations

import pytest

from datamill.cli._words import code
from datamill.config import get_settings
from datamill.runtime import Runtime


def test_the_items_unit_is_worded_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        assert code("unit", "items") == "个条目"
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert code("unit", "items") == "items"


def test_an_empty_catalog_says_so(sqlite_runtime: Runtime) -> None:
    """Found by trial h7: ``catalog list`` on an empty catalog printed nothing at all."""
    from tests._cli import run_cli
    from tests.unit.catalog.helpers import people

    people(sqlite_runtime)
    db = {"DATAMILL_DATABASE_URL": str(sqlite_runtime.settings.database_url)}
    said = run_cli(sqlite_runtime.settings.home, "catalog", "list", "--as", "admin", **db)
    assert "no catalog dataset matches" in said.stdout, said
    said = run_cli(sqlite_runtime.settings.home, "catalog", "list", "--as", "admin", "--json",
                   **db)
    assert said.stdout.strip() == "[]", said
