"""Red-letter invoices (红字发票): an invoice issued in error is reversed in full.

A finance clerk who issued an invoice with the wrong amount, to the wrong acceptance or under
the wrong number had no way back: the invoice counted against the order's amount for ever, so
the right one was refused as "over the order amount". :func:`reverse_invoice` issues a
red-letter invoice that names the original (``reverses_id``) and carries its figures negated
(amount, VAT, the advance invoices and the cash paid ahead applied to it), with the reason
(audited, ``ledger.invoice.reversed``). Everything that sums an order's invoices then reads the
original as gone: what is left to invoice, the acceptance's share still to bill, the customer's
statement, the receivables, the receipt cap, the trace; the output VAT it fell due on is
given back (:mod:`datamill.ledger.vat`) unless revenue recognised keeps it due. An invoice is
reversed once, a red-letter invoice never, and neither is dated before the original nor in a
closed month. Receipts that named the original pay the order from then on (``invoice_id``
cleared, their references in the audit's ``receipts_unlinked``), and a new receipt naming it
is refused (``receipt_on_reversed_invoice``): it named an invoice that bills nothing any more.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict
from datamill.db.lookup import get_or_raise
from datamill.ledger._reversal import MAX_REASON, Reversal, check_reversal
from datamill.ledger.models import LedgerInvoice, LedgerReceipt
from datamill.ledger.orders import order_row
from datamill.ledger.receivables import InvoiceOut, _invoice_out, currency_amounts

__all__ = ["MAX_REASON", "reverse_invoice"]

_INVOICE = Reversal(noun="invoice", label="number", day="issued_on", new="red-letter invoice",
                    a_reversal="a red-letter invoice")


def reverse_invoice(
    session: Session, invoice_id: int, number: str, *, issued_on: date, reason: str,
    actor_id: int | None = None,
) -> InvoiceOut:
    """Issue red-letter invoice ``number`` reversing invoice ``invoice_id`` in full (see the
    module docstring); ``reason`` is required."""
    original = get_or_raise(session, LedgerInvoice, invoice_id, "invoice", invoice_id=invoice_id)
    order = order_row(session, original.order_id, lock=True)  # one reversal at a time
    check_reversal(session, _INVOICE, original, number, issued_on, reason)
    row = LedgerInvoice(number=number, order_id=order.id, acceptance_id=original.acceptance_id,
                        issued_on=issued_on, amount=-original.amount, vat=-original.vat,
                        advance_applied=-original.advance_applied,
                        prepaid_applied=-original.prepaid_applied, reverses_id=original.id,
                        created_by=actor_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:  # the number taken, or a reversal at the same moment
        session.rollback()
        raise Conflict(f"invoice {number!r} already exists, or invoice {original.number} was "
                       "reversed meanwhile", key=number, reason_code="invoice_exists") from err
    # cash received against the original pays the order, no longer that invoice (a receipt
    # naming a reversed invoice is refused: record_receipt)
    paid = session.scalars(select(LedgerReceipt).where(
        LedgerReceipt.invoice_id == original.id).order_by(LedgerReceipt.id)).all()
    for receipt in paid:
        receipt.invoice_id = None
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.invoice.reversed",
                 object_type="ledger_order", object_id=order.id,
                 data={"number": number, "reverses": original.number,
                       **({"receipts_unlinked": [r.reference for r in paid]} if paid else {}),
                       "amount": str(row.amount), "vat": str(row.vat),
                       "advance_applied": str(row.advance_applied),
                       "prepaid_applied": str(row.prepaid_applied), "reason": reason})
    return _invoice_out(row, order, currency_amounts(session, order))
