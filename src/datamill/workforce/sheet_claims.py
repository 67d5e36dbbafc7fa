"""What the ledger needs to know of a settlement sheet to check it is the only way its work
is paid, both ways round (the ledger and workforce never import each other: the checks that
need both are :mod:`datamill.paid_once`'s).

* drawing a sheet: :func:`sheet_supplier` names what
  :func:`datamill.ledger.sheet_costs.require_no_vendor_claims` asks about the sheet;
* posting a data-service claim: :func:`claim_vendor` names the registered, qualified vendor
  the claim's supplier is (refusing any other, domain §5.2 / §6.4), and :func:`require_no_sheets`
  refuses a claim for work a sheet of the supplier already takes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.errors import Conflict, InvalidInput
from datamill.core.party_names import party_key
from datamill.db.lookup import get_or_raise
from datamill.workforce.models import SettlementLine, SettlementSheet, Vendor
from datamill.workforce.schemas import SettlementSheetOut

__all__ = ["NOT_A_VENDOR", "NOT_A_VENDOR_EN", "NOT_QUALIFIED", "NOT_QUALIFIED_EN", "PAID_BY_SHEET",
           "PAID_BY_SHEET_EN", "SheetRef", "claim_vendor", "require_no_sheets", "sheet_supplier",
           "sheets_paying"]

#: the refusal's ``reason_code`` and its English (the Conflict's message; :mod:`datamill.paid_once`
#: registers it, with its Chinese, in the words of the coded refusals,
#: :data:`datamill.modalities.problem_words.REASON_WORDS`)
PAID_BY_SHEET = "paid_by_sheet"
PAID_BY_SHEET_EN = (
    "Claim {source_ref}: {supplier} is already paid for work on this project by settlement "
    "sheet {sheet} ({sheet_status}, {period_start} to {last_day}). A vendor's work is paid "
    "either by claims or by settlement sheets, never both: leave this work to the sheet, or, "
    "to pay it by claim instead, take it off the sheet (once confirmed, a correction sheet of "
    "{sheet} down to zero for this project: POST /api/v1/settlements/{sheet_id}/corrections; "
    "or, while it is not paid, void the whole sheet: POST /api/v1/settlements/{sheet_id}/void); "
    "a claim for later work is dated after {last_day}, the sheet's last day.")

#: a data-service claim's supplier that is no registered vendor, or one off the qualified list
NOT_A_VENDOR = "supplier_not_vendor"
NOT_A_VENDOR_EN = (
    "Claim {source_ref}: the supplier {supplier} is not a registered vendor. A data-service "
    "claim names a vendor on the qualified-supplier list, as registered (datamill workforce "
    "vendors); register it first (datamill workforce vendor-add, then vendor-qualify). "
    "Qualified vendors: {qualified}.")
NOT_QUALIFIED = "supplier_not_qualified"
NOT_QUALIFIED_EN = (
    "Claim {source_ref}: vendor {supplier} is not on the qualified-supplier list: data services "
    "are bought only from qualified vendors; qualify it first (datamill workforce "
    "vendor-qualify {vendor_id} NOTE) or name a qualified one.")


def claim_vendor(session: Session, supplier: str, source_ref: str) -> str:
    """The registered name of the vendor a data-service claim names as ``supplier`` (matched
    by :func:`~datamill.core.party_names.party_key`: case, spacing, punctuation and a trailing
    "Co., Ltd." aside). Refused with ``reason_code`` :data:`NOT_A_VENDOR` (422) when no vendor
    has that name, :data:`NOT_QUALIFIED` (409) when the vendor is off the qualified list."""
    key = party_key(supplier)
    vendors = sorted((v for v in session.scalars(select(Vendor)) if party_key(v.name) == key),
                     key=lambda v: (not v.qualified, v.id)) if key else []
    if not vendors:
        qualified = sorted(session.scalars(select(Vendor.name).where(Vendor.qualified)))
        missing = {"supplier": supplier.strip(), "source_ref": source_ref,
                   "qualified": ", ".join(qualified[:10]) or "-"}
        raise InvalidInput(NOT_A_VENDOR_EN.format(**missing), field="supplier",
                           reason_code=NOT_A_VENDOR, **missing)
    vendor = vendors[0]
    if not vendor.qualified:
        details: dict[str, object] = {"supplier": vendor.name, "source_ref": source_ref,
                                      "vendor_id": vendor.id}
        raise Conflict(NOT_QUALIFIED_EN.format(**details), field="supplier",
                       reason_code=NOT_QUALIFIED, **details)
    return vendor.name


def sheet_supplier(
    session: Session, sheet: SettlementSheetOut
) -> tuple[str, str, set[int], date]:
    """(the vendor's name as a claim's supplier, the sheet's number, its production
    projects, its period's end)."""
    vendor = get_or_raise(session, Vendor, sheet.vendor_id, "vendor")
    projects = {ln.project_id for ln in sheet.lines if ln.project_id is not None}
    return vendor.name, sheet.number, projects, sheet.period_end


@dataclass(frozen=True)
class SheetRef:
    """A settlement sheet as a refused claim names it; ``period_end`` is exclusive."""

    id: int
    number: str
    status: str
    period_start: date
    period_end: date
    #: what the sheet (with its corrections) pays for the project's work
    amount: Decimal


def sheets_paying(
    session: Session, supplier: str, project_id: int, incurred_on: date
) -> list[SheetRef]:
    """The settlement sheets of the vendor named ``supplier`` (case and outer spaces aside)
    that pay for work on the production project ``project_id`` accepted before a claim dated
    ``incurred_on`` could be for: those whose period ends after that day (a sheet takes all the
    vendor's unpaid work accepted before its period's end). Every sheet counts, a draft
    included, unless its corrections took what it pays for the project to zero; a voided sheet
    (and a voided correction) pays nothing and never counts. The vendor is the one whose name
    has the supplier's :func:`~datamill.core.party_names.party_key` (case, spacing,
    punctuation and a trailing "Co., Ltd." aside)."""
    name = party_key(supplier)
    if not name:
        return []
    vendor_ids = [vid for vid, vname in session.execute(select(Vendor.id, Vendor.name))
                  if party_key(vname) == name]
    if not vendor_ids:
        return []
    rows = session.execute(
        select(SettlementSheet, SettlementLine.amount)
        .join(SettlementLine, SettlementLine.sheet_id == SettlementSheet.id)
        .where(SettlementSheet.vendor_id.in_(vendor_ids),
               SettlementLine.project_id == project_id,
               SettlementSheet.status != "voided",  # a voided sheet pays nothing
               SettlementSheet.period_end > incurred_on)
        .order_by(SettlementSheet.id)).all()
    paid: dict[int, Decimal] = defaultdict(Decimal)
    roots: dict[int, SettlementSheet] = {}
    for sheet, amount in rows:
        root = sheet.corrects_sheet_id or sheet.id
        paid[root] += amount
        if sheet.corrects_sheet_id is None:
            roots[root] = sheet
    for root in set(paid) - set(roots):  # a correction whose sheet is outside the query
        roots[root] = get_or_raise(session, SettlementSheet, root, "settlement sheet")
    return [SheetRef(s.id, s.number, s.status, s.period_start, s.period_end, paid[s.id])
            for s in sorted(roots.values(), key=lambda s: s.id) if paid[s.id] > 0]


def require_no_sheets(
    session: Session, supplier: str, project_id: int, incurred_on: date, source_ref: str
) -> None:
    """Refuse the data-service claim ``source_ref`` of ``supplier`` on production project
    ``project_id`` dated ``incurred_on`` while a settlement sheet of that vendor pays its work
    (:func:`sheets_paying`): the same work would be paid twice. The twin of
    :func:`datamill.ledger.sheet_costs.require_no_vendor_claims`, which refuses the sheet
    when the claim came first; the same claim-and-sheet pair is refused either way round."""
    sheets = sheets_paying(session, supplier, project_id, incurred_on)
    if not sheets:
        return
    first = sheets[0]
    last_day = first.period_end - timedelta(days=1)
    details = {"supplier": supplier.strip(), "project_id": project_id, "source_ref": source_ref,
               "sheet_id": first.id, "sheet": first.number, "sheet_status": first.status,
               "period_start": first.period_start.isoformat(),
               "last_day": last_day.isoformat(), "sheets": [s.number for s in sheets]}
    message = PAID_BY_SHEET_EN.format(**details)
    if len(sheets) > 1:
        message += " It is paid by the sheets " + "; ".join(
            f"{s.number} ({s.status}, {s.period_start} to {s.period_end - timedelta(days=1)}, "
            f"{s.amount} for this project)" for s in sheets) + "."
    raise Conflict(message, reason_code=PAID_BY_SHEET, **details)
