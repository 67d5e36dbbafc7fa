"""h4 trial (MEDIUM, left out last round): the ``worker_role`` rule refused registering an
admin or a customer as a vendor's worker, but a person registered while an annotator keeps the
worker record and its vendor link when their role changes later (the operator edits the role,
or a database from before the rule holds one). The vendor's manager then still listed them,
read their dashboard and deactivated them (``PUT /workers/{id}/active``: 200), and a customer
flagged manager wore the vendor manager's hat.

Now such a record is detached from the vendor side: its manager hears 404 (as for another
vendor's worker) and no longer lists them, and the person wears no manager's hat through it;
the business side still sees the record and moves it in-house."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.policies import managed_vendor_id
from datamill.workforce.vendors import create_vendor, register_worker
from tests._api import API, login


def test_a_worker_made_admin_or_customer_leaves_the_vendor_side(
        runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        admin = s.merge(users["admin"])
        boss = create_user(s, "boss", "password1", "vendor_manager")
        vendor = create_vendor(s, admin, name="Studio H4b", kind="studio", fee_rate="0.1",
                               agreement_no="FA-H4b").id
        register_worker(s, admin, boss, vendor_id=vendor, is_manager=True)
        promoted = register_worker(s, admin, s.merge(users["ann1"]), vendor_id=vendor).id
        custo = register_worker(s, admin, s.merge(users["ann2"]), vendor_id=vendor,
                                is_manager=True).id
        # later the roles change (the operator's edit; no face writes roles)
        s.execute(update(User).where(User.username == "ann1").values(role="admin"))
        s.execute(update(User).where(User.username == "ann2").values(role="customer"))
    client = TestClient(create_app(runtime))
    mgr = login(client, "boss")
    listed = client.get(f"{API}/vendors/{vendor}/workers", headers=mgr)
    assert listed.status_code == 200
    assert {w["username"] for w in listed.json()} == {"boss"}  # was boss, ann1, ann2
    for wid in (promoted, custo):
        r = client.put(f"{API}/workers/{wid}/active", json={"active": False, "reason": "x"},
                       headers=mgr)
        assert r.status_code == 404, r.text  # was 200: the manager deactivated the admin
        assert client.get(f"{API}/workers/{wid}/dashboard", headers=mgr).status_code == 404
    with runtime.session() as s:  # the customer flagged manager wears no manager's hat
        for name in ("ann1", "ann2"):
            person = s.scalars(select(User).where(User.username == name)).one()
            assert managed_vendor_id(s, person) is None
    cust = login(client, "ann2")
    assert client.get(f"{API}/vendors/{vendor}/workers", headers=cust).status_code in {403, 404}
    # the business side still sees the record and moves it in-house
    pm = login(client, "pm")
    assert client.get(f"{API}/workers/{promoted}/dashboard", headers=pm).status_code == 200
    r = client.put(f"{API}/workers/{promoted}/vendor", json={"vendor_id": None, "reason": "x"},
                   headers=pm)
    assert r.status_code == 200, r.text
