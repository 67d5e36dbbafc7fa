"""Trial h2: the ledger's CSV files carried what people typed as it was, so a contract number
typed as ``=1+cmd`` became a formula in the finance clerk's spreadsheet. Text cells that would
start one are now written with a leading quote; amounts (negative ones too) stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date

from datamill.ledger.orders import create_contract, create_customer
from datamill.ledger.trace import trace_csv
from datamill.runtime import Runtime


def test_a_contract_number_typed_as_a_formula_is_text_in_the_trace(runtime: Runtime) -> None:
    with runtime.session() as s:
        customer = create_customer(s, "@Acme", customer_type="ai_company", country="CN")
        contract = create_contract(s, "=1+cmd", customer_id=customer.id, kind="custom",
                                   signed_on=date(2026, 12, 1), amount="1000")
        rows = list(csv.DictReader(io.StringIO(trace_csv(s, contract.id))))
    assert rows[0]["kind"] == "contract"
    assert rows[0]["contract"] == "'=1+cmd"  # shown as "=1+cmd", never run
