"""A correction of a sheet matched against purchase orders can be confirmed (h5).

A correction's one line counts no volume (unit ``adjustment``, quantity 1): confirming it for
the business matched it against the vendor's purchase orders like any sheet, and a vendor
with orders for the project (which count hours or items, never "adjustment") was refused
every correction ("the sheet counts adjustment but the purchase orders count item"), a
deduction as well as an addition, and its "quantity 1" was counted as one more item settled
against the orders. A correction's adjustment line is now left out of the volume matching;
its amount is bounded by the corrected sheet (its volume was matched when it was confirmed).
"""

from __future__ import annotations

from decimal import Decimal

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.workforce.purchase_orders import check_sheet_volume, create_purchase_order
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_correction_sheet,
)
from tests.known_issues import _vendor_world as vw
from tests.unit.workforce.test_procurement import (
    _approved_item_request,
    _approvers,
    _sheet_of_ten,
)


def test_a_correction_of_a_sheet_under_purchase_orders_is_confirmed(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        ap = _approvers(s, admin)
        pid, v, sheet_id, mgr = _sheet_of_ten(s, admin, users["insp"])
        req = _approved_item_request(s, admin, ap, "20")
        create_purchase_order(s, admin, request_id=req, vendor_id=v, project_id=pid,
                              quantity="10", on=vw.WEEK)
        confirm_sheet_by_vendor(s, mgr, sheet_id)
        assert confirm_sheet_by_business(s, admin, sheet_id).status == "confirmed"
        less = create_correction_sheet(s, admin, sheet_id, "-2.00", "two items re-measured")
        assert check_sheet_volume(s, admin, less.id) == []  # no volume to match
        confirm_sheet_by_vendor(s, mgr, less.id)
        assert confirm_sheet_by_business(s, admin, less.id).status == "confirmed"
        more = create_correction_sheet(s, admin, sheet_id, "1.00", "one item under-counted")
        confirm_sheet_by_vendor(s, mgr, more.id)
        assert confirm_sheet_by_business(s, ap["vp"], more.id).status == "confirmed"
        # the orders' remaining volume counts the sheet's ten items, not the corrections' lines
        [line] = check_sheet_volume(s, admin, sheet_id)
        assert line.settled_before == Decimal(0) and line.ordered_quantity == Decimal(10)
    finally:
        s.rollback()
        s.close()
