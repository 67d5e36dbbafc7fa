"""PM/finance trial, 2026-12 (3): a data-service claim named any free-text supplier and had no quantity.

``POST /ledger/projects/{id}/costs`` booked ``"supplier": "杭州标注科技"`` (no vendor, not on the
qualified-supplier list) and took an amount only, so plan variance's actual quantity stayed 0.
Domain §6.4: a data-service claim gives project, stage, **quantity, unit price**, amount and
supplier; §5.2: purchase only from the qualified list. Now a data-service claim (API, CLI) names
a registered, qualified vendor (``supplier_not_vendor`` 422, ``supplier_not_qualified`` 409,
worded in English and Chinese), stored under its registered name, and gives quantity and unit
price: the amount is their product to the fen (left out: computed; given: checked), and plan
variance reads the quantity. Claims booked before keep their rows (the columns were nullable).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from datamill.compliance.models import User
from datamill.ledger.budget_plan import plan_variance
from datamill.ledger.costs import submit_expense_claim
from datamill.ledger.models import LedgerCost
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor, set_vendor_qualified
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import custom_order

D = Decimal


@pytest.fixture
def books(runtime: Runtime, users: dict[str, User]) -> int:
    """A custom project whose approved budget buys 100 h of collection at 300 (30,000), a
    qualified vendor 华语数据 and 慢科技, registered and not qualified."""
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        ap = make_approvers(s)
        _, lp = ledger_project(s, "h7-claims", custom_order(s, "O-H7C"))
        approved_budget(s, lp, [line("collect", "data_service", "100", "300")], ap)
        ok = create_vendor(s, admin, name="华语数据", kind="company", fee_rate="0.08",
                           agreement_no="FA-HY")
        set_vendor_qualified(s, admin, ok.id, True, "assessed")
        create_vendor(s, admin, name="慢科技", kind="company", fee_rate="0.08",
                      agreement_no="FA-MK")
        # a claim booked before this rule (free-text supplier, no quantity): still read
        old = submit_expense_claim(s, lp, stage="collect", supplier="杭州标注科技",
                                   quantity="2", unit_price="300", claim_no="OLD-1",
                                   incurred_on=date(2018, 2, 1))
        s.execute(update(LedgerCost).where(LedgerCost.id == old.id)
                  .values(quantity=None, unit_price=None))
    return lp


def _claim(**over: Any) -> dict[str, Any]:
    body = {"stage": "collect", "category": "data_service", "source_ref": "claim:H7-1",
            "incurred_on": "2018-02-02", "supplier": "华语数据", "quantity": "10",
            "unit_price": "300"}
    return {k: v for k, v in {**body, **over}.items() if v is not None}


def test_a_claim_names_a_qualified_vendor_and_quantity_times_price(
    runtime: Runtime, users: dict[str, User], books: int
) -> None:
    url = f"{API}/ledger/projects/{books}/costs"
    with TestClient(create_app(runtime)) as c:
        pm = login(c, "admin")
        zh = {**pm, "Accept-Language": "zh-CN"}
        r = c.post(url, headers=pm, json=_claim(supplier="杭州标注科技"))
        assert r.status_code == 422, r.text
        assert r.json()["reason_code"] == "supplier_not_vendor"
        assert "not a registered vendor" in r.json()["detail"] and "华语数据" in r.json()["detail"]
        r = c.post(url, headers=zh, json=_claim(supplier="杭州标注科技"))
        assert "不是已登记的供应商" in r.json()["detail"], r.text
        r = c.post(url, headers=pm, json=_claim(supplier="慢科技"))
        assert r.status_code == 409 and r.json()["reason_code"] == "supplier_not_qualified"
        r = c.post(url, headers=zh, json=_claim(supplier="慢科技"))
        assert "不在合格供应商名录中" in r.json()["detail"], r.text
        r = c.post(url, headers=pm, json=_claim(quantity=None))
        assert r.status_code == 422 and "quantity" in r.text
        r = c.post(url, headers=pm, json=_claim(amount="3000.01"))
        assert r.status_code == 422 and "10 × 300 = 3000.00" in r.json()["detail"]
        r = c.post(url, headers=pm, json=_claim(supplier=" 华语数据 ", quantity="12.3456",
                                                unit_price="299.99"))
        assert r.status_code == 201, r.text
        cost = r.json()
        # 12.3456 × 299.99 = 3703.556544 → 3703.56, computed when left out
        assert (cost["amount"], cost["supplier"]) == ("3703.56", "华语数据")
        r = c.post(url, headers=pm, json=_claim(source_ref="claim:H7-2", amount="3000.00"))
        assert r.status_code == 201, r.text
    with runtime.session() as s:
        (stage,) = plan_variance(s, books).stages
        assert stage.actual_quantity == D("22.3456")  # was 0: the claims had no quantity
        assert stage.actual_amount == D("600.00") + D("3703.56") + D("3000.00")
        old = s.scalars(select(LedgerCost).order_by(LedgerCost.id)).first()
        assert old is not None and (old.supplier, old.quantity) == ("杭州标注科技", None)


def test_the_cli_claim_names_a_vendor(runtime: Runtime, users: dict[str, User], books: int
                                      ) -> None:
    def cost_post(*extra: str) -> tuple[int, Any]:
        r = run_cli(runtime.settings.home, "ledger", "cost-post", str(books), "collect",
                    "data_service", "600", "claim:H7-CLI", "2018-02-02", *extra, "--as",
                    "admin", "--json", ok=False,
                    DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
        return r.returncode, json.loads(r.stdout)

    code, out = cost_post("--supplier", "杭州标注科技", "--quantity", "2", "--unit-price", "300")
    assert code != 0 and out["error"]["reason_code"] == "supplier_not_vendor", out
    code, out = cost_post("--supplier", "华语数据")
    assert code != 0 and "quantity" in out["error"]["message"], out
    code, out = cost_post("--supplier", "华语数据", "--quantity", "2", "--unit-price", "300")
    assert code == 0, out
    assert (D(out["amount"]), D(out["quantity"]), D(out["unit_price"])) == (
        D("600.00"), D(2), D(300))
