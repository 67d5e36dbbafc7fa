"""Every refusal of the ledger and the workforce carries a code worded in English and zh-CN.

Trial h1 (round 3, left-out 3): 335 refusals of ``datamill.ledger`` and ``datamill.workforce``
(``raise InvalidInput("unknown cost category …")`` and the like) had no ``reason_code``, so a
Chinese reader got the English sentence (the API's generic 请求无效 at best) where the coded ones
read in Chinese. Now each carries a code, worded in
:mod:`datamill.modalities._reason_words_ledger` / ``_reason_words_workforce``, with the values
its words name among its details. The check reads the sources (no database): cheap.
"""

from __future__ import annotations

import ast
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient

import datamill.paid_once  # noqa: F401 - registers its codes, as the faces do
from datamill.compliance.models import User
from datamill.modalities import _reason_words
from datamill.modalities._reason_words_ledger import LEDGER_REFUSALS_EN, LEDGER_REFUSALS_ZH_CN
from datamill.modalities._reason_words_workforce import (
    WORKFORCE_REFUSALS_EN,
    WORKFORCE_REFUSALS_ZH_CN,
)
from datamill.modalities.problem_words import REASON_WORDS
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.ledger.helpers import ledger_project, production_project

SRC = Path(__file__).resolve().parents[2] / "src" / "datamill"
ERRORS = {"InvalidInput", "Conflict", "NotFound", "Forbidden", "DatamillError", "Unauthorized"}


def _error_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for domain in ("ledger", "workforce"):
        for path in sorted((SRC / domain).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and (
                        getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                ) in ERRORS:
                    calls.append((f"{path.relative_to(SRC)}:{node.lineno}", node))
    return calls


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _derived(code: str, lang: str, names: set[str]) -> set[str]:
    """The values a code's value hook adds from the raised ones when it is worded in ``lang``
    (``own_approval``'s ``done``, from ``did`` and ``subject``)."""
    from datamill.modalities.problem_words import _REASON_VALUES

    hook = _REASON_VALUES.get(code)
    return set(hook({n: f"<{n}>" for n in names}, lang)) - names if hook else set()


def test_every_refusal_has_a_code_worded_in_both_languages() -> None:
    calls = _error_calls()
    assert len(calls) > 300
    uncoded, unworded, unnamed = [], [], []
    for where, call in calls:
        kwargs = {k.arg: k.value for k in call.keywords}
        if None in kwargs:  # **details: coded by whoever built them
            continue
        code = kwargs.get("reason_code")
        if code is None:
            uncoded.append(where)
            continue
        if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
            continue  # a code chosen at run time (the permission matrix's reason)
        for lang in ("en", "zh-CN"):
            words = REASON_WORDS[lang].get(code.value)
            if words is None:
                unworded.append((where, code.value, lang))
            elif missing := (_fields(words) - set(kwargs) - {"action"}
                             - _derived(code.value, lang, set(kwargs))):
                unnamed.append((where, code.value, lang, sorted(missing)))
    assert not uncoded, uncoded
    assert not unworded, unworded
    assert not unnamed, unnamed


def test_the_new_words_are_new_codes_and_format() -> None:
    """No code of the two tables shadows another (a ``**`` merge would hide it), and each
    sentence formats with values of the kinds its specs ask for."""
    base = ast.parse(Path(_reason_words.__file__).read_text(encoding="utf-8"))
    literal: set[str] = set()
    for node in ast.walk(base):
        if isinstance(node, ast.Dict):
            literal |= {k.value for k in node.keys if isinstance(k, ast.Constant)}
    ledger, workforce = set(LEDGER_REFUSALS_EN), set(WORKFORCE_REFUSALS_EN)
    assert not ledger & workforce and not (ledger | workforce) & literal
    assert set(LEDGER_REFUSALS_ZH_CN) == ledger and set(WORKFORCE_REFUSALS_ZH_CN) == workforce
    for table in (LEDGER_REFUSALS_EN, LEDGER_REFUSALS_ZH_CN, WORKFORCE_REFUSALS_EN,
                  WORKFORCE_REFUSALS_ZH_CN):
        for code, words in table.items():
            values = {}
            for _, name, spec, _ in string.Formatter().parse(words):
                if name:
                    values[name] = (date(2024, 5, 1) if spec and "%" in spec and "Y" in spec
                                    else Decimal("1.5") if spec else "x")
            assert words.format(**values), code
    zh = {**LEDGER_REFUSALS_ZH_CN, **WORKFORCE_REFUSALS_ZH_CN}
    english = [c for c, w in zh.items() if not any("\u4e00" <= ch <= "\u9fff" for ch in w)]
    assert not english, english


def test_a_chinese_reader_reads_an_unknown_cost_category_in_chinese(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        _, ledger_id = ledger_project(s, "zh-refusal", None, project_type="product_development")
    with TestClient(create_app(runtime)) as c:
        head = {**login(c, "admin"), "Accept-Language": "zh-CN"}
        r = c.post(f"{API}/ledger/projects/{ledger_id}/costs", headers=head, json={
            "stage": "collection", "category": "snacks", "amount": "10.00",
            "incurred_on": "2026-01-05", "source_ref": "R-1"})
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["detail"].startswith("未知的成本类别“snacks”；可选："), body
        assert body["reason_code"] == "cost_category_unknown"
        assert "unknown cost category 'snacks'" in body["message_en"]
        r = c.post(f"{API}/ledger/projects/{ledger_id}/costs", headers={**head,
                   "Accept-Language": "en"}, json={
            "stage": "collection", "category": "snacks", "amount": "10.00",
            "incurred_on": "2026-01-05", "source_ref": "R-1"})
        assert r.json()["detail"].startswith("unknown cost category 'snacks'")



def test_the_golden_page_refuses_in_the_page_language(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """The golden-items page showed a refusal's English sentence (``exc.message``) on a
    Chinese page; it shows the coded words, as the API does."""
    with runtime.session() as s:
        pid = production_project(s, "zh-golden")
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        web_login(c, "admin", "password1")
        c.cookies.set("lang", "zh-CN")
        r = c.post(f"/workforce/projects/{pid}/golden/rate",
                   data={"rate": "7", "csrf_token": csrf_of(c)})
        assert r.status_code == 409, r.text
        shown = r.text[r.text.find("wf-error"):][:300]
        assert "golden rate 7" not in r.text and "金标比例 7.0000 须在 0 到" in r.text, shown
