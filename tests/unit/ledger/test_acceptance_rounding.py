"""Accepted volume summed batch by batch, each rounded (finance-clerk trial, round h4).

A 10-hour order accepted in three batches of 12,000,000 ms (3 h 20 min each: 36,000,000 ms,
exactly 10 h) was taken as 3.3333 + 3.3333 + 3.3333 = 9.9999 h: each batch's hours were
rounded to 4 places and the rounded figures added up. A type-3 order of 100,000.00 then
recognised 99,999.00, was never finally accepted (9.9999 ≠ 10) and its final accounts were
refused for ever; a type-2 order never reached its final acceptance. Now each batch takes the
rounded cumulative volume less what is already accepted, so the batches add up to the exact
whole: 3.3333 + 3.3334 + 3.3333 = 10.0000.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.ledger.models import LedgerAcceptance, LedgerOrder, LedgerRecognition
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.recognition import process_acceptance_events
from datamill.production.delivery import record_acceptance
from datamill.production.models import Batch, Delivery
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers

THIRD_MS = 12_000_000  # 3 h 20 min


def _order(s: Session, tag: str, acceptance_type: int) -> tuple[int, int]:
    """(order id, production project id): 100,000.00 for 10 hours, budget 60,000."""
    ap = make_approvers(s)
    cust = create_customer(s, f"C-{tag}", customer_type="big_tech", country="CN")
    k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                        signed_on=date(2018, 1, 2))
    o = create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                     amount="100000.00", currency="CNY", total_volume="10", volume_unit="hours",
                     acceptance_type=acceptance_type)
    pp, lp = ledger_project(s, f"p-{tag}", o.id)
    approved_budget(s, lp, [line("annotation", "data_service", "200", "300")], ap)
    return o.id, pp


def _accept(s: Session, monkeypatch: pytest.MonkeyPatch, pp: int, n: int) -> None:
    batch = Batch(project_id=pp, name=f"b{n}", status="delivered")
    s.add(batch)
    s.flush()
    d = Delivery(batch_id=batch.id, project_id=pp, path="/tmp/pkg",  # noqa: S108
                 datasheet={"duration_ms": THIRD_MS}, delivered_volume=3.3, delivered_items=10)
    s.add(d)
    s.flush()
    stamp = datetime(2018, 3, n, 10, tzinfo=UTC)
    monkeypatch.setattr("datamill.production.delivery_acceptance.utcnow", lambda: stamp)
    record_acceptance(s, d.id, accepted_duration_ms=THIRD_MS, accepted_utterances=10)


def test_three_thirds_of_a_type3_order_recognise_all_of_it(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        oid, pp = _order(s, "t3", 3)
        for n in (1, 2, 3):
            _accept(s, monkeypatch, pp, n)
            process_acceptance_events(s)
        volumes = list(s.scalars(select(LedgerAcceptance.volume).order_by(LedgerAcceptance.id)))
        assert volumes == [Decimal("3.3333"), Decimal("3.3334"), Decimal("3.3333")]
        assert s.scalar(select(func.sum(LedgerRecognition.revenue)).where(
            LedgerRecognition.order_id == oid)) == Decimal("100000.00")
        order = s.get(LedgerOrder, oid)
        assert order is not None and order.status == "accepted"


def test_three_thirds_of_a_type2_order_are_its_final_acceptance(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        oid, pp = _order(s, "t2", 2)
        for n in (1, 2, 3):
            _accept(s, monkeypatch, pp, n)
        process_acceptance_events(s)
        order = s.get(LedgerOrder, oid)
        assert order is not None
        assert (order.status, order.final_accepted_on) == ("accepted", date(2018, 3, 3))
