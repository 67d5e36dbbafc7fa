"""h4 trial (MEDIUM): a project manager could register any account as a vendor's worker: the
administrator, another project manager, a customer. A vendor's worker is admitted to every
project handed to the vendor (a customer then to another customer's deliveries: accept,
reject, download) and answers to the vendor's manager, who read the administrator's worker
dashboard and deactivated them (``PUT /workers/3/active`` as the vendor's manager: 200).

Now only the production work's roles (annotator, reviewer, inspector, vendor manager, vendor
worker) work for a vendor, registered or moved there, and a customer's account is no one's
worker: 422 ``worker_role``, worded en + zh; nothing recorded."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.models import Worker
from datamill.workforce.vendors import create_vendor
from tests._api import API, login


def test_only_the_works_roles_work_for_a_vendor(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        create_user(s, "cust", "password1", "customer")
        vendor = create_vendor(s, s.merge(users["admin"]), name="Studio H4", kind="studio",
                               fee_rate="0.1", agreement_no="FA-H4").id
    client = TestClient(create_app(runtime))
    pm = login(client, "pm")
    for name in ("admin", "cust"):
        r = client.post(f"{API}/workers", json={"username": name, "vendor_id": vendor},
                        headers=pm)
        assert r.status_code == 422, (name, r.text)  # was 201
        assert r.json()["reason_code"] == "worker_role"
    r = client.post(f"{API}/workers", json={"username": "cust"}, headers=pm)
    assert r.status_code == 422 and r.json()["reason_code"] == "worker_role"  # in-house neither
    zh = client.post(f"{API}/workers", json={"username": "admin", "vendor_id": vendor},
                     headers={**pm, "Accept-Language": "zh-CN"})
    assert "不能登记" in zh.json()["detail"]
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Worker)) == 0
    # the work's roles still do; an in-house member of staff stays in-house
    assert client.post(f"{API}/workers", json={"username": "ann1", "vendor_id": vendor},
                       headers=pm).status_code == 201
    staff = client.post(f"{API}/workers", json={"username": "insp"}, headers=pm).json()["id"]
    boss = client.post(f"{API}/workers", json={"username": "admin"}, headers=pm).json()["id"]
    r = client.put(f"{API}/workers/{boss}/vendor", json={"vendor_id": vendor, "reason": "x"},
                   headers=pm)
    assert r.status_code == 422 and r.json()["reason_code"] == "worker_role"
    assert client.put(f"{API}/workers/{staff}/vendor", json={"vendor_id": vendor, "reason": "x"},
                      headers=pm).status_code == 200
