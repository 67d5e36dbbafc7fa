"""User trial (PM and finance controller), two HIGH defects in the ledger's controls.

1. A PM alone raised a signed contract (90,000 → 120,000) and split an order off the new
   remainder; on a contract with revenue recognised, a receivable and its project closed, the
   amount was changed and the contract cancelled (revenue and a receivable left on a contract
   shown as cancelled). Now an amendment is pending until the contract's price and signing
   approvals (two people, neither the requester); orders use the approved amount only; a
   contract is never set below what is ordered, recognised, invoiced or received, and one
   with revenue, an acceptance, an invoice or a receipt is not cancelled.
2. People approved their own budgets and claims, and one CFO signed both steps of a contract.
   Now whoever created, submitted, posted, drafted or requested a subject never signs its
   chain (``own_approval``), and one person signs at most one step of it (``second_step``).

Every refusal records nothing (no approval row, no change row, the status unchanged).
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.budgets import (
    approve_budget,
    create_budget,
    register_approver,
    submit_budget,
)
from datamill.ledger.contracts import (
    amend_contract,
    approve_contract,
    cancel_contract,
    contract_detail,
    draft_contract,
    sign_contract,
)
from datamill.ledger.costs import approve_over_budget_cost, post_cost
from datamill.ledger.models import LedgerApproval, LedgerContractChange
from datamill.ledger.orders import create_customer, create_order
from datamill.ledger.receivables import issue_invoice, record_receipt
from datamill.ledger.recognition import process_acceptance_events
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)

D = Decimal
ON = date(2018, 2, 1)


def _approvals(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(LedgerApproval)) or 0)


def _person(s: Session, name: str, role: str | None) -> int:
    u = create_user(s, name, "password1", "project_manager")
    if role is not None:
        register_approver(s, u.id, role)
    return u.id


def _signed(s: Session, ap: dict[str, int], number: str, amount: str) -> int:
    cust = create_customer(s, f"cust-{number}", customer_type="big_tech", country="CN")
    k = draft_contract(s, number, customer_id=cust.id, amount=D(amount))
    approve_contract(s, k.id, ap["finance_reviewer"], "price")
    approve_contract(s, k.id, ap["vp"], "signing")
    return sign_contract(s, k.id, date(2018, 1, 5)).id


def _order(s: Session, contract_id: int, number: str, amount: str) -> int:
    return create_order(s, contract_id, number, business_line="speech", offering="custom",
                        amount=D(amount), currency="CNY", total_volume=D(10),
                        volume_unit="hours", acceptance_type=3).id


# -- 2. segregation of duties -------------------------------------------------------------


def test_budget_creator_or_submitter_never_signs_and_one_person_one_level(
    runtime: Runtime,
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        li = _person(s, "li_dm", "dept_manager")
        _pid, lp = ledger_project(s, "sod-budget", None, "product_development")
        b = create_budget(s, lp, [line("annotate", "data_service", "100", "20")], actor_id=li)
        b = submit_budget(s, b.id, actor_id=li)
        before = _approvals(s)
        with pytest.raises(Forbidden, match="segregation of duties") as err:
            approve_budget(s, b.id, li)  # the trial: li_dm signed level 1 of his own budget
        assert err.value.details["reason_code"] == "own_approval"
        assert _approvals(s) == before
        # created by one person, submitted by another: neither signs
        other = _person(s, "other_dm", "dept_manager")
        approve_budget(s, b.id, ap["dept_manager"], decision="reject", reason="redo")
        b2 = create_budget(s, lp, [line("annotate", "data_service", "90", "20")], actor_id=li)
        b2 = submit_budget(s, b2.id, actor_id=other)
        with pytest.raises(Forbidden, match="other_dm submitted budget"):
            approve_budget(s, b2.id, other)
        assert approve_budget(s, b2.id, ap["dept_manager"]).approved_levels == 1
        # the level-1 signer, now holding the VP's role, does not sign level 2 as well
        register_approver(s, ap["dept_manager"], "vp")
        with pytest.raises(Forbidden, match=r"already signed level 1 \(dept_manager\)") as err:
            approve_budget(s, b2.id, ap["dept_manager"])
        assert err.value.details["reason_code"] == "second_step"
        assert err.value.details["earlier_level"] == 1
        assert approve_budget(s, b2.id, ap["vp"]).approved_levels == 2


def test_over_budget_claimant_never_signs_and_vp_is_not_the_finance_head(
    runtime: Runtime,
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        wang = _person(s, "wang_vp", "vp")
        _pid, lp = ledger_project(s, "sod-cost", None, "product_development")
        approved_budget(s, lp, [line("annotate", "data_service", "10", "100")], ap)
        cost = post_cost(s, lp, "annotate", "data_service", "5000", "claim:over-1",
                         incurred_on=ON, supplier="V", over_budget_reason="rush",
                         actor_id=wang)
        assert cost.status == "pending_approval"
        before = _approvals(s)
        with pytest.raises(Forbidden, match="wang_vp posted cost") as err:
            approve_over_budget_cost(s, cost.id, wang)
        assert err.value.details["reason_code"] == "own_approval"
        assert _approvals(s) == before
        approve_over_budget_cost(s, cost.id, ap["vp"])
        register_approver(s, ap["vp"], "finance_head")
        with pytest.raises(Forbidden, match="already signed level 1"):
            approve_over_budget_cost(s, cost.id, ap["vp"])
        assert approve_over_budget_cost(s, cost.id, ap["finance_head"]).status == "posted"


def test_one_person_signs_one_step_of_a_contract(runtime: Runtime) -> None:
    with runtime.session() as s:
        make_approvers(s)
        sun = _person(s, "sun_cfo", "cfo")  # the CFO holds a price and a signing role
        cust = create_customer(s, "cust-sun", customer_type="big_tech", country="CN")
        k = draft_contract(s, "K-SUN", customer_id=cust.id, amount=D(10000))
        assert approve_contract(s, k.id, sun, "price").status == "price_approved"
        with pytest.raises(Forbidden, match=r"already signed level 1 \(cfo\)") as err:
            approve_contract(s, k.id, sun, "signing")
        assert err.value.details["reason_code"] == "second_step"
        assert contract_detail(s, k.id).contract.status == "price_approved"


# -- 1. contract amendments and cancellation ------------------------------------------------


def test_a_raise_waits_for_two_other_approvers_and_orders_use_the_approved_amount(
    runtime: Runtime,
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        zhang = _person(s, "zhangpm", None)
        k = _signed(s, ap, "K-RAISE", "90000")
        out = amend_contract(s, k, "120000", reason="x", on=ON, actor_id=zhang)
        # the trial: the PM's raise took effect at once; now it waits
        assert (out.amount, out.pending_amount) == (D(90000), D(120000))
        with pytest.raises(InvalidInput, match="already in orders"):
            _order(s, k, "O-OVER", "90000.01")  # orders use the approved amount only
        with pytest.raises(Conflict, match="decide it first") as err:
            amend_contract(s, k, "130000", reason="more", on=ON, actor_id=zhang)
        assert err.value.details["reason_code"] == "amendment_pending"
        with pytest.raises(Conflict, match="awaits its price approval") as err:
            approve_contract(s, k, ap["vp"], "signing")
        assert err.value.details["reason_code"] == "amendment_step"
        # the price approver of the amendment does not sign its signing step too
        register_approver(s, zhang, "finance_reviewer")
        with pytest.raises(Forbidden, match="zhangpm requested the amendment"):
            approve_contract(s, k, zhang, "price")  # the requester never signs
        approve_contract(s, k, ap["cfo"], "price")
        with pytest.raises(Forbidden, match="already signed level 1"):
            approve_contract(s, k, ap["cfo"], "signing")
        assert contract_detail(s, k).contract.amount == D(90000)
        done = approve_contract(s, k, ap["vp"], "signing")
        assert (done.amount, done.pending_amount) == (D(120000), None)
        _order(s, k, "O-NEW", "120000")
        d = contract_detail(s, k)
        assert [(c.kind, c.status, c.new_amount) for c in d.changes] == [
            ("amendment", "effective", D(120000))]
        assert [a.step for a in d.changes[0].approvals] == ["price", "signing"]


def test_a_rejected_amendment_never_applies(runtime: Runtime) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-REJ", "50000")
        amend_contract(s, k, "40000", reason="scope cut", on=ON, actor_id=ap["dept_manager"])
        approve_contract(s, k, ap["finance_reviewer"], "price", decision="reject",
                         reason="not agreed with the customer")
        d = contract_detail(s, k)
        assert d.contract.amount == D(50000) and d.pending_amount is None and d.changes == []
        assert [(r.status, r.new_amount) for r in d.amendment_requests] == [
            ("rejected", D(40000))]


def test_a_contract_with_revenue_is_neither_cut_below_it_nor_cancelled(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        k = _signed(s, ap, "K-REV", "20000")
        oid = _order(s, k, "O-REV", "10000")
        pp, lp = ledger_project(s, "rev", oid)
        approved_budget(s, lp, [line("collection", "data_service", "10", "300")], ap)
        accept_delivery(s, monkeypatch, pp, "5", date(2018, 3, 1))
        process_acceptance_events(s)  # 5,000 recognised (type 3: half of 10 h)
        issue_invoice(s, oid, "INV-REV", issued_on=date(2018, 3, 2), amount=D(8000))
        record_receipt(s, oid, "BANK-REV", received_on=date(2018, 3, 3), amount=D(10600))
        changes = s.scalar(select(func.count()).select_from(LedgerContractChange))
        with pytest.raises(Conflict, match="below what is booked") as err:
            amend_contract(s, k, "9000", reason="cut", on=ON, actor_id=ap["dept_manager"])
        assert err.value.details["floor"] == "10000.00"  # ordered; received 10,600 = 10,000 + VAT
        with pytest.raises(Conflict, match="cannot be cancelled") as err:
            cancel_contract(s, k, on=date(2018, 3, 20), reason="试取消",
                            actor_id=ap["dept_manager"])
        assert err.value.details["reason_code"] == "contract_booked"
        assert "5000.00" in str(err.value)
        assert word_reason(err.value.details, "zh-CN") is not None
        assert s.scalar(select(func.count()).select_from(LedgerContractChange)) == changes
        assert contract_detail(s, k).contract.status == "signed"


# -- the faces: API, CLI and web obey the same service rules --------------------------------


def _cli(runtime: Runtime, *args: str) -> tuple[int, dict[str, object]]:
    r = run_cli(runtime.settings.home, *args, "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def test_faces_refuse_own_approval_and_apply_amendments_after_approval(
    runtime: Runtime, users: dict[str, User],
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        li = _person(s, "li_dm", "dept_manager")
        s.get(User, li).role = "finance"  # type: ignore[union-attr]
        _pid, lp = ledger_project(s, "faces-sod", None, "product_development")
        bid = create_budget(s, lp, [line("annotate", "data_service", "10", "20")], actor_id=li).id
        submit_budget(s, bid, actor_id=li)
        k = _signed(s, ap, "K-FACE", "90000")
    with TestClient(create_app(runtime)) as c:
        r = c.post(f"{API}/ledger/budgets/{bid}/approvals", headers=login(c, "li_dm"),
                   json={"decision": "approve"})
        assert r.status_code == 403 and r.json()["reason_code"] == "own_approval", r.text
        zh = c.post(f"{API}/ledger/budgets/{bid}/approvals",
                    headers={**login(c, "li_dm"), "Accept-Language": "zh-CN"},
                    json={"decision": "approve"})
        assert zh.status_code == 403 and "不相容职务分离" in zh.text, zh.text
        # the web's 批准 on one's own budget
        with TestClient(create_app(runtime)) as w:
            web_login(w, "li_dm")
            page = w.get("/finance")
            token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
            assert token, page.text
            resp = w.post(f"/finance/budgets/{bid}/decision", follow_redirects=False,
                          data={"decision": "approve", "csrf_token": token.group(1)})
            assert resp.status_code == 403, resp.text
        r = c.post(f"{API}/ledger/contracts/{k}/amendments", headers=login(c, "pm"),
                   json={"amount": "120000", "reason": "x", "on": "2018-02-01"})
        assert r.status_code == 200 and r.json()["amount"] == "90000.00", r.text
        assert r.json()["pending_amount"] == "120000.00"
    code, body = _cli(runtime, "ledger", "budget-approve", str(bid), "--as", "li_dm")
    assert code != 0 and "own_approval" in json.dumps(body), body
    code, body = _cli(runtime, "ledger", "contract-approve", str(k), "price", "--as",
                      "ap-finance_manager")
    assert code == 0 and body["pending_amount"] == "120000.00", body
    code, body = _cli(runtime, "ledger", "contract-approve", str(k), "signing", "--as",
                      "ap-finance_manager")
    assert code != 0 and "second_step" in json.dumps(body), body
    code, body = _cli(runtime, "ledger", "contract-approve", str(k), "signing", "--as", "ap-cfo")
    assert code == 0 and body["amount"] == "120000.00" and body["pending_amount"] is None, body
