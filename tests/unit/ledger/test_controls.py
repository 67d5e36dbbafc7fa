"""Refusals (with the reason, nothing changed), approvals, impairment, quotes, depreciation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.budgets import approve_budget, create_budget, submit_budget
from datamill.ledger.costs import (
    approve_over_budget_cost,
    depreciation_amount,
    post_cost,
    submit_expense_claim,
)
from datamill.ledger.events import list_event_problems
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.impairment import run_impairment_test
from datamill.ledger.journal import journal_lines
from datamill.ledger.models import LedgerAcceptance, LedgerCost, LedgerRecognition
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.projects import change_project_type, open_ledger_project
from datamill.ledger.quotes import quote_from_budget
from datamill.ledger.recognition import (
    list_recognitions,
    process_acceptance_events,
    record_final_acceptance,
)
from datamill.runtime import Runtime
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
ON = date(2018, 3, 31)


def _order(s, amount: str = "100000", acceptance_type: int = 1, volume: str = "100") -> int:  # type: ignore[no-untyped-def]
    cust = create_customer(s, f"C{amount}{acceptance_type}{volume}", customer_type="big_tech",
                           country="CN")
    k = create_contract(s, f"K{amount}{acceptance_type}{volume}", customer_id=cust.id,
                        kind="custom", signed_on=date(2018, 1, 1))
    return create_order(s, k.id, f"O{amount}{acceptance_type}{volume}", business_line="speech",
                        offering="custom", amount=D(amount), currency="CNY",
                        total_volume=D(volume), volume_unit="hours",
                        acceptance_type=acceptance_type).id


def test_order_and_project_refusals(runtime: Runtime) -> None:
    with runtime.session() as s:
        cust = create_customer(s, "X", customer_type="ai_company", country="US")
        k = create_contract(s, "K-USD", customer_id=cust.id, kind="custom", currency="USD",
                            signed_on=date(2018, 1, 1))
        with pytest.raises(InvalidInput, match="does not match contract K-USD's currency USD"):
            create_order(s, k.id, "O-bad", business_line="speech", offering="custom",
                         amount=D(1000), currency="EUR", total_volume=D(1), volume_unit="hours",
                         acceptance_type=1, fx_rate=D(7))
        with pytest.raises(InvalidInput, match="needs fx_rate"):
            create_order(s, k.id, "O-norate", business_line="speech", offering="custom",
                         amount=D(1000), currency="USD", total_volume=D(1), volume_unit="hours",
                         acceptance_type=1)
        with pytest.raises(TypeError, match="never float"):
            create_order(s, k.id, "O-float", business_line="speech", offering="custom",
                         amount=1000.5, currency="USD", total_volume=D(1),  # type: ignore[arg-type]
                         volume_unit="hours", acceptance_type=1, fx_rate=D(7))
        oid = _order(s)
        _, lp = ledger_project(s, "first", oid)
        second = production_project(s, "second")
        with pytest.raises(Conflict, match="one performance order → exactly one project"):
            open_ledger_project(s, second, order_id=oid)
        with pytest.raises(Conflict, match="fixed at creation"):
            change_project_type(s, lp, "product_development")
        rd = production_project(s, "rd", "product_development")
        with pytest.raises(InvalidInput, match="has no performance order"):
            open_ledger_project(s, rd, order_id=_order(s, "5"))


def test_approval_chain_order_roles_and_levels(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _, lp = ledger_project(s, "p", _order(s, "100000"))
        # budget 90,000 on 100,000 → margin 10 % (abnormal, < 20 %) → 4 levels
        b = submit_budget(s, create_budget(s, lp, [line("collection", "data_service", "300",
                                                        "300")]).id)
        assert b.required_levels == 4 and "margin" in b.level_reasons[0]
        with pytest.raises(Forbidden, match=r"awaits level 1 of 4 \(dept_manager\)"):
            approve_budget(s, b.id, ap["vp"])  # out of order
        b = approve_budget(s, b.id, ap["dept_manager"])
        with pytest.raises(Forbidden, match="ap-cfo is cfo"):
            approve_budget(s, b.id, ap["cfo"])  # wrong role for level 2
        with pytest.raises(Conflict, match="no approved budget"):
            post_cost(s, lp, "collection", "data_service", D(10), "x", incurred_on=ON)
        for role in ("vp", "finance_reviewer"):
            b = approve_budget(s, b.id, ap[role])
        assert b.status == "submitted" and b.next_role == "finance_manager"
        b = approve_budget(s, b.id, ap["finance_manager"])
        assert b.status == "approved"
        # a major project needs the CFO as well
        _, major = ledger_project(s, "major", _order(s, "200000"), is_major=True)
        assert submit_budget(s, create_budget(s, major, [
            line("collection", "data_service", "400", "300")]).id).required_levels == 5


def test_costs_over_budget_closed_project_and_acceptance_limits(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = _order(s, "100000", acceptance_type=2)
        pp, lp = ledger_project(s, "p", oid)
        approved_budget(s, lp, [line("collection", "data_service", "200", "250")], ap)  # 50,000
        submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=D(180),
                             unit_price=D(250), claim_no="1", incurred_on=ON)
        with pytest.raises(InvalidInput, match=r"over the budget line of 50000\.00"):
            submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=D(40),
                                 unit_price=D(250), claim_no="2", incurred_on=ON)
        with pytest.raises(InvalidInput, match="CNY"):
            post_cost(s, lp, "collection", "data_service", D(1), "usd", incurred_on=ON,
                      currency="USD")
        over = submit_expense_claim(s, lp, stage="collection", supplier="V", quantity=D(40),
                                    unit_price=D(250), claim_no="2", incurred_on=ON,
                                    over_budget_reason="re-recording after noisy studio")
        assert over.status == "pending_approval"
        with pytest.raises(Forbidden, match="finance_head"):
            approve_over_budget_cost(s, over.id, ap["finance_head"])  # VP signs first
        approve_over_budget_cost(s, over.id, ap["vp"])
        accept_delivery(s, monkeypatch, pp, "100", date(2018, 4, 2))
        with pytest.raises(Conflict, match="still await over-budget approval"):
            process_acceptance_events(s)
            review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        assert approve_over_budget_cost(s, over.id, ap["finance_head"]).status == "posted"
        close_reviewed(s, lp, date(2018, 4, 30), ap)
        recs = s.scalars(select(LedgerRecognition).order_by(LedgerRecognition.id)).all()
        assert [(r.basis, r.revenue, r.cost, r.recognised_on) for r in recs] == [
            # type 1: acceptance report + final accounts, so recognised at closing with the
            # whole WIP (the approved over-budget cost included)
            ("final_acceptance", D(100000), D(55000), date(2018, 4, 30)),
        ]
        with pytest.raises(Conflict, match="is closed"):
            post_cost(s, lp, "collection", "data_service", D(1), "late", incurred_on=ON)
    with runtime.session() as s:
        oid3 = _order(s, "30000", acceptance_type=3, volume="10")
        pp3, lp3 = ledger_project(s, "p3", oid3)
        approved_budget(s, lp3, [line("collection", "data_service", "10", "1000")],
                        {r: i for r, i in _approvers(s).items()})
        accept_delivery(s, monkeypatch, pp3, "6", date(2018, 5, 1))
        accept_delivery(s, monkeypatch, pp3, "5", date(2018, 5, 2))  # 11 h > 10 h
        before = s.scalar(select(func.count()).select_from(LedgerAcceptance))
    with runtime.session() as s:  # the 5 h above the order is set aside; the 6 h go through
        run = process_acceptance_events(s)
        assert run.acceptances == 1
        assert s.scalar(select(func.count()).select_from(LedgerAcceptance)) == before + 1
        assert s.scalar(select(func.count()).select_from(LedgerRecognition)) == 2
        [problem] = list_event_problems(s)
        assert "above its total volume 10" in problem.reason


def _approvers(s):  # type: ignore[no-untyped-def]
    from datamill.ledger.models import LedgerApprover

    return {a.approval_role: a.user_id for a in s.scalars(select(LedgerApprover))}


def test_impairment_example_and_reversal_limit(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        _, lp = ledger_project(s, "imp", _order(s, "800000"))
        approved_budget(s, lp, [line("collection", "data_service", "1000", "700")], ap,
                        approved_on=date(2018, 1, 2))  # the books exist by the period end
        post_cost(s, lp, "collection", "data_service", D(500000), "big", incurred_on=ON)
        with pytest.raises(InvalidInput, match="reasoning"):
            run_impairment_test(s, lp, ON, cost_to_complete=D(350000))
        t1 = run_impairment_test(s, lp, ON, cost_to_complete=D(350000), taxes=D(10000),
                                 reason="vendor price rise")
        assert (t1.wip, t1.nrv, t1.provision, t1.change) == (D(500000), D(440000), D(60000),
                                                             D(60000))
        t2 = run_impairment_test(s, lp, date(2018, 4, 30), cost_to_complete=D(200000),
                                 taxes=D(10000), reason="re-estimated")
        assert (t2.provision, t2.change) == (D(0), D(-60000))  # back only what was provided
        lines = journal_lines(s, date(2018, 1, 1), date(2018, 12, 31))
        assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines)
        assert sum(ln.debit - ln.credit for ln in lines if ln.account == "6701") == 0


def test_quote_depreciation_and_final_acceptance_below_total(
    runtime: Runtime,
) -> None:
    assert depreciation_amount(30, D(36500)) == D("3000.00")
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = _order(s, "100000", acceptance_type=2)
        _, lp = ledger_project(s, "q", oid)
        draft = create_budget(s, lp, [line("collection", "data_service", "200", "300")])
        q = quote_from_budget(s, draft.id, D("0.40"))
        assert (q.price_excl_vat, q.vat, q.price_incl_vat) == (D("100000.00"), D("6000.00"),
                                                               D("106000.00"))
        submit_budget(s, draft.id)
        for role in ("dept_manager", "vp", "finance_reviewer"):
            approve_budget(s, draft.id, ap[role])
        post_cost(s, lp, "collection", "data_service", D(1000), "a", incurred_on=ON)
        # type 2: the acceptance report alone recognises nothing; final accounts complete it
        assert record_final_acceptance(s, oid, date(2018, 4, 1)) is None
        with pytest.raises(Conflict, match="already accepted"):
            record_final_acceptance(s, oid, date(2018, 4, 2))
        close_reviewed(s, lp, date(2018, 4, 1), ap)
        assert [(r.revenue, r.cost) for r in list_recognitions(s, oid)] == [
            (D(100000), D(1000))]
        assert s.scalar(select(func.count()).select_from(LedgerCost)) == 1
