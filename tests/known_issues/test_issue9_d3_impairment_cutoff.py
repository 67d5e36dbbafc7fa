"""Issue 9, defect 3: the impairment test is cut off at its period end. c = order amount
excluding VAT less the revenue recognised on or before the period end; later revenue does not
count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.ledger.costs import post_cost
from datamill.ledger.impairment import run_impairment_test
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.recognition import process_acceptance_events
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal


def test_revenue_after_period_end_does_not_reduce_c(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "imp-c", customer_type="big_tech", country="CN").id
        k = create_contract(s, "K-IMP", customer_id=cust, kind="custom",
                            signed_on=date(2018, 1, 2)).id
        oid = create_order(s, k, "O-IMP", business_line="speech", offering="custom",
                           amount=D(800000), currency="CNY", total_volume=D(10),
                           volume_unit="hours", acceptance_type=3).id
        pp, lp = ledger_project(s, "imp-cutoff", oid)
        approved_budget(s, lp, [line("collection", "data_service", "10", "85000")], ap,
                        approved_on=date(2018, 1, 3))  # the books exist by the period end
        post_cost(s, lp, "collection", "data_service", D(500000), "big",
                  incurred_on=date(2018, 3, 15))
        accept_delivery(s, monkeypatch, pp, "5", date(2018, 4, 10))  # after the March close
        assert process_acceptance_events(s).recognitions[0].revenue == D(400000)
        # the March test, run late (in April): c is still the whole order
        march = run_impairment_test(s, lp, date(2018, 3, 31), cost_to_complete=D(350000),
                                    taxes=D(10000), reason="vendor price rise")
        assert march.contract_amount == D(800000)
        assert (march.wip, march.nrv, march.provision) == (D(500000), D(440000), D(60000))
        # the April test: the April revenue is recognised to date, so it counts
        april = run_impairment_test(s, lp, date(2018, 4, 30), cost_to_complete=D(350000),
                                    taxes=D(10000), reason="re-estimated")
        assert april.contract_amount == D(400000)
