"""The image project's accounts in the demo: what ``demo-image`` earns and what it cost.

The speech projects of the money story (:mod:`datamill.demo.money_demo`) have ledger projects;
so does the image one, the same way, once its delivery is accepted: a vision customer and a
custom contract (approved for price and signing) with one **type-3** order measured in
**images** (the image modality's volume unit) for the accepted images × :data:`IMAGE_PRICE`,
the project's accounts opened against that order, a budget approved at its levels, the scene
photography claimed, the vendor's labelling paid by its settlement sheet (its workers, alice and
bob, annotated the images; a vendor's work is paid by sheet or by claim, never both, as
:mod:`datamill.paid_once` holds for every face; a claim pays it only where the vendor's workers
did not), and the ledger synced: the customer's acceptance of the images recognises the
revenue and carries the cost, so the finance pages show the project's margin (about 45 %).

Runs after :func:`~datamill.demo.money_demo.run_money_demo` in the full demo (whose finance
approvers it reuses); on its own it registers them.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from datamill.business_clock import business_today
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import to_cents
from datamill.demo._suppliers import qualified_supplier
from datamill.ledger.budgets import register_approver
from datamill.ledger.events import sync_ledger
from datamill.ledger.models import LedgerApprover, LedgerRecognition
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.projects import open_ledger_project
from datamill.paid_once import draw_sheet, pay_sheet, submit_claim
from datamill.production.models import Delivery
from datamill.runtime import Runtime
from datamill.workforce.models import Vendor
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
)

__all__ = ["IMAGE_CUSTOMER", "IMAGE_PRICE", "LABEL_IMAGE", "PHOTO_IMAGE", "run_image_money_demo"]

#: per accepted image (boxes, faces and OCR lines on street scenes and signs), custom service
IMAGE_PRICE = Decimal("11.00")
#: the scene photography, per image, from a field supplier
PHOTO_IMAGE = Decimal("4.50")
PHOTOGRAPHER = "Road Vision Fleet Co."
#: the vendor's labelling per image: annotate + review at the price system's 0.80 each
LABEL_IMAGE = Decimal("1.60")
VENDOR = "Huayu Data Services"
IMAGE_CUSTOMER = "Shenzhen Smart Mobility Co."


def _accepted_images(s: Any, project_id: int) -> Decimal:
    """The images the customer accepted (one image is one unit of the image modality)."""
    return Decimal(int(s.scalar(select(func.coalesce(func.sum(Delivery.accepted_items), 0))
                                .where(Delivery.project_id == project_id)) or 0))


class _OtherWork(Exception):
    """The sheet would pay work on another project than the images'."""


def _vendor_sheet(s: Any, admin: Any, today: date, project_id: int) -> SettlementSheetOut | None:
    """The vendor's settlement sheet for its labelling of the images (its workers annotated
    them), drawn up for the next week (this week's sheet is confirmed already) and confirmed
    by both sides; None when the vendor or its unpaid work is not there, or when that work
    lies on other projects too (the text project's, which has no books: the sheet could not
    be paid), where a claim pays the images instead."""
    from datamill.demo.money_demo import _person

    vendor = s.scalars(select(Vendor).where(Vendor.name == VENDOR)).first()
    if vendor is None:
        return None
    monday = today + timedelta(days=7 - today.weekday())
    try:
        with s.begin_nested():  # undone whole when it holds other projects' work
            sheet = draw_sheet(s, admin, vendor.id, monday)  # a refusal: nothing half-drawn
            if {line.project_id for line in sheet.lines} - {project_id}:
                raise _OtherWork
    except Conflict:  # nothing of the vendor's accepted and unpaid
        return None
    except InvalidInput:  # its unpaid work includes a kind the price system does not price
        return None  # (the full demo's point clouds): a claim pays the images instead
    except _OtherWork:
        return None
    confirm_sheet_by_vendor(s, _person(s, "huayu-lead", "annotator"), sheet.id)
    return confirm_sheet_by_business(s, admin, sheet.id)


def _approvers(s: Any, admin_id: int) -> dict[str, int]:
    """The ledger's approvers by role: the money story's people, registered when missing."""
    from datamill.demo.money_demo import PEOPLE, _person

    ap: dict[str, int] = {}
    registered = {a.user_id: a.approval_role for a in s.scalars(select(LedgerApprover))}
    for name, role in PEOPLE:
        if role == "procurement":
            continue
        user = _person(s, name)
        if registered.get(user.id) != role:
            register_approver(s, user.id, role, actor_id=admin_id)
        ap[role] = user.id
    return ap


def run_image_money_demo(rt: Runtime, project_id: int) -> list[str]:
    """Open and book the image project's accounts (see the module docstring); returns what it
    did, line by line. Nothing when none of its images was accepted."""
    from datamill.demo.money_demo import (
        _approved_budget,
        _levels,
        _line,
        _name,
        _person,
        signed_contract,
    )

    lines: list[str] = []
    say = lines.append
    today = business_today()
    with rt.session() as s:
        images = _accepted_images(s, project_id)
        if images <= 0:
            say(f"{_name(s, project_id)}: no accepted images, no accounts opened")
            return lines
        admin, pm = _person(s, "admin", "admin"), _person(s, "pm")
        ap = _approvers(s, admin.id)
        amount = to_cents(images * IMAGE_PRICE)
        cust = create_customer(s, IMAGE_CUSTOMER, customer_type="ai_company", country="CN",
                               credit_grade="2", actor_id=pm.id)
        k = signed_contract(s, f"K-{today:%y%m%d}-IMG", cust.id, amount, ap, pm.id, today)
        order = create_order(s, k.id, f"O-{today:%y%m%d}-IMG", business_line="vision",
                             offering="custom", amount=amount, currency="CNY",
                             total_volume=images, volume_unit="images", acceptance_type=3,
                             actor_id=pm.id)
        say(f"contract {k.number} with {cust.name} signed: type-3 order {order.number} "
            f"{images} images × {IMAGE_PRICE} = {amount}")
        lp = open_ledger_project(s, project_id, order_id=order.id, actor_id=pm.id).id
        budget = _approved_budget(s, lp, [
            _line("collection", "data_service", images, str(PHOTO_IMAGE), "images"),
            _line("annotation", "data_service", images, str(LABEL_IMAGE), "images")], ap)
        say(f"{_name(s, project_id)}: ledger project opened on {order.number}, budget "
            f"{budget.total} {_levels(budget)}")
        claims = [("collection", PHOTOGRAPHER, PHOTO_IMAGE, "PHOTO")]
        sheet = _vendor_sheet(s, admin, today, project_id)
        if sheet is None:  # the vendor's workers did not label these images: a claim pays it
            claims.append(("annotation", VENDOR, LABEL_IMAGE, "LABEL"))
        for stage, supplier, price, claim in claims:
            cost = submit_claim(s, lp, stage=stage,
                                supplier=qualified_supplier(s, pm, supplier), quantity=images,
                                unit_price=price, claim_no=f"{claim}-{today:%y%m%d}-IMG",
                                incurred_on=today, actor_id=pm.id)
            say(f"{stage} claim {supplier}: {images} images × {price} = {cost.amount}")
        sync_ledger(s, actor_id=ap["finance_reviewer"])
        if sheet is not None:  # paid by its sheet only, never by a claim as well
            pay_sheet(s, admin, sheet.id, reference=f"BANK-{sheet.number}", paid_on=today)
            say(f"{VENDOR}'s labelling paid by settlement sheet {sheet.number} (gross "
                f"{sheet.gross}, booked on the annotation line), not by a claim as well")
        revenue, carried = (Decimal(v or 0) for v in s.execute(select(
            func.sum(LedgerRecognition.revenue), func.sum(LedgerRecognition.cost))
            .where(LedgerRecognition.order_id == order.id)).one())
        margin = f"{(revenue - carried) / revenue:.1%}" if revenue else "n/a"
        say(f"ledger sync: customer acceptance of {images} images recognised revenue {revenue},"
            f" cost {carried}, gross margin {margin}")
    return lines
