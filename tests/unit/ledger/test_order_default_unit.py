"""An order given no unit is counted in its business line's own (speech hours, vision images,
language thousands of characters, else items), on every face. The default was hours for
every line, and since an order's unit must fit its line (h5), a vision order given no unit
was refused as counted in another line's unit."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli

ORDER = {"offering": "custom", "amount": "1000", "currency": None, "total_volume": "10",
         "acceptance_type": 3}


def test_an_order_given_no_unit_counts_in_its_lines_own(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "Vision Co", customer_type="ai_company", country="CN")
        k = create_contract(s, "K-DEFAULT", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2)).id
        units = {line: create_order(s, k, f"O-{line}", business_line=line, volume_unit=None,
                                    **ORDER).volume_unit
                 for line in ("speech", "vision", "language", "application_service")}
    assert units == {"speech": "hours", "vision": "images", "language": "kchars",
                     "application_service": "items"}
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    r = run_cli(home, "ledger", "order-add", str(k), "O-CLI", "vision", "custom", "1000", "10",
                "--as", "admin", "--json", DATAMILL_DATABASE_URL=url)
    assert json.loads(r.stdout)["volume_unit"] == "images"
    with TestClient(create_app(runtime)) as c:
        got = c.post(f"{API}/ledger/contracts/{k}/orders", headers=login(c, "admin"), json={
            "number": "O-API", "business_line": "vision", "offering": "custom",
            "amount": "1000", "total_volume": "10", "acceptance_type": 3})
        assert got.status_code == 201, got.text
        assert got.json()["volume_unit"] == "images"
