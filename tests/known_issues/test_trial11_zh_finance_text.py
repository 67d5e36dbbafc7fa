"""Trial 11 (finance clerk, month-end, zh-CN): English left on Chinese pages.

* M8: a budget's reason for its approval levels ("budgeted margin -0.049674 outside [0.20,
  0.70]", stored in English by the ledger) is worded by the catalogue, as percentages.
* Its lines' units ("600 subjects", "504 points") are translated.
* A 403 from the workforce's rules is worded in Chinese (it carries a reason code).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.ledger.budgets import create_budget, submit_budget
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import visible_text_nodes, web_login
from tests.unit.ledger.helpers import ledger_project, line


def _abnormal_margin_budget(rt: Runtime) -> int:
    """A project whose budget (104,700) exceeds its order (100,000): margin -4.70 %."""
    with rt.session() as s:
        cust = create_customer(s, "客户甲", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-1", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 1))
        oid = create_order(s, k.id, "O-1", business_line="speech", offering="custom",
                           amount=Decimal("100000"), currency="CNY", total_volume=Decimal("100"),
                           volume_unit="hours", acceptance_type=1).id
        pid, lp = ledger_project(s, "p", oid)
        b = submit_budget(s, create_budget(s, lp, [
            line("collection", "data_service", "600", "100", "subjects"),
            line("staff", "labour", "504", "50", "points"),
            line("annotation", "labour", "300", "65")]).id)
        assert b.level_reasons == ["budgeted margin -0.047000 outside [0.20, 0.70]"]
        return pid


def test_budget_level_reason_is_worded_by_the_catalogue(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _abnormal_margin_budget(runtime)
    for lang, wants, gone in (
        ("zh-CN", ("预算毛利率 -4.70%，不在 20%–70% 范围内", "600 名被采集人", "504 工时点"),
         ("budgeted margin", "subjects", "points")),
        ("en", ("budgeted margin -4.70%, outside 20%–70%", "600 subjects", "504 points"),
         ("[0.20, 0.70]",)),
    ):
        client = TestClient(create_app(runtime), raise_server_exceptions=False)
        client.cookies.set("lang", lang)
        web_login(client, "admin")
        page = client.get(f"/projects/{pid}/finance")
        assert page.status_code == 200, page.text[:500]
        text = " ".join(visible_text_nodes(page.text))
        for want in wants:
            assert want in text, (lang, want, text)
        for english in gone:
            assert english not in text, (lang, english, text)
        # the budgeted margin's own row by the reason's rule (it showed -4.7% beside -4.70%)
        row = re.search(r"(Budgeted margin|预算毛利)</th><td>([^<]*)<", page.text)
        assert row is not None and row.group(2) == "-4.70%", (lang, row)


def test_workforce_refusals_carry_a_code_the_page_words(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """A 403 from the workforce's rules (the role, the vendor wall) carries ``reason_code`` and
    ``action``: the zh-CN page says it in Chinese (before: "详细信息（英文）：only procurement ...")."""
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    client.cookies.set("lang", "zh-CN")
    web_login(client, "ann1")
    for path, want in (("/workforce/vendors", "您的角色不能查看人力资源。"),
                       ("/workforce/sheets", "您只能在自己所属的供应商范围内查看人力资源。")):
        page = client.get(path)
        assert page.status_code == 403
        message = re.search(r'data-testid="error-message"[^>]*>([^<]*)<', page.text)
        assert message is not None and message.group(1) == want, (path, page.text)
    api = client.post("/api/v1/auth/token", json={"username": "ann1", "password": "password1"})
    token = {"Authorization": f"Bearer {api.json()['access_token']}"}
    problem = client.get("/api/v1/vendors", headers=token).json()
    assert problem["reason_code"] == "vendor" and problem["action"] == "view_workforce", problem
