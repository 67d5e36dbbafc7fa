"""Found by a trial user (finance): a type-3 acceptance with nothing spent yet carried no cost
(``revenue 7835.74, cost 0``: work in progress was empty), and the 3,010.00 of cost booked in
December after it was never carried, so December's margin report showed a 100.0 % margin.

Domain §6.5, type 3 **each period**: cumulative cost = estimated total expenditure × completion,
less cost already carried (capped at what WIP holds, §6.6). The month-end run now carries it,
dated the month's last day, once (a re-run carries nothing more), in the journal as
Dr cost of sales / Cr WIP.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord
from datamill.ledger._balances import wip_balance
from datamill.ledger.costs import post_cost
from datamill.ledger.journal import journal_lines
from datamill.ledger.models import LedgerProject
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.period_close import close_period, confirm_period
from datamill.ledger.recognition import (
    carry_period_cost,
    list_recognitions,
    process_acceptance_events,
)
from datamill.ledger.reports import margin_report, wip_rollforward
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal
DEC = (date(2018, 12, 1), date(2018, 12, 31))


def _image_order(s, monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[int, int, dict[str, int]]:  # type: ignore[no-untyped-def]
    """demo-image's shape: a type-3 order of 10 images, budget 6,000, 4 images accepted on
    2018-11-20 with nothing spent yet (revenue 40 %, cost capped at 0). (order, ledger project,
    approvers)."""
    ap = make_approvers(s)
    cust = create_customer(s, f"C-{name}", customer_type="big_tech", country="CN")
    k = create_contract(s, f"K-{name}", customer_id=cust.id, kind="custom",
                        signed_on=date(2018, 1, 1))
    oid = create_order(s, k.id, f"O-{name}", business_line="speech", offering="custom",
                       amount=D("19589.35"), currency="CNY", total_volume=D(10),
                       volume_unit="hours", acceptance_type=3).id
    pp, lp = ledger_project(s, f"p-{name}", oid)
    approved_budget(s, lp, [line("annotation", "data_service", "10", "1000")], ap)  # 10,000
    accept_delivery(s, monkeypatch, pp, "4", date(2018, 11, 20))
    process_acceptance_events(s)
    [rec] = list_recognitions(s, oid)
    assert (rec.revenue, rec.cost) == (D("7835.74"), D(0))  # the trial's figures
    return oid, lp, ap


def test_month_end_carries_cost_booked_after_the_acceptance(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        oid, lp, ap = _image_order(s, monkeypatch, "img")
        for n, amount in enumerate(("1500.00", "1510.00")):
            post_cost(s, lp, "annotation", "data_service", D(amount), f"claim:img-{n}",
                      incurred_on=date(2018, 12, 5 + n), supplier="V")
        [before] = margin_report(s, date(2018, 11, 1), DEC[1])  # no month-end yet
        assert (before.revenue, before.cost, before.margin_pct) == (D("7835.74"), 0, 1)

        first = close_period(s, "2018-12", actor_id=ap["finance_reviewer"])
        # estimate 10,000 × 40 % = 4,000, capped at the 3,010 WIP holds (was: 0, margin 100 %)
        [row] = margin_report(s, *DEC)
        assert (row.revenue, row.cost) == (D(0), D("3010.00"))
        [both] = margin_report(s, date(2018, 11, 1), DEC[1])
        assert (both.cost, both.margin_pct) == (D("3010.00"), D("0.615863"))
        [carry] = [r for r in list_recognitions(s, oid) if r.basis == "period_carry"]
        assert (carry.recognised_on, carry.cost, carry.revenue) == (DEC[1], D("3010.00"), D(0))
        assert carry.completion == D("0.4")
        [w] = [w for w in first.report["wip"] if w["project_id"] == lp]
        assert (w["incurred"], w["carried"], w["closing"]) == ("3010.00", "3010.00", "0.00")
        project = s.get(LedgerProject, lp)
        assert project is not None and wip_balance(s, project) == 0
        journal = [ln for ln in journal_lines(s, *DEC) if ln.entry == f"R{carry.id}"]
        assert {(ln.account, ln.debit, ln.credit) for ln in journal} == {
            ("6401", D("3010.00"), D(0)), ("5001", D(0), D("3010.00"))}
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.recognition.period_carry")).one()
        assert audit.data["cost"] == "3010.00" and audit.data["incurred"] == "3010.00"

        # idempotent: the re-run and the reviewer's check carry nothing more
        again = close_period(s, "2018-12", actor_id=ap["finance_reviewer"], rerun=True)
        assert again.identical is True and again.report == first.report
        assert carry_period_cost(s, DEC[1]) == []
        assert confirm_period(s, "2018-12", reviewer_id=ap["finance_manager"]).status == "closed"
        assert sum(r.cost for r in list_recognitions(s, oid)) == D("3010.00")


def test_the_carry_follows_the_estimate_and_leaves_later_batches_alone(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        oid, lp, _ap = _image_order(s, monkeypatch, "est")
        post_cost(s, lp, "annotation", "data_service", D(9000), "claim:est-1",
                  incurred_on=date(2018, 12, 3), supplier="V")
        # more spent than the estimate asks: carry estimate × completion (4,000), not all
        [carry] = carry_period_cost(s, DEC[1])
        assert carry.cost == D("4000.00") and carry.basis == "period_carry"
        assert carry_period_cost(s, DEC[1]) == []
        # a month already followed by a later batch is left alone (that batch trued up)
        accept_delivery(s, monkeypatch, s.get(LedgerProject, lp).production_project_id,  # type: ignore[union-attr]
                        "2", date(2019, 1, 10))
        process_acceptance_events(s)
        assert list_recognitions(s, oid)[-1].cost == D("2000.00")  # 60 % × 10,000 − 4,000
        post_cost(s, lp, "annotation", "data_service", D(100), "claim:est-2",
                  incurred_on=date(2018, 12, 20), supplier="V")
        assert carry_period_cost(s, DEC[1]) == []
        for w in wip_rollforward(s, date(2018, 11, 1), date(2019, 1, 31)):
            assert w.closing >= 0
