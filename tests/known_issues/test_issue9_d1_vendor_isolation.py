"""Issue 9, defect 1: a package handed to a vendor left the open claim pool only once assigned.

alice (vendor 1) claimed the tasks of packages handed to vendor 3 and was paid for them on
vendor 1's settlement sheet. Now a vendor's people claim only work handed to their vendor,
in-house people never claim a vendor's package, and a vendor's worker with nothing handed to
their vendor gets no work at all.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput
from datamill.production.models import Item, Task, WorkPackage
from datamill.production.tasks import assign_package, claim_next_task
from datamill.runtime import Runtime
from datamill.workforce.assignment import assign_package_to_worker, hand_package_to_vendor
from datamill.workforce.models import SettlementUnit
from datamill.workforce.settlement import create_settlement_sheet
from tests.known_issues import _vendor_world as vw


def _paid(s: object, sheet_id: int) -> set[int]:
    return set(
        s.scalars(  # type: ignore[attr-defined]
            select(SettlementUnit.item_id).where(SettlementUnit.sheet_id == sheet_id)
        )
    )


def test_alice_cannot_drain_vendor_3s_packages(runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=10, package_size=2)
        v1, _v2, v3 = (vw.vendor(s, admin, f"vendor-{k}") for k in (1, 2, 3))
        vw.price(s, admin)
        alice, _ = vw.worker(s, admin, pid, "alice", v1)
        bob, _ = vw.worker(s, admin, pid, "bob", v3)
        ivy, _ = vw.worker(s, admin, pid, "ivy", None)  # in-house
        pkgs = vw.packages(s, pid)
        assert len(pkgs) == 5
        hand_package_to_vendor(s, admin, pkgs[0].id, v1)
        for p in pkgs[1:]:  # packages 2-5: handed to vendor 3, not yet assigned to anyone
            hand_package_to_vendor(s, admin, p.id, v3)

        # in-house people never claim a vendor's package
        assert claim_next_task(s, ivy, pid, "annotate") is None
        # nor can production's plain assignment carry a package across the wall
        with pytest.raises(InvalidInput, match="handed to vendor"):
            assign_package(s, pkgs[1].id, alice)
        with pytest.raises(InvalidInput, match="handed to vendor"):
            assign_package(s, pkgs[1].id, ivy)

        alice_items = []
        while (t := vw.claim_and_submit(s, alice, pid)) is not None:
            assert vw.package_of(s, t.id).vendor_id == v1
            alice_items.append(t.item_id)
        assert len(alice_items) == 2  # package 1 only; before the fix: all 10
        bob_items = []
        while (t := vw.claim_and_submit(s, bob, pid)) is not None:
            assert vw.package_of(s, t.id).vendor_id == v3
            bob_items.append(t.item_id)
        assert len(bob_items) == 8

        vw.accept_everything(s, pid, users["insp"])
        sheet1 = create_settlement_sheet(s, admin, v1, vw.WEEK)
        sheet3 = create_settlement_sheet(s, admin, v3, vw.WEEK)
        assert _paid(s, sheet1.id) == set(alice_items)
        assert _paid(s, sheet3.id) == set(bob_items)
        assert sheet1.amount == 2 and sheet3.amount == 8
    finally:
        s.rollback()
        s.close()


def test_a_vendor_worker_gets_no_open_pool_work(runtime: Runtime, users: dict[str, User]) -> None:
    """Work handed to nobody is the in-house pool: a vendor's worker with nothing handed to
    their vendor gets None, and a package handed to no vendor cannot be assigned to them."""
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=4, package_size=2)
        v1 = vw.vendor(s, admin, "vendor-1")
        alice, alice_w = vw.worker(s, admin, pid, "alice", v1)
        ivy, _ = vw.worker(s, admin, pid, "ivy", None)
        carol = vw.person(s, "carol")  # not registered as a worker at all: in-house
        pkgs = vw.packages(s, pid)
        assert claim_next_task(s, alice, pid, "annotate") is None
        with pytest.raises(InvalidInput, match="hand package"):
            assign_package(s, pkgs[0].id, alice)
        with pytest.raises(InvalidInput, match="hand package"):
            assign_package_to_worker(s, admin, pkgs[0].id, alice_w)
        got = [vw.claim_and_submit(s, who, pid) for who in (ivy, carol, ivy, carol, ivy)]
        assert [t is not None for t in got] == [True, True, True, True, False]
        assert claim_next_task(s, alice, pid, "annotate") is None
    finally:
        s.rollback()
        s.close()


hand_offs = st.lists(
    st.tuples(st.sampled_from([None, 0, 1, 2]), st.booleans()), min_size=1, max_size=6
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=hand_offs, staff=st.lists(st.integers(0, 2), min_size=3, max_size=3), data=st.data())
def test_claims_and_settlements_never_cross_the_vendor_wall(
    runtime: Runtime,
    users: dict[str, User],
    plan: list[tuple[int | None, bool]],
    staff: list[int],
    data: st.DataObject,
) -> None:
    """Random packages handed to random vendors (or to nobody), some assigned to a random
    person of their side; random people of random vendors (and in-house) claim until nothing
    is left: every claim stays inside the claimer's vendor (and inside their own assignment,
    if the package has one), a vendor without people is refused its package (which stays
    in-house), nothing is left over, and each vendor's sheet pays exactly the items of the
    packages handed to it."""
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=2 * len(plan), package_size=2)
        vendors = [vw.vendor(s, admin, f"vendor-{k}") for k in range(3)]
        vw.price(s, admin)
        people: list[tuple[User, int | None]] = []
        side: dict[int | None, list[tuple[User, int]]] = {None: []}
        for k, n in enumerate(staff):
            side[vendors[k]] = []
            for j in range(n):
                user, wid = vw.worker(s, admin, pid, f"w{k}-{j}", vendors[k])
                side[vendors[k]].append((user, wid))
                people.append((user, vendors[k]))
        inhouse, inhouse_w = vw.worker(s, admin, pid, "ivy", None)
        side[None].append((inhouse, inhouse_w))
        people += [(inhouse, None), (vw.person(s, "carol"), None)]
        pkgs = vw.packages(s, pid)
        owner: dict[int, int | None] = {}
        for pkg, (who, assign) in zip(pkgs, plan, strict=True):
            vendor_id = None if who is None else vendors[who]
            if vendor_id is not None and not side[vendor_id]:
                # a vendor with nobody for the stage is refused it (trial h6): it stays in-house
                with pytest.raises(Conflict, match="nobody for the annotate stage"):
                    hand_package_to_vendor(s, admin, pkg.id, vendor_id)
                vendor_id = None
            owner[pkg.id] = vendor_id
            if vendor_id is not None:
                hand_package_to_vendor(s, admin, pkg.id, vendor_id)
            if assign and side[vendor_id]:
                _, wid = data.draw(st.sampled_from(side[vendor_id]), label=f"assignee {pkg.id}")
                assign_package_to_worker(s, admin, pkg.id, wid)

        claimed: dict[int, set[int]] = {v: set() for v in vendors}
        active = list(people)
        while active:
            user, vendor_id = active[data.draw(st.integers(0, len(active) - 1), label="claimer")]
            task = vw.claim_and_submit(s, user, pid)
            if task is None:
                active.remove((user, vendor_id))
                continue
            pkg = vw.package_of(s, task.id)
            assert pkg.vendor_id == vendor_id, (user.username, pkg.id)
            assert pkg.assignee_id in (None, user.id), (user.username, pkg.id)
            if vendor_id is not None:
                claimed[vendor_id].add(task.item_id)

        # left over: nothing (a vendor with nobody to do it never got the work)
        left = s.execute(
            select(Task.id, WorkPackage.vendor_id)
            .join(WorkPackage, WorkPackage.id == Task.package_id)
            .where(Task.project_id == pid, Task.status == "open")
        ).all()
        assert all(v is not None and not side[v] for _, v in left), left
        expected_left = sum(2 for p in pkgs if owner[p.id] is not None and not side[owner[p.id]])
        assert len(left) == expected_left

        if s.scalar(select(Item.id).where(Item.project_id == pid, Item.status == "reviewed")):
            vw.accept_everything(s, pid, users["insp"])
        for v in vendors:
            handed = set(
                s.scalars(
                    select(Task.item_id)
                    .join(WorkPackage, WorkPackage.id == Task.package_id)
                    .where(WorkPackage.vendor_id == v, Task.status == "done")
                )
            )
            assert claimed[v] == handed
            if not handed:
                with pytest.raises(Conflict, match="nothing accepted"):
                    create_settlement_sheet(s, admin, v, vw.WEEK)
                continue
            sheet = create_settlement_sheet(s, admin, v, vw.WEEK)
            assert _paid(s, sheet.id) == handed
    finally:
        s.rollback()
        s.close()
