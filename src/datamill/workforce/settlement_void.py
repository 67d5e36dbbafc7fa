"""Voiding a settlement sheet that was drawn or confirmed but not paid.

A sheet is voided (:func:`void_sheet`) by the business side that confirms sheets
(:func:`~datamill.workforce.policies.require_business`), with a written reason, while it is a
``draft``, ``vendor_confirmed`` or ``confirmed``; a ``settled`` (paid) sheet is refused
(Conflict, ``reason_code`` :data:`SHEET_PAID`: money left the bank, a correction sheet takes it
back), and so is a sheet whose corrections are still live (:data:`SHEET_CORRECTED`: void them
first, they correct this sheet's lines).

What voiding does, all in the caller's transaction:

* the sheet stays, with its lines, as ``voided`` (reason, who, when), and an audit record;
* the work it covered is payable again: its :class:`~datamill.workforce.models.SettlementUnit`
  rows (item × stage × person, unique so that nothing is paid twice) are released, so a new
  sheet, or a data-service claim (:mod:`datamill.paid_once`), may pay that work;
* its period is free for a new sheet (``period_key`` cleared; the new sheet's number gains
  ``-R<n>``), and the month's income-tax withholding no longer counts its gross;
* a ``confirmed`` sheet had told the ledger its cost: voiding records the reverse, one event per
  project × stage with the opposite amount (``settlement.reduced`` for a cost, source reference
  ``settlement:<sheet>:void:<project>:<stage>``), so the ledger credits exactly what it booked
  (in the first open period when the cost's period is closed). Like a confirmation, it is
  refused for a project whose accounts closed. The ledger books events in order: a reversal
  waits (pending, with its reason) as long as the cost it reverses does.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.storable import check_note
from datamill.workforce._sheets import (
    require_projects_open,
    sheet_out,
    sheet_project_ids,
    sheet_row,
)
from datamill.workforce.models import SettlementLine, SettlementSheet, SettlementUnit
from datamill.workforce.policies import require_business
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.settlement_corrections import require_void_keeps_line
from datamill.workforce.settlement_debts import require_no_live_offsets
from datamill.workforce.settlement_lifecycle import record_cost_events
from datamill.workforce.settlement_recovery import release_recoveries

__all__ = ["SHEET_CORRECTED", "SHEET_PAID", "VOIDABLE", "void_sheet"]

#: the statuses a sheet may be voided in
VOIDABLE = ("draft", "vendor_confirmed", "confirmed")
#: refusal ``reason_code``s (worded by :data:`datamill.paid_once.REFUSAL_WORDS`)
SHEET_PAID = "sheet_paid"
SHEET_CORRECTED = "sheet_corrected"


def _refuse_paid(sheet: SettlementSheet) -> Conflict:
    paid_on = f"{business_day(sheet.settled_at)}" if sheet.settled_at else ""
    return Conflict(
        f"sheet {sheet.number} was paid on {paid_on} (bank transfer {sheet.payment_ref}): a "
        "paid sheet cannot be voided. To take money back from the vendor, draw a correction "
        f"sheet of {sheet.number} (POST /api/v1/settlements/{sheet.id}/corrections)",
        reason_code=SHEET_PAID, sheet=sheet.number, sheet_id=sheet.id, paid_on=paid_on,
        reference=sheet.payment_ref or "")


def void_sheet(session: Session, actor: User, sheet_id: int, reason: str) -> SettlementSheetOut:
    """Void the sheet ``sheet_id`` (drawn or confirmed, not paid) for ``reason``; see the
    module docstring."""
    require_business(actor, "void settlement sheets")
    why = (reason or "").strip()
    check_note(why, "reason", most=2000)  # on the sheet, its CSV and the vendor's page (h10)
    if not why:
        raise InvalidInput("voiding a settlement sheet needs a written reason", field="reason",
                           reason_code="void_reason_missing")
    sheet = sheet_row(session, sheet_id, lock=True)  # a payment at once: one of the two wins
    if sheet.status == "settled":
        raise _refuse_paid(sheet)
    if sheet.status == "voided":
        raise Conflict(f"sheet {sheet.number} was already voided on "
                       f"{business_day(sheet.voided_at) if sheet.voided_at else '?'}",
                       sheet=sheet.number, sheet_id=sheet.id,
                       reason_code="sheet_voided_already",
                       value=str(business_day(sheet.voided_at) if sheet.voided_at else '?'))
    if sheet.status not in VOIDABLE:
        raise Conflict(f"sheet {sheet.number} is {sheet.status}; it cannot be voided",
                       reason_code="sheet_not_voidable", number=str(sheet.number),
                       sheet_status=str(sheet.status))
    live = list(session.scalars(select(SettlementSheet.number).where(
        SettlementSheet.corrects_sheet_id == sheet.id, SettlementSheet.status != "voided")
        .order_by(SettlementSheet.id)))
    if live:
        raise Conflict(
            f"sheet {sheet.number} has live correction sheets ({', '.join(live)}): they correct "
            "its lines; void them first (a paid correction cannot be voided, and then neither "
            "can the sheet it corrects)", reason_code=SHEET_CORRECTED, sheet=sheet.number,
            sheet_id=sheet.id, corrections=live)
    recovered = session.execute(
        select(func.count(SettlementUnit.id), func.min(SettlementSheet.number))
        .join(SettlementLine, SettlementLine.id == SettlementUnit.recovered_by_line_id)
        .join(SettlementSheet, SettlementSheet.id == SettlementLine.sheet_id)
        .where(SettlementUnit.sheet_id == sheet.id, SettlementSheet.status != "voided")).one()
    if recovered[0]:  # its pay was taken back already: voiding it too would take it twice
        raise Conflict(
            f"sheet {sheet.number}: the pay of {recovered[0]} of its items, refused by the "
            f"customer, was recovered on sheet {recovered[1]}; void that sheet first",
            reason_code="sheet_pay_recovered", sheet=sheet.number, units=recovered[0],
            by=recovered[1])
    require_void_keeps_line(session, sheet)  # a deduction made since relies on this addition
    require_no_live_offsets(session, sheet)  # its debt was repaid by a later sheet
    release_recoveries(session, sheet.id)  # what its deduction lines took back is due again
    was = sheet.status
    if was == "confirmed":  # the ledger was told its cost: tell it the reverse
        require_projects_open(session, sheet_project_ids(session, sheet))
        record_cost_events(session, sheet, reverse=True)
    released = session.scalar(select(func.count()).select_from(SettlementUnit).where(
        SettlementUnit.sheet_id == sheet.id)) or 0
    session.execute(delete(SettlementUnit).where(SettlementUnit.sheet_id == sheet.id))
    sheet.status, sheet.period_key = "voided", None
    sheet.void_reason, sheet.voided_by, sheet.voided_at = why, actor.id, utcnow()
    record_audit(session, actor_id=actor.id, action="settlement.voided",
                 object_type="settlement_sheet", object_id=sheet.id,
                 data={"number": sheet.number, "was": was, "reason": why,
                       "net_payable": str(sheet.net_payable), "units_released": released})
    session.flush()
    return sheet_out(session, sheet)
