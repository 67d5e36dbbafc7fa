"""Found by a trial user browsing in zh-CN: codes left in English on the pages.

The home page's task status (``submitted``), the dashboard's delivery unit (``hours``) and its
work packages (``annotate-0001``), the finance overview's units and its pending-event sentence
(worded by Python, shown again on every year's overview), the qualification test's and the
inspections' metric names (``character_accuracy``), the procurement page's units (and
quantities written ``5E+1``). Each page is read as visible text (tags, attributes and scripts
left out): the Chinese word is there and the code is not. The security page's levels, the
catalogue's price bands and the procurement statuses were already worded and stay so.

Slow: uses the full demo (``tests/conftest.py`` ``demo_home``, shared with the dead-links crawl and the demo test).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.config import Settings
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import translator
from datamill.web.routes._common import code_label, package_label
from tests.known_issues._web import visible_text_nodes, web_login

DEMO_PASSWORD = "datamill-demo"  # noqa: S105 - the demo's documented credential
_METRIC = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # a snake_case code such as mean_iou
_RAW_STATUSES = ("submitted", "claimed", "approved", "rejected", "combined")


def _text(html: str) -> str:
    return "\n".join(visible_text_nodes(html))


@pytest.fixture(scope="module")
def app(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The full demo (a copy) plus one delivery accepted on a project without accounts, as
    after the README's hand-run loop: the finance overview has a pending acceptance."""
    home = tmp_path_factory.mktemp("trial") / "home"
    shutil.copytree(demo_home, home)
    rt = Runtime.from_settings(Settings(home=home))
    with rt.session() as s:
        s.add(DomainEvent(type="delivery.accepted", project_id=3, payload={}))
    try:
        yield create_app(rt)
    finally:
        rt.close()


def _client(app: object, username: str, lang: str = "zh-CN") -> TestClient:
    client = TestClient(app, headers={"Accept-Language": lang})  # type: ignore[arg-type]
    web_login(client, username, DEMO_PASSWORD)
    return client


def _page(client: TestClient, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)  # noqa: PLR2004
    return _text(r.text)


@pytest.mark.slow
def test_home_task_status_in_chinese(app: object) -> None:
    text = _page(_client(app, "alice"), "/")
    assert "已提交" in text
    assert not set(text.split("\n")) & set(_RAW_STATUSES), text


@pytest.mark.slow
def test_dashboard_units_and_packages_in_chinese(app: object) -> None:
    client = _client(app, "admin")
    pages = {n: _page(client, f"/projects/{n}") for n in range(1, 9)}
    joined = "\n".join(pages.values())
    assert " 小时" in pages[1] and " 张" in pages[3]  # delivered / accepted volume
    assert not re.search(r"\b(hours|images|kchars|dialogues)\b", joined)
    vendor = _page(client, "/workforce/vendors/1")  # the vendor's packages
    assert not re.search(r"\b(annotate|review)-\d+", joined + vendor)
    assert re.search(r"标注-\d{4}", vendor)  # the generated name, its stage worded


@pytest.mark.slow
def test_finance_overview_units_and_pending_sentence(app: object) -> None:
    year = business_today().year  # the business's year, as the pages and reports
    zh = _client(app, "admin")
    text = _page(zh, f"/finance?year={year}")
    assert "生产项目 5 尚无带履约订单的财务项目" in text
    assert "has no ledger project" not in text and "delivery.accepted" not in text
    assert "交付已验收" in text and " 小时" in text
    # English unit words (not data names such as the catalog's "catalog-in-cabin-oms-images")
    assert not re.search(r"(?<![-\w])(hours|images)\b", text)
    # the pending events belong to no year: another year's overview points to this one
    for other in (year - 3, year + 3):
        r = zh.get(f"/finance?year={other}")
        assert 'data-testid="problems"' not in r.text
        assert 'data-testid="pending-elsewhere"' in r.text
        assert "生产项目 5" not in _text(r.text)
    en = _page(_client(app, "admin", "en"), f"/finance?year={year}")
    assert ("production project 5 has no ledger project with a performance order: revenue "
            "waits until its accounts are opened") in en
    assert "delivery accepted" in en


@pytest.mark.slow
def test_metric_names_in_chinese(app: object) -> None:
    client = _client(app, "admin")
    golden = _page(client, "/workforce/projects/1/golden")
    assert "字准确率" in golden and "句准确率" in golden
    assert not _METRIC.search(golden), golden
    for n in range(1, 6):  # asr, image, ner, llm, tts inspections
        text = _page(client, f"/inspections/{n}")
        assert not _METRIC.search(text), (n, _METRIC.findall(text))
        assert "≥ None" not in text
    en = _page(_client(app, "admin", "en"), "/workforce/projects/1/golden")
    assert "character accuracy" in en and "character_accuracy" not in en


@pytest.mark.slow
def test_security_catalog_procurement_in_chinese(app: object) -> None:
    client = _client(app, "admin")
    security = _page(client, "/security")
    assert all(w in security for w in ("公开", "内部", "机密", "绝密"))
    lines = set(security.split("\n"))
    assert not lines & {"public", "internal", "confidential", "secret"}
    catalog = _page(client, "/catalog")
    assert all(w in catalog for w in ("10万以下", "10万–50万", "50万及以上"))
    assert not set(catalog.split("\n")) & {"low", "mid", "high"}
    procurement = _page(client, "/workforce/procurement")
    assert "已批准" in procurement and "315 小时" in procurement and "50 小时" in procurement
    assert not set(procurement.split("\n")) & set(_RAW_STATUSES)
    assert not re.search(r"\dE\+\d", procurement) and not re.search(r"\bhours?\b", procurement)


def test_package_names_worded_per_language() -> None:
    zh = package_label(code_label(translator("zh-CN")), "zh-CN")
    en = package_label(code_label(translator("en")), "en")
    assert zh("annotate-0003", "annotate") == "标注-0003"
    assert zh("review-0012", "review") == "审核-0012"
    assert zh("night shift", "annotate") == "night shift"  # a name given by hand
    assert en("annotate-0003", "annotate") == "annotate-0003"
