"""Issue 9, defect 2: types 1/2 recognise revenue on the acceptance report **and** completed
final accounts (§6.5), whichever comes second (once only); type 3 stays per accepted batch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.core.errors import Conflict
from datamill.ledger.costs import post_cost
from datamill.ledger.events import sync_ledger
from datamill.ledger.orders import create_contract, create_customer, create_order
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
)

D = Decimal


def _order(s, number: str, acceptance_type: int) -> int:  # type: ignore[no-untyped-def]
    cust = create_customer(s, f"c-{number}", customer_type="big_tech", country="CN").id
    k = create_contract(s, f"K-{number}", customer_id=cust, kind="custom",
                        signed_on=date(2018, 1, 2)).id
    return create_order(s, k, number, business_line="speech", offering="custom",
                        amount=D(100000), currency="CNY", total_volume=D(10),
                        volume_unit="hours", acceptance_type=acceptance_type).id


def _recs(s, oid: int) -> list[tuple[str, Decimal, Decimal, date]]:  # type: ignore[no-untyped-def]
    return [(r.basis, r.revenue, r.cost, r.recognised_on) for r in list_recognitions(s, oid)]


def test_type1_acceptance_then_final_accounts(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = _order(s, "T1", 1)
        pp, lp = ledger_project(s, "t1", oid)
        approved_budget(s, lp, [line("collection", "data_service", "10", "5000")], ap)
        post_cost(s, lp, "collection", "data_service", D(30000), "c1", incurred_on=date(2018, 3, 1))
        accept_delivery(s, monkeypatch, pp, "10", date(2018, 3, 10))
        run = process_acceptance_events(s)
        assert run.acceptances == 1 and run.recognitions == []  # no final accounts yet
        assert _recs(s, oid) == []
        post_cost(s, lp, "collection", "data_service", D(2000), "c2", incurred_on=date(2018, 3, 20))
        close_reviewed(s, lp, date(2018, 3, 31), ap)  # second of the two: recognises now
        assert _recs(s, oid) == [("final_acceptance", D(100000), D(32000), date(2018, 3, 31))]
        assert sync_ledger(s).acceptances.recognitions == []  # type: ignore[union-attr]
        assert len(_recs(s, oid)) == 1


def test_type2_final_accounts_then_acceptance(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = _order(s, "T2", 2)
        pp, lp = ledger_project(s, "t2", oid)
        approved_budget(s, lp, [line("collection", "data_service", "10", "5000")], ap)
        post_cost(s, lp, "collection", "data_service", D(40000), "c1", incurred_on=date(2018, 4, 1))
        accept_delivery(s, monkeypatch, pp, "6", date(2018, 4, 10))
        assert process_acceptance_events(s).recognitions == []  # batch 1 of 2
        close_reviewed(s, lp, date(2018, 4, 30), ap)  # final accounts before the final acceptance
        assert _recs(s, oid) == []
        with pytest.raises(Conflict, match="is closed"):  # locked: no more expense
            post_cost(s, lp, "collection", "data_service", D(1), "late",
                      incurred_on=date(2018, 4, 30))
        accept_delivery(s, monkeypatch, pp, "4", date(2018, 5, 8))
        run = process_acceptance_events(s)  # the acceptance report comes second
        assert [(r.revenue, r.cost) for r in run.recognitions] == [(D(100000), D(40000))]
        assert _recs(s, oid) == [("final_acceptance", D(100000), D(40000), date(2018, 5, 8))]
        assert process_acceptance_events(s).recognitions == []  # idempotent
        with pytest.raises(Conflict):
            record_final_acceptance(s, oid, date(2018, 5, 9))
        assert len(_recs(s, oid)) == 1


def test_record_final_acceptance_after_final_accounts(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = _order(s, "T1R", 1)
        _, lp = ledger_project(s, "t1r", oid)
        approved_budget(s, lp, [line("collection", "data_service", "10", "5000")], ap)
        post_cost(s, lp, "collection", "data_service", D(500), "c1", incurred_on=date(2018, 6, 1))
        close_reviewed(s, lp, date(2018, 6, 30), ap)
        rec = record_final_acceptance(s, oid, date(2018, 7, 2))
        assert rec is not None and (rec.revenue, rec.cost, rec.recognised_on) == (
            D(100000), D(500), date(2018, 7, 2))


def test_type3_still_recognised_per_batch(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = _order(s, "T3", 3)
        pp, lp = ledger_project(s, "t3", oid)
        approved_budget(s, lp, [line("collection", "data_service", "10", "6000")], ap)
        # spent before the batch (a carry never exceeds what WIP holds)
        post_cost(s, lp, "collection", "data_service", D(30000), "c3",
                  incurred_on=date(2018, 4, 30))
        accept_delivery(s, monkeypatch, pp, "4", date(2018, 5, 1))
        run = process_acceptance_events(s)  # no final accounts needed
        assert [(r.revenue, r.cost) for r in run.recognitions] == [(D(40000), D(24000))]
