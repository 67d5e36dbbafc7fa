"""Reversing a receipt recorded in error (冲销收款).

A finance clerk who typed a receipt wrong (10,000.00 for 1,000.00, on the wrong order, twice)
had no way back: the cash counted on the order for ever, its advance or settled receivable was
wrong, and the receipt cap refused the real payments ("above its amount including VAT"). As an
invoice is reversed by a red-letter invoice (:mod:`datamill.ledger.invoice_reversal`),
:func:`reverse_receipt` records a reversing receipt that names the original (``reverses_id``)
and carries its figures negated (the receivable it settled, its realised exchange difference:
:mod:`datamill.ledger.fx`), with the reason (audited, ``ledger.receipt.reversed``). Everything
that sums an order's receipts then reads the original as gone: the receivables and advances,
the receipt cap, the customer's statement, the journal (Dr receivable / Cr bank, and the
exchange difference back), the output VAT an advance fell due on (given back unless an invoice
or a recognition keeps it due: :mod:`datamill.ledger.vat`). A receipt is reversed once, a
reversal never, neither dated before the original nor in a closed month.

Cash paid ahead is offset on the invoices issued after it (``prepaid_applied``, so an invoice
asks only for the rest, its ``payable``). Reversing such a receipt undoes that application, as
reversing a payment reopens what it cleared: each invoice's offset is cut to the cash that is
still there (``unapply_prepaid``), and the invoice asks for the difference again. Before, an
invoice offset by 30,000.00 of a receipt typed in error still asked for 12,400.00 of 42,400.00
after the receipt was reversed, and nobody chased the 30,000.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict
from datamill.db.lookup import get_or_raise
from datamill.ledger._reversal import MAX_REASON, Reversal, check_reversal
from datamill.ledger.models import LedgerInvoice, LedgerOrder, LedgerReceipt
from datamill.ledger.orders import order_row
from datamill.ledger.receivables import ReceiptOut, receipt_out

__all__ = ["MAX_REASON", "reverse_receipt", "unapply_prepaid"]

_RECEIPT = Reversal(noun="receipt", label="reference", day="received_on",
                    new="reversing receipt", a_reversal="a reversal")


def reverse_receipt(
    session: Session, receipt_id: int, reference: str, *, received_on: date, reason: str,
    actor_id: int | None = None,
) -> ReceiptOut:
    """Record receipt ``reference`` reversing receipt ``receipt_id`` in full (see the module
    docstring); ``reason`` is required."""
    original = get_or_raise(session, LedgerReceipt, receipt_id, "receipt", receipt_id=receipt_id)
    order = order_row(session, original.order_id, lock=True)  # one reversal at a time
    check_reversal(session, _RECEIPT, original, reference, received_on, reason)
    row = LedgerReceipt(reference=reference, order_id=order.id, invoice_id=None,
                        received_on=received_on, amount=-original.amount,
                        fx_rate=original.fx_rate, fx_difference=-original.fx_difference,
                        reverses_id=original.id, created_by=actor_id)
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as err:  # the reference taken, or a reversal at the same moment
        raise Conflict(f"receipt {reference!r} already exists, or receipt "
                       f"{original.reference} was reversed meanwhile", key=reference,
                       reason_code="receipt_exists") from err
    unapplied = unapply_prepaid(session, order)
    record_audit(session, actor_id=actor_id, action="ledger.receipt.reversed",
                 object_type="ledger_order", object_id=order.id,
                 data={"reference": reference, "reverses": original.reference,
                       "amount": str(row.amount), "fx_difference": str(row.fx_difference),
                       "reason": reason,
                       **({"prepaid_unapplied": unapplied} if unapplied else {})})
    return receipt_out(row, order).model_copy(update={
        "prepaid_unapplied": {k: Decimal(v) for k, v in unapplied.items()}})


def unapply_prepaid(session: Session, order: LedgerOrder) -> dict[str, str]:
    """Cut each invoice's ``prepaid_applied`` on ``order`` to the cash paid ahead of it that
    is still there, reversed receipts (and their reversals) left out; returns the invoices
    whose offset was cut, with the amount taken off. As on issue
    (``receivables._prepaid``), cash received by an invoice's date settles the invoices
    issued before it first; an offset is only ever cut, never raised, and an invoice reversed
    by a red-letter invoice (which carries its offset negated) is left as it is."""
    receipts = list(session.scalars(select(LedgerReceipt).where(
        LedgerReceipt.order_id == order.id).order_by(LedgerReceipt.id)))
    gone = {r.reverses_id for r in receipts if r.reverses_id is not None}
    cash = [(r.received_on, r.amount) for r in receipts
            if r.reverses_id is None and r.id not in gone]
    invoices = list(session.scalars(select(LedgerInvoice).where(
        LedgerInvoice.order_id == order.id).order_by(LedgerInvoice.id)))
    reversed_ids = {i.reverses_id for i in invoices if i.reverses_id is not None}
    asked, cut = Decimal(0), dict[str, str]()
    for inv in invoices:
        if inv.prepaid_applied > 0 and inv.reverses_id is None and inv.id not in reversed_ids:
            ahead = sum((a for on, a in cash if on <= inv.issued_on), Decimal(0)) - asked
            room = min(max(ahead, Decimal(0)), inv.prepaid_applied)
            if room < inv.prepaid_applied:
                cut[inv.number] = str(inv.prepaid_applied - room)
                inv.prepaid_applied = room
        asked += inv.amount + inv.vat
    if cut:
        session.flush()
    return cut
