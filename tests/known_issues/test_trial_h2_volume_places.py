"""Found by trial h2 (a new user, the CLI and the pages side by side): one delivery's hours read
``0.044`` on the project dashboard (CLI and page: 3 places) and ``0.0444`` in ``delivery
list`` and the ledger (4). A volume now shows by one rule on every face: at most 4 places,
trailing zeros dropped (:func:`datamill.core.shown_numbers.shown_volume`).

Uses the full demo (``tests/conftest.py`` ``demo_home``, shared with other trials)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.config import Settings
from datamill.core.shown_numbers import shown_volume
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._cli import run_cli
from tests.known_issues._web import web_login


@pytest.mark.slow
def test_the_dashboard_shows_a_delivery_s_hours_as_the_delivery_does(
        demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("h2-volume") / "home"
    shutil.copytree(demo_home, home)
    delivered = json.loads(run_cli(home, "delivery", "list", "demo-asr-en", "--as", "pm",
                                   "--json").stdout)[0]["delivered_volume"]
    progress = json.loads(run_cli(home, "project", "dashboard", "demo-asr-en", "--as", "pm",
                                  "--json").stdout)["progress"]
    rows = {row["status"]: shown_volume(row["volume"]) for row in progress}
    assert rows["delivered"] == shown_volume(delivered)
    assert len(rows["rejected"].partition(".")[2]) == 4, rows  # a figure 3 places would cut
    board = run_cli(home, "project", "dashboard", "demo-asr-en", "--as", "pm").stdout
    for status, shown in rows.items():
        assert re.search(rf"{status}\s*│\s*\d+\s*│\s*{re.escape(shown)}\s*│", board), board
    rt = Runtime.from_settings(Settings(home=home))
    try:
        client = TestClient(create_app(rt))
        web_login(client, "pm", "datamill-demo")
        page = client.get("/projects/1").text
    finally:
        rt.close()
    assert sorted(rows.values()) == sorted(
        re.findall(r'data-testid="progress-volume">([^<]*)<', page))
