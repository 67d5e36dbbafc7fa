"""Six volume units the CLI words (``licences``, ``speakers``, ``utterances``, ``databases``,
``subjects``, ``points``: :data:`datamill.core.unit_words.UNIT_ONE`) had no singular in the
web catalogue, and two of them (``utterances``, ``databases``) no Chinese word at all: a
custom order of one database read "0 / 1 databases" on its finance page (in zh-CN too), a
budget line of one subject "1 subjects", and the zh-CN CLI printed five units raw (a licence
order's "1 licences"). Every unit of the table now has both forms in English and a measure
word in zh-CN (no plural: one reads as any number)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from datamill.cli._unit_words import unit_after
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.core.unit_words import UNIT_ONE
from datamill.ledger.models import LedgerOrder
from datamill.ledger.orders import create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import CATALOGUES, translator
from datamill.web.routes._common import code_label
from tests.known_issues._web import visible_text_nodes, web_login
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import custom_order

D = Decimal
_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_unit_has_its_words_in_both_catalogues() -> None:
    en, zh = code_label(translator("en")), code_label(translator("zh-CN"))
    for unit, one in UNIT_ONE.items():
        assert (en("unit", unit, "1"), en("unit", unit, "2")) == (one, unit), unit
        assert en("unit", unit) == unit
        worded = zh("unit", unit)
        assert _CJK.search(worded) and unit not in worded, (unit, worded)
        assert zh("unit", unit, "1") == zh("unit", unit, "2") == worded, unit
        assert CATALOGUES["zh-CN"][f"unit.{unit}.one"] == CATALOGUES["zh-CN"][f"unit.{unit}"]


def test_the_chinese_cli_words_every_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's zh-CN catalogue left five of them raw (``ledger order-amend`` of a licence
    order printed "1 licences"); its words are the pages'."""
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        zh = code_label(translator("zh-CN"))
        for unit in ("licences", "databases", "subjects", "points", "milliseconds"):
            assert unit_after("1", unit) == unit_after("2", unit) == zh("unit", unit), unit
        assert all(_CJK.search(unit_after("1", u)) for u in UNIT_ONE)
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()


def test_the_finance_page_words_its_order_and_budget_units(
    runtime: Runtime, users: dict[str, User],
) -> None:
    units = ("speakers", "subjects", "points", "utterances", "databases", "licences")
    with runtime.session() as s:
        contract_id = s.get(LedgerOrder, custom_order(s, "O-H9")).contract_id  # type: ignore[union-attr]
        order = create_order(s, contract_id, "O-H9-DB", business_line="language",
                             offering="custom", amount=D(1000), currency="CNY",
                             total_volume=D(1), volume_unit="databases", acceptance_type=1)
        pp, lp = ledger_project(s, "h9-units", order.id)
        approved_budget(s, lp, [line(stage, "data_service", "1" if n % 2 else "2", "10", unit)
                                for n, (stage, unit) in enumerate(zip(
                                    ("annotate", "review", "collection", "staff", "other",
                                     "inspection"), units, strict=True))], make_approvers(s))
    app = create_app(runtime)
    said = {
        "en": ["0 / 1 database", "2 speakers", "1 subject", "2 points", "1 utterance",
               "2 databases", "1 licence"],
        "zh-CN": ["0 / 1 个数据库", "2 名说话人", "1 名被采集人", "2 工时点", "1 条语音",
                  "2 个数据库", "1 份授权"],
    }
    for lang, words in said.items():
        web = TestClient(app, headers={"Accept-Language": lang})
        web_login(web, "admin")
        page = web.get(f"/projects/{pp}/finance")
        assert page.status_code == 200, page.text
        text = " ".join(visible_text_nodes(page.text))
        missing = [w for w in words if not re.search(rf"(?<!\S){re.escape(w)}(?!\w)", text)]
        assert not missing, (lang, missing, re.findall(r"\d+ [^\d\s–]+", text))
        if lang == "zh-CN":
            assert not [u for u in units if re.search(rf"\d {u}\b", text)], text
