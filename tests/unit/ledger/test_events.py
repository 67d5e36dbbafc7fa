"""Workforce costs reach the ledger through recorded domain events, exactly once.

Settlement sheets are confirmed and hour points booked through workforce's own services; the
ledger only reads the ``domain_events`` outbox (``sync_ledger`` / ``process_cost_events``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.ledger.events import book_cost_event, list_event_problems, sync_ledger
from datamill.ledger.models import LedgerCost, LedgerEventReceipt, LedgerProject
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.projects import open_ledger_project
from datamill.ledger.recognition import list_recognitions
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from datamill.workforce.hour_points import book_points
from datamill.workforce.models import SettlementLine, SettlementSheet
from datamill.workforce.settlement import confirm_sheet_by_business
from datamill.workforce.vendors import create_grade, create_vendor, register_worker
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    close_reviewed,
    ledger_project,
    line,
    make_approvers,
    production_project,
)

D = Decimal
PERIOD = date(2018, 3, 5)  # a Monday; weekly sheet, last day 2018-03-11


def confirmed_sheet(
    s: Session, admin: User, vendor_id: int, number: str, lines: list[tuple[int, str, str]],
) -> int:
    """A vendor-confirmed sheet with (project, stage, amount) lines, confirmed by the business
    through workforce's own service (which records the ``settlement.confirmed`` events).

    Drawn as sheets were before the fee became part of the price (PM/finance trial, 2026-12): gross = amount +
    fee, which the ledger books (and a correction of it pays) as it did then; a sheet drawn
    now has gross = amount (tests/known_issues/test_trial_fee_inside_price.py)."""
    vendor_fee = D("0.08")
    sheet = SettlementSheet(number=number, vendor_id=vendor_id, cycle="weekly",
                            period_start=PERIOD, period_end=date(2018, 3, 12),
                            status="vendor_confirmed")
    s.add(sheet)
    s.flush()
    total = D(0)
    for project_id, stage, amount in lines:
        s.add(SettlementLine(sheet_id=sheet.id, project_id=project_id, stage=stage, unit="hour",
                             quantity=D(1), unit_price=D(amount), amount=D(amount)))
        total += D(amount)
    sheet.amount, sheet.fee_rate = total, vendor_fee
    sheet.fee = (total * vendor_fee).quantize(D("0.01"))
    sheet.gross = sheet.net_payable = sheet.amount + sheet.fee
    s.flush()
    confirm_sheet_by_business(s, admin, sheet.id)
    return sheet.id


def custom_order(s: Session, number: str, amount: str = "100000", hours: str = "10",
                 *, unit: str = "hours", business_line: str = "speech") -> int:
    """A signed custom order of ``hours`` (its volume, in ``unit``: the unit of the project's
    modality it is linked to, which opening the project checks)."""
    cust = create_customer(s, f"cust-{number}", customer_type="big_tech", country="CN").id
    k = create_contract(s, f"K-{number}", customer_id=cust, kind="custom",
                        signed_on=date(2018, 1, 2)).id
    return create_order(s, k, number, business_line=business_line, offering="custom",
                        amount=D(amount), currency="CNY", total_volume=D(hours),
                        volume_unit=unit, acceptance_type=1).id


def _costs(s: Session) -> list[tuple[str, str, Decimal, str, str | None]]:
    return [(c.stage, c.category, c.amount, c.status, c.supplier)
            for c in s.scalars(select(LedgerCost).order_by(LedgerCost.id))]


def _scene(s: Session, users: dict[str, User]) -> dict[str, Any]:
    admin = users["admin"]
    ap = make_approvers(s)
    pp, lp = ledger_project(s, "events-p1", custom_order(s, "O-E1"))
    approved_budget(s, lp, [line("annotation", "data_service", "100", "30"),
                            line("collection", "data_service", "10", "50"),
                            line("staff", "labour", "1", "5000", "lot")], ap)
    vendor = create_vendor(s, admin, name="Acme Data", kind="company", fee_rate="0.08")
    create_grade(s, admin, "G3", "25")
    worker = register_worker(s, admin, users["ann1"], grade="G3")
    return {"pp": pp, "lp": lp, "vendor": vendor.id, "worker": worker.id, "ap": ap}


def test_sheet_and_points_become_costs_exactly_once(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users)
        # annotate: 1,000 + 500.50 (two workers) = 1,500.50, fee 120.04; collect: 200, fee 16
        confirmed_sheet(s, admin, sc["vendor"], "WF-E1", [
            (sc["pp"], "annotate", "1000.00"), (sc["pp"], "annotate", "500.50"),
            (sc["pp"], "collect", "200.00")])
        book_points(s, admin, sc["worker"], sc["pp"], "2018-03", "40")  # 40 × 25 = 1,000
        events = s.scalars(select(DomainEvent).where(DomainEvent.type.in_(
            ("settlement.confirmed", "hour_points.booked"))).order_by(DomainEvent.id)).all()
        assert [(e.type, e.payload.get("stage"), e.payload.get("amount", e.payload.get("cost")))
                for e in events] == [
            ("settlement.confirmed", "annotate", "1620.54"),
            ("settlement.confirmed", "collect", "216.00"),
            ("hour_points.booked", None, "1000.00"),
        ]
        assert events[0].payload["source_ref"] == f"settlement:WF-E1:{sc['pp']}:annotate"
    for _ in range(2):  # sync twice: booked once
        with runtime.session() as s:
            sync_ledger(s)
    with runtime.session() as s:
        assert _costs(s) == [
            ("annotation", "data_service", D("1620.54"), "posted", "Acme Data"),
            ("collection", "data_service", D("216.00"), "posted", "Acme Data"),
            ("staff", "labour", D("1000.00"), "posted", None),
        ]
        assert sum(c[2] for c in _costs(s)[:2]) == D("1836.54")  # = amount + fee of the sheet
        assert list_event_problems(s) == []
        # re-booking the month: only the increase is booked; the same figure again books nothing
        book_points(s, admin, sc["worker"], sc["pp"], "2018-03", "60")
        assert sync_ledger(s).costs.booked[0].amount == D("500.00")
        book_points(s, admin, sc["worker"], sc["pp"], "2018-03", "60")
        run = sync_ledger(s)
        assert run.costs.booked == [] and run.costs.skipped == 1
        assert sum(c[2] for c in _costs(s) if c[1] == "labour") == D("1500.00")
        # the customer accepts: the sync books costs first, so WIP carried includes them all
        accept_delivery(s, monkeypatch, sc["pp"], "10", date(2018, 4, 2))
        run = sync_ledger(s)
        assert run.acceptances is not None and run.acceptances.acceptances == 1
        assert run.acceptances.recognitions == []  # type 1: waits for final accounts
        close_reviewed(s, sc["lp"], date(2018, 4, 30), sc["ap"])
        assert [(r.revenue, r.cost) for r in list_recognitions(s)] == [
            (D("100000.00"), D("3336.54"))]
        assert sync_ledger(s).acceptances.recognitions == []  # type: ignore[union-attr]


def test_events_the_ledger_cannot_book_wait_with_their_reason(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        sc = _scene(s, users)
        orphan = production_project(s, "events-no-accounts")
        confirmed_sheet(s, admin, sc["vendor"], "WF-E2", [
            (orphan, "annotate", "100.00"),            # no ledger project
            (sc["pp"], "annotate", "5000.00"),         # over the 3,000 line
            (sc["pp"], "collect", "100.00")])          # fine
        book_points(s, admin, sc["worker"], orphan, "2018-03", "8")
        run = sync_ledger(s)  # never crashes; the good one is booked
        assert [c.amount for c in run.costs.booked] == [D("108.00")]
        reasons = {(p.project_id, p.event_type): p.reason for p in run.problems}
        assert "has no ledger project" in reasons[(orphan, "settlement.confirmed")]
        assert "has no ledger project" in reasons[(orphan, "hour_points.booked")]
        assert "over the budget line of 3000.00" in reasons[(sc["pp"], "settlement.confirmed")]
        over = next(p for p in run.problems if p.project_id == sc["pp"])
        assert over.amount == D("5400.00") and over.source_ref is not None
    with runtime.session() as s:  # still pending on the next run, attempts counted
        problems = sync_ledger(s).problems
        assert len(problems) == 3 and {p.attempts for p in problems} == {2}
        # the over-budget one is booked with a reason → awaits VP + finance head
        cost = book_cost_event(s, over.event_id, over_budget_reason="re-recording after QA")
        assert cost.status == "pending_approval" and cost.over_budget
        with pytest.raises(Conflict, match="already booked"):
            book_cost_event(s, over.event_id, over_budget_reason="again")
        # accounts opened for the orphan project: its events go through on the next sync
        lp2 = open_ledger_project(s, orphan, order_id=custom_order(s, "O-E2")).id
        approved_budget(s, lp2, [line("annotation", "data_service", "10", "20"),
                                 line("staff", "labour", "1", "1000", "lot")], sc["ap"])
        run = sync_ledger(s)
        assert sorted(c.amount for c in run.costs.booked) == [D("108.00"), D("200.00")]
        assert run.problems == []
        # a closed project refuses new costs; the event waits with the reason
        s.get(LedgerProject, lp2).status = "closed"  # type: ignore[union-attr]
        book_points(s, admin, sc["worker"], orphan, "2018-04", "8")
        assert "is closed" in sync_ledger(s).problems[0].reason
        n = s.scalar(select(func.count()).select_from(LedgerCost))
        # more accepted volume than the order holds: the acceptance waits, the run goes on
        accept_delivery(s, monkeypatch, sc["pp"], "11", date(2018, 4, 2))
        run = sync_ledger(s)
        assert run.acceptance_problem is None  # set aside on its own; the run went through
        assert any("above its total volume" in p.reason for p in run.problems)
        assert {p.event_type for p in run.problems} == {"hour_points.booked", "delivery.accepted"}
        assert s.scalar(select(func.count()).select_from(LedgerCost)) == n
        assert s.scalar(select(func.count()).select_from(LedgerEventReceipt)) == 6


def test_sync_over_the_api_and_the_cli(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from datamill.api.routers.ledger import router
    from datamill.cli import _common
    from datamill.cli.ledger import app as cli_app
    from datamill.server import create_app

    with runtime.session() as s:
        sc = _scene(s, users)
        orphan = production_project(s, "events-faces-orphan")
        confirmed_sheet(s, users["admin"], sc["vendor"], "WF-F1", [
            (sc["pp"], "annotate", "100.00"), (orphan, "annotate", "50.00")])
    app = create_app(runtime)
    if not any(getattr(r, "path", "") == "/api/v1/ledger/sync" for r in app.routes):
        app.include_router(router)
    with TestClient(app) as c:
        tok = c.post("/api/v1/auth/token", json={"username": "pm", "password": "password1"})
        pm = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        r = c.post("/api/v1/ledger/sync", headers=pm)
        assert r.status_code == 200, r.text
        assert [x["amount"] for x in r.json()["costs"]["booked"]] == ["108.00"]
        problems = c.get("/api/v1/ledger/events/problems", headers=pm).json()
        assert [p["amount"] for p in problems] == ["54.00"]
        assert c.post("/api/v1/ledger/sync", headers=pm).json()["costs"]["booked"] == []
        refused = c.post(f"/api/v1/ledger/events/{problems[0]['event_id']}/book", headers=pm,
                         json={"over_budget_reason": "x"})
        assert refused.status_code == 409 and "no ledger project" in refused.text
    monkeypatch.setattr(_common, "_runtime", [runtime])
    out = CliRunner().invoke(cli_app, ["sync", "--as", "pm"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())  # rich wraps long lines
    assert "0 costs booked" in text and "has no ledger project" in text
    out = CliRunner().invoke(cli_app, ["event-problems", "--as", "pm"])
    assert out.exit_code == 0 and f"event {problems[0]['event_id']}" in out.output
