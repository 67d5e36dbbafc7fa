"""Trial 11, M4: a sheet price that differs from the purchase order's is flagged.

On the old code the purchase order said 50 h × 24.0000 and the sheet paid 21.5600/h, and
``GET /settlements/1/volume`` (``workforce procurement volume``) answered "ok": it matched the
volume only."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.workforce.procurement import create_request, decide_request
from datamill.workforce.purchase_orders import check_sheet_volume, create_purchase_order
from tests._cli import run_cli
from tests.known_issues import _vendor_world as vw
from tests.unit.workforce.test_procurement import _approvers, _sheet_of_ten


@pytest.mark.parametrize("ordered_price", ["1.50", None])
def test_a_sheet_price_off_the_purchase_order_is_flagged(
    runtime: Runtime, users: dict[str, User], ordered_price: str | None
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _approvers(s, admin)
        pid, v, sheet_id, _ = _sheet_of_ten(s, admin, users["insp"])  # 1.00 an item
        r = create_request(s, admin, department="speech", kind="labelling", stage="annotate",
                           modality="speech.asr", language_group="foreign", unit="item",
                           quantity="20", on=vw.WEEK, unit_price=ordered_price,
                           backdate_reason="paper request of the 2024 scene",
                           deviation_reason="scarce" if ordered_price else None)
        for role in r.chain:
            r = decide_request(s, ap[role], r.id)
        create_purchase_order(s, admin, request_id=r.id, vendor_id=v, project_id=pid,
                              quantity="20", on=vw.WEEK)
        [line] = check_sheet_volume(s, admin, sheet_id)
        assert line.ok  # the volume fits either way
        assert line.sheet_unit_prices == [Decimal("1.0000")]
        if ordered_price is None:
            assert line.price_ok and "PRICE" not in line.message
            return
        assert not line.price_ok and line.order_unit_prices == [Decimal("1.5000")]
        assert "PRICE differs: the sheet pays 1.0000 per item, the purchase orders 1.5000" in (
            line.message)
    r_cli = run_cli(runtime.settings.home, "workforce", "procurement", "volume", str(sheet_id),
                    "--as", "admin", DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    assert "PRICE" in r_cli.stdout and "1.5000" in r_cli.stdout, r_cli.stdout
    r_json = run_cli(runtime.settings.home, "workforce", "procurement", "volume", str(sheet_id),
                     "--as", "admin", "--json",
                     DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    [row] = json.loads(r_json.stdout)
    assert row["price_ok"] is False and row["order_unit_prices"] == ["1.5000"]
