"""The finance overview's speech cost per accepted hour divides what was recognised by the hours
of the orders it was recognised on (trial 17: one project's revenue was divided by the hours
accepted on every project, an order accepted in part but not yet recognised included)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.ledger.line_reports import speech_cost_per_hour
from datamill.ledger.orders import create_order
from datamill.ledger.recognition import process_acceptance_events
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    budgeted_custom_order,
    ledger_project,
    line,
)


def test_hours_of_unrecognised_orders_stay_out(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        contract_id, lp3, _budget = budgeted_custom_order(s, "cph", "cph-type3")
        from datamill.ledger.models import LedgerProject

        type3 = s.get(LedgerProject, lp3)
        assert type3 is not None
        whole = create_order(s, contract_id, "O-cph-type1", business_line="speech",
                             offering="custom", amount=Decimal("50000"), currency="CNY",
                             total_volume=Decimal("10"), volume_unit="hours",
                             acceptance_type=1).id
        pid1, lp1 = ledger_project(s, "cph-type1", whole)
        approvers = {u.username.removeprefix("ap-"): u.id for u in s.scalars(
            select(User).where(User.username.startswith("ap-")))}
        approved_budget(s, lp1, [line("collection", "data_service", "10", "50")], approvers)
        accept_delivery(s, monkeypatch, type3.production_project_id, "2", date(2018, 3, 5))
        accept_delivery(s, monkeypatch, pid1, "3", date(2018, 3, 6))  # a part of a whole order
        process_acceptance_events(s)
        u = speech_cost_per_hour(s, date(2018, 3, 1), date(2018, 3, 31))
    assert u.revenue == Decimal("20000.00")  # 2 of the type-3 order's 10 hours
    assert u.hours == Decimal("2")  # the type-1 order's 3 hours earned nothing yet
    assert u.price_per_hour == Decimal("10000.00")
