"""A customer paying its invoices in full was refused (finance-clerk trial, round h4).

An order of 1,000.50 (VAT 6 %) invoiced in two halves of 500.25: each invoice's VAT is
500.25 × 6 % = 30.015 → 30.02, so each invoice is 530.27 and the two 1,060.54. The receipt cap
was the order's amount with VAT rounded once, 1,000.50 × 1.06 = 1,060.53: the customer's second
payment of 530.27 was refused ("above its amount including VAT"). The cap is now what the
invoices ask (amount + their VAT) plus the uninvoiced rest with its VAT.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.core.errors import InvalidInput
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receivables import issue_invoice, record_receipt
from datamill.runtime import Runtime

DAY = date(2018, 3, 5)


def test_two_invoices_paid_in_full_are_received(runtime: Runtime) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "Acme", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-VAT", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        o = create_order(s, k.id, "O-VAT", business_line="speech", offering="custom",
                         amount="1000.50", currency="CNY", total_volume="10",
                         volume_unit="hours", acceptance_type=3)
        invoices = [issue_invoice(s, o.id, f"INV-{n}", issued_on=DAY, amount="500.25")
                    for n in (1, 2)]
        assert [(i.vat, i.total) for i in invoices] == [(Decimal("30.02"), Decimal("530.27"))] * 2
        for n, inv in enumerate(invoices):
            record_receipt(s, o.id, f"REC-{n}", received_on=DAY, amount=inv.total,
                           invoice_id=inv.id)
        with pytest.raises(InvalidInput, match=r"at most 0\.00 more"):
            record_receipt(s, o.id, "REC-more", received_on=DAY, amount="0.01")


def test_the_uninvoiced_rest_still_takes_its_vat(runtime: Runtime) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "Beta", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-VAT2", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        o = create_order(s, k.id, "O-VAT2", business_line="speech", offering="custom",
                         amount="1000.50", currency="CNY", total_volume="10",
                         volume_unit="hours", acceptance_type=3)
        issue_invoice(s, o.id, "INV-A", issued_on=DAY, amount="500.25")  # 530.27
        # the rest, 500.25, with its VAT: 530.27 (rounded on its own) → at most 1,060.54
        record_receipt(s, o.id, "REC-A", received_on=DAY, amount="1060.54")
        with pytest.raises(InvalidInput):
            record_receipt(s, o.id, "REC-B", received_on=DAY, amount="0.01")
