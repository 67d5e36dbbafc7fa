"""Security test: a licence's contract could be cancelled through the ledger, and a ledger
contract could take a licence's number.

1. (high) ``catalog licence-add`` issues licence 8 with its contract ``LIC-261206/AAE`` (kind
   licence). A salesperson asked ``POST /api/v1/ledger/contracts/16/cancel`` and finance
   signed both steps: the contract was cancelled, but the licence stayed issued and active,
   new links were issued and downloaded, ``catalog licence-revoke 8`` then failed 409
   ("contract ... is already cancelled"), and an acceptance left a stuck ledger sync event.
   Now a licence's contract is cancelled only by revoking the licence and changed only by
   renewing it: the ledger's cancellation and amendment of it are refused on every face (CLI,
   API, web forms: ``licence_contract_catalog``), and a request asked before that is never
   approved into effect. A licence whose contract an old route cancelled is revoked all the
   same, and is not accepted before (``licence_contract_cancelled``: its revenue would never
   book).
2. (medium) ``ledger contract-draft "LIC-261206/AAF" 3 5 --as sales2`` was accepted, and every
   automatically numbered licence of that day then failed 409 ("contract 'LIC-261206/AAF'
   already exists"), even after the draft was cancelled. Now the ledger makes no contract
   numbered ``LIC-…`` (``contract_number_reserved``) nor of kind licence
   (``contract_kind_licence``), and the numbering skips a number a contract holds.

SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.business_clock import business_today
from datamill.catalog import licences
from datamill.catalog.models import CatalogLicence
from datamill.compliance.models import AuditRecord
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict
from datamill.ledger.budgets import register_approver
from datamill.ledger.contracts import CANCEL_PENDING, PENDING, approve_contract, contract_detail
from datamill.ledger.models import LedgerContract, LedgerContractChange, LedgerOrder
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests._cli import run_cli
from tests.unit.catalog.helpers import customer, people, released

_TERMS = {"price": "300000", "territory": "PRC", "term": "two years",
          "usage_scope": "internal ASR training", "acceptance_criteria": "manifest matches"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


@pytest.fixture
def shop(runtime: Runtime, tmp_path: Path) -> dict[str, Any]:
    """A released dataset, a customer, a second salesperson and a finance approver."""
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        create_user(s, "sales2", "password1", "sales")
        fin = create_user(s, "fin", "password1", "finance")
        register_approver(s, fin.id, "finance_reviewer")
        vp = create_user(s, "boss", "password1", "finance")
        register_approver(s, vp.id, "vp")
    return {"who": who, "ds": ds_id, "cust": cust, "fin": fin.id, "vp": vp.id}


def _issue(runtime: Runtime, shop: dict[str, Any], territory: str = "PRC",
           **extra: Any) -> tuple[int, int]:
    """A licence issued by sales: (licence id, its contract's id)."""
    with runtime.session() as s:
        lic = licences.create_licence(s, shop["who"]["sales"], dataset_id=shop["ds"],
                                      customer_id=shop["cust"],
                                      **{**_TERMS, "territory": territory, **extra})
        order = s.get(LedgerOrder, lic.order_id)
        assert order is not None
        return lic.id, order.contract_id


def _state(runtime: Runtime, licence_id: int, contract_id: int) -> tuple[str, str]:
    with runtime.session() as s:
        lic, k = s.get(CatalogLicence, licence_id), s.get(LedgerContract, contract_id)
        assert lic is not None and k is not None
        return lic.status, k.status


def test_the_ledger_cancels_and_amends_no_licence_contract(
    runtime: Runtime, shop: dict[str, Any], client: TestClient,
) -> None:
    lic, k = _issue(runtime, shop)
    today = business_today().isoformat()
    sales2 = login(client, "sales2")
    # the reproduction: a salesperson asks the contract's cancellation through the ledger
    r = client.post(f"{API}/ledger/contracts/{k}/cancel", headers=sales2,
                    json={"on": today, "reason": "customer walked away"})
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["reason_code"] == "licence_contract_catalog", body
    assert "licence-revoke" in body["detail"]
    r = client.post(f"{API}/ledger/contracts/{k}/amendments", headers=sales2,
                    json={"amount": "1", "reason": "discount", "on": today})
    assert r.status_code == 409 and r.json()["reason_code"] == "licence_contract_catalog", r.text
    # the CLI (JSON in every case) and the web forms refuse the same
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    for args in (("contract-cancel", str(k), "--reason", "walked away"),
                 ("contract-amend", str(k), "1", "--reason", "discount")):
        out = run_cli(home, "ledger", *args, "--as", "sales2", "--json", ok=False,
                      DATAMILL_DATABASE_URL=url)
        assert out.returncode != 0
        assert "licence_contract_catalog" in json.dumps(json.loads(out.stdout)), out.stdout
    csrf = web_sign_in(client, "sales2")
    page = client.get(f"/finance/contracts/{k}")
    assert page.status_code == 200, page.text
    assert 'data-testid="cancel-form"' not in page.text
    assert 'data-testid="amend-form"' not in page.text
    assert 'data-testid="licence-contract"' in page.text and "licence-revoke" in page.text
    r = client.post(f"/finance/contracts/{k}/cancel", follow_redirects=False,
                    data={"csrf_token": csrf, "on": today, "reason": "walked away"})
    assert r.status_code == 409 and "licence-revoke" in r.text, r.text
    r = client.post(f"/finance/contracts/{k}/amend", follow_redirects=False,
                    data={"csrf_token": csrf, "on": today, "reason": "discount", "amount": "1"})
    assert r.status_code == 409 and "licence-revoke" in r.text, r.text
    assert _state(runtime, lic, k) == ("issued", "signed")
    with runtime.session() as s:
        assert contract_detail(s, k).cancellation_requests == []
        zh = word_reason({"reason_code": "licence_contract_catalog", "number": "LIC-1"},
                         "zh-CN")
        assert zh is not None and "您" in zh
    # the licence's own lifecycle: its revocation cancels the contract
    with runtime.session() as s:
        licences.revoke_licence(s, shop["who"]["sales"], lic, reason="breach of terms")
    assert _state(runtime, lic, k) == ("revoked", "cancelled")


def test_an_old_ledger_cancellation_no_longer_blocks_the_revocation(
    runtime: Runtime, shop: dict[str, Any], client: TestClient,
) -> None:
    lic, k = _issue(runtime, shop)
    # data left by the old route: the ledger cancelled the licence's contract
    with runtime.session() as s:
        row = s.get(LedgerContract, k)
        assert row is not None
        row.status = "cancelled"
    # its acceptance would book revenue on a cancelled contract (a stuck ledger event): refused
    sales = login(client, "sales")
    r = client.post(f"{API}/catalog/licences/{lic}/acceptance", headers=sales, json={})
    assert r.status_code == 409, r.text
    assert r.json()["reason_code"] == "licence_contract_cancelled", r.text
    assert "licence-revoke" in r.json()["detail"]
    # the revocation ends the licence all the same (it answered 409 before)
    r = client.post(f"{API}/catalog/licences/{lic}/revocation", headers=sales,
                    json={"reason": "contract was cancelled in the ledger"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "revoked" and not r.json()["active"]
    assert _state(runtime, lic, k) == ("revoked", "cancelled")
    r = client.post(f"{API}/catalog/licences/{lic}/links", headers=sales, json={})
    assert r.status_code == 403 and r.json()["reason_code"] == "licence_revoked", r.text
    with runtime.session() as s:
        rec = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.licence.revoked",
            AuditRecord.object_id == lic)).one()
        assert rec.data["contract_cancelled_before"].startswith("LIC-")


@pytest.mark.parametrize("kind", [CANCEL_PENDING, PENDING])
def test_an_old_ledger_request_is_never_approved_into_effect(
    runtime: Runtime, shop: dict[str, Any], kind: str,
) -> None:
    lic, k = _issue(runtime, shop)
    # a request the ledger took before it refused them: a cancellation or an amendment
    with runtime.session() as s:
        s.add(LedgerContractChange(contract_id=k, kind=kind, changed_on=business_today(),
                                   old_amount=None, new_amount=None if kind == CANCEL_PENDING
                                   else 1, reason="asked by sales2", actor_id=None))
    with runtime.session() as s:
        with pytest.raises(Conflict) as refused:
            approve_contract(s, k, shop["fin"], "price")
        assert refused.value.details["reason_code"] == "licence_contract_catalog"
    assert _state(runtime, lic, k) == ("issued", "signed")
    # the licence's revocation decides it: the contract is cancelled with the licence
    with runtime.session() as s:
        licences.revoke_licence(s, shop["who"]["sales"], lic, reason="breach of terms")
    assert _state(runtime, lic, k) == ("revoked", "cancelled")
    with runtime.session() as s:
        kinds = [c.kind for c in s.scalars(select(LedgerContractChange).where(
            LedgerContractChange.contract_id == k))]
        assert kinds == (["cancellation"] if kind == CANCEL_PENDING
                         else ["amend_rejected", "cancellation"])


def test_the_ledger_takes_no_licence_number_nor_kind(
    runtime: Runtime, shop: dict[str, Any], client: TestClient,
) -> None:
    day = f"{business_today():%y%m%d}"
    home, url = runtime.settings.home, str(runtime.settings.database_url)

    def cli(*args: str) -> str:
        out = run_cli(home, "ledger", *args, "--json", ok=False, DATAMILL_DATABASE_URL=url)
        assert out.returncode != 0, out.stdout
        return json.dumps(json.loads(out.stdout))

    # the reproduction: sales2 drafts the day's next licence contract number
    said = cli("contract-draft", f"LIC-{day}/AAA", str(shop["cust"]), "5", "--as", "sales2")
    assert "contract_number_reserved" in said, said
    assert "contract_number_reserved" in cli("contract-draft", f" lic-{day}/AAB",
                                             str(shop["cust"]), "5", "--as", "sales2")
    assert "contract_kind_licence" in cli("contract-draft", "K-1", str(shop["cust"]), "5",
                                          "--kind", "licence", "--as", "sales2")
    assert "contract_number_reserved" in cli("contract-add", f"LIC-{day}/AAC",
                                             str(shop["cust"]), "--as", "fin")
    sales2, fin = login(client, "sales2"), login(client, "fin")
    r = client.post(f"{API}/ledger/contracts/drafts", headers=sales2, json={
        "number": f"LIC-{day}/AAA", "customer_id": shop["cust"], "amount": "5"})
    assert r.status_code == 422 and r.json()["reason_code"] == "contract_number_reserved", r.text
    r = client.post(f"{API}/ledger/contracts/drafts", headers=sales2, json={
        "number": "K-2", "customer_id": shop["cust"], "amount": "5", "kind": "licence"})
    assert r.status_code == 422 and r.json()["reason_code"] == "contract_kind_licence", r.text
    r = client.post(f"{API}/ledger/contracts", headers=fin, json={
        "number": f"LIC-{day}/AAA", "customer_id": shop["cust"], "kind": "custom",
        "signed_on": business_today().isoformat()})
    assert r.status_code == 422 and r.json()["reason_code"] == "contract_number_reserved", r.text
    csrf = web_sign_in(client, "sales2")
    form = client.get("/finance/contracts").text
    assert '<option value="custom"' in form and '<option value="licence"' not in form
    r = client.post("/finance/contracts/drafts", follow_redirects=False, data={
        "csrf_token": csrf, "number": f"LIC-{day}/AAA", "customer_id": shop["cust"],
        "amount": "5", "kind": "custom", "currency": "CNY"})
    assert r.status_code == 422 and re.search(r"LIC-\d{6}/AAA", r.text), r.text
    with runtime.session() as s:
        assert s.scalars(select(LedgerContract.number)).all() == []
    # the day's licences are numbered as before
    lic, _ = _issue(runtime, shop)
    with runtime.session() as s:
        row = s.get(CatalogLicence, lic)
        assert row is not None and row.number == f"{day}/AAA"


def test_the_numbering_skips_a_number_a_contract_holds(
    runtime: Runtime, shop: dict[str, Any],
) -> None:
    day = f"{business_today():%y%m%d}"
    # data left by the old route: a draft took the day's next licence number, then was
    # cancelled (the number stays taken)
    with runtime.session() as s:
        s.add(LedgerContract(number=f"LIC-{day}/AAB", customer_id=shop["cust"], kind="custom",
                             currency="CNY", status="cancelled"))
    first, _ = _issue(runtime, shop)
    second, k = _issue(runtime, shop, territory="Worldwide ex-PRC")
    with runtime.session() as s:
        numbers = [s.get(CatalogLicence, i).number for i in (first, second)]  # type: ignore[union-attr]
        contract = s.get(LedgerContract, k)
        assert contract is not None and contract.kind == "licence"
        assert contract.number == f"LIC-{day}/AAC"
    assert numbers == [f"{day}/AAA", f"{day}/AAC"]
