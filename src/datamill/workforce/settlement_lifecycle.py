"""A drawn settlement sheet's way to payment: draft → vendor_confirmed → confirmed → settled.

The vendor's manager confirms a draft first (:func:`confirm_sheet_by_vendor`); the business then
confirms it (:func:`confirm_sheet_by_business`: the volume is matched against the purchase
orders, the sheet becomes immutable, and the ledger is told its cost, one ``settlement.confirmed``
event per project × stage, ``settlement.reduced`` where a correction takes a cost down); finance
records the bank transfer (:func:`settle_sheet`: a ``settlement.paid`` event). Drawing a sheet is
:mod:`datamill.workforce.settlement`; correcting one, :mod:`datamill.workforce.settlement_corrections`.

A correction that **pays more** (a positive amount typed by a person, not accepted volume × price)
is confirmed for the business by someone other than the person who made it (segregation of
duties, ``own_approval``): before, a project manager could create +1.60 "two images under-counted"
and confirm it himself, so one person decided and approved an extra payment. A deduction, which
only lowers what the company pays, may be confirmed by its maker.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.money import to_cents
from datamill.production.models import DomainEvent
from datamill.workforce._sheets import (
    require_projects_open,
    sheet_out,
    sheet_project_ids,
    sheet_row,
)
from datamill.workforce.models import SettlementLine, SettlementSheet, Vendor
from datamill.workforce.policies import managed_vendor_id, require_business, require_payer
from datamill.workforce.purchase_orders import enforce_sheet_volume
from datamill.workforce.schemas import SettlementSheetOut

__all__ = ["SETTLED_COST", "confirm_sheet_by_business", "confirm_sheet_by_vendor",
           "record_cost_events", "settle_sheet"]

#: the event that tells the ledger a confirmed sheet's cost (one per project × stage)
SETTLED_COST = "settlement.confirmed"


def confirm_sheet_by_vendor(session: Session, actor: User, sheet_id: int) -> SettlementSheetOut:
    """The vendor's manager confirms the sheet first."""
    sheet = sheet_row(session, sheet_id, lock=True, viewer=actor)
    if managed_vendor_id(session, actor) != sheet.vendor_id:
        raise Forbidden(
            f"only the manager of vendor {sheet.vendor_id} may confirm sheet {sheet.number} "
            "on the vendor's side; the business names one (datamill workforce worker-manager "
            "WORKER, PUT /api/v1/workers/{id}/manager)", reason_code="vendor_manager_only",
            vendor_id=sheet.vendor_id, number=sheet.number)
    if sheet.status != "draft":
        raise Conflict(f"sheet {sheet.number} is {sheet.status}; the vendor confirms a draft only",
                       reason_code="vendor_confirm_not_draft", number=str(sheet.number),
                       sheet_status=str(sheet.status))
    require_projects_open(session, sheet_project_ids(session, sheet))
    sheet.status = "vendor_confirmed"
    sheet.vendor_confirmed_by = actor.id
    sheet.vendor_confirmed_at = utcnow()
    record_audit(
        session,
        actor_id=actor.id,
        action="settlement.vendor_confirmed",
        object_type="settlement_sheet",
        object_id=sheet.id,
        data={"number": sheet.number},
    )
    session.flush()
    return sheet_out(session, sheet)


def record_cost_events(session: Session, sheet: SettlementSheet, *, reverse: bool = False) -> None:
    """Tell the ledger: one ``settlement.confirmed`` event per project × stage (its amount,
    the management fee's part of it pro rata in ``fee``);
    ``settlement.reduced`` where a correction takes the project × stage's cost down.
    ``reverse`` (voiding a confirmed sheet, :mod:`datamill.workforce.settlement_void`): the
    same events with the opposite amounts, so the ledger takes back exactly what it booked."""
    groups: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    # the settled quantity and its unit (hour, item ...), where a group's lines share one unit:
    # the ledger books it with the cost, so plan variance compares planned and actual volume
    quantities: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    units: dict[tuple[int, str], set[str]] = defaultdict(set)
    for ln in session.scalars(select(SettlementLine).where(
            SettlementLine.sheet_id == sheet.id, SettlementLine.project_id.is_not(None))):
        key = (int(ln.project_id or 0), ln.stage or "")
        groups[key] += ln.amount
        quantities[key] += ln.quantity
        units[key].add(ln.unit)
    fees = {k: to_cents(v * sheet.fee_rate) for k, v in groups.items()}
    if fees:  # rounding remainder on the last line, so the fee shares add up to the sheet's
        fees[max(fees)] += sheet.fee - sum(fees.values())
    # the fee is part of the all-in amount (:func:`~datamill.workforce._sheets.sheet_totals`);
    # a sheet drawn before that rule paid it on top (gross = amount + fee), and voiding it
    # takes back exactly what it booked
    on_top = sheet.gross != sheet.amount
    vendor = session.get(Vendor, sheet.vendor_id)
    sign, tag = (-1, ":void") if reverse else (1, "")
    for (project_id, stage), amount in sorted(groups.items()):
        fee = fees[(project_id, stage)]
        total, fee = sign * (amount + (fee if on_top else 0)), sign * fee
        # a deduction (a negative correction) is recorded as ``settlement.reduced``: the ledger
        # books it as a credit on the project × stage's cost (never as a negative new cost)
        kind = "settlement.reduced" if total < 0 else SETTLED_COST
        session.add(DomainEvent(type=kind, project_id=project_id, payload={
            "source_ref": f"settlement:{sheet.number}{tag}:{project_id}:{stage}",
            "sheet_id": sheet.id, "sheet_number": sheet.number, "stage": stage,
            "amount": str(total), "fee": str(fee),
            "currency": "CNY", "vendor_id": sheet.vendor_id,
            "supplier": vendor.name if vendor else str(sheet.vendor_id),
            "incurred_on": (sheet.period_end - timedelta(days=1)).isoformat(),
            **({"quantity": str(sign * quantities[(project_id, stage)]),
                "unit": next(iter(units[(project_id, stage)]))}
               if len(units[(project_id, stage)]) == 1 else {}),
            **({"voided": True} if reverse else {})}))


def confirm_sheet_by_business(session: Session, actor: User, sheet_id: int) -> SettlementSheetOut:
    """The business confirms after the vendor; the sheet is immutable from here on."""
    require_business(actor, "confirm settlement sheets")
    sheet = sheet_row(session, sheet_id, lock=True)
    if sheet.status == "draft":
        raise Conflict(
            f"vendor has not confirmed sheet {sheet.number} yet; the vendor confirms first",
            reason_code="vendor_confirm_first", number=str(sheet.number),
        )
    if sheet.status != "vendor_confirmed":
        raise Conflict(f"sheet {sheet.number} is already {sheet.status}",
                       reason_code="sheet_state_already", number=str(sheet.number),
                       sheet_status=str(sheet.status))
    if sheet.kind == "correction" and sheet.amount > 0 and sheet.created_by == actor.id:
        what = f"correction sheet {sheet.number}"
        raise Forbidden(f"{actor.username} created {what}: whoever creates, submits, posts or "
                        "requests it never signs its approvals (segregation of duties): a "
                        "second person confirms it for the business", reason_code="own_approval",
                        subject=what, user=actor.username, did="created")
    require_projects_open(session, sheet_project_ids(session, sheet))
    enforce_sheet_volume(session, sheet)  # volume matching against the purchase orders
    sheet.status = "confirmed"
    sheet.confirmed_by = actor.id
    sheet.confirmed_at = utcnow()
    record_cost_events(session, sheet)
    record_audit(
        session,
        actor_id=actor.id,
        action="settlement.confirmed",
        object_type="settlement_sheet",
        object_id=sheet.id,
        data={"number": sheet.number, "net_payable": str(sheet.net_payable)},
    )
    session.flush()
    return sheet_out(session, sheet)


def settle_sheet(
    session: Session,
    actor: User,
    sheet_id: int,
    *,
    method: str = "bank_transfer",
    reference: str = "",
    paid_on: date | None = None,
) -> SettlementSheetOut:
    """Record payment of a sheet confirmed by both sides (bank transfer only, never cash).

    Finance pays (:func:`~datamill.workforce.policies.require_payer`; the business side that
    confirmed the volume may still record it). A ``settlement.paid`` event tells the ledger,
    which journals the payment (the payable its costs booked is cleared: net to the bank, the
    income tax withheld to taxes payable)."""
    require_payer(session, actor, "record the payment of settlement sheets")
    sheet = sheet_row(session, sheet_id, lock=True)
    if sheet.status == "settled":
        raise Conflict(f"sheet {sheet.number} was already settled on "
                       f"{business_day(sheet.settled_at) if sheet.settled_at else '?'}",
                       reason_code="sheet_settled_already", number=str(sheet.number),
                       value=str(business_day(sheet.settled_at) if sheet.settled_at else '?'))
    if sheet.status != "confirmed":
        raise Conflict(
            f"sheet {sheet.number} is {sheet.status}; only a sheet confirmed by the vendor "
            "and the business can be settled",
            reason_code="settle_not_confirmed", number=str(sheet.number),
            sheet_status=str(sheet.status),
        )
    if sheet.net_payable < 0:
        raise Conflict(
            f"sheet {sheet.number} has a negative net payable ({sheet.net_payable}): it is a "
            f"recovery of {-sheet.net_payable} from the vendor, not a payment; it is taken off "
            "the vendor's next sheets as they are drawn, it cannot be settled",
            reason_code="settle_negative_net", number=str(sheet.number),
            net_payable=str(sheet.net_payable), value=str(-sheet.net_payable),
        )
    if method != "bank_transfer":
        raise InvalidInput(
            f"payment method {method!r} is not allowed; vendors are paid by bank transfer",
            reason_code="payment_method_bank", method=str(method),
        )
    if not reference.strip():
        raise InvalidInput("give the bank transfer reference", field="reference",
                           reason_code="transfer_reference_missing")
    sheet.status = "settled"
    sheet.settled_by = actor.id
    sheet.settled_at = utcnow()
    sheet.payment_ref = reference.strip()
    session.add(DomainEvent(type="settlement.paid", project_id=None, payload={
        "sheet_id": sheet.id, "sheet_number": sheet.number, "vendor_id": sheet.vendor_id,
        "gross": str(sheet.gross), "tax_withheld": str(sheet.tax_withheld),
        "net_payable": str(sheet.net_payable), "reference": sheet.payment_ref,
        "paid_on": (paid_on or business_day(sheet.settled_at)).isoformat()}))
    record_audit(
        session,
        actor_id=actor.id,
        action="settlement.settled",
        object_type="settlement_sheet",
        object_id=sheet.id,
        data={
            "number": sheet.number,
            "net_payable": str(sheet.net_payable),
            "reference": sheet.payment_ref,
        },
    )
    session.flush()
    return sheet_out(session, sheet)
