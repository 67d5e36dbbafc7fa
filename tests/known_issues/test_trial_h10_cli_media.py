"""Trial h10: ``work next`` on an image task names the item's media URL (text and --json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import make_image_project


def test_work_next_names_the_items_media_url(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "img", n=1)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setenv("DATAMILL_LANG", "en")  # whatever language an earlier test left
    get_settings.cache_clear()
    r = CliRunner().invoke(app, ["work", "next", str(pid), "--as", "ann1", "--json"])
    assert r.exit_code == 0, r.output
    task = json.loads(r.stdout)
    assert task["media_url"] == f"/api/v1/projects/{pid}/items/{task['item_id']}/media"
    r = CliRunner().invoke(app, ["work", "next", str(pid), "--as", "ann1"])
    assert r.exit_code == 0, r.output
    assert f"media: /api/v1/projects/{pid}/items/{task['item_id']}/media" in r.stdout
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["work", "next", str(pid), "--as", "ann1"])
    finally:
        get_settings.cache_clear()
    assert f"媒体：/api/v1/projects/{pid}/items/{task['item_id']}/media" in r.stdout, r.stdout
