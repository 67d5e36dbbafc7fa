"""The dataset page said one count twice where the modality counts files: "30 images · 30
items", "12 帧 · 12 条" (a trial). The volume now stands alone when it is the item count;
hours keep their item count beside them."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people, released
from tests.unit.catalog.test_modality_volume import _image_release


def _volume(page: str) -> str:
    cell = re.search(r'data-testid="dataset-volume">(.*?)</td>', page, re.S)
    assert cell, page
    return " ".join(cell.group(1).split())


def test_a_count_of_files_is_said_once(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    image_id, _ = _image_release(runtime, who, tmp_path / "img")
    speech_id, _ = released(runtime, who, tmp_path / "asr")
    with TestClient(create_app(runtime)) as client:
        web_login(client, "cust", "password1")
        assert _volume(client.get(f"/catalog/{image_id}").text) == "12 images"
        speech = _volume(client.get(f"/catalog/{speech_id}").text)
        assert "hours · 3 items" in speech, speech
        client.cookies.set("lang", "zh-CN")
        assert _volume(client.get(f"/catalog/{image_id}").text) == "12 张"
