"""h4 (last round's left-out, MEDIUM): a vendor's worker whose role changed later (the operator
makes the annotator a customer or a project manager) is detached from the vendor side (see
test_h4_worker_role_changed_later.py), but the project memberships the vendor's hand-offs gave
them stayed. A customer so made was a member of the projects handed to the vendor (another
customer's work): they listed them, read their basics and deliveries and could accept them; a
project manager so made managed them.

A membership a vendor's hand-off gave (``via_vendor_id``) now counts only while the person's role
is a vendor worker's; one the business gave directly is theirs whatever their role."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import add_member, is_member, require
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.vendors import register_worker
from tests._api import API, login
from tests.known_issues._vendor_world import packages, project, vendor


def _world(runtime: Runtime, users: dict[str, User]) -> tuple[int, int]:
    """ann1 a worker of a vendor a package of ``handed`` is handed to; ``own`` a project the
    business made ann1 a member of directly."""
    with runtime.session() as s:
        admin = s.merge(users["admin"])
        ann = s.merge(users["ann1"])
        handed = project(s, 2, 2, name="h4-handed")
        own = project(s, 2, 2, name="h4-own")
        vid = vendor(s, admin, "H4 Detach Studio")
        register_worker(s, admin, ann, vendor_id=vid, languages=["en-US"])
        out = hand_package_to_vendor(s, admin, packages(s, handed)[0].id, vid)
        assert out.members_added == ["ann1"]
        add_member(s, own, ann, actor_id=admin.id)
    return handed, own


def _role(runtime: Runtime, role: str) -> None:
    with runtime.session() as s:  # the operator's edit: no face writes roles
        s.execute(update(User).where(User.username == "ann1").values(role=role))


def test_a_worker_made_customer_loses_what_the_vendor_admitted_them_to(
        runtime: Runtime, users: dict[str, User]) -> None:
    handed, own = _world(runtime, users)
    _role(runtime, "customer")
    with runtime.session() as s:
        ann = s.merge(users["ann1"])
        s.refresh(ann)
        assert not is_member(s, handed, ann.id)  # was True
        assert is_member(s, own, ann.id)  # the business's own say-so stays
        try:
            require(s, ann, Action.ACCEPT_DELIVERY, handed)
            raise AssertionError("a customer accepts deliveries of a project handed to a vendor")
        except Forbidden:
            pass
    client = TestClient(create_app(runtime))
    cust = login(client, "ann1")
    listed = {p["id"] for p in client.get(f"{API}/projects", headers=cust).json()["items"]}
    assert handed not in listed and own in listed  # was both
    assert client.get(f"{API}/projects/{handed}", headers=cust).status_code in {403, 404}
    assert client.get(f"{API}/projects/{own}", headers=cust).status_code == 200


def test_a_worker_made_project_manager_cannot_run_the_vendors_project(
        runtime: Runtime, users: dict[str, User]) -> None:
    handed, own = _world(runtime, users)
    _role(runtime, "project_manager")
    client = TestClient(create_app(runtime))
    pm = login(client, "ann1")
    assert client.get(f"{API}/projects/{handed}/dashboard", headers=pm).status_code in {403, 404}
    assert client.get(f"{API}/projects/{own}/dashboard", headers=pm).status_code == 200
    r = client.post(f"{API}/projects/{handed}/tasks/next", json={"stage": "annotate"},
                    headers=pm)
    assert r.status_code in {403, 404}, r.text


def test_a_worker_still_a_worker_keeps_them(runtime: Runtime, users: dict[str, User]) -> None:
    handed, _own = _world(runtime, users)
    _role(runtime, "reviewer")  # another of a vendor worker's roles: still the vendor's
    with runtime.session() as s:
        assert is_member(s, handed, s.merge(users["ann1"]).id)
