"""PM/finance trial, 2026-12 (4, LOW): English codes on zh-CN screens.

The stage ``collect`` (the collection stage settlement and budget plans use) read "collect" in
the budget tables, plan variance and the settlement sheet on zh-CN pages, and the
finance page's 供应商产能 chart labelled in-house work "in-house · ...". Both are now worded
through the one catalogue (采集, 内部).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.cli._words import code
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import t
from datamill.workforce.sheet_print import SHEET_CATALOGUES
from tests.known_issues._web import web_login
from tests.known_issues.test_issue9_s2_output_ratio_and_throughput import scene

__all__ = ["scene"]  # the fixture, shared with the throughput tests


def test_the_collect_stage_is_worded_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    assert t("stage.collect", "zh-CN") == "采集"  # the pages' tc('stage', ...)
    assert t("stage.collect", "en") == "collection"
    assert SHEET_CATALOGUES["zh-CN"]["stage.collect"] == "采集"  # the printed sheet
    for lang, word in (("zh-CN", "采集"), ("en", "collect")):  # English output unchanged
        monkeypatch.setenv("DATAMILL_LANG", lang)
        get_settings.cache_clear()
        assert code("stage", "collect") == word  # the CLI's words for a stage
    get_settings.cache_clear()


def test_the_throughput_chart_words_in_house(
    runtime: Runtime, users: dict[str, User], scene: dict[str, int], tmp_path: Path
) -> None:
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        c.cookies.set("lang", "zh-CN")
        page = c.get("/finance?year=2018")
        assert page.status_code == 200
        found = re.search(r'<script type="application/json" id="ledger-data">(.*?)</script>',
                          page.text, re.S)
        assert found is not None
        chart: dict[str, Any] = json.loads(found.group(1))
        labels = [row["label"] for row in chart["throughput"]]
        assert any(label.startswith("内部 · ") for label in labels), labels
        assert not any("in-house" in label for label in labels), labels
