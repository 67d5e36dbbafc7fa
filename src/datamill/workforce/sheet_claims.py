"""What the ledger needs to know of a settlement sheet to check it is the only way its work
is paid (see :func:`datamill.ledger.sheet_costs.require_no_vendor_claims`; the ledger and
workforce never import each other, the faces pass this on)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from datamill.db.lookup import get_or_raise
from datamill.workforce.models import Vendor
from datamill.workforce.schemas import SettlementSheetOut

__all__ = ["sheet_supplier"]


def sheet_supplier(
    session: Session, sheet: SettlementSheetOut
) -> tuple[str, str, set[int], date]:
    """(the vendor's name as a claim's supplier, the sheet's number, its production
    projects, its period's end)."""
    vendor = get_or_raise(session, Vendor, sheet.vendor_id, "vendor")
    projects = {ln.project_id for ln in sheet.lines if ln.project_id is not None}
    return vendor.name, sheet.number, projects, sheet.period_end
