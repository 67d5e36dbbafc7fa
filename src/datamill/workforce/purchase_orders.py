"""Framework agreements, purchase orders and volume matching of settlement sheets (§5.2).

* A **framework agreement** (框架协议) holds a vendor's period, settlement method, terms and
  price list; it is approved **once**, by a ``procurement`` approver, and is fixed from then on.
* A **purchase order** goes to one qualified vendor for one project and stage, drawn from an
  approved purchase request (never more than the request's quantity in all), optionally under
  the vendor's approved agreement valid on the order day.
* **Volume matching:** when the business confirms a settlement sheet, each project × stage of
  the sheet must fit in what the vendor's purchase orders for that project and stage still
  leave (ordered − already confirmed or settled). A line beyond it is refused with a message
  naming the ordered, settled and remaining volume. A project the vendor has no purchase order
  for at all is reported (``has_purchase_order`` false) but not refused, so sheets of work bought
  before procurement was recorded still settle.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.money import to_cents
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, id_is, lock_or_raise
from datamill.db.session import append_lock
from datamill.workforce.models import SettlementLine, SettlementSheet, Vendor
from datamill.workforce.policies import require_business, require_procurement_reader
from datamill.workforce.procurement import MAX_QUANTITY, approval_role, charged_project
from datamill.workforce.procurement_models import (
    FrameworkAgreement,
    PurchaseOrder,
    PurchaseRequest,
)
from datamill.workforce.procurement_schemas import (
    AgreementOut,
    PurchaseOrderOut,
    VolumeLineOut,
)
from datamill.workforce.vendors import to_decimal

__all__ = [
    "approve_agreement",
    "check_sheet_volume",
    "create_agreement",
    "create_purchase_order",
    "enforce_sheet_volume",
    "list_agreements",
    "list_purchase_orders",
]

_Q4 = Decimal("0.0001")
_PRICE_KEYS = ("stage", "modality", "language_group", "unit", "unit_price")
#: sheets whose volume counts as settled against the purchase orders
_COUNTED = ("confirmed", "settled")


def create_agreement(
    session: Session, actor: User, *, vendor_id: int, number: str, valid_from: date,
    valid_to: date, prices: list[dict[str, Any]], terms: str = "",
    settlement_method: str = "weekly",
) -> AgreementOut:
    """Record a vendor's framework agreement (draft until procurement approves it)."""
    require_business(actor, "record framework agreements")
    check_note(terms, "terms", most=2000)  # procurement's signers read them: no bidi (h1)
    get_or_raise(session, Vendor, vendor_id, "vendor")
    number = number.strip()
    if not number or len(number) > 64:
        raise InvalidInput("agreement number must be 1 to 64 characters", field="number",
                           reason_code="agreement_number_length")
    if not settlement_method.strip() or len(settlement_method) > 32:
        raise InvalidInput("settlement method must be 1 to 32 characters",
                           field="settlement_method",
                           reason_code="settlement_method_length")
    if valid_to < valid_from:
        raise InvalidInput(f"agreement period {valid_from}..{valid_to} ends before it starts",
                           field="valid_to",
                           reason_code="agreement_period_order", valid_from=str(valid_from),
                           valid_to=str(valid_to))
    if session.scalar(select(FrameworkAgreement.id).where(FrameworkAgreement.number == number)):
        raise Conflict(f"framework agreement {number} already exists",
                       reason_code="agreement_exists", number=str(number))
    clean: list[dict[str, str]] = []
    for i, p in enumerate(prices):
        missing = [k for k in _PRICE_KEYS if not str(p.get(k, "")).strip()]
        if missing:
            raise InvalidInput(f"price {i + 1} lacks {', '.join(missing)}", field="prices",
                               reason_code="agreement_price_fields", value=str(i + 1),
                               value_2=', '.join(missing))
        price = to_decimal(p["unit_price"], "unit_price")
        if not price.is_finite() or not 0 < price <= MAX_QUANTITY or price != price.quantize(_Q4):
            raise InvalidInput(f"price {i + 1}: unit price {price} must be positive with at "
                               "most 4 decimals", field="prices",
                               reason_code="agreement_price_form", value=str(i + 1),
                               price=str(price))
        clean.append({k: str(p[k]).strip() for k in _PRICE_KEYS[:-1]} | {"unit_price": str(price)})
    row = FrameworkAgreement(
        number=number, vendor_id=vendor_id, valid_from=valid_from, valid_to=valid_to,
        settlement_method=settlement_method, terms=terms, prices=clean, created_by=actor.id,
    )
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="procurement.agreement.created",
                 object_type="framework_agreement", object_id=row.id,
                 data={"number": number, "vendor_id": vendor_id, "prices": len(clean)})
    return AgreementOut.model_validate(row)


def approve_agreement(session: Session, actor: User, agreement_id: int) -> AgreementOut:
    """Approved once, by procurement; a second approval is refused, and so is the approval of
    whoever recorded the agreement (segregation of duties, ``own_approval``: its prices are
    what the vendor is paid, so a second person signs them). Anyone but procurement is refused
    first, before the agreement is read (its number and state are not told)."""
    role = approval_role(session, actor)
    if role != "procurement":
        raise Forbidden(f"framework agreements are approved by procurement; "
                        f"{actor.username!r} is {role or 'no procurement approver'}",
                        reason_code="agreement_approver_role", username=str(actor.username),
                        value=str(role or 'no procurement approver'))
    row = get_or_raise(session, FrameworkAgreement, agreement_id, "framework agreement")
    if row.status == "approved":
        raise Conflict(f"framework agreement {row.number} was already approved; "
                       "an agreement is approved once",
                       reason_code="agreement_approved_already", number=str(row.number))
    if row.created_by is not None and row.created_by == actor.id:
        subject = f"framework agreement {row.number}"
        raise Forbidden(f"{actor.username} recorded {subject}: whoever records it never "
                        "approves it (segregation of duties): another procurement approver "
                        "signs", reason_code="own_approval", subject=subject,
                        user=actor.username, did="recorded")
    row.status, row.approved_by, row.approved_at = "approved", actor.id, utcnow()
    session.flush()
    record_audit(session, actor_id=actor.id, action="procurement.agreement.approved",
                 object_type="framework_agreement", object_id=row.id,
                 data={"number": row.number})
    return AgreementOut.model_validate(row)


def list_agreements(session: Session, actor: User, vendor_id: int | None = None
                    ) -> list[AgreementOut]:
    require_procurement_reader(session, actor, "read framework agreements")
    q = select(FrameworkAgreement).order_by(FrameworkAgreement.id)
    if vendor_id is not None:
        q = q.where(id_is(FrameworkAgreement.vendor_id, vendor_id))
    return [AgreementOut.model_validate(a) for a in session.scalars(q)]


def _settled(session: Session, vendor_id: int, project_id: int, stage: str,
             exclude_sheet: int | None = None) -> Decimal:
    q = (select(func.coalesce(func.sum(SettlementLine.quantity), 0))
         .join(SettlementSheet, SettlementSheet.id == SettlementLine.sheet_id)
         .where(SettlementSheet.vendor_id == vendor_id, SettlementSheet.status.in_(_COUNTED),
                SettlementLine.project_id == project_id, SettlementLine.stage == stage,
                SettlementLine.unit != ADJUSTMENT))
    if exclude_sheet is not None:
        q = q.where(SettlementSheet.id != exclude_sheet)
    return Decimal(session.scalar(q) or 0)


def _po_out(session: Session, po: PurchaseOrder) -> PurchaseOrderOut:
    out = PurchaseOrderOut.model_validate(po)
    ordered = _ordered(session, po.vendor_id, po.project_id, po.stage)
    settled = _settled(session, po.vendor_id, po.project_id, po.stage)
    out.settled_quantity = settled  # vendor × project × stage, across its open orders
    out.remaining_quantity = max(ordered - settled, Decimal(0))
    return out


def _ordered(session: Session, vendor_id: int, project_id: int, stage: str) -> Decimal:
    return Decimal(session.scalar(
        select(func.coalesce(func.sum(PurchaseOrder.quantity), 0)).where(
            PurchaseOrder.vendor_id == vendor_id, PurchaseOrder.project_id == project_id,
            PurchaseOrder.stage == stage, PurchaseOrder.status == "open"))
        or 0)


#: the unit of a settlement correction's one line (an amount, no volume)
ADJUSTMENT = "adjustment"


#: the advisory lock (PostgreSQL) that serialises new purchase orders
_ORDER_LOCK = 0x64_6D_70_6F  # "dmpo"


def _check_order_day(on: date, req: PurchaseRequest) -> None:
    """An order is dated between its request's day and today: dated ahead, or back before the
    request it orders against, it could be slipped into a framework agreement's validity (an
    expired agreement's, or one not yet in force)."""
    today = business_today()
    if on > today:
        raise InvalidInput(f"a purchase order is dated today ({today}) or earlier, not {on}",
                           field="on", reason_code="order_future", on=on.isoformat(),
                           today=today.isoformat())
    if req.requested_on is not None and on < req.requested_on:
        raise InvalidInput(
            f"a purchase order is dated on or after its request {req.number} "
            f"({req.requested_on}), not {on}", field="on", reason_code="order_before_request",
            on=on.isoformat(), request=req.number, requested_on=req.requested_on.isoformat())


def create_purchase_order(
    session: Session, actor: User, *, request_id: int, vendor_id: int, project_id: int,
    quantity: object, agreement_id: int | None = None, on: date | None = None,
) -> PurchaseOrderOut:
    """Order from a qualified vendor against an approved request (within its quantity)."""
    require_business(actor, "place purchase orders")
    on = on or business_today()
    # orders placed at once: numbered one after the other (the count + 1), and each sees the
    # quantity the others ordered against the request (whose row is locked for its status)
    append_lock(session, _ORDER_LOCK)
    req = lock_or_raise(session, PurchaseRequest, request_id, "purchase request")
    if req.status != "approved":
        raise Conflict(f"purchase request {req.number} is {req.status}; orders are placed only "
                       "against an approved request (dept. manager → VP → procurement)",
                       reason_code="request_not_approved", number=str(req.number),
                       req_status=str(req.status))
    vendor = get_or_raise(session, Vendor, vendor_id, "vendor")
    if not vendor.qualified:
        raise Conflict(f"vendor {vendor.name!r} is not on the qualified-supplier list",
                       reason_code="po_vendor_not_qualified", vendor_name=str(vendor.name))
    if req.vendor_id is not None and req.vendor_id != vendor_id:
        raise InvalidInput(f"request {req.number} is for vendor {req.vendor_id}, not {vendor_id}",
                           field="vendor_id",
                           reason_code="request_other_vendor", number=str(req.number),
                           vendor_id=req.vendor_id, vendor_id_2=str(vendor_id))
    if req.project_id is not None and req.project_id != project_id:
        raise InvalidInput(f"request {req.number} is for project {req.project_id}, "
                           f"not {project_id}", field="project_id",
                           reason_code="request_other_project", number=str(req.number),
                           project_id=req.project_id, project_id_2=str(project_id))
    charged_project(session, actor, project_id)
    _check_order_day(on, req)
    qty = to_decimal(quantity, "quantity")
    if not qty.is_finite() or not 0 < qty <= MAX_QUANTITY or qty != qty.quantize(_Q4):
        raise InvalidInput(f"quantity {qty} must be positive with at most 4 decimals",
                           field="quantity",
                           reason_code="po_quantity_form", qty=str(qty))
    ordered = Decimal(session.scalar(
        select(func.coalesce(func.sum(PurchaseOrder.quantity), 0))
        .where(PurchaseOrder.request_id == req.id)) or 0)
    if ordered + qty > req.quantity:
        raise Conflict(f"request {req.number} approved {req.quantity} {req.unit}; {ordered} are "
                       f"already ordered, so {qty} more would exceed it",
                       reason_code="po_over_request", number=str(req.number),
                       quantity=str(req.quantity), unit=str(req.unit), ordered=str(ordered),
                       qty=str(qty))
    if agreement_id is not None:
        ag = get_or_raise(session, FrameworkAgreement, agreement_id, "framework agreement")
        if ag.vendor_id != vendor_id or ag.status != "approved":
            raise Conflict(f"framework agreement {ag.number} is not an approved agreement of "
                           f"vendor {vendor_id}",
                           reason_code="agreement_not_vendors", number=str(ag.number),
                           vendor_id=vendor_id)
        if not ag.valid_from <= on <= ag.valid_to:
            raise Conflict(f"framework agreement {ag.number} runs {ag.valid_from}.."
                           f"{ag.valid_to}, not on {on}",
                           reason_code="agreement_not_valid_on", number=str(ag.number),
                           valid_from=str(ag.valid_from), valid_to=str(ag.valid_to), on=str(on))
    n = int(session.scalar(select(func.count()).select_from(PurchaseOrder)) or 0) + 1
    po = PurchaseOrder(
        number=f"PO-{on.year}-{n:05d}", vendor_id=vendor_id, project_id=project_id,
        request_id=req.id, agreement_id=agreement_id, stage=req.stage, unit=req.unit,
        quantity=qty, unit_price=req.unit_price,
        amount=to_cents(qty * req.unit_price), created_by=actor.id,
    )
    session.add(po)
    session.flush()
    record_audit(session, actor_id=actor.id, action="procurement.order.created",
                 object_type="purchase_order", object_id=po.id, project_id=project_id,
                 data={"number": po.number, "request": req.number, "vendor_id": vendor_id,
                       "quantity": str(qty), "amount": str(po.amount)})
    return _po_out(session, po)


def list_purchase_orders(
    session: Session, actor: User, *, vendor_id: int | None = None,
    project_id: int | None = None,
) -> list[PurchaseOrderOut]:
    require_procurement_reader(session, actor, "read purchase orders")
    q = select(PurchaseOrder).order_by(PurchaseOrder.id)
    if vendor_id is not None:
        q = q.where(id_is(PurchaseOrder.vendor_id, vendor_id))
    if project_id is not None:
        q = q.where(id_is(PurchaseOrder.project_id, project_id))
    return [_po_out(session, p) for p in session.scalars(q)]


def _order_prices(
    session: Session, vendor_id: int, project_id: int, stage: str, unit: str
) -> list[Decimal]:
    """The unit prices of the vendor's purchase orders for a project × stage in ``unit``."""
    return sorted(set(session.scalars(select(PurchaseOrder.unit_price).where(
        PurchaseOrder.vendor_id == vendor_id, PurchaseOrder.project_id == project_id,
        PurchaseOrder.stage == stage, PurchaseOrder.unit == unit))))


def _volume(session: Session, sheet: SettlementSheet) -> list[VolumeLineOut]:
    groups: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    prices: dict[tuple[int, str, str], set[Decimal]] = defaultdict(set)
    for ln in session.scalars(select(SettlementLine).where(
            SettlementLine.sheet_id == sheet.id, SettlementLine.project_id.is_not(None),
            # a correction's line counts no volume (its amount is bounded by the sheet it
            # corrects, whose volume was matched): "adjustment" matched no order's unit, so
            # every correction of a vendor under purchase orders was refused
            SettlementLine.unit != ADJUSTMENT)):
        groups[(int(ln.project_id or 0), ln.stage or "", ln.unit)] += ln.quantity
        if ln.amount >= 0:  # a correction's adjustment line has no price of its own
            prices[(int(ln.project_id or 0), ln.stage or "", ln.unit)].add(ln.unit_price)
    out: list[VolumeLineOut] = []
    for (project_id, stage, unit), qty in sorted(groups.items()):
        has_po = session.scalar(select(PurchaseOrder.id).where(
            PurchaseOrder.vendor_id == sheet.vendor_id, PurchaseOrder.project_id == project_id
        ).limit(1)) is not None
        units = set(session.scalars(select(PurchaseOrder.unit).where(
            PurchaseOrder.vendor_id == sheet.vendor_id, PurchaseOrder.project_id == project_id,
            PurchaseOrder.stage == stage)))
        ordered = _ordered(session, sheet.vendor_id, project_id, stage)
        settled = _settled(session, sheet.vendor_id, project_id, stage, exclude_sheet=sheet.id)
        remaining = ordered - settled
        where = f"project {project_id} stage {stage}"
        if not has_po:
            ok, msg = True, f"{where}: no purchase order for this vendor and project (not matched)"
        elif units and unit not in units:
            ok, msg = False, (f"{where}: the sheet counts {unit} but the purchase orders count "
                              f"{', '.join(sorted(units))}")
        elif qty > remaining:
            ok, msg = False, (f"{where}: the sheet settles {qty} {unit} but the purchase orders "
                              f"leave {max(remaining, Decimal(0))} ({ordered} ordered, {settled} "
                              "already settled); order more or correct the sheet")
        else:
            ok, msg = True, (f"{where}: {qty} {unit} within the {remaining} the purchase orders "
                             "leave")
        paid = sorted(prices[(project_id, stage, unit)])
        order_prices = _order_prices(session, sheet.vendor_id, project_id, stage, unit)
        price_ok = not order_prices or set(paid) <= set(order_prices)
        if not price_ok:
            msg += (f"; PRICE differs: the sheet pays {', '.join(map(str, paid))} per {unit}, "
                    f"the purchase orders {', '.join(map(str, order_prices))}: check the price "
                    "system or the order before confirming")
        out.append(VolumeLineOut(
            project_id=project_id, stage=stage, unit=unit, sheet_quantity=qty,
            ordered_quantity=ordered, settled_before=settled, remaining_before=remaining,
            has_purchase_order=has_po, ok=ok, message=msg, sheet_unit_prices=paid,
            order_unit_prices=order_prices, price_ok=price_ok, order_units=sorted(units)))
    return out


def check_sheet_volume(session: Session, actor: User, sheet_id: int) -> list[VolumeLineOut]:
    """Each project × stage of a settlement sheet against the vendor's purchase orders."""
    require_business(actor, "match settlement volume against purchase orders")
    sheet = get_or_raise(session, SettlementSheet, sheet_id, "settlement sheet")
    return _volume(session, sheet)


def enforce_sheet_volume(session: Session, sheet: SettlementSheet) -> None:
    """Refuse a sheet whose volume goes beyond what the purchase orders leave.

    The vendor's row is locked first: two sheets of one vendor confirmed at once are matched
    one after the other, the second seeing the first's volume as settled (on PostgreSQL both
    read the orders' remaining volume before either committed and together exceeded it).
    """
    lock_or_raise(session, Vendor, sheet.vendor_id, "vendor")
    bad = [v for v in _volume(session, sheet) if not v.ok]
    if bad:
        raise Conflict(f"settlement sheet {sheet.number} exceeds its purchase orders: "
                       + "; ".join(v.message for v in bad),
                       lines=[v.model_dump(mode="json") for v in bad],
                       reason_code="sheet_over_purchase_orders", number=sheet.number,
                       value="; ".join(v.message for v in bad))
