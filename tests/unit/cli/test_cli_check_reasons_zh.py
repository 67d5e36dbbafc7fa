"""``datamill data check|items`` under ``DATAMILL_LANG=zh-CN``: the reasons an item was set aside
were the services' stored English ("length: 1 characters, outside ...") while the pages word them
in Chinese; both faces now read one table (``core.check_fail_words``), which the web's
catalogues still equal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from datamill.core.check_fail_words import CHECK_FAIL_WORDS, CHECK_FAILED, check_fail_sentence
from datamill.web.i18n import CATALOGUES
from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run


def test_web_catalogues_read_the_core_table() -> None:
    for lang, catalogue in (("en", CATALOGUES["en"]), ("zh-CN", CATALOGUES["zh-CN"])):
        assert catalogue["check.failed"] == CHECK_FAILED[lang]
        for code, words in CHECK_FAIL_WORDS[lang].items():
            assert catalogue[f"check.fail.{code}"] == words, code
    assert set(CHECK_FAIL_WORDS["en"]) == set(CHECK_FAIL_WORDS["zh-CN"])
    assert check_fail_sentence({"name": "length", "value": 1.0}, "zh-CN") == \
        "1 个字符，不在项目要求范围内"
    assert check_fail_sentence({"name": "length", "value": 1.0}, "en") is None


@pytest.mark.slow  # ~5 s: a project made, imported and checked through the CLI
def test_set_aside_reasons_speak_chinese(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "lang-reasons", {"a.txt": "张伟在北京工作。", "b.txt": "x"})
    checked = run(home, "data", "check", "lang-reasons", "--as", "root", DATAMILL_LANG="zh-CN").stdout
    assert "1个字符，不在项目要求范围内" in re.sub(r"[\s│]", "", checked), checked
    assert "characters" not in checked and "outside" not in checked, checked
    items = run(home, "data", "items", "lang-reasons", "--as", "root", "--status", "rejected",
                DATAMILL_LANG="zh-CN").stdout
    flat = re.sub(r"[\s│]", "", items)  # the table wraps its cells
    assert "1个字符，不在项目要求范围内" in flat and "outside" not in items, items
    # English, and --json, keep the stored sentences
    shown = run(home, "data", "items", "lang-reasons", "--as", "root", "--json").stdout
    assert "length: 1 characters, outside" in shown.replace("\n", " ") or \
        any(r.startswith("length:") for i in json.loads(shown) for r in i["reject_reasons"]), shown
