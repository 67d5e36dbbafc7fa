"""The image workbench's UI strings come from the one web catalogue (``i18n_image.py`` and its
zh-CN twin), handed over by the page: no string table lives in its JavaScript, every key its
modules name is in the catalogue, and a page in Chinese shows the Chinese entries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from datamill.web.i18n import EN
from datamill.web.i18n_image import EN_IMAGE
from datamill.web.i18n_zh import ZH_CN

from .conftest import WEB, Harness
from .test_image_workbench import open_wb

STATIC = WEB / "static" / "image"
#: keys the modules build from a code (``image.tool.${tool}``): their codes
BUILT = {"image.tool.": ["select", "box", "rotated_box", "polygon", "polyline", "keypoints",
                         "mask", "text_line", "wand", "grabcut"],
         "image.kind.": ["box", "rotated_box", "polygon", "polyline", "keypoints", "mask",
                         "text_line"],
         "image.help.": ["tools", "labels", "draw", "keypoints", "mask", "edit", "object",
                         "history", "view"]}


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(STATIC.glob("*.js"))}


def test_no_string_table_in_the_javascript() -> None:
    for path, text in _sources().items():
        assert "'zh-CN'" not in text and "STRINGS" not in text, path.name
        # an English sentence in quotes shown to people would be a string outside the catalogue
        for literal in re.findall(r"'([A-Z][a-z]+(?: [a-z]+){2,}[^']*)'", text):
            raise AssertionError(f"{path.name}: UI text outside the catalogue: {literal!r}")


def test_every_key_the_modules_use_is_in_the_catalogue() -> None:
    used = set()
    for text in _sources().values():
        used |= set(re.findall(r"t\('(image\.[a-z_.]+)'", text))
        for prefix, codes in BUILT.items():
            if f"t(`{prefix}${{" in text:
                used |= {prefix + c for c in codes}
    assert used and sorted(used - set(EN_IMAGE)) == []
    assert set(EN_IMAGE) <= set(EN) and set(EN_IMAGE) <= set(ZH_CN)


def test_a_chinese_page_shows_the_catalogues_chinese(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "strings-zh", lang="zh-CN")
    assert page.get_by_test_id("image-wb-tool-box").inner_text() == ZH_CN["image.tool.box"]
    assert page.get_by_test_id("image-wb-submit").inner_text() == ZH_CN["image.submit"]
    page = open_wb(ctx, harness, "strings-en")
    assert page.get_by_test_id("image-wb-submit").inner_text() == EN["image.submit"]
