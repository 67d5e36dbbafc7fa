"""PM/finance trial, 2026-12 (2): the management fee was added on top of the price system's price.

A budget from ``budget-plan`` used the price system's 20.47/h; the settlement sheet of the same
hours paid 20.47/h **plus** the vendor's fee (gross 45.65 for a budgeted 40.94), so every
vendor sheet ran over its budget line. Domain §5.3: *vendor price = worker cost + management
fee; the price system holds the all-in price*. One rule now: a sheet pays accepted volume × the
price system's price; its ``fee`` is the management fee's part **of** that amount (shown, never
added), ``gross`` = ``amount``, and the ledger books the amount. A budgeted line and its
settlement agree to the cent.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.budget_plan import create_budget_from_plan, plan_variance
from datamill.ledger.budgets import approve_budget, submit_budget
from datamill.ledger.events import sync_ledger
from datamill.ledger.models import LedgerCost
from datamill.ledger.projects import open_ledger_project
from datamill.production.models import DomainEvent, Project
from datamill.runtime import Runtime
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_settlement_sheet,
    sheet_html,
)
from datamill.workforce.vendors import register_worker
from tests.unit.ledger.helpers import make_approvers
from tests.unit.ledger.test_events import custom_order
from tests.unit.workforce.test_settlement_properties import WEEKS, _build

D = Decimal


def test_a_budgeted_line_and_its_settlement_agree_to_the_cent(runtime: Runtime) -> None:
    with runtime.session() as s:
        # two workers' hour each at the price system's 20.47/h; the vendor's fee is 11.5 %
        vendor_id, _, _ = _build(s, [("accepted", 0, 0, 3_600_000),
                                     ("accepted", 1, 0, 3_600_000)])
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        project = s.scalars(select(Project).where(Project.name == "p")).one()
        ap = make_approvers(s)
        lp = open_ledger_project(s, project.id, order_id=custom_order(s, "O-FEE")).id
        budget = create_budget_from_plan(s, lp, deliverable="2", loss_rate="0",
                                         output_ratio="1", on=WEEKS[0],
                                         collection_price="10")
        planned = next(ln for ln in budget.lines if ln.stage == "annotate")
        assert (planned.quantity, planned.unit_price, planned.amount) == (
            D("2"), D("20.47"), D("40.94"))
        b = submit_budget(s, budget.id)
        while b.status == "submitted":
            assert b.next_role is not None
            b = approve_budget(s, b.id, ap[b.next_role])

        sheet = create_settlement_sheet(s, boss, vendor_id, WEEKS[0])
        assert sheet.amount == planned.amount  # 2 h × 20.47, the budget's price
        assert sheet.gross == D("40.94")  # was 45.65: 40.94 + the fee on top
        assert sheet.fee == D("4.71")  # 11.5 % of 40.94: the part of it that is the fee
        assert sheet.fee_rate == D("0.115")
        assert sheet.net_payable == D("40.94")
        page = sheet_html(s, boss, sheet.id, "zh-CN")
        assert "其中：管理费" in page and "应付合计（含管理费）" in page

        lead = create_user(s, "lead", "password1", "annotator")
        register_worker(s, boss, lead, vendor_id=vendor_id, is_manager=True)
        confirm_sheet_by_vendor(s, lead, sheet.id)
        confirm_sheet_by_business(s, boss, sheet.id)
        (event,) = [e.payload for e in s.scalars(select(DomainEvent).where(
            DomainEvent.type == "settlement.confirmed"))]
        assert (event["amount"], event["fee"]) == ("40.94", "4.71")
        sync_ledger(s)
        (cost,) = s.scalars(select(LedgerCost).where(LedgerCost.project_id == lp))
        assert (cost.amount, cost.status, cost.over_budget) == (D("40.94"), "posted", False)
        (stage,) = [v for v in plan_variance(s, lp).stages if v.stage == "annotate"]
        assert stage.planned_amount == stage.actual_amount == D("40.94")
        assert stage.variance == 0 and stage.status == "within"
        # the hours the sheet settled, against the 2 planned (trial h1: 0, the event had none)
        assert (stage.actual_quantity, stage.planned_quantity) == (D("2"), D("2"))
        assert (event["quantity"], event["unit"]) == ("2.0000", "hour")


def test_a_sheet_drawn_with_the_fee_on_top_is_taken_back_as_booked(runtime: Runtime) -> None:
    """A sheet drawn before the rule (gross = amount + fee) and voided after it: the ledger
    takes back what it booked, fee included."""
    from datamill.workforce.models import SettlementSheet
    from datamill.workforce.settlement import void_sheet

    with runtime.session() as s:
        vendor_id, _, _ = _build(s, [("accepted", 0, 0, 3_600_000)])
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        project = s.scalars(select(Project).where(Project.name == "p")).one()
        open_ledger_project(s, project.id, order_id=custom_order(s, "O-OLD"))
        sheet = create_settlement_sheet(s, boss, vendor_id, WEEKS[0])
        row = s.get(SettlementSheet, sheet.id)
        assert row is not None
        row.gross = row.net_payable = row.amount + row.fee  # as the old rule drew it
        lead = create_user(s, "lead", "password1", "annotator")
        register_worker(s, boss, lead, vendor_id=vendor_id, is_manager=True)
        confirm_sheet_by_vendor(s, lead, sheet.id)
        confirm_sheet_by_business(s, boss, sheet.id)
        void_sheet(s, boss, sheet.id, "drawn twice")
        amounts = [D(e.payload["amount"]) for e in s.scalars(
            select(DomainEvent).where(DomainEvent.type.like("settlement.%"))
            .order_by(DomainEvent.id))]
        assert amounts == [D("22.82"), D("-22.82")]  # 20.47 + 2.35 (11.5 %), both ways
