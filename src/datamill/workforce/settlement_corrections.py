"""Corrections of a confirmed settlement sheet: a new sheet with one adjustment line (±).

The line belongs to one project × stage of the corrected sheet (named when it holds several),
so the ledger books it to that project's costs; a correction may not take that project × stage's
total (the original lines plus every correction of them) below zero. A correction is a draft
that goes the way of every sheet (:mod:`datamill.workforce.settlement_lifecycle`); its income
tax is withheld on top of the month's gross so far (every earlier sheet of the vendor in the
month the corrected period starts in, corrections included), as a weekly sheet's is. Before,
it was withheld on top of the corrected sheet's gross alone: a second correction, or another
week of the month, was taxed as if it were not there (7,000.00 in a month withheld 1,160.00
where 1,120.00 is owed).

A correction that pays more is bounded as a deduction is: all the additions to one
project × stage (every live positive correction, this one included) may not exceed what the
corrected sheet paid for it (its accepted volume × price; ``correction_above_paid``). Before,
a clerk could add any amount (+1,000,000.00 on a 100.00 line was drawn, confirmed by a second
person and paid); more work than that is paid on the next sheet drawn from its accepted
volume, under its purchase orders. A positive correction is still confirmed for the business
by someone other than its maker (:mod:`datamill.workforce.settlement_lifecycle`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.money import to_cents
from datamill.core.storable import check_note
from datamill.workforce._sheets import (
    month_before,
    require_projects_open,
    sheet_out,
    sheet_row,
    sheet_totals,
)
from datamill.workforce.models import SettlementLine, SettlementSheet, Vendor
from datamill.workforce.policies import require_business
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.vendors import to_decimal

__all__ = ["create_correction_sheet", "require_void_keeps_line"]


class _Target(NamedTuple):
    """The project × stage a correction applies to, its total so far (the original lines plus
    every live correction of them), what the corrected sheet paid for it and what live
    corrections added to it already."""

    project_id: int | None
    stage: str | None
    so_far: Decimal
    paid: Decimal
    added: Decimal


#: a correction that pays more counts towards what a deduction may take back once confirmed:
#: a draft addition voided after a deduction relied on it left the line below zero
_PAID_FOR = ("confirmed", "settled")


def _correction_target(
    session: Session, original: SettlementSheet, project_id: int | None, stage: str | None,
    *, without: int | None = None,
) -> _Target:
    """The project × stage a correction of ``original`` applies to, and how much it may take
    off: that project × stage's total so far (the original lines plus every correction of
    them), and no more than the whole sheet's total so far; and how much it may add: what the
    original paid for it less what corrections added already."""
    rows = session.execute(
        select(SettlementLine.project_id, SettlementLine.stage, SettlementLine.amount,
               SettlementSheet.id, SettlementSheet.status)
        .join(SettlementSheet, SettlementSheet.id == SettlementLine.sheet_id)
        .where((SettlementSheet.id == original.id)
               | (SettlementSheet.corrects_sheet_id == original.id),
               SettlementSheet.status != "voided",  # a voided correction corrects nothing
               SettlementSheet.id != (without or 0))
    ).all()
    totals: dict[tuple[int | None, str | None], Decimal] = defaultdict(Decimal)
    paid: dict[tuple[int | None, str | None], Decimal] = defaultdict(Decimal)
    added: dict[tuple[int | None, str | None], Decimal] = defaultdict(Decimal)
    for p, st, amount, sheet_id, status in rows:
        if sheet_id == original.id:
            paid[(p, st)] += amount
        elif amount > 0:
            added[(p, st)] += amount
            if status not in _PAID_FOR:  # not yet agreed: no room for a deduction
                totals[(p, st)] += Decimal(0)
                continue
        totals[(p, st)] += amount
    keys = sorted((k for k in totals if k[0] is not None), key=lambda k: (k[0] or 0, k[1] or ""))
    if not keys:  # a sheet without project lines (none are drawn so): the sheet's total
        return _Target(None, None, sum(totals.values(), Decimal(0)),
                       sum(paid.values(), Decimal(0)), sum(added.values(), Decimal(0)))
    for what, pick, given in (("project", 0, project_id), ("stage", 1, stage)):
        field = "project_id" if pick == 0 else "stage"
        choices = sorted({str(k[pick]) for k in keys})
        if given is None and len(choices) > 1:
            raise InvalidInput(f"sheet {original.number} covers several {what}s "
                               f"({', '.join(choices)}); say which one it corrects", field=field,
                               reason_code="correction_which_line", number=str(original.number),
                               what=str(what), value=', '.join(choices))
        chosen = keys[0][pick] if given is None else given
        if str(chosen) not in choices:
            raise InvalidInput(f"sheet {original.number} has no lines for {what} {chosen}; it "
                               f"covers {', '.join(choices)}", field=field,
                               reason_code="correction_no_lines", number=str(original.number),
                               what=str(what), chosen=str(chosen), value=', '.join(choices))
        keys = [k for k in keys if str(k[pick]) == str(chosen)]
    # the sheet's whole total bounds it too (older corrections carried no project)
    key = keys[0]
    return _Target(key[0], key[1], min(totals[key], sum(totals.values(), Decimal(0))),
                   paid[key], added[key])


def create_correction_sheet(  # noqa: PLR0913 - the correction's fields
    session: Session,
    actor: User,
    sheet_id: int,
    amount: object,
    reason: str,
    *,
    project_id: int | None = None,
    stage: str | None = None,
) -> SettlementSheetOut:
    """Correct a confirmed sheet with a new draft sheet carrying one adjustment line (±).

    The line belongs to one project × stage of the corrected sheet (``project_id`` / ``stage``
    are required only when it covers several), so the cost reaches that project's ledger. A
    deduction may not take that project × stage's total below zero.
    """
    require_business(actor, "correct settlement sheets")
    check_note(reason, "reason")  # the vendor reads it on the sheet
    original = sheet_row(session, sheet_id, lock=True)  # two corrections: one total
    if original.kind == "correction":
        raise Conflict(f"sheet {original.number} is itself a correction; correct the sheet it "
                       "corrects instead",
                       reason_code="correction_of_correction", number=str(original.number))
    if original.status == "voided":
        raise Conflict(f"sheet {original.number} was voided ({original.void_reason}); it pays "
                       "nothing, so there is nothing to correct",
                       reason_code="correction_of_voided", number=str(original.number),
                       void_reason=str(original.void_reason))
    if original.status not in ("confirmed", "settled"):
        raise Conflict(
            f"sheet {original.number} is {original.status}; a draft is redrawn, not corrected",
            reason_code="correction_of_draft", number=str(original.number),
            original_status=str(original.status),
        )
    delta = to_decimal(amount, "amount")
    if delta == 0 or delta != to_cents(delta):
        raise InvalidInput(
            "a correction is a non-zero amount in fen (two decimals)", field="amount",
            reason_code="correction_amount_form",
        )
    if not reason.strip():
        raise InvalidInput("a correction needs a written reason", field="reason",
                           reason_code="correction_reason_missing")
    vendor = session.get(Vendor, original.vendor_id)
    if vendor is None:
        raise NotFound("sheet without vendor",
                       reason_code="sheet_no_vendor")
    target = _correction_target(session, original, project_id, stage)
    project_id, stage, so_far = target.project_id, target.stage, target.so_far
    on = "" if project_id is None else f" for project {project_id} {stage}"
    if delta > 0 and target.added + delta > target.paid:
        room = max(target.paid - target.added, Decimal(0))
        raise InvalidInput(
            f"a correction may add no more than sheet {original.number} paid{on} (its accepted "
            f"volume × price, {target.paid}); corrections added {target.added} already, so the "
            f"most this one may add is {room}; pay more work on the next sheet drawn from its "
            "accepted volume", field="amount", reason_code="correction_above_paid",
            number=str(original.number), on=on, paid=str(target.paid),
            added=str(target.added), value=str(room))
    if so_far + delta < 0:
        raise InvalidInput(
            f"a correction may not take the vendor's total on sheet {original.number}{on} "
            f"below zero: it stands at {so_far}, so the most this correction may deduct is "
            f"{max(so_far, Decimal(0))}", field="amount",
            reason_code="correction_below_zero", number=str(original.number), on=str(on),
            so_far=str(so_far), value=str(max(so_far, Decimal(0))))
    if project_id is not None:
        require_projects_open(session, {project_id})
    n = (
        session.scalar(
            select(func.count())
            .select_from(SettlementSheet)
            .where(SettlementSheet.corrects_sheet_id == original.id)
        )
        or 0
    )
    sheet = SettlementSheet(
        number=f"{original.number}-C{n + 1}",
        vendor_id=vendor.id,
        kind="correction",
        corrects_sheet_id=original.id,
        cycle=original.cycle,
        period_start=original.period_start,
        period_end=original.period_end,
        note=reason.strip(),
        created_by=actor.id,
    )
    session.add(sheet)
    session.flush()
    session.add(
        SettlementLine(
            sheet_id=sheet.id,
            project_id=project_id,
            stage=stage,
            unit="adjustment",
            quantity=Decimal(1),
            unit_price=delta,
            amount=delta,
            description=f"correction of {original.number}: {reason.strip()}",
        )
    )
    # a correction of a sheet drawn with the fee on top (before it was part of the price)
    # pays as that sheet did
    base, withheld = month_before(session, sheet)
    sheet_totals(sheet, vendor, delta, tax_base=base, withheld_before=withheld,
                 fee_on_top=original.gross != original.amount)
    session.flush()
    record_audit(
        session,
        actor_id=actor.id,
        action="settlement.correction_created",
        object_type="settlement_sheet",
        object_id=sheet.id,
        data={"corrects": original.number, "amount": str(delta), "reason": reason.strip(),
              "project_id": project_id, "stage": stage},
    )
    return sheet_out(session, sheet)


def require_void_keeps_line(session: Session, sheet: SettlementSheet) -> None:
    """Refuse voiding correction ``sheet`` when it pays more and a deduction made since relies
    on it: without it the corrected project × stage would stand below zero
    (``correction_void_below_zero``); void the deduction first. Before, +50.00 then −150.00 on
    a 100.00 line, then voiding the +50.00, left the vendor −50.00 for work it was paid 100.00
    for."""
    if sheet.kind != "correction" or sheet.corrects_sheet_id is None or sheet.amount <= 0:
        return
    original = sheet_row(session, sheet.corrects_sheet_id, lock=True)  # as a new correction
    line = session.execute(select(SettlementLine.project_id, SettlementLine.stage).where(
        SettlementLine.sheet_id == sheet.id)).first()
    if line is None:
        return
    target = _correction_target(session, original, line[0], line[1], without=sheet.id)
    if target.so_far < 0:
        raise Conflict(
            f"correction {sheet.number} pays {sheet.amount} more, and the deductions made since "
            f"rely on it: without it the vendor's total on sheet {original.number} would stand "
            f"at {target.so_far}; void those deductions first",
            reason_code="correction_void_below_zero", number=str(sheet.number),
            amount=str(sheet.amount), original=str(original.number),
            so_far=str(target.so_far))
