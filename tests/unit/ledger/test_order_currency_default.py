"""An order takes its contract's currency when none is named (trial h7).

`ledger order-add 6 O-USD-1 speech custom 10000 10 --fx-rate 7.1234` on a USD contract was
refused ("order currency CNY does not match contract K-USD-1's currency USD"): the CLI's
currency defaulted to CNY whatever the contract, though its help says the amount is in the
contract currency. Left out (CLI, API, library), the currency is now the contract's; a
different one is still refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.core.errors import InvalidInput
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.runtime import Runtime

ORDER = {"business_line": "speech", "offering": "custom", "total_volume": "10",
         "volume_unit": "hours", "acceptance_type": 3}


def test_an_order_without_a_currency_is_in_the_contracts(runtime: Runtime) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "Overseas", customer_type="research_institute", country="SG")
        k = create_contract(s, "K-USD", customer_id=cust.id, kind="custom", currency="USD",
                            signed_on=date(2018, 1, 2))
        o = create_order(s, k.id, "O-USD", amount="10000", currency=None, fx_rate="7.1234",
                         **ORDER)
        assert (o.currency, o.amount_cny) == ("USD", Decimal("71234.00"))
        with pytest.raises(InvalidInput, match="does not match contract K-USD's currency USD"):
            create_order(s, k.id, "O-CNY", amount="1000", currency="CNY", **ORDER)
