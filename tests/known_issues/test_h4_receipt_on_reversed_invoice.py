"""Found by helper h4 (finance clerk): a receipt could name an invoice a red-letter invoice had
reversed (INV-V1 reversed by RED-V1, then REC-V2 recorded against INV-V1: taken), and a
receipt recorded against INV-V1 before its reversal went on naming it. Now the first is refused
(``receipt_on_reversed_invoice``, English and zh-CN) and the reversal re-points the second to
the order (``invoice_id`` none, named in the reversal's audit)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord
from datamill.core.errors import InvalidInput
from datamill.ledger.invoice_reversal import reverse_invoice
from datamill.ledger.models import LedgerReceipt
from datamill.ledger.receivables import issue_invoice, record_receipt
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h13_invoice_currency import DAY, _thirds


def test_a_receipt_is_not_taken_against_a_reversed_invoice(runtime: Runtime) -> None:
    _, oid, accs = _thirds(runtime, "REV", currency="CNY", amount="100000")
    with runtime.session() as s:
        inv = issue_invoice(s, oid, "INV-V1", issued_on=DAY, acceptance_id=accs[0])
        record_receipt(s, oid, "REC-V1", received_on=DAY, amount="100", invoice_id=inv.id)
        reverse_invoice(s, inv.id, "RED-V1", issued_on=DAY, reason="wrong acceptance")
        early = s.scalars(select(LedgerReceipt).where(LedgerReceipt.reference == "REC-V1")).one()
        assert early.invoice_id is None  # pays the order now (it named INV-V1)
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.invoice.reversed").order_by(AuditRecord.id)).all()
        assert audit[-1].data["receipts_unlinked"] == ["REC-V1"]
        with pytest.raises(InvalidInput) as err:
            record_receipt(s, oid, "REC-V2", received_on=DAY, amount="100", invoice_id=inv.id)
        d = err.value.details
        assert d["reason_code"] == "receipt_on_reversed_invoice"
        assert word_reason(d, "en") == ("invoice INV-V1 was reversed by red-letter invoice "
                                        "RED-V1: cash is not received against it; name the "
                                        "invoice issued in its place, or none")
        assert word_reason(d, "zh-CN") == ("发票 INV-V1 已被红字发票 RED-V1 冲销，不能对其收款；"
                                           "请指明替代它开具的发票，或不指明发票")
        again = issue_invoice(s, oid, "INV-V2", issued_on=DAY, acceptance_id=accs[0])
        record_receipt(s, oid, "REC-V3", received_on=DAY, amount="100", invoice_id=again.id)


def test_an_order_paid_to_the_yen_in_three_receipts_is_taken(runtime: Runtime) -> None:
    """A 1,000,000 JPY order (1,060,000 JPY with VAT, 52,998.94 CNY at 0.049999) paid to the
    yen in 353,333 + 353,333 + 353,334 JPY: each receipt converted on its own made the last
    52,998.95 CNY in all, refused (``receipt_over_amount``) by one fen. The last receipt gives
    its rounding to the order's total now; a yen more is still refused."""
    _, oid, accs = _thirds(runtime, "YEN", currency="JPY", amount="1000000", fx="0.049999")
    with runtime.session() as s:
        for n, a in enumerate(accs):
            issue_invoice(s, oid, f"INV-Y{n}", issued_on=DAY, acceptance_id=a)
        got = [record_receipt(s, oid, f"REC-Y{n}", received_on=DAY, amount=amt).amount
               for n, amt in enumerate(("353333", "353333", "353334"))]
        assert sum(got) == D("52998.94"), got
        with pytest.raises(InvalidInput, match="above its amount including VAT"):
            record_receipt(s, oid, "REC-Y3", received_on=DAY, amount="1")
