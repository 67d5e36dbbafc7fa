"""Found by a trial finance clerk: invoicing an accepted catalog licence (or any order) without
an amount was refused with "give the amount of an advance invoice" only, though the licence was
accepted and its revenue recognised; a licence records no delivery acceptance to bill by, and
the refusal named neither what was left to invoice nor the acceptances one could give. It now
says both (``invoice_amount_no_acceptance``, ``invoice_amount_or_acceptance``), in zh-CN too."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receivables import issue_invoice
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime


def test_an_invoice_without_amount_says_what_to_give(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "C-INV", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-INV", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        oid = create_order(s, k.id, "LIC-INV", business_line="speech",
                           offering="product_licence", amount=Decimal("994000"), currency="CNY",
                           total_volume=Decimal(1), volume_unit="licences",
                           acceptance_type=1).id
        issue_invoice(s, oid, "INV-1", issued_on=date(2018, 3, 1), amount="1000")
        with pytest.raises(InvalidInput) as err:
            issue_invoice(s, oid, "INV-2", issued_on=date(2018, 3, 2))
        assert err.value.details["reason_code"] == "invoice_amount_no_acceptance"
        assert "993,000.00 CNY of the order is not invoiced yet" in str(err.value)
        acc = LedgerAcceptance(order_id=oid, volume=Decimal(1), accepted_on=date(2018, 3, 3))
        s.add(acc)
        s.flush()
        with pytest.raises(InvalidInput) as err:
            issue_invoice(s, oid, "INV-3", issued_on=date(2018, 3, 4))
        assert err.value.details["reason_code"] == "invoice_amount_or_acceptance"
        assert f"{acc.id} (2018-03-03)" in str(err.value)
        words = word_reason(err.value.details, "zh-CN")
        assert words is not None
        assert "验收记录编号" in words and f"{acc.id} (2018-03-03)" in words, words
