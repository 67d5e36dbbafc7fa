"""Found by a trial user (finance clerk): a type-3 batch carried the estimate × completion to
cost of sales even when less had been spent, so work in progress went negative.

WIP is an inventory (domain §6.6: opening + incurred − carried = closing); the carry of a batch
is now capped at what WIP holds, and the shortfall follows with the next batch or at final
accounts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from datamill.compliance.models import AuditRecord
from datamill.ledger._balances import wip_balance
from datamill.ledger.costs import post_cost
from datamill.ledger.models import LedgerProject
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.recognition import list_recognitions, process_acceptance_events, type3_step
from datamill.ledger.reports import monthly_summary, wip_rollforward
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    close_reviewed,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal


def test_a_batch_never_carries_more_than_the_wip_holds(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "C-CAP", customer_type="big_tech", country="CN")
        k = create_contract(s, "K-CAP", customer_id=cust.id, kind="custom",
                            signed_on=date(2018, 1, 1))
        oid = create_order(s, k.id, "O-CAP", business_line="speech", offering="custom",
                           amount=D(1000), currency="CNY", total_volume=D(10),
                           volume_unit="hours", acceptance_type=3).id
        pp, lp = ledger_project(s, "p-cap", oid)
        approved_budget(s, lp, [line("annotation", "data_service", "10", "60")], ap)  # 600
        post_cost(s, lp, "annotation", "data_service", D(100), "claim:cap-1",
                  incurred_on=date(2018, 3, 1), supplier="V")
        # 40 % accepted: the estimate says carry 240, but only 100 was spent
        accept_delivery(s, monkeypatch, pp, "4", date(2018, 3, 10))
        process_acceptance_events(s)
        project = s.get(LedgerProject, lp)
        assert project is not None
        assert [r.cost for r in list_recognitions(s, oid)] == [D(100)]  # was 240: WIP −140
        assert wip_balance(s, project) == 0
        capped = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.recognition.carry_capped")).one()
        assert capped.data["estimated_carry"] == "240.00" and capped.data["carried"] == "100.00"
        assert "more than the WIP holds" in capped.data["reason"]

        # more spend, then 70 %: the next batch trues up to its completion (420), within WIP
        post_cost(s, lp, "annotation", "data_service", D(400), "claim:cap-2",
                  incurred_on=date(2018, 4, 1), supplier="V")
        accept_delivery(s, monkeypatch, pp, "3", date(2018, 4, 10))
        process_acceptance_events(s)
        assert [r.cost for r in list_recognitions(s, oid)] == [D(100), D(320)]
        assert wip_balance(s, project) == D(80)
        # 100 %: the estimate wants 180 more, 80 is left in WIP
        accept_delivery(s, monkeypatch, pp, "3", date(2018, 5, 10))
        process_acceptance_events(s)
        assert [r.cost for r in list_recognitions(s, oid)][-1] == D(80)
        assert [r.revenue for r in list_recognitions(s, oid)] == [D(400), D(300), D(300)]

        # every month and the roll-forward: WIP never below zero, and it reconciles
        for m in monthly_summary(s, 2018):
            assert m.wip_closing >= 0, m
        for w in wip_rollforward(s, date(2018, 1, 1), date(2018, 12, 31)):
            assert w.opening + w.incurred - w.carried == w.closing == 0
        for start, end in ((date(2018, 3, 1), date(2018, 3, 31)),
                           (date(2018, 4, 1), date(2018, 4, 30))):
            [w] = wip_rollforward(s, start, end)
            assert w.closing >= 0
        # final accounts carry what is left (nothing here); cost of sales = what was spent
        close_reviewed(s, lp, date(2018, 5, 31), ap)
        assert sum(r.cost for r in list_recognitions(s, oid)) == D(500)
        assert wip_balance(s, project) == 0


cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


@settings(max_examples=200, deadline=None)
@given(est=cents, incurred=cents, carried=cents, accepted=st.integers(0, 100))
def test_type3_carry_is_capped_at_the_wip(
    est: Decimal, incurred: Decimal, carried: Decimal, accepted: int
) -> None:
    free = type3_step(total_revenue=D(1000), estimated_total_cost=est, total_volume=D(100),
                      accepted_volume=D(accepted), revenue_so_far=D(0), cost_so_far=carried)
    step = type3_step(total_revenue=D(1000), estimated_total_cost=est, total_volume=D(100),
                      accepted_volume=D(accepted), revenue_so_far=D(0), cost_so_far=carried,
                      incurred=incurred)
    assert step.cost <= free.cost  # never more than the estimate asks
    assert step.cost <= max(incurred - carried, D(0))  # never more than WIP holds
    if free.cost <= incurred - carried:
        assert step.cost == free.cost  # within WIP nothing changes
