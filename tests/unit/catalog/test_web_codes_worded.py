"""A new-user trial's finding: the catalog pages in Chinese showed an image dataset's modality
as ``image`` and its language as ``und`` (BCP 47's "undetermined"), codes a reader does not
know. Both now go through the catalogue (``tc('modality', ...)``, ``tc('language', ...)``):
图像 and 未确定语言（und）in Chinese; in English the modality's code as the spec names it
and "undetermined (und)"; any other language tag (zh-CN) shows as it is."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people
from tests.unit.catalog.test_modality_volume import _image_release


def _cells(page: str) -> list[str]:
    return [html.unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


def test_the_catalog_pages_word_modality_and_language(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    image_id, _ = _image_release(runtime, who, tmp_path)
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm", "password1")
        client.cookies.set("lang", "zh-CN")
        for url in ("/catalog", f"/catalog/{image_id}"):
            page = client.get(url)
            assert page.status_code == 200, url
            cells = _cells(page.text)
            assert "图像" in cells and "未确定语言（und）" in cells, (url, cells)
            assert "image" not in cells and "und" not in cells, (url, cells)
        client.cookies.set("lang", "en")
        cells = _cells(client.get(f"/catalog/{image_id}").text)
        assert "image" in cells and "undetermined (und)" in cells
