"""A contract signed outside datamill is recorded by one person and confirmed by another
(new-user trial, MEDIUM 4).

On the old code ``ledger contract-add K 1 --amount 600 --signed-on 2026-12-01 --as fin`` made
a ``signed`` contract at once: orders were split off it and booked on one person's word, past
the price and signing approvals and their separation of duties (domain §6.1). Now it is
``pending_record`` (no order split off it) until a second person with a signing approval role
(VP, CFO, president), not its recorder, confirms it with the signing step."""

from __future__ import annotations

import json
from decimal import Decimal

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import make_approvers


def _cli(runtime: Runtime, *args: str) -> tuple[int, dict[str, object]]:
    r = run_cli(runtime.settings.home, "ledger", *args, "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    return r.returncode, json.loads(r.stdout)


def test_a_recorded_contract_waits_for_a_second_person(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        ap = make_approvers(s)
        from datamill.ledger.budgets import register_approver

        register_approver(s, users["admin"].id, "vp")  # the recorder holds the role too
    assert _cli(runtime, "customer-add", "Acme", "big_tech", "CN", "--as", "admin")[0] == 0
    code, k = _cli(runtime, "contract-add", "K", "1", "--amount", "600", "--signed-on",
                   "2026-12-01", "--as", "admin")
    assert code == 0 and k["status"] == "pending_record", k  # was signed at once
    code, out = _cli(runtime, "order-add", str(k["id"]), "O", "speech", "custom", "600", "10",
                     "--as", "admin")
    assert code != 0 and "signed contracts only" in str(out["error"]), out
    code, out = _cli(runtime, "contract-approve", str(k["id"]), "signing", "--as", "admin")
    assert code != 0 and out["error"]["reason_code"] == "own_approval", out  # type: ignore[index]
    code, out = _cli(runtime, "contract-approve", str(k["id"]), "price", "--as",
                     "ap-finance_reviewer")
    assert code != 0 and out["error"]["reason_code"] == "contract_record_step", out  # type: ignore[index]
    code, out = _cli(runtime, "contract-approve", str(k["id"]), "signing", "--as",
                     "ap-finance_reviewer")
    assert code != 0 and out["error"]["reason_code"] == "approval_role", out  # type: ignore[index]
    code, out = _cli(runtime, "contract-approve", str(k["id"]), "signing", "--as", "ap-vp")
    assert code == 0 and out["status"] == "signed" and out["signed_on"] == "2026-12-01", out
    code, out = _cli(runtime, "order-add", str(k["id"]), "O", "speech", "custom", "600", "10",
                     "--as", "admin")
    assert code == 0 and Decimal(str(out["amount"])) == 600, out
    assert ap["vp"]


def test_the_api_records_and_a_second_person_confirms(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        make_approvers(s)
    with TestClient(create_app(runtime)) as c:
        admin = login(c, "admin")
        cust = c.post(f"{API}/ledger/customers", headers=admin,
                      json={"name": "A", "customer_type": "big_tech", "country": "CN"}).json()
        k = c.post(f"{API}/ledger/contracts", headers=admin, json={
            "number": "K1", "customer_id": cust["id"], "signed_on": "2026-12-01"}).json()
        assert k["status"] == "pending_record", k
        no = c.post(f"{API}/ledger/contracts/{k['id']}/approvals",
                    headers={**login(c, "ap-vp"), "Accept-Language": "zh-CN"},
                    json={"step": "price"})
        assert no.status_code == 409 and no.json()["reason_code"] == "contract_record_step"
        rejected = c.post(f"{API}/ledger/contracts/{k['id']}/approvals",
                          headers=login(c, "ap-cfo"),
                          json={"step": "signing", "decision": "reject",
                                "reason": "no signed copy on file"})
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
