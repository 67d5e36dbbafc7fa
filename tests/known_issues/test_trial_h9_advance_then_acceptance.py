"""Found by a trial finance clerk: after an advance invoice on an order, invoicing an accepted
delivery billed its full share again (the advance was never applied), so the next acceptance
was refused as "over the order amount" and the clerk had to compute the remainder by hand.
Invoicing an acceptance by default now bills its share less the part of the advance invoices
not yet applied (never below 0), says so (``share``, ``advance_applied``), and the order is
never invoiced above its amount; an acceptance already billed is refused with words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.core.errors import InvalidInput
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receivables import issue_invoice, list_invoices, receivables
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime


def test_acceptance_after_advance_bills_the_rest(runtime: Runtime) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "C-ADV", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-ADV", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        oid = create_order(s, k.id, "O-ADV", business_line="speech", offering="custom",
                           amount=Decimal("100000"), currency="CNY",
                           total_volume=Decimal(100), volume_unit="hours",
                           acceptance_type=3).id
        a1, a2 = (LedgerAcceptance(order_id=oid, volume=Decimal(v), accepted_on=on)
                  for v, on in ((40, date(2018, 3, 3)), (60, date(2018, 4, 3))))
        s.add_all([a1, a2])
        s.flush()
        issue_invoice(s, oid, "ADV-1", issued_on=date(2018, 2, 1), amount="30000")
        first = issue_invoice(s, oid, "INV-1", issued_on=date(2018, 3, 4), acceptance_id=a1.id)
        assert (first.share, first.advance_applied, first.amount) == (
            Decimal("40000.00"), Decimal("30000.00"), Decimal("10000.00"))  # was 40000.00
        with pytest.raises(InvalidInput) as err:  # a1 is billed: nothing left by default
            issue_invoice(s, oid, "INV-1b", issued_on=date(2018, 3, 5), acceptance_id=a1.id)
        assert err.value.details["reason_code"] == "acceptance_already_billed"
        words = word_reason(err.value.details, "zh-CN")
        assert words is not None and "已开票完毕" in words, words
        second = issue_invoice(s, oid, "INV-2", issued_on=date(2018, 4, 4), acceptance_id=a2.id)
        assert (second.advance_applied, second.amount) == (Decimal(0), Decimal("60000.00"))
        # never above the order amount (excl. VAT); the customer's figure includes 6 % VAT
        assert sum(i.amount for i in list_invoices(s, oid)) == Decimal("100000.00")
        cust_row = next(r for r in receivables(s, as_of=date(2018, 5, 1))
                        if r.customer_id == cust.id)
        assert cust_row.invoiced == Decimal("106000.00")
