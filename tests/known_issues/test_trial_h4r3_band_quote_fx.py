"""Found by a trial salesperson: an out-of-band quote at 999,999 CNY per USD was made and
approved, but its licence could never be issued: the ledger refuses an order above 1,000 CNY
per unit (``fx_rate_range``), and the licence refusal said "give fx_rate 999999.000000 or ask
for a new quote". The quote (and a quote request's offer) now keeps the ledger's bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.catalog.band_quotes import request_band_quote
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released


def test_a_quote_keeps_the_ledgers_fx_bound(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        with pytest.raises(InvalidInput) as err:
            request_band_quote(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                               price="99999999999", currency="USD", fx_rate="999999",
                               reason="strategic huge customer")
        assert err.value.details["reason_code"] == "fx_rate_range", err.value.details
        assert "at most 1000 CNY per USD" in str(err.value)
        # at the bound it is still quoted (a price outside the band)
        q = request_band_quote(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                               price="1", currency="USD", fx_rate="1000",
                               reason="strategic tiny customer")
        assert q.status == "pending"
