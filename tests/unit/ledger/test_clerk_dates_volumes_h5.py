"""A finance clerk's odd but plausible inputs the ledger took (h5).

* A contract signed after today: ``contract-sign K --signed-on`` next year (and a contract
  recorded as signed next year) was taken; its orders were split off and their deliveries
  accepted and recognised before the contract existed. Now ``date_in_future``.
* A volume with more than four decimal places (10.123456 hours) was stored rounded (10.1235)
  without a word, where money's cents and the VAT rate's four places are refused, never
  rounded. Now ``volume_places``, at order creation, amendment and final acceptance.
* An order's exchange rate with more than six places (7.12345678) was booked rounded
  (7.123457), where a receipt's is refused (``fx_rate_places``); now the order's is too.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.orders import (
    amend_order_volume,
    create_contract,
    create_customer,
    create_order,
)
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import make_approvers

ORDER = {"business_line": "speech", "offering": "custom", "amount": "1000", "currency": None,
         "volume_unit": "hours", "acceptance_type": 3}


def test_a_contract_is_not_signed_in_the_future(runtime: Runtime, users: dict[str, User]) -> None:
    later = business_today() + timedelta(days=400)
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "Later Co", customer_type="ai_company", country="CN")
        k = draft_contract(s, "K-LATER", customer_id=cust.id, amount=Decimal(1000),
                           actor_id=ap["dept_manager"])
        approve_contract(s, k.id, ap["finance_reviewer"], "price")
        approve_contract(s, k.id, ap["vp"], "signing")
        with pytest.raises(InvalidInput, match="after today") as err:
            sign_contract(s, k.id, later)
        assert err.value.details["reason_code"] == "date_in_future"
        with pytest.raises(InvalidInput, match="after today"):
            create_contract(s, "K-REC", customer_id=cust.id, kind="custom", signed_on=later)
        kid = k.id
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    r = run_cli(home, "ledger", "contract-sign", str(kid), "--signed-on", later.isoformat(),
                "--as", "admin", "--json", ok=False, DATAMILL_DATABASE_URL=url)
    assert r.returncode == 2, r.stdout + r.stderr
    assert json.loads(r.stdout)["error"]["reason_code"] == "date_in_future"
    with TestClient(create_app(runtime)) as c:
        got = c.post(f"{API}/ledger/contracts", headers=login(c, "admin"), json={
            "number": "K-API", "customer_id": cust.id, "signed_on": later.isoformat()})
        assert got.status_code == 422, got.text
        assert got.json()["reason_code"] == "date_in_future"
    with runtime.session() as s:  # today is fine
        assert sign_contract(s, kid, business_today()).status == "signed"


def test_a_volume_is_given_to_four_places(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "Vol Co", customer_type="ai_company", country="CN")
        k = create_contract(s, "K-VOL", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2)).id
        with pytest.raises(InvalidInput, match="more than four decimal places") as err:
            create_order(s, k, "O-VOL", total_volume="10.123456", **ORDER)
        assert err.value.details["reason_code"] == "volume_places"
        o = create_order(s, k, "O-VOL", total_volume="10.1234", **ORDER)
        assert o.total_volume == Decimal("10.1234")
        with pytest.raises(InvalidInput, match="more than four decimal places"):
            amend_order_volume(s, o.id, "12.00001", reason="customer asked for more")
    with TestClient(create_app(runtime)) as c:
        got = c.post(f"{API}/ledger/contracts/{k}/orders", headers=login(c, "admin"), json={
            "number": "O-API", "business_line": "speech", "offering": "custom",
            "amount": "10", "total_volume": "0.00001", "acceptance_type": 3})
        assert got.status_code == 422, got.text
        assert got.json()["reason_code"] == "volume_places"


def test_an_orders_fx_rate_is_given_to_six_places(runtime: Runtime,
                                                  users: dict[str, User]) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "Fx Co", customer_type="ai_company", country="US")
        k = create_contract(s, "K-FX", customer_id=cust.id, kind="custom", currency="USD",
                            signed_on=date(2018, 1, 2)).id
        with pytest.raises(InvalidInput, match="more than 6 decimal places") as err:
            create_order(s, k, "O-FX", total_volume="10", fx_rate="7.12345678", **ORDER)
        assert err.value.details["reason_code"] == "fx_rate_places"
        o = create_order(s, k, "O-FX", total_volume="10", fx_rate="7.123456", **ORDER)
        assert (o.fx_rate, o.amount_cny) == (Decimal("7.123456"), Decimal("7123.46"))
