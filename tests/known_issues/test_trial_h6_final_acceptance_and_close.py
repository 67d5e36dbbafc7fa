"""User trial (PM + finance controller), recognition and closing:

1. a type-1/2 order with accepted volume short of its total (0.0102 h of 10 h; 199.99 h of
   200 h) was never recognised: final accounts closed the project anyway (WIP locked, revenue
   0, the order open for ever) and amending the order down to the accepted volume recognised
   nothing. Now the customer's final acceptance report (``ledger final-accept``) recognises the
   accepted share × the order amount, and an amendment to the accepted volume recognises at
   once (100 %); the final-accounts review and the close of a type-1 order accepted in part
   are refused (``order_partly_accepted``) until one of them is done (a type-2 order may close
   before its last batch, the recognition follows);
2. type 1 is one **final** acceptance: partial deliveries add up before it; after it the order
   takes no more acceptance (skipped with its reason, ``order_finally_accepted``, so it does
   not bar final accounts as a pending event would);
3. hour points of the current month were dated the month's last day, so a project with them
   could not be closed before the month was over: they are dated the day they are booked.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput
from datamill.ledger.costs import post_cost
from datamill.ledger.events import sync_ledger
from datamill.ledger.final_accounts import review_final_accounts
from datamill.ledger.models import LedgerCost, LedgerEventReceipt, LedgerOrder, LedgerProject
from datamill.ledger.orders import (
    amend_order_volume,
    create_contract,
    create_customer,
    create_order,
)
from datamill.ledger.recognition import (
    list_recognitions,
    process_acceptance_events,
    record_final_acceptance,
)
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.hour_points import book_points
from datamill.workforce.vendors import create_grade, register_worker
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    close_reviewed,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal


def _order(s, number: str, acceptance_type: int, signed: date = date(2018, 1, 2)) -> int:  # type: ignore[no-untyped-def]
    cust = create_customer(s, f"c-{number}", customer_type="big_tech", country="CN").id
    k = create_contract(s, f"K-{number}", customer_id=cust, kind="custom", signed_on=signed).id
    return create_order(s, k, number, business_line="speech", offering="custom",
                        amount=D(100000), currency="CNY", total_volume=D(10),
                        volume_unit="hours", acceptance_type=acceptance_type).id


def _recs(s, oid: int) -> list[tuple[str, Decimal, Decimal, date]]:  # type: ignore[no-untyped-def]
    return [(r.basis, r.revenue, r.cost, r.recognised_on) for r in list_recognitions(s, oid)]


def _status(s, model: type[LedgerOrder | LedgerProject], row_id: int) -> str:  # type: ignore[no-untyped-def]
    row = s.get(model, row_id)
    assert row is not None
    return str(row.status)


def _scene(s, number: str, acceptance_type: int):  # type: ignore[no-untyped-def]
    ap = make_approvers(s)
    oid = _order(s, number, acceptance_type)
    pp, lp = ledger_project(s, number.lower(), oid)
    approved_budget(s, lp, [line("collection", "data_service", "10", "6000")], ap)
    post_cost(s, lp, "collection", "data_service", D(21.50), "c1", incurred_on=date(2018, 3, 1))
    return ap, oid, pp, lp


def test_partly_accepted_type1_is_not_closed_until_finally_accepted(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap, oid, pp, lp = _scene(s, "T1P", 1)
        accept_delivery(s, monkeypatch, pp, "0.0102", date(2018, 3, 10))
        assert process_acceptance_events(s).recognitions == []
        with pytest.raises(Conflict) as err:  # the reviewer hears it first
            review_final_accounts(s, lp, reviewer_id=ap["finance_reviewer"])
        assert err.value.details["reason_code"] == "order_partly_accepted"
        assert err.value.details["accepted"] == "0.0102"
        assert _status(s, LedgerProject, lp) != "closed"
        # the customer's final acceptance report: the accepted share at the contract price
        assert record_final_acceptance(s, oid, date(2018, 3, 20)) is None  # accounts open
        close_reviewed(s, lp, date(2018, 3, 31), ap)
        assert _recs(s, oid) == [("final_acceptance", D("102.00"), D("21.50"), date(2018, 3, 31))]
        assert _status(s, LedgerOrder, oid) == "closed"


def test_type2_closes_before_its_last_batch_and_the_report_recognises_after(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap, oid, pp, lp = _scene(s, "T2L", 2)
        accept_delivery(s, monkeypatch, pp, "9.9999", date(2018, 3, 10))
        process_acceptance_events(s)
        close_reviewed(s, lp, date(2018, 3, 31), ap)  # batches, one acceptance after the last
        assert _recs(s, oid) == []
        record_final_acceptance(s, oid, date(2018, 4, 2))  # the last batch never comes
        assert _recs(s, oid) == [("final_acceptance", D("99999.00"), D("21.50"), date(2018, 4, 2))]


def test_final_acceptance_states_its_volume(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        _ap, oid, pp, _lp = _scene(s, "T2V", 2)
        accept_delivery(s, monkeypatch, pp, "6", date(2018, 3, 10))
        process_acceptance_events(s)
        for bad in ("5", "10.5", "0"):
            with pytest.raises(InvalidInput) as err:
                record_final_acceptance(s, oid, date(2018, 3, 20), volume=bad)
            assert err.value.details["reason_code"] == "final_volume_out_of_range"
        record_final_acceptance(s, oid, date(2018, 3, 20), volume="8")
        assert _status(s, LedgerOrder, oid) == "accepted"
        with pytest.raises(Conflict) as again:  # once only
            record_final_acceptance(s, oid, date(2018, 3, 21))
        assert again.value.details["reason_code"] == "order_not_open"
        accept_delivery(s, monkeypatch, pp, "1", date(2018, 3, 22))  # nor a later delivery
        assert process_acceptance_events(s).acceptances == 0


def test_amending_the_order_down_to_the_accepted_volume_recognises(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap, oid, pp, lp = _scene(s, "T1A", 1)
        close_reviewed(s, lp, date(2018, 3, 31), ap)  # nothing accepted yet: closes, waits
        accept_delivery(s, monkeypatch, pp, "0.0102", date(2018, 4, 3))
        assert sync_ledger(s).acceptances.recognitions == []  # type: ignore[union-attr]
        amend_order_volume(s, oid, "0.0102", reason="the customer takes what was delivered")
        assert _recs(s, oid) == [("final_acceptance", D(100000), D("21.50"), date(2018, 4, 3))]
        assert _status(s, LedgerOrder, oid) == "closed"


def test_type3_amended_down_trues_up_and_closes(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap, oid, pp, lp = _scene(s, "T3A", 3)
        post_cost(s, lp, "collection", "data_service", D(40000), "c2", incurred_on=date(2018, 3, 2))
        accept_delivery(s, monkeypatch, pp, "4", date(2018, 3, 10))
        process_acceptance_events(s)
        amend_order_volume(s, oid, "4", reason="scope cut to what was delivered")
        assert [(b, r) for b, r, _c, _d in _recs(s, oid)] == [
            ("batch_acceptance", D(40000)), ("batch_acceptance", D(60000))]
        assert _status(s, LedgerOrder, oid) == "accepted"
        close_reviewed(s, lp, date(2018, 3, 31), ap)
        assert sum(c for _b, _r, c, _d in _recs(s, oid)) == D("40021.50")


def test_type1_is_one_final_acceptance(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        ap, oid, pp, lp = _scene(s, "T1O", 1)
        accept_delivery(s, monkeypatch, pp, "3", date(2018, 3, 10))  # parts before the final
        accept_delivery(s, monkeypatch, pp, "7", date(2018, 3, 12))  # acceptance add up
        assert process_acceptance_events(s).acceptances == 2
        assert _status(s, LedgerOrder, oid) == "accepted"
        accept_delivery(s, monkeypatch, pp, "0.0023", date(2018, 3, 14))
        assert process_acceptance_events(s).acceptances == 0  # skipped, with its code
        receipts = [(r.status, r.reason_code) for r in s.scalars(select(LedgerEventReceipt))]
        assert receipts == [("skipped", "order_finally_accepted")]
        assert process_acceptance_events(s).acceptances == 0  # not retried
        close_reviewed(s, lp, date(2018, 3, 31), ap)  # and it does not bar final accounts
        assert [r for _b, r, _c, _d in _recs(s, oid)] == [D(100000)]


def test_current_month_points_are_dated_when_booked(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("datamill.business_clock.utcnow",
                        lambda: datetime(2026, 12, 6, 4, tzinfo=UTC))
    today = business_today()
    assert today == date(2026, 12, 6)
    admin = users["admin"]
    with runtime.session() as s:
        ap = make_approvers(s)
        oid = _order(s, "PTS", 1, signed=date(2026, 11, 2))
        pp, lp = ledger_project(s, "pts", oid)
        approved_budget(s, lp, [line("staff", "labour", "1", "5000", "lot")], ap)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3")
        book_points(s, admin, worker.id, pp, "2026-12", "12")
        sync_ledger(s)
        book_points(s, admin, worker.id, pp, "2026-12", "0")  # set back: the cut, same day
        sync_ledger(s)
        costs = [(c.amount, c.incurred_on) for c in s.scalars(
            select(LedgerCost).order_by(LedgerCost.id))]
        assert costs == [(D("300.00"), today), (D("-300.00"), today)]
        book_points(s, admin, worker.id, pp, "2026-12", "12")
        sync_ledger(s)
        close_reviewed(s, lp, today, ap)  # the same day: the month's work so far is in
        assert _status(s, LedgerProject, lp) == "closed"


def test_the_cli_and_the_api_word_the_refusal_and_take_the_final_acceptance(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        _ap, oid, pp, lp = _scene(s, "T1C", 1)
        accept_delivery(s, monkeypatch, pp, "0.0102", date(2018, 3, 10))
        process_acceptance_events(s)

    def cli(*args: str, lang: str = "en", who: str = "admin") -> tuple[int, str]:
        r = run_cli(runtime.settings.home, "ledger", *args, "--as", who, ok=False,
                    DATAMILL_DATABASE_URL=str(runtime.settings.database_url), DATAMILL_LANG=lang)
        return r.returncode, r.stdout + (r.stderr or "")

    fin = "ap-finance_reviewer"
    code, out = cli("review-final", str(lp), lang="zh-CN", who=fin)
    assert code != 0 and "已验收 0.0102 / 10.0000 hours，但尚无终验" in out, out
    code, out = cli("review-final", str(lp), "--json", who=fin)
    assert code != 0 and json.loads(out)["error"]["reason_code"] == "order_partly_accepted"
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"{API}/ledger/orders/{oid}/final-acceptance", headers=login(c, "admin"),
                   json={"accepted_on": "2018-03-20", "volume": "11"})
        assert r.status_code == 422, r.text
    code, out = cli("final-accept", str(oid), "--on", "2018-03-20", "--json")
    assert code == 0 and json.loads(out) == {"order_id": oid, "recognition": None}, out
    code, out = cli("review-final", str(lp), who=fin)
    assert code == 0, out
    code, out = cli("close", str(lp), "2018-03-31")
    assert code == 0, out
    with runtime.session() as s:
        assert _recs(s, oid) == [("final_acceptance", D("102.00"), D("21.50"), date(2018, 3, 31))]
