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


def test_delivery_show_words_the_speakers_in_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by trial h7: a zh-CN customer's ``delivery show`` printed its speech datasheet's
    speakers in English ("speakers: 2 identified", "gender (speakers)", the table's heads)."""
    from datamill.cli._datasheet import print_speakers
    from datamill.modalities.speech.speakers import SpeakerBreakdown

    b = SpeakerBreakdown()
    b.add({"speaker_id": "s1", "gender": "female", "duration_ms": 90_000})
    b.add({"speaker_id": "s2", "gender": "male", "duration_ms": 30_000})
    b.add({"duration_ms": 1000})
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    try:
        print_speakers(b.result())
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    said = capsys.readouterr().out
    assert "说话人：已识别 2 人；1 个条目没有说话人；每位说话人的分钟数：最少 0.5" in said, said
    assert "性别（按说话人）：女 1, 男 1" in said and "语句数" in said, said  # worded (h7 r3)
    assert "identified" not in said and "speakers" not in said, said
