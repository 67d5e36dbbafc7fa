"""An order is counted in a unit its work is counted in (h5).

An order of a vision line in hours of audio was accepted, and so was linking an image
project to an order counted in hours: each accepted delivery's volume is read in the order's
unit, and an image project's deliveries hold no hours, so the order's revenue was never
recognised (its accepted volume stayed 0). Now the order's unit must be its business line's
(or a unit every line counts in: items, databases, licences) when it is created, and its
project's modality's (or items, databases; utterances for a modality counted in hours) when
the project is opened on it: through the library, the CLI (English and zh-CN) and the API.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.projects import open_ledger_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import ledger_project, production_project

ORDER = {"offering": "custom", "amount": "1000", "currency": None, "total_volume": "10",
         "acceptance_type": 3}


def _contract(runtime: Runtime) -> int:
    with runtime.session() as s:
        cust = create_customer(s, "Vision Co", customer_type="ai_company", country="CN")
        return create_contract(s, "K-UNIT", customer_id=cust.id, kind="custom",
                               signed_on=date(2018, 1, 2)).id


def test_an_order_counts_in_its_lines_unit(runtime: Runtime, users: dict[str, User]) -> None:
    k = _contract(runtime)
    with runtime.session() as s:
        with pytest.raises(InvalidInput, match="a vision order is not counted in hours") as err:
            create_order(s, k, "O-V-H", business_line="vision", volume_unit="hours", **ORDER)
        assert err.value.details["field"] == "volume_unit"
        with pytest.raises(InvalidInput, match="not counted in images"):
            create_order(s, k, "O-S-I", business_line="speech", volume_unit="images", **ORDER)
        # what every line counts in, and the line's own units, are taken
        for n, (line, unit) in enumerate((("vision", "images"), ("vision", "items"),
                                          ("speech", "utterances"), ("language", "databases"),
                                          ("application_service", "hours"))):
            create_order(s, k, f"O-OK-{n}", business_line=line, volume_unit=unit, **ORDER)
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    args = ("ledger", "order-add", str(k), "O-CLI", "vision", "custom", "1000", "10",
            "--volume-unit", "hours", "--as", "admin", "--json")
    r = run_cli(home, *args, ok=False, DATAMILL_DATABASE_URL=url)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "not counted in hours" in json.loads(r.stdout)["error"]["message"]
    r = run_cli(home, *args[:-1], ok=False, DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN")
    assert "业务线的订单不能以 hours 计量" in r.stdout + r.stderr
    with TestClient(create_app(runtime)) as c:
        got = c.post(f"{API}/ledger/contracts/{k}/orders", headers=login(c, "admin"), json={
            "number": "O-API", "business_line": "vision", "offering": "custom",
            "amount": "1000", "total_volume": "10", "acceptance_type": 3,
            "volume_unit": "hours"})  # (left out: the line's own, images)
        assert got.status_code == 422, got.text
        assert got.json()["reason_code"] == "order_unit_line"


def test_a_project_opens_on_an_order_in_its_modalitys_unit(
    runtime: Runtime, users: dict[str, User]
) -> None:
    k = _contract(runtime)
    with runtime.session() as s:
        hours = create_order(s, k, "O-HRS", business_line="application_service",
                             volume_unit="hours", **ORDER).id
        images = create_order(s, k, "O-IMG", business_line="vision", volume_unit="images",
                              **ORDER).id
        utterances = create_order(s, k, "O-UTT", business_line="speech",
                                  volume_unit="utterances", **ORDER).id
        pp = production_project(s, "photos", modality="image")
        with pytest.raises(InvalidInput, match="counted in hours, but project 'photos' is image "
                                               "work counted in images") as err:
            open_ledger_project(s, pp, order_id=hours)
        assert err.value.details["field"] == "order_id"
        with pytest.raises(InvalidInput, match="counted in utterances"):
            open_ledger_project(s, pp, order_id=utterances)
        ledger_project(s, "voices", utterances)  # speech counts utterances too
        speech = production_project(s, "voices-2")
        with pytest.raises(InvalidInput, match="counted in images, but project 'voices-2'"):
            open_ledger_project(s, speech, order_id=images)
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    args = ("ledger", "project-open", str(pp), "--order-id", str(hours), "--as", "admin")
    r = run_cli(home, *args, "--json", ok=False, DATAMILL_DATABASE_URL=url)
    assert r.returncode == 2, r.stdout + r.stderr
    assert json.loads(r.stdout)["error"]["reason_code"] == "order_unit_modality"
    r = run_cli(home, *args, ok=False, DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN")
    assert "订单 O-HRS 以 hours 计量，但项目 photos 属于 image" in r.stdout + r.stderr
    with TestClient(create_app(runtime)) as c:
        got = c.post(f"{API}/ledger/projects", headers=login(c, "admin"),
                     json={"production_project_id": pp, "order_id": hours})
        assert got.status_code == 422, got.text
        assert got.json()["reason_code"] == "order_unit_modality"
        ok = c.post(f"{API}/ledger/projects", headers=login(c, "admin"),
                    json={"production_project_id": pp, "order_id": images})
        assert ok.status_code == 201, ok.text
