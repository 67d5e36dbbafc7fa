"""Procurement and the budget plan over HTTP: the same rules, problem+json on refusal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import ProjectMember, User
from datamill.compliance.users import create_user
from datamill.ledger.budgets import register_approver
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.pricing import set_price
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import ledger_project

API = "/api/v1"


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_requests_budget_and_plan_over_http(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        for role in ("dept_manager", "vp", "finance_reviewer"):
            register_approver(s, create_user(s, role, "password1", "project_manager").id, role)
        buyer = create_user(s, "buyer", "password1", "project_manager").id
        for stage, price in (("collect", "200"), ("annotate", "21")):
            set_price(s, users["admin"], half_year="2024H1", stage=stage,
                      modality="speech.asr", language_group="chinese", unit="hour",
                      unit_price=price)
        pid, lp = ledger_project(s, "api-plan", None, "product_development")
        s.add(ProjectMember(project_id=pid, user_id=users["pm"].id))  # PMs plan their projects
    admin, pm = _login(client, "admin"), _login(client, "pm")
    h = {r: _login(client, r) for r in ("dept_manager", "vp", "finance_reviewer", "buyer")}
    assert client.post(f"{API}/procurement/approvers", json={"user_id": buyer},
                       headers=pm).status_code == 403
    assert client.post(f"{API}/procurement/approvers", json={"user_id": buyer},
                       headers=admin).status_code == 204
    r = client.post(f"{API}/procurement/budgets", headers=pm, json={
        "year": 2024, "department": "speech", "collection_quantity": "1000",
        "collection_price": "150", "labelling_quantity": "10000", "labelling_price": "21"})
    assert r.status_code == 201, r.text
    bid = r.json()["id"]
    for who in ("dept_manager", "finance_reviewer"):
        r = client.post(f"{API}/procurement/budgets/{bid}/decision", json={}, headers=h[who])
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    body = {"department": "speech", "kind": "labelling", "stage": "annotate",
            "modality": "speech.asr", "language_group": "chinese", "unit": "hour",
            "quantity": "300", "unit_price": "24", "on": "2024-03-01",
            "backdate_reason": "paper request of the 2024 scene"}
    r = client.post(f"{API}/procurement/requests", json=body, headers=pm)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert "deviation reason" in r.json()["detail"]
    r = client.post(f"{API}/procurement/requests", headers=pm,
                    json=body | {"deviation_reason": "two competitor quotes at 24"})
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["flagged"] and req["deviation"] == "0.1429" and req["amount"] == "7200.00"
    rid = req["id"]
    r = client.post(f"{API}/procurement/requests/{rid}/decision", json={}, headers=h["buyer"])
    assert r.status_code == 403 and "awaits level 1 of 3" in r.json()["detail"]
    for who in ("dept_manager", "vp", "buyer"):
        r = client.post(f"{API}/procurement/requests/{rid}/decision", json={}, headers=h[who])
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    listed = client.get(f"{API}/procurement/requests?flagged=true", headers=pm).json()
    assert [x["id"] for x in listed] == [rid]
    assert client.get(f"{API}/procurement/requests", headers=_login(client, "ann1")
                      ).status_code == 403

    plan = {"deliverable": "300", "loss_rate": "0.05", "output_ratio": "1", "on": "2024-03-01"}
    r = client.post(f"{API}/ledger/projects/{lp}/budget-plan", json=plan, headers=pm)
    assert r.status_code == 200, r.text
    assert r.json()["total"] == "69615.00"
    assert [ln["quantity"] for ln in r.json()["lines"]] == ["315.0000", "315.0000"]
    r = client.post(f"{API}/ledger/projects/{lp}/budget-plan/budget", json=plan, headers=pm)
    assert r.status_code == 201 and r.json()["status"] == "draft"
    r = client.get(f"{API}/ledger/projects/{lp}/plan-variance", headers=pm)
    assert r.status_code == 200 and r.json()["budget_id"] is None  # not approved yet
    r = client.post(f"{API}/ledger/projects/{lp}/budget-plan", json=plan | {"loss_rate": "NaN"},
                    headers=pm)
    assert r.status_code == 422


def test_the_procurement_page_lists_requests_with_their_approval_state(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    from datamill.workforce.procurement import create_request, decide_request

    with runtime.session() as s:
        dm = create_user(s, "dm", "password1", "project_manager")
        register_approver(s, dm.id, "dept_manager")
        set_price(s, users["admin"], half_year="2024H1", stage="annotate",
                  modality="speech.asr", language_group="chinese", unit="hour",
                  unit_price="21")
        r = create_request(s, users["pm"], department="speech", kind="labelling",
                           stage="annotate", modality="speech.asr", language_group="chinese",
                           unit="hour", quantity="300", unit_price="25",
                           deviation_reason="<b>quotes</b>", on=date(2024, 3, 1),
                           backdate_reason="<i>paper</i>")
        decide_request(s, dm, r.id)
    web_login(client, "pm")
    page = client.get("/workforce/procurement")
    assert page.status_code == 200, page.text
    row = page.text.split('data-request="PR-2024-00001"')[1].split("</tr>")[0]
    assert "+19.05%" in row and 'data-testid="flagged"' in row
    assert "&lt;b&gt;quotes&lt;/b&gt;" in row  # user text escaped
    assert "dept. manager ✓" in row and "VP in charge …" in row and "over the annual budget" in row
    zh = client.get("/workforce/procurement?lang=zh-CN")
    assert zh.status_code == 200
    web_login(client, "ann1")
    assert client.get("/workforce/procurement").status_code == 403


def test_the_plan_variance_page_shows_each_stage_with_a_chart(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    from datamill.ledger.budget_plan import create_budget_from_plan
    from datamill.ledger.budgets import approve_budget, submit_budget
    from datamill.ledger.costs import post_cost
    from tests.unit.ledger.helpers import make_approvers

    with runtime.session() as s:
        set_price(s, users["admin"], half_year="2024H1", stage="annotate",
                  modality="speech.asr", language_group="chinese", unit="hour",
                  unit_price="21")
        approvers = make_approvers(s)
        pid, lp = ledger_project(s, "variance-page", None, "product_development")
        b = submit_budget(s, create_budget_from_plan(
            s, lp, deliverable="300", loss_rate="0.05", output_ratio="1",
            on=date(2024, 3, 1), collection_price="200").id)
        while b.status == "submitted":
            assert b.next_role is not None
            b = approve_budget(s, b.id, approvers[b.next_role])
        post_cost(s, lp, "annotate", "data_service", "3150.00", "sheet-1",
                  incurred_on=date(2024, 3, 8), quantity="150", unit_price="21")
    web_login(client, "pm")
    page = client.get(f"/projects/{pid}/finance/plan-variance")
    assert page.status_code == 200, page.text
    row = page.text.split('data-stage="annotate"')[1].split("</tr>")[0]
    assert "315" in row and "150" in row and "6,615.00" in row and "-3,465.00" in row
    assert 'data-testid="variance-chart"' in page.text
    assert "/finance/plan-variance" in client.get(f"/projects/{pid}/finance").text
    web_login(client, "ann1")
    assert client.get(f"/projects/{pid}/finance/plan-variance").status_code == 403
