"""The contract trace page words its gaps and approval steps in the page's language.

On the old code a zh-CN page showed the service's English sentences ("order O-ZH has no
accepted delivery yet") and the steps as ``price:`` / ``signing:``. The trace now carries each
gap as a code and parameters (``gap_codes``, beside the unchanged English ``gaps``) and the page
renders them through the catalogue (``fin.gap.<code>``, ``astep.<step>``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.trace import contract_trace
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import ledger_project, make_approvers


def _contract(runtime: Runtime) -> int:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "zh-cust", customer_type="other", country="CN")
        k = draft_contract(s, "K-ZH", customer_id=cust.id, amount=Decimal(2000),
                           actor_id=ap["dept_manager"])
        approve_contract(s, k.id, ap["finance_reviewer"], "price")
        approve_contract(s, k.id, ap["vp"], "signing")
        sign_contract(s, k.id, date(2018, 1, 5))
        order = create_order(s, k.id, "O-ZH", business_line="speech", offering="custom",
                             amount=Decimal(1000), currency="CNY", total_volume=Decimal(10),
                             volume_unit="hours", acceptance_type=1)
        ledger_project(s, "zh-trace", order.id)
        return k.id


def test_gap_codes_follow_the_gaps(runtime: Runtime) -> None:
    k = _contract(runtime)
    with runtime.session() as s:
        t = contract_trace(s, k)
    assert t.gaps == ["order O-ZH has no accepted delivery yet",
                      "order O-ZH has no revenue recognised yet"]
    assert [(g.code, g.params) for g in t.gap_codes] == [
        ("no_acceptance", {"order": "O-ZH"}), ("no_revenue", {"order": "O-ZH"})]


def test_the_zh_cn_trace_page_speaks_chinese(runtime: Runtime, users: dict[str, User]) -> None:
    k = _contract(runtime)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/finance/contracts/{k}/trace")
        assert page.status_code == 200, page.text
        assert "订单 O-ZH 尚无已验收的交付" in page.text
        assert "订单 O-ZH 尚未确认收入" in page.text
        assert "has no accepted delivery yet" not in page.text
        assert "has no revenue recognised yet" not in page.text
        assert "价格审批" in page.text and "签约审批" in page.text
        assert "price:" not in page.text and "signing:" not in page.text
        c.cookies.set("lang", "en")  # English pages read as before
        page = c.get(f"/finance/contracts/{k}/trace")
        assert "order O-ZH has no accepted delivery yet" in page.text
        assert "price approval:" in page.text
