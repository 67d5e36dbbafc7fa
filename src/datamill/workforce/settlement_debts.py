"""A vendor's debt carried forward and offset against its next sheets.

A sheet whose net payable is negative (a correction or a recovery larger than the period's pay:
net −1,000.00) is never settled as a payment (:func:`~datamill.workforce.settlement_lifecycle.settle_sheet`
refuses it): once **confirmed** by both sides it is a **debt** of the vendor. The vendor's next
regular sheet drawn (:func:`~datamill.workforce.settlement.create_settlement_sheet`) deducts the
debts still outstanding, oldest first, from its net payable, at most down to 0.00; what it
cannot take is carried again to the sheet after (a 1,000.00 debt against a 600.00 sheet: net
0.00, 400.00 carried). Each deduction is a :class:`~datamill.workforce.models.SettlementOffset`
(which debt, against which sheet, how much), audited on both sheets
(``settlement.created`` / ``settlement.redrawn`` name the debts taken,
``settlement.debt_offset`` on the debt sheet names the sheet that took it).

**Tax.** The offset is a repayment of money owed, not a change of the vendor's income: the
recovery already lowered its own month's gross (the month's withholding counts the negative
sheet, :func:`~datamill.workforce._sheets.month_before`). So a sheet withholds the income tax on
its gross as before, and the offset is deducted after the tax: ``net_payable = gross −
tax_withheld − debt_offset``; the ledger's payment clears ``net + withheld`` of the payable,
which the debt's ``settlement.reduced`` left with a debit balance.

**Once.** The drawing locks the vendor's debt sheets before it reads what is left of them, so
two sheets drawn at once (two periods, two processes) do not both take the same debt. A redrawn
draft gives its offsets back and takes them again; an offset by a voided sheet counts for
nothing (the debt is owed again), and a debt sheet whose debt a live sheet took cannot be voided.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict
from datamill.workforce.models import SettlementOffset, SettlementSheet

__all__ = ["apply_debt_offsets", "offset_rows", "outstanding_debt", "release_offsets",
           "require_no_live_offsets"]

_ZERO = Decimal("0.00")
#: a debt is a sheet both sides confirmed (a draft may still change; a voided one owes nothing)
_DEBT_STATUS = "confirmed"


def _taken(session: Session, debt_sheet_id: int) -> Decimal:
    """What live (not voided) sheets took of the debt sheet's debt so far."""
    taken = session.scalar(
        select(func.sum(SettlementOffset.amount))  # Scaled: summed in fen, read as CNY
        .join(SettlementSheet, SettlementSheet.id == SettlementOffset.sheet_id)
        .where(SettlementOffset.debt_sheet_id == debt_sheet_id,
               SettlementSheet.status != "voided"))
    return _ZERO if taken is None else Decimal(taken)


def outstanding_debt(session: Session, sheet: SettlementSheet) -> Decimal | None:
    """What the vendor still owes of ``sheet`` (a confirmed sheet with a negative net payable):
    its debt less what live sheets took of it; None for a sheet that is no debt."""
    if sheet.status != _DEBT_STATUS or sheet.net_payable >= 0:
        return None
    return -sheet.net_payable - _taken(session, sheet.id)


def release_offsets(session: Session, sheet_id: int) -> None:
    """A draft redrawn gives back the debts it took (it takes them again)."""
    session.execute(delete(SettlementOffset).where(SettlementOffset.sheet_id == sheet_id))


def apply_debt_offsets(session: Session, sheet: SettlementSheet, actor_id: int | None
                       ) -> list[dict[str, str]]:
    """Deduct the vendor's outstanding debts, oldest first, from ``sheet``'s net payable (at
    most to 0.00); each a :class:`SettlementOffset`. The debt sheets are locked first, so a
    sheet drawn at once by another process waits and then sees what this one took."""
    if sheet.net_payable <= 0:
        return []
    debts = list(session.scalars(
        select(SettlementSheet).where(
            SettlementSheet.vendor_id == sheet.vendor_id, SettlementSheet.id != sheet.id,
            SettlementSheet.status == _DEBT_STATUS, SettlementSheet.net_payable < 0)
        .order_by(SettlementSheet.id)
        .with_for_update().execution_options(populate_existing=True)))
    taken: list[dict[str, str]] = []
    for debt in debts:
        left = outstanding_debt(session, debt)
        if left is None or left <= 0:
            continue
        amount = min(left, sheet.net_payable)
        if amount <= 0:
            break
        session.add(SettlementOffset(debt_sheet_id=debt.id, sheet_id=sheet.id, amount=amount))
        sheet.net_payable -= amount
        carried = left - amount
        taken.append({"debt_sheet": debt.number, "amount": str(amount),
                      "carried": str(carried)})
        record_audit(session, actor_id=actor_id, action="settlement.debt_offset",
                     object_type="settlement_sheet", object_id=debt.id,
                     data={"number": debt.number, "offset_by": sheet.number,
                           "offset_by_id": sheet.id, "amount": str(amount),
                           "outstanding": str(carried)})
    return taken


def offset_rows(session: Session, sheet: SettlementSheet) -> tuple[
        list[tuple[SettlementOffset, str, str]], list[tuple[SettlementOffset, str, str]]]:
    """(the debts ``sheet`` took, the live sheets that took ``sheet``'s debt), each as
    (offset, debt sheet number, offsetting sheet number), by id."""
    debt, by = aliased(SettlementSheet), aliased(SettlementSheet)
    q = (select(SettlementOffset, debt.number, by.number)
         .join(debt, debt.id == SettlementOffset.debt_sheet_id)
         .join(by, by.id == SettlementOffset.sheet_id)
         .order_by(SettlementOffset.id))
    took = [(o, d, b) for o, d, b in session.execute(
        q.where(SettlementOffset.sheet_id == sheet.id)).tuples()]
    taken = [(o, d, b) for o, d, b in session.execute(
        q.where(SettlementOffset.debt_sheet_id == sheet.id, by.status != "voided")).tuples()]
    return took, taken


def require_no_live_offsets(session: Session, sheet: SettlementSheet) -> None:
    """A debt sheet whose debt a live sheet took cannot be voided (the debt was repaid by it)."""
    _, taken = offset_rows(session, sheet)
    if taken:
        by = ", ".join(sorted({b for _, _, b in taken}))
        raise Conflict(
            f"sheet {sheet.number}: its debt was offset against sheet {by}; void that sheet "
            "first", reason_code="sheet_debt_offset", sheet=sheet.number, by=by)
