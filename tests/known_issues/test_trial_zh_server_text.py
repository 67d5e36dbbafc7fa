"""Found by a trial user browsing in zh-CN: text the server made was still English.

- The task list and the workbench said "已退回给您（返工）: delivery 9 (batch-001) rejected by
  the customer: ..." (the return reason in English, an ASCII colon after full-width brackets).
- ``/finance`` listed "project 7 has no approved budget: type-3 recognition needs the estimated
  total cost" (a ledger event problem without a ``reason_code``; so were the over-budget and
  no-accounts problems).
- An LLM (preference) inspection said "preferred a over b — ..." and "差异: 1" (half-width).
- The dashboard's check-failure tooltips were English only.

Server text a page shows now carries a code and its values (the ledger's problem receipts keep
the error's ``reason_code`` and values; the LLM comparison has ``before_summary`` /
``after_summary``) or a shape the page reads (the return reason), and the page words it in its
language. English pages are unchanged.
"""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.ledger.events import list_event_problems, sync_ledger
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.modalities.llm.compare import compare_llm
from datamill.production.delivery import deliver_batch, reject_delivery
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.check_text import coded_sentence, return_reason
from datamill.web.i18n import translator
from tests.known_issues._web import visible_text_nodes, web_login
from tests.unit.api.test_web_text_llm_review import (
    _accept_all,
    _annotate_all,
    _inspection,
    _llm_project,
    _pair,
)
from tests.unit.ledger.helpers import accept_delivery, ledger_project, production_project
from tests.unit.ledger.test_events import _scene, confirmed_sheet
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect

STORED = "delivery 9 (batch-001) rejected by the customer: 第 3 条漏字"


def _text(page: str) -> str:
    return "\n".join(visible_text_nodes(page))


def test_return_reason_of_a_rejected_delivery_in_chinese() -> None:
    zh = return_reason(translator("zh-CN"), "zh-CN")(STORED)
    assert zh == "交付 9（batch-001）被客户拒收：第 3 条漏字"
    assert return_reason(translator("en"), "en")(STORED) == STORED
    assert return_reason(translator("zh-CN"), "zh-CN")("review: listen again") == "审核：listen again"


def test_a_rejected_delivery_comes_back_worded_in_chinese(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out", formats=["kaldi"])
        reject_delivery(s, d.id, reason="第 3 条漏字")
    with TestClient(create_app(runtime)) as client:
        web_login(client, "ann1")
        client.cookies.set("lang", "zh-CN")
        home = client.get("/")
        assert home.status_code == 200, home.text
        text = _text(home.text)
        assert f"已退回给您（返工）：交付 {d.id}（{batch.name}）被客户拒收：第 3 条漏字" in text
        assert "rejected by the customer" not in text and "）: " not in text
        client.cookies.set("lang", "en")
        assert f"delivery {d.id} ({batch.name}) rejected by the customer: 第 3 条漏字" in \
            _text(client.get("/").text)


def _type3_without_budget(s: Session, monkeypatch: pytest.MonkeyPatch) -> int:
    """A type-3 order's project whose budget is not approved, and a customer acceptance."""
    cust = create_customer(s, "T3", customer_type="big_tech", country="CN")
    k = create_contract(s, "K-T3", customer_id=cust.id, kind="custom", signed_on=date(2018, 1, 2))
    o = create_order(s, k.id, "O-T3", business_line="speech", offering="custom",
                     amount="100000.00", currency="CNY", total_volume="10",
                     volume_unit="hours", acceptance_type=3)
    pp, lp = ledger_project(s, "t3-no-budget", o.id)
    accept_delivery(s, monkeypatch, pp, "2", date(2018, 4, 2))
    return lp


def test_ledger_event_problems_carry_codes_and_read_in_chinese(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users)
        orphan = production_project(s, "zh-no-accounts")
        confirmed_sheet(s, admin, sc["vendor"], "WF-ZH", [
            (orphan, "annotate", "100.00"), (sc["pp"], "annotate", "5000.00")])
        lp3 = _type3_without_budget(s, monkeypatch)
        sync_ledger(s)
        sync_ledger(s)  # a retry keeps the code
        codes = {p.reason_code: p.reason_params for p in list_event_problems(s)}
    assert set(codes) == {"no_accounts", "over_budget", "no_budget_type3"}
    assert codes["no_accounts"]["project_id"] == orphan
    assert codes["no_budget_type3"]["project_id"] == lp3
    assert (codes["over_budget"]["amount"], codes["over_budget"]["budget_line"]) == (
        "5400.00", "3000.00")
    with TestClient(create_app(runtime)) as client:
        web_login(client, "admin")
        client.cookies.set("lang", "zh-CN")
        zh = client.get("/finance")
        assert zh.status_code == 200, zh.text
        text = _text(zh.text)
        assert f"财务项目 {lp3} 尚无已批准的预算：按批次验收（验收方式 3）确认收入需要预计总成本" in text
        assert f"生产项目 {orphan} 尚无财务项目" in text
        assert "超出预算行 3000.00" in text
        for english in ("has no approved budget", "has no ledger project", "over the budget line"):
            assert english not in text, english
        client.cookies.set("lang", "en")
        en = _text(client.get("/finance").text)
    assert f"project {lp3} has no approved budget: type-3 recognition needs the estimated total " \
        "cost" in en
    assert "over the budget line of 3000.00" in en and "预算" not in en


def test_coded_sentence_falls_back_to_the_stored_english() -> None:
    zh, en = coded_sentence(translator("zh-CN"), "zh-CN"), coded_sentence(translator("en"), "en")
    assert zh("fin.reason.", "no_budget", {"project_id": 7}, "stored") == \
        "财务项目 7 尚无已批准的预算：先有预算，后有支出"
    assert en("fin.reason.", "no_budget", {"project_id": 7}, "stored") == "stored"
    assert zh("fin.reason.", "no_budget", {}, "stored") == "stored"  # a value missing
    assert zh("fin.reason.", "unknown_code", {}, "stored") == "stored"
    assert zh("fin.reason.", None, {}, "stored") == "stored"


def test_llm_summaries_are_codes() -> None:
    tie = {"type": "llm_pairwise", "a": "a", "b": "b", "choice": "tie", "reason": "同样好"}
    cmp = compare_llm(_pair("b", "更准确"), json.dumps(tie))
    assert cmp["before_summary"] == {"code": "preferred", "winner": "b", "loser": "a",
                                     "reason": "更准确"}
    assert cmp["after_summary"] == {"code": "tie", "a": "a", "b": "b", "reason": "同样好"}
    assert cmp["before_text"] == "preferred b over a — 更准确"  # the English rendering stays
    rubric = compare_llm({"type": "llm_rubric", "scores": {"accuracy": 4},
                          "checks": {"safe": True}, "comment": "ok"}, None)
    assert rubric["before_summary"] == {"code": "rubric", "scores": [["accuracy", 4]],
                                        "checks": [["safe", True]], "comment": "ok"}


def test_llm_inspection_page_in_chinese(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _llm_project(runtime, users, tmp_path / "llm")
    _annotate_all(runtime, users, pid, _pair("a", "第一个回答正确"))
    _accept_all(runtime, users, pid)
    insp_id, _sample = _inspection(runtime, users, pid)
    with TestClient(create_app(runtime)) as client:
        web_login(client, "insp")
        client.cookies.set("lang", "zh-CN")
        zh = client.get(f"/inspections/{insp_id}")
        assert zh.status_code == 200, zh.text
        text = _text(zh.text)
        assert "a 优于 b——第一个回答正确" in text
        assert "差异：" in text and "差异: " not in text
        assert "抽检方案：" in text and "preferred" not in text
        client.cookies.set("lang", "en")
        en = html.unescape(client.get(f"/inspections/{insp_id}").text)
    assert "preferred a over b — 第一个回答正确" in en and "Differences: " in en


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-CN", ["b 优于 a——更准确", "a 与 b 持平——同样好",
                "accuracy 4，safe 通过——评语：ok", "“持平”", "“不通过”"]),
     ("en", ["preferred b over a — 更准确", "tie: a = b — 同样好", "accuracy 4, safe pass — ok",
             "«tie»", "«True»"])],
)
def test_llm_summaries_worded_by_the_page(lang: str, expected: list[str]) -> None:
    """The comparison macro words each summary in the page's language (English as the
    modality's annotation_text) and, on other languages, a tie and a check's pass/fail."""
    from datamill.web.routes._common import code_label, templates

    tr = translator(lang)
    page = templates.env.from_string(
        "{% from 'llm/_workbench.html' import llm_compare with context %}"
        "{{ llm_compare(a, 'cmp.delivered', 'cmp.inspector') }}{{ llm_compare(b, 'x', 'y') }}")
    tie = {"type": "llm_pairwise", "a": "a", "b": "b", "choice": "tie", "reason": "同样好"}
    rubric = {"type": "llm_rubric", "scores": {"accuracy": 4}, "checks": {"safe": True},
              "comment": "ok"}
    failed = {**rubric, "checks": {"safe": False}}
    out = html.unescape(page.render(
        a=compare_llm(_pair("b", "更准确"), tie), b=compare_llm(rubric, failed),
        t=tr, tc=code_label(tr), lang=lang))
    for text in expected:
        assert text in out, (text, out)
    if lang == "en":  # as annotation_text renders them
        assert compare_llm(rubric, None)["before_text"] in out
