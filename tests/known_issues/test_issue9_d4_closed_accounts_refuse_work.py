"""Issue 9, defect 4: once final accounts close a project, the workforce refuses hour points and
settlement lines for it at the source (naming the project), instead of leaving permanent pending
events in the ledger. The fact travels through production (``accounts_closed_on``)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.ledger.events import sync_ledger
from datamill.production.models import DomainEvent, Project
from datamill.production.projects import accounts_closed_on, close_project_accounts
from datamill.runtime import Runtime
from datamill.workforce.hour_points import book_points
from datamill.workforce.models import SettlementSheet
from datamill.workforce.settlement import create_settlement_sheet
from datamill.workforce.vendors import create_grade, create_vendor, register_worker
from tests.unit.ledger.helpers import (
    approved_budget,
    close_reviewed,
    ledger_project,
    line,
    make_approvers,
)
from tests.unit.ledger.test_events import confirmed_sheet, custom_order
from tests.unit.workforce.test_settlement_properties import _build

CLOSED = r"project 'd4-closed' \(id \d+\) has its accounts closed \(final accounts on 2018-03-31\)"


def _events(s) -> int:  # type: ignore[no-untyped-def]
    return int(s.scalar(select(func.count()).select_from(DomainEvent)) or 0)


def test_hour_points_and_sheets_refused_after_final_accounts(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        pp, lp = ledger_project(s, "d4-closed", custom_order(s, "O-D4"))
        approved_budget(s, lp, [line("annotation", "data_service", "100", "30"),
                                line("staff", "labour", "1", "5000", "lot")], ap)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3")
        book_points(s, admin, worker.id, pp, "2018-03", "8")  # accounts open: fine
        sync_ledger(s)  # final accounts refuse to close while events are pending
        close_reviewed(s, lp, date(2018, 3, 31), ap)
        assert accounts_closed_on(s, pp) == date(2018, 3, 31)
        before = _events(s)
        with pytest.raises(Conflict, match=CLOSED + ": it accepts no more hour points"):
            book_points(s, admin, worker.id, pp, "2018-04", "8")
        vendor = create_vendor(s, admin, name="Acme D4", kind="company", fee_rate="0.08")
        with pytest.raises(Conflict, match=CLOSED + ": it accepts no more settlement lines"):
            confirmed_sheet(s, admin, vendor.id, "WF-D4", [(pp, "annotate", "100.00")])
        assert _events(s) == before  # nothing reached the ledger's outbox


def test_settlement_sheet_not_drawn_for_closed_project(runtime: Runtime) -> None:
    with runtime.session() as s:
        vendor_id, _, _ = _build(s, [("accepted", 0, 0, 3_600_000)])
        project = s.scalars(select(Project).where(Project.name == "p")).one()
        close_project_accounts(s, project.id, date(2024, 5, 7))
        with pytest.raises(Conflict, match=r"project 'p' .*accounts closed.*settlement lines"):
            create_settlement_sheet(s, s.scalars(select(User).where(
                User.username == "boss")).one(), vendor_id, date(2024, 5, 6))
        assert s.scalar(select(func.count()).select_from(SettlementSheet)) == 0
