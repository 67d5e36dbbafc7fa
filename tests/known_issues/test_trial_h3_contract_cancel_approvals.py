"""User trial (PM and finance controller): a contract's cancellation had no approval.

A PM alone cancelled a signed contract with nothing booked on it: the orders were cancelled
   and the projects' WIP written off at once, no one else asked. Now cancelling a signed
   contract is a request (``pending_cancellation``; the contract stays signed, nothing is
   written off) that goes through the contract's price and signing approvals, as an
   amendment does: two people, neither the requester (``own_approval``), one step each
   (``second_step``), in turn (``cancellation_step``); the signing approval cancels it. The
   ``contract_booked`` refusal holds when it is asked and when it applies; one request
   (amendment or cancellation) at a time.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden
from datamill.ledger.contracts import (
    amend_contract,
    approve_contract,
    cancel_contract,
    contract_detail,
    draft_contract,
    sign_contract,
)
from datamill.ledger.costs import submit_expense_claim as claim
from datamill.ledger.models import (
    LedgerApproval,
    LedgerContractChange,
    LedgerOrder,
    LedgerRecognition,
)
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.receivables import issue_invoice
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import (
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal
ON = date(2018, 3, 15)


def _signed(s: Session, ap: dict[str, int], number: str) -> int:
    cust = create_customer(s, f"cust-{number}", customer_type="big_tech", country="CN")
    k = draft_contract(s, number, customer_id=cust.id, amount=D(100000),
                       actor_id=ap["dept_manager"])
    approve_contract(s, k.id, ap["finance_reviewer"], "price")
    approve_contract(s, k.id, ap["vp"], "signing")
    return sign_contract(s, k.id, date(2018, 1, 5)).id


def _with_wip(s: Session, ap: dict[str, int], number: str) -> tuple[int, int]:
    """A signed contract whose one order's project carries 30,000 of cost and nothing else:
    (contract id, order id)."""
    k = _signed(s, ap, number)
    oid = create_order(s, k, f"O-{number}", business_line="speech", offering="custom",
                       amount=D(100000), currency="CNY", total_volume=D(100),
                       volume_unit="hours", acceptance_type=1).id
    _pid, lp = ledger_project(s, f"p-{number}", oid)
    approved_budget(s, lp, [line("collection", "data_service", "200", "300")], ap)
    claim(s, lp, stage="collection", supplier="V", quantity=D(100), unit_price=D(300),
          claim_no=f"c-{number}", incurred_on=date(2018, 2, 10))
    return k, oid


def _count(s: Session, model: type) -> int:
    return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _write_offs(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(LedgerRecognition).where(
        LedgerRecognition.basis == "write_off")) or 0)




def test_a_pm_alone_no_longer_cancels_a_signed_contract(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        pm = ap["dept_manager"]
        k, oid = _with_wip(s, ap, "K-CX")
        # the trial: the PM's cancel wrote the WIP off at once; now it is a request
        out = cancel_contract(s, k, on=ON, reason="speaker could not re-record", actor_id=pm)
        assert out.status == "signed" and out.pending_cancellation == ON
        assert _write_offs(s) == 0
        order = s.get(LedgerOrder, oid)
        assert order is not None and order.status == "open"
        detail = contract_detail(s, k)
        assert detail.pending_cancellation == ON and detail.changes == []
        assert [(r.kind, r.status) for r in detail.cancellation_requests] == [
            ("cancellation", "pending")]
        # one request at a time, both ways
        with pytest.raises(Conflict) as err:
            cancel_contract(s, k, on=ON, reason="again", actor_id=pm)
        assert err.value.details["reason_code"] == "cancellation_pending"
        with pytest.raises(Conflict) as err:
            amend_contract(s, k, "90000", reason="cut", on=ON, actor_id=pm)
        assert err.value.details["reason_code"] == "cancellation_pending"
        assert word_reason(err.value.details, "zh-CN") is not None
        approvals = _count(s, LedgerApproval)
        # the requester never signs; the chain goes price → signing
        with pytest.raises(Forbidden) as no:
            approve_contract(s, k, pm, "price")
        assert no.value.details["reason_code"] == "own_approval"
        assert "the cancellation of contract K-CX" in str(no.value)
        with pytest.raises(Conflict) as err:
            approve_contract(s, k, ap["cfo"], "signing")
        assert err.value.details["reason_code"] == "cancellation_step"
        assert approve_contract(s, k, ap["finance_manager"], "price").status == "signed"
        # one person one step
        with pytest.raises(Forbidden) as no:
            approve_contract(s, k, ap["finance_manager"], "signing")
        assert no.value.details["reason_code"] == "second_step"
        assert _count(s, LedgerApproval) == approvals + 1 and _write_offs(s) == 0
        done = approve_contract(s, k, ap["cfo"], "signing")
        assert done.status == "cancelled" and done.pending_cancellation is None
        w = s.scalars(select(LedgerRecognition).where(
            LedgerRecognition.basis == "write_off")).one()
        assert w.cost == D(30000)
        order = s.get(LedgerOrder, oid)
        assert order is not None and order.status == "cancelled"
        detail = contract_detail(s, k)
        assert [c.kind for c in detail.changes] == ["cancellation"]
        assert [a.step for a in detail.changes[0].approvals] == ["price", "signing"]
        assert detail.cancellation_requests == []


def test_a_rejected_cancellation_never_applies_and_a_booked_one_is_refused(
    runtime: Runtime,
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k, oid = _with_wip(s, ap, "K-RJ")
        cancel_contract(s, k, on=ON, reason="trial failed", actor_id=ap["dept_manager"])
        out = approve_contract(s, k, ap["finance_reviewer"], "price", decision="reject",
                               reason="the customer still wants it")
        assert out.status == "signed" and out.pending_cancellation is None
        assert _write_offs(s) == 0
        assert [(r.status, r.reason) for r in contract_detail(s, k).cancellation_requests] == [
            ("rejected", "trial failed")]
        # booked after a request: refused when asked, and again when its signing applies
        changes = _count(s, LedgerContractChange)
        issue_invoice(s, oid, "INV-RJ", issued_on=date(2018, 3, 1), amount=D(1000))
        with pytest.raises(Conflict) as err:
            cancel_contract(s, k, on=ON, reason="again", actor_id=ap["dept_manager"])
        assert err.value.details["reason_code"] == "contract_booked"
        assert _count(s, LedgerContractChange) == changes


def test_booked_after_the_request_is_refused_at_the_signing(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k, oid = _with_wip(s, ap, "K-LATE")
        cancel_contract(s, k, on=ON, reason="trial failed", actor_id=ap["dept_manager"])
        approve_contract(s, k, ap["finance_reviewer"], "price")
        issue_invoice(s, oid, "INV-LATE", issued_on=date(2018, 3, 1), amount=D(1000))
        with pytest.raises(Conflict) as err:
            approve_contract(s, k, ap["vp"], "signing")
        assert err.value.details["reason_code"] == "contract_booked"
        assert contract_detail(s, k).contract.status == "signed" and _write_offs(s) == 0


def test_a_contract_never_signed_is_cancelled_at_once(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "cust-draft", customer_type="big_tech", country="CN")
        k = draft_contract(s, "K-DRAFT", customer_id=cust.id, amount=D(1000),
                           actor_id=ap["dept_manager"]).id
        out = cancel_contract(s, k, on=ON, reason="not pursued", actor_id=ap["dept_manager"])
        assert out.status == "cancelled" and out.pending_cancellation is None


def _cli(runtime: Runtime, *args: str) -> tuple[int, dict[str, object]]:
    r = run_cli(runtime.settings.home, *args, "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def test_the_api_and_the_cli_ask_then_approve(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k, _oid = _with_wip(s, ap, "K-FACE")
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"{API}/ledger/contracts/{k}/cancel", headers=login(c, "pm"),
                   json={"on": ON.isoformat(), "reason": "trial failed"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "signed" and r.json()["pending_cancellation"] == "2018-03-15"
        r = c.get(f"{API}/ledger/contracts/{k}", headers=login(c, "pm"))
        assert r.json()["pending_cancellation"] == "2018-03-15", r.text
    code, body = _cli(runtime, "ledger", "contract-approve", str(k), "price", "--as", "pm")
    assert code != 0 and "own_approval" in json.dumps(body), body
    code, body = _cli(runtime, "ledger", "contract-approve", str(k), "price", "--as",
                      "ap-finance_manager")
    assert code == 0 and body["status"] == "signed", body
    code, body = _cli(runtime, "ledger", "contract-approve", str(k), "signing", "--as", "ap-vp")
    assert code == 0 and body["status"] == "cancelled", body
