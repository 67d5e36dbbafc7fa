"""Trial leftover (zh-CN terminology): the finance page called the catalog revenue line
成品数据 while the catalog pages said 标准化数据集产品 (title) and 数据集产品 (menu). The
business's word (domain §1) is 标准化数据集产品: the web and CLI zh-CN catalogues now use it
everywhere they name the catalog product (the finance line, the menu, the offering, the
actions a refusal names)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.cli._words import ZH_CN_CLI
from datamill.compliance.models import User
from datamill.modalities.problem_words import ACTION_WORDS
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import CATALOGUES
from tests.known_issues._web import web_login

TERM = "标准化数据集产品"
#: other names the zh-CN pages used for the catalog product
OLD = re.compile(r"成品数据|(?<!标准化)数据集产品|产品目录|目录许可")


def test_zh_catalogues_use_one_term() -> None:
    zh = CATALOGUES["zh-CN"]
    for key in ("fin.line_catalog", "nav.catalog", "cat.title"):
        assert zh[key] == TERM, key
    assert TERM in zh["offering.product_licence"]
    for words in (zh, ZH_CN_CLI, ACTION_WORDS["zh-CN"]):
        stray = {k: v for k, v in words.items() if OLD.search(v)}
        assert not stray, stray
    assert TERM in ACTION_WORDS["zh-CN"]["view_catalog"]


def test_zh_finance_and_catalog_pages_say_the_term(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with TestClient(create_app(runtime)) as client:
        web_login(client, "admin")
        client.cookies.set("lang", "zh-CN")
        finance = client.get("/finance")
        assert finance.status_code == 200, finance.text[:500]
        catalog = client.get("/catalog")
        assert catalog.status_code == 200, catalog.text[:500]
    assert f"<tr><td>{TERM}</td>" in finance.text  # the revenue line
    assert f'<a href="/catalog">{TERM}</a>' in finance.text  # the menu
    assert TERM in catalog.text
    for page in (finance.text, catalog.text):
        assert not OLD.search(page), OLD.search(page)
