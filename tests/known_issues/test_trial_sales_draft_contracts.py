"""Trial leftover: a salesperson could not draft a contract on any face (the matrix gave sales
only ``view_ledger`` and ``register_customer``), although sales handle quotes, contracts and
licences (domain §2) and a contract starts as their draft (domain §6: draft →
price-reasonableness approval → signing approval → signed).

The matrix's ``draft_contract`` lets sales draft a contract and ask for a signed contract's
amendment or cancellation on the CLI, the API and the web. Segregation of duties holds: the
drafter (or requester) never signs the price or the signing approval (``own_approval``), a
plain salesperson signs no approval at all, and sales still post no cost, grade no customer,
record no signature and close no period. A contract never signed is cancelled at once, without
approvals, so only its drafter or finance cancels it (``contract_cancel_writer``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.permissions import Scope, role_scope
from datamill.compliance.roles import Action, Role
from datamill.compliance.users import create_user, get_user
from datamill.core.errors import Forbidden
from datamill.ledger.access import require_contract_canceller, require_contract_drafter
from datamill.ledger.budgets import register_approver
from datamill.ledger.contracts import contract_detail, draft_contract
from datamill.ledger.orders import create_contract, create_customer
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.unit.ledger.helpers import make_approvers


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    """Two salespeople (``sam``; ``sue`` also holds the finance_reviewer approval role), a
    finance clerk, an auditor, one user per ledger approval role, a customer, a draft by the
    finance clerk and a signed contract."""
    with runtime.session() as s:
        ids = make_approvers(s)
        sam = create_user(s, "sam", "password1", "sales")
        sue = create_user(s, "sue", "password1", "sales")
        register_approver(s, sue.id, "finance_reviewer")
        fin = create_user(s, "fin", "password1", "finance")
        create_user(s, "aud", "password1", "auditor")
        cust = create_customer(s, "Acme Voice", customer_type="big_tech", country="CN")
        theirs = draft_contract(s, "K-FIN-1", customer_id=cust.id, amount=Decimal("9000"),
                                actor_id=fin.id)
        signed = create_contract(s, "K-SIGNED-1", customer_id=cust.id, kind="custom",
                                 signed_on=date(2026, 3, 2), amount=Decimal("80000"),
                                 actor_id=fin.id)
    return {**ids, "customer": cust.id, "theirs": theirs.id, "signed": signed.id,
            "sam": sam.id, "sue": sue.id}


def _status(runtime: Runtime, contract_id: int) -> str:
    with runtime.session() as s:
        return contract_detail(s, contract_id).contract.status


def test_matrix_lets_sales_draft_contracts_not_write_the_books() -> None:
    for role in (Role.SALES, Role.FINANCE, Role.PROJECT_MANAGER, Role.ADMIN):
        assert role_scope(role, Action.DRAFT_CONTRACT) is Scope.ANY, role
    for role in (Role.AUDITOR, Role.ANNOTATOR, Role.CUSTOMER, Role.PROCUREMENT):
        assert role_scope(role, Action.DRAFT_CONTRACT) is Scope.NONE, role
    assert role_scope(Role.SALES, Action.LEDGER) is Scope.NONE


def test_rule_drafters_and_cancellers(runtime: Runtime, world: dict[str, int]) -> None:
    with runtime.session() as s:
        sam, fin, aud = get_user(s, "sam"), get_user(s, "fin"), get_user(s, "aud")
        require_contract_drafter(s, sam)
        require_contract_drafter(s, fin)
        with pytest.raises(Forbidden) as refused:
            require_contract_drafter(s, aud)
        assert refused.value.details["reason_code"] == "contract_drafter"
        # a signed contract's cancellation is a request: sales may ask
        require_contract_canceller(s, sam, world["signed"])
        # a colleague's unsigned draft is cancelled at once: its drafter or finance only
        require_contract_canceller(s, fin, world["theirs"])
        with pytest.raises(Forbidden) as refused:
            require_contract_canceller(s, sam, world["theirs"])
        assert refused.value.details["reason_code"] == "contract_cancel_writer"
        mine = draft_contract(s, "K-SAM-0", customer_id=world["customer"], amount="10",
                              actor_id=sam.id)
        require_contract_canceller(s, sam, mine.id)


def test_cli_sales_drafts_and_never_approves(runtime: Runtime, world: dict[str, int]) -> None:
    home, url = runtime.settings.home, str(runtime.settings.database_url)

    def cli(*args: str, ok: bool = True) -> dict[str, object]:
        r = run_cli(home, "ledger", *args, "--json", ok=ok, DATAMILL_DATABASE_URL=url)
        out: dict[str, object] = json.loads(r.stdout)  # JSON in every case, refusals too
        assert (r.returncode == 0) is ok, r.stdout + r.stderr
        return out

    k = cli("contract-draft", "K-CLI-1", str(world["customer"]), "50000", "--as", "sam")
    assert k["status"] == "draft" and k["number"] == "K-CLI-1"
    kid = str(k["id"])
    # a plain salesperson signs no approval, not even of someone else's draft
    refused = cli("contract-approve", kid, "price", "--as", "sam", ok=False)
    assert "sam" in json.dumps(refused)
    refused = cli("contract-approve", str(world["theirs"]), "price", "--as", "sam", ok=False)
    # another approver signs the salesperson's draft
    assert cli("contract-approve", kid, "price", "--as", "ap-finance_reviewer")["status"] \
        == "price_approved"
    # a salesperson who holds an approval role drafts, and never signs their own draft
    k2 = cli("contract-draft", "K-CLI-2", str(world["customer"]), "7000", "--as", "sue")
    refused = cli("contract-approve", str(k2["id"]), "price", "--as", "sue", ok=False)
    assert "own_approval" in json.dumps(refused), refused
    assert _status(runtime, int(str(k2["id"]))) == "draft"
    assert cli("contract-approve", str(k2["id"]), "price", "--as",
               "ap-finance_manager")["status"] == "price_approved"
    # sales ask for a signed contract's amendment and cancellation (pending approvals)
    amended = cli("contract-amend", str(world["signed"]), "90000", "--reason", "more hours",
                  "--on", "2026-03-10", "--as", "sam")
    assert amended["pending_amount"] == "90000.00" and amended["amount"] == "80000.00"
    # ... sign nothing, record no signature, post no cost, grade no customer, close no period
    refused = cli("contract-sign", kid, "--signed-on", "2026-03-02", "--as", "sam", ok=False)
    cli("contract-add", "K-CLI-3", str(world["customer"]), "--as", "sam", ok=False)
    cli("cost-post", "1", "annotate", "data_service", "100", "REF-1", "2026-03-05",
        "--as", "sam", ok=False)
    refused = cli("customer-grade", str(world["customer"]), "1", "--reason", "x", "--as", "sam",
                  ok=False)
    assert "credit_grade_finance" in json.dumps(refused)
    cli("period-close", "2026-03", "--as", "sam", ok=False)
    # an auditor drafts nothing
    refused = cli("contract-draft", "K-CLI-4", str(world["customer"]), "1", "--as", "aud",
                  ok=False)
    assert "contract_drafter" in json.dumps(refused), refused
    with runtime.session() as s:
        rec = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.contract.created",
            AuditRecord.object_id == int(kid))).one()
        assert rec.actor_id == world["sam"]


@pytest.fixture
def api(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_api_sales_drafts_asks_and_never_approves(
    runtime: Runtime, world: dict[str, int], api: TestClient
) -> None:
    sam, sue = login(api, "sam"), login(api, "sue")
    body = {"number": "K-API-1", "customer_id": world["customer"], "amount": "50000"}
    r = api.post(f"{API}/ledger/contracts/drafts", headers=sam, json=body)
    assert r.status_code == 201 and r.json()["status"] == "draft", r.text
    kid = r.json()["id"]
    r = api.post(f"{API}/ledger/contracts/drafts", headers=login(api, "aud"),
                 json={**body, "number": "K-API-X"})
    assert r.status_code == 403 and r.json()["reason_code"] == "contract_drafter", r.text
    # the drafter never approves: a plain salesperson is refused any step
    price = {"step": "price", "decision": "approve"}
    r = api.post(f"{API}/ledger/contracts/{kid}/approvals", headers=sam, json=price)
    assert r.status_code == 403, r.text
    # a salesperson with an approval role drafts, and is refused their own price approval
    r = api.post(f"{API}/ledger/contracts/drafts", headers=sue,
                 json={**body, "number": "K-API-2"})
    assert r.status_code == 201, r.text
    sues = r.json()["id"]
    r = api.post(f"{API}/ledger/contracts/{sues}/approvals", headers=sue, json=price)
    assert r.status_code == 403 and r.json()["reason_code"] == "own_approval", r.text
    # ... and approves a colleague's draft (a different approver)
    r = api.post(f"{API}/ledger/contracts/{kid}/approvals", headers=sue, json=price)
    assert r.status_code == 200 and r.json()["status"] == "price_approved", r.text
    r = api.post(f"{API}/ledger/contracts/{kid}/approvals", headers=login(api, "ap-vp"),
                 json={"step": "signing", "decision": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "signing_approved", r.text
    # the signature is finance's
    r = api.post(f"{API}/ledger/contracts/{kid}/sign", headers=sam,
                 json={"signed_on": "2026-03-02"})
    assert r.status_code == 403, r.text
    # a cancellation request on a signed contract: sales ask, two approvers decide
    r = api.post(f"{API}/ledger/contracts/{world['signed']}/cancel", headers=sam,
                 json={"on": "2026-03-20", "reason": "trial failed"})
    assert r.status_code == 200 and r.json()["pending_cancellation"] == "2026-03-20", r.text
    r = api.post(f"{API}/ledger/contracts/{world['signed']}/approvals", headers=sam, json=price)
    assert r.status_code == 403, r.text
    # a colleague's unsigned draft would be cancelled at once: refused; their own is not
    r = api.post(f"{API}/ledger/contracts/{world['theirs']}/cancel", headers=sam,
                 json={"on": "2026-03-20", "reason": "lost the deal"})
    assert r.status_code == 403 and r.json()["reason_code"] == "contract_cancel_writer", r.text
    assert _status(runtime, world["theirs"]) == "draft"
    r = api.post(f"{API}/ledger/contracts/drafts", headers=sam,
                 json={**body, "number": "K-API-3"})
    r = api.post(f"{API}/ledger/contracts/{r.json()['id']}/cancel", headers=sam,
                 json={"on": "2026-03-20", "reason": "lost the deal"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    r = api.post(f"{API}/ledger/contracts/{r.json()['id']}/cancel", headers=sam,
                 json={"on": "2026-03-20", "reason": "again"})
    assert r.status_code == 409, r.text  # already cancelled: said so, not refused
    # sales still write nothing else in the books
    r = api.post(f"{API}/ledger/projects/1/costs", headers=sam, json={
        "stage": "annotate", "category": "data_service", "amount": "100",
        "source_ref": "REF-1", "incurred_on": "2026-03-05"})
    assert r.status_code == 403, r.text
    r = api.post(f"{API}/ledger/periods/2026-03/close", headers=sam, json={"rerun": False})
    assert r.status_code == 403, r.text
    r = api.post(f"{API}/ledger/customers/{world['customer']}/credit-grade", headers=sam,
                 json={"grade": "1", "reason": "x"})
    assert r.status_code == 403, r.text
    r = api.post(f"{API}/ledger/contracts", headers=sam, json={
        "number": "K-API-4", "customer_id": world["customer"], "signed_on": "2026-03-02"})
    assert r.status_code == 403, r.text


def _post(client: TestClient, csrf: str, path: str, **data: str) -> int:
    r = client.post(path, data={**data, "csrf_token": csrf}, follow_redirects=False)
    return r.status_code


def test_web_sales_drafts_and_never_approves(
    runtime: Runtime, world: dict[str, int], api: TestClient
) -> None:
    sal = TestClient(api.app)
    scsrf = web_sign_in(sal, "sam")
    page = sal.get("/finance/contracts").text
    assert 'data-testid="draft-form"' in page
    assert 'data-testid="grade-form"' not in page
    aud = TestClient(api.app)
    acsrf = web_sign_in(aud, "aud")
    assert 'data-testid="draft-form"' not in aud.get("/finance/contracts").text
    form = {"number": "K-WEB-S", "customer_id": str(world["customer"]), "amount": "50000",
            "kind": "custom", "currency": "CNY"}
    assert _post(aud, acsrf, "/finance/contracts/drafts", **form) == 403
    r = sal.post("/finance/contracts/drafts", data={**form, "csrf_token": scsrf},
                 follow_redirects=False)
    assert r.status_code == 303, r.text
    kid = int(r.headers["location"].split("/")[-1].split("?")[0])
    base = f"/finance/contracts/{kid}"
    mine = sal.get(base).text
    assert 'data-testid="approve-form"' not in mine
    assert 'data-testid="cancel-form"' in mine  # their own draft: they may withdraw it
    assert _post(sal, scsrf, f"{base}/approve", step="price", decision="approve") == 403
    # someone else's draft: no cancel form, and the cancellation is refused
    theirs = f"/finance/contracts/{world['theirs']}"
    assert 'data-testid="cancel-form"' not in sal.get(theirs).text
    assert _post(sal, scsrf, f"{theirs}/cancel", reason="x", on="2026-03-20") == 403
    # a different approver signs the price
    rev = TestClient(api.app)
    rcsrf = web_sign_in(rev, "ap-finance_reviewer")
    assert 'data-testid="approve-form"' in rev.get(base).text
    assert _post(rev, rcsrf, f"{base}/approve", step="price", decision="approve") == 303
    assert _status(runtime, kid) == "price_approved"
    # a salesperson with an approval role never signs their own draft
    sue = TestClient(api.app)
    ucsrf = web_sign_in(sue, "sue")
    r = sue.post("/finance/contracts/drafts", follow_redirects=False,
                 data={**form, "number": "K-WEB-U", "csrf_token": ucsrf})
    assert r.status_code == 303, r.text
    sues = int(r.headers["location"].split("/")[-1].split("?")[0])
    assert _post(sue, ucsrf, f"/finance/contracts/{sues}/approve", step="price",
                 decision="approve") == 403
    assert _status(runtime, sues) == "draft"
    # on a signed contract sales ask for an amendment; the signature stays finance's
    signed = f"/finance/contracts/{world['signed']}"
    page = sal.get(signed).text
    assert 'data-testid="amend-form"' in page and 'data-testid="sign-form"' not in page
    assert _post(sal, scsrf, f"{signed}/amend", amount="90000", reason="more hours",
                 on="2026-03-10") == 303
    with runtime.session() as s:
        assert contract_detail(s, world["signed"]).pending_amount == Decimal("90000.00")
    assert _post(sal, scsrf, f"{base}/sign", signed_on="2026-03-02") == 403
    assert _post(sal, scsrf, f"/finance/customers/{world['customer']}/credit-grade",
                 grade="1", reason="x") == 403
