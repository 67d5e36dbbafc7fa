"""Helper h12 (2026-12-07), an auditor: the contract's trace listed a foreign receipt by the
receivable it settled only (710.00), not the cash the bank received (730.00) nor the realised
exchange difference (20.00) the finance page shows, and a reversing receipt read as a plain
negative receipt. The trace page now shows both, and names the receipt a reversal takes back
(English and zh-CN); its CSV carries ``cash``, ``fx_difference`` and ``reverses …``."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

from datamill.runtime import Runtime


def test_the_trace_shows_exchange_differences_and_reversals(sqlite_runtime: Runtime) -> None:
    from fastapi.testclient import TestClient

    from datamill.compliance.users import create_user
    from datamill.ledger.orders import create_contract, create_customer, create_order
    from datamill.ledger.receipt_reversal import reverse_receipt
    from datamill.ledger.receivables import record_receipt
    from datamill.server import create_app
    from tests.known_issues._web import PASSWORD, web_login

    rt = sqlite_runtime
    day = date(2019, 7, 8)
    with rt.session() as s:
        create_user(s, "audit", PASSWORD, "admin")
        cust = create_customer(s, "C-TRFX", customer_type="big_tech", country="US")
        kid = create_contract(s, "K-TRFX", customer_id=cust.id, kind="custom",
                              currency="USD", signed_on=date(2019, 1, 2)).id
        oid = create_order(s, kid, "O-TRFX", business_line="speech", offering="custom",
                           amount="1000", currency="USD", total_volume=D(1),
                           volume_unit="hours", acceptance_type=1, fx_rate="7.10").id
        record_receipt(s, oid, "FX-1", received_on=day, amount="100", fx_rate="7.3")
        wrong = record_receipt(s, oid, "FX-2", received_on=day, amount="100", fx_rate="6.95")
        reverse_receipt(s, wrong.id, "FX-2-REV", received_on=day, reason="wrong order")
    with TestClient(create_app(rt)) as c:
        web_login(c, "audit")
        page = c.get(f"/finance/contracts/{kid}/trace").text
        assert "the bank received 730.00: exchange difference 20.00" in page, page
        assert "the bank received -695.00: exchange difference 15.00" in page
        assert "reverses receipt FX-2 (recorded in error)" in page
        c.cookies.set("lang", "zh-CN")
        page = c.get(f"/finance/contracts/{kid}/trace").text
        assert "银行实收 695.00：汇兑差额 -15.00" in page, page
        assert "冲销记错的收款 FX-2" in page
        rows = [r for r in csv.DictReader(io.StringIO(
            c.get(f"/finance/contracts/{kid}/trace.csv").text)) if r["kind"] == "receipt"]
    assert [(r["receipt"], r["amount"], r["cash"], r["fx_difference"], r["basis"])
            for r in rows] == [("FX-1", "710.00", "730.00", "20.00", ""),
                               ("FX-2", "710.00", "695.00", "-15.00", ""),
                               ("FX-2-REV", "-710.00", "-695.00", "15.00", "reverses FX-2")]
