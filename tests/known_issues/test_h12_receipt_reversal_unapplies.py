"""Helper h12 (2026-12-07), a finance clerk: cash paid ahead is offset on the invoices issued
after it (``prepaid_applied``; the invoice asks for the rest, its ``payable``). A receipt so
applied could be reversed and the invoice went on asking only for the rest: 50,000.00 typed in
error, reversed, and invoice INV-1 still offset 42,400.00 of its 42,400.00 (payable 0.00) with
only 30,000.00 of cash there; nobody chased the 12,400.00. Reversing a receipt now undoes its
application, as reversing a payment reopens what it cleared; an invoice issued later, dated
between the receipt and its reversal, is not offset by the reversed cash either."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from datamill.compliance.models import AuditRecord
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.receipt_reversal import reverse_receipt
from datamill.ledger.receivables import issue_invoice, list_invoices, record_receipt
from datamill.runtime import Runtime


def test_reversing_a_receipt_applied_ahead_reopens_the_invoice(runtime: Runtime) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "C-UNAPPLY", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-UNAPPLY", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 2))
        oid = create_order(s, k.id, "O-UNAPPLY", business_line="speech", offering="custom",
                           amount=D("100000"), currency="CNY", total_volume=D(100),
                           volume_unit="hours", acceptance_type=3).id
        record_receipt(s, oid, "ADV-1", received_on=date(2018, 2, 1), amount="30000")
        wrong = record_receipt(s, oid, "ADV-2", received_on=date(2018, 2, 2), amount="50000")
        inv = issue_invoice(s, oid, "INV-1", issued_on=date(2018, 3, 4), amount="40000")
        assert (inv.prepaid_applied, inv.payable) == (D("42400.00"), D(0))
        reverse_receipt(s, wrong.id, "ADV-2-REV", received_on=date(2018, 3, 10),
                        reason="typed on the wrong order")
        # only ADV-1's 30,000.00 was paid ahead: the invoice asks for the rest again
        assert [(i.number, i.prepaid_applied, i.payable) for i in list_invoices(s, oid)] == [
            ("INV-1", D("30000.00"), D("12400.00"))]  # was 42400.00, 0.00
        # an invoice dated between the receipt and its reversal: the reversed cash is gone
        late = issue_invoice(s, oid, "INV-2", issued_on=date(2018, 3, 5), amount="10000")
        assert (late.prepaid_applied, late.payable) == (D(0), D("10600.00"))  # was 10600, 0
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.receipt.reversed").order_by(AuditRecord.id)).one()
        assert audit.data["prepaid_unapplied"] == {"INV-1": "12400.00"}
