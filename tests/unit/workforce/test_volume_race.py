"""Two settlement sheets of one vendor confirmed at once against one purchase order (defect
found by a trial, round h6).

The vendor's order leaves 15 items for the project's annotation; a sheet of week 1 settles 10
and a sheet of week 2 settles 10. Each alone fits, both together do not. On PostgreSQL the two
business confirmations each locked only their own sheet, both read "15 remaining" before the
other committed, and both went through: 20 items settled against 15 ordered. Now the volume
check locks the vendor first, so the second confirmation sees the first's 10 and is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Inspection
from datamill.runtime import Runtime
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.models import SettlementSheet
from datamill.workforce.purchase_orders import create_purchase_order
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_settlement_sheet,
)
from datamill.workforce.vendors import register_worker
from tests.known_issues import _vendor_world as vw
from tests.unit.ledger.races import pg_runtime, race
from tests.unit.workforce.test_procurement import _approved_item_request, _approvers


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def _accept_week(s: Session, pid: int, inspector: User, week: int) -> None:
    """Batch the reviewed items and accept them by inspection in week ``week`` (0: vw.WEEK)."""
    batch = create_batch(s, pid, limit=10_000)
    insp = start_inspection(s, batch.id, inspector)
    for smp in insp.sample:
        record_correction(s, insp.id, smp["item_id"], vw.TEXT)
    assert complete_inspection(s, insp.id, inspector).verdict == "accepted"
    s.execute(update(Inspection).where(Inspection.id == insp.id)
              .values(completed_at=vw.ACCEPTED_AT + timedelta(days=7 * week)))


def _confirm(s: Session, admin_id: int, sheet_id: int) -> None:
    admin = s.get(User, admin_id)
    assert admin is not None
    confirm_sheet_by_business(s, admin, sheet_id)


def test_two_sheets_at_once_never_settle_beyond_the_purchase_order(
    pg: tuple[Runtime, str],
) -> None:
    rt, _url = pg
    with rt.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        inspector = create_user(s, "insp", "password1", "inspector")
        ap = _approvers(s, admin)
        pid = vw.project(s, n_items=20, package_size=10)
        v = vw.vendor(s, admin, "vendor-race")
        vw.price(s, admin)
        mgr = vw.person(s, "race-mgr")
        register_worker(s, admin, mgr, vendor_id=v, is_manager=True)
        alice, _ = vw.worker(s, admin, pid, "race-alice", v)
        for p in vw.packages(s, pid):
            hand_package_to_vendor(s, admin, p.id, v)
        sheets = []
        for week in (0, 1):
            for _ in range(10):
                assert vw.claim_and_submit(s, alice, pid) is not None
            _accept_week(s, pid, inspector, week)
            sheet = create_settlement_sheet(s, admin, v, vw.WEEK + timedelta(days=7 * week))
            assert sheet.amount == Decimal("10.00"), sheet
            confirm_sheet_by_vendor(s, mgr, sheet.id)
            sheets.append(sheet.id)
        req = _approved_item_request(s, admin, ap, "15")
        create_purchase_order(s, admin, request_id=req, vendor_id=v, project_id=pid,
                              quantity="15", on=vw.WEEK)
        admin_id = admin.id
    got = race(rt, [(_confirm, (admin_id, sheets[0])), (_confirm, (admin_id, sheets[1]))])
    assert got == ["Conflict", "ok"], got
    with rt.session() as s:
        statuses = sorted(s.scalars(select(SettlementSheet.status)
                                    .where(SettlementSheet.id.in_(sheets))))
        assert statuses == ["confirmed", "vendor_confirmed"]
