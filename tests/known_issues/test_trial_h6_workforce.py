"""Trial h6: the workforce side as a fresh-clone user met it.

1. A package handed to a vendor could never be taken back: with the vendor off the qualified
   list its workers were refused at claim, ``workforce hand`` said "already handed" and an
   in-house assignment "not one of its workers", so its tasks were stuck. Now the business
   takes a package back (``workforce take-back``, ``DELETE /packages/{id}/vendor``) or hands it
   on (by itself from a vendor off the list, with ``--move`` from one still on it): the
   vendor's people's holds on its open tasks are released, submitted work stays, all audited.
   A worker can be deactivated (holds released, packages back to the pool) and the
   vendor-manager flag dropped (``worker-deactivate``, ``worker-manager``, ``PUT
   /workers/{id}/active|manager``).
2. ``workforce identity`` stored "ID 1101-0119-9003-0712-34", Chinese numerals and
   "passport E1234 5678" in clear: digits are now counted whatever the separators or script.
3. ``POST /packages/{id}/vendor`` said ``"tasks": 0`` for a package of 8; a review package
   could be handed to a vendor with nobody who may review (its tasks then out of everyone's
   reach); ``user tokens`` listed anyone's tokens without ``--as``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import add_member, create_token
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.production.models import Annotation, Task, TaskAssignment, WorkPackage
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.workforce.assignment import (
    assign_package_to_worker,
    hand_package_to_vendor,
    take_back_package,
)
from datamill.workforce.identity_ref import masked_reference
from datamill.workforce.models import Worker
from datamill.workforce.people import set_worker_active, set_worker_manager
from datamill.workforce.vendors import register_worker, set_vendor_qualified, verify_identity
from tests.known_issues import _vendor_world as vw


def _actions(s: Any, action: str) -> int:
    return int(s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == action)) or 0)


def _vendor_of(s: Any, package_id: int) -> int | None:
    vendor: int | None = s.scalar(select(WorkPackage.vendor_id)
                                  .where(WorkPackage.id == package_id))
    return vendor


def _holders(s: Any, package_id: int) -> set[int]:
    return set(s.scalars(
        select(TaskAssignment.user_id).join(Task, Task.id == TaskAssignment.task_id)
        .where(Task.package_id == package_id, TaskAssignment.status == "claimed")))


def test_a_package_comes_back_from_a_vendor_off_the_list(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=4, package_size=4)
        v1, v2 = vw.vendor(s, admin, "vendor-1"), vw.vendor(s, admin, "vendor-2")
        alice, _ = vw.worker(s, admin, pid, "alice", v2)
        bob, _ = vw.worker(s, admin, pid, "bob", v2)
        carol, _ = vw.worker(s, admin, pid, "carol", v1)
        ivy, ivy_w = vw.worker(s, admin, pid, "ivy", None)
        (pkg,) = vw.packages(s, pid)
        assert hand_package_to_vendor(s, admin, pkg.id, v2).tasks == 4  # was 0
        done = vw.claim_and_submit(s, alice, pid)
        assert done is not None
        assert claim_next_task(s, alice, pid, "annotate") is not None
        assert claim_next_task(s, bob, pid, "annotate") is not None
        assert _holders(s, pkg.id) == {alice.id, bob.id}

        # still qualified: handing on needs the purpose said (take-back or move)
        with pytest.raises(Conflict, match=f"take-back {pkg.id}"):
            hand_package_to_vendor(s, admin, pkg.id, v1)
        set_vendor_qualified(s, admin, v2, False, "licence expired")
        moved = hand_package_to_vendor(s, admin, pkg.id, v1)  # before: "already handed"
        assert moved.tasks == 4 and moved.done == 1  # alice's submitted task
        assert _vendor_of(s, pkg.id) == v1
        assert _holders(s, pkg.id) == set()  # alice's and bob's holds released
        assert s.scalar(select(func.count()).select_from(Annotation)
                        .where(Annotation.task_id == done.id)) == 1  # submitted work stays
        assert _actions(s, "package.taken_back") == 1
        got = claim_next_task(s, carol, pid, "annotate")
        assert got is not None and got.id != done.id

        # on purpose, from a vendor still qualified: carol's hold goes, ivy takes it in-house
        back = take_back_package(s, admin, pkg.id, "bringing it in-house")
        assert _vendor_of(s, pkg.id) is None and back.released_tasks == [got.id]
        with pytest.raises(Conflict, match="not handed to a vendor"):
            take_back_package(s, admin, pkg.id)
        assert assign_package_to_worker(s, admin, pkg.id, ivy_w).assignee_id == ivy.id
        assert claim_next_task(s, ivy, pid, "annotate") is not None
        assert claim_next_task(s, carol, pid, "annotate") is None
        with pytest.raises(NotFound):  # no member of its project: as a missing package
            take_back_package(s, users["ann1"], pkg.id)
    finally:
        s.rollback()
        s.close()


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, [*args, "--json"])
    return r.exit_code, json.loads(r.stdout)


def test_cli_take_back_move_deactivate_and_manager_flag(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        pid = vw.project(s, n_items=4, package_size=2)
        v1, v2 = vw.vendor(s, admin, "vendor-1"), vw.vendor(s, admin, "vendor-2")
        boss = vw.person(s, "boss", "vendor_manager")
        register_worker(s, admin, boss, vendor_id=v2, is_manager=True, languages=["en-US"])
        alice, alice_w = vw.worker(s, admin, pid, "alice", v2)
        vw.worker(s, admin, pid, "carol", v1)
        p1, p2 = (p.id for p in vw.packages(s, pid))
    code, out = _cli(runtime, monkeypatch, "workforce", "hand", str(p1), str(v2), "--as", "admin")
    assert code == 0 and out["tasks"] == 2
    _cli(runtime, monkeypatch, "workforce", "hand", str(p2), str(v2), "--as", "admin")
    code, out = _cli(runtime, monkeypatch, "workforce", "assign", str(p1), "alice", "--as", "boss")
    assert code == 0
    with runtime.session() as s:
        assert claim_next_task(s, alice, pid, "annotate") is not None

    # a vendor manager takes nothing back; the business does, and can move a package
    code, out = _cli(runtime, monkeypatch, "workforce", "take-back", str(p2), "--as", "boss")
    # (no member of the package's project: answered as a missing package, as the API's 404)
    assert code == 3 and out["error"]["code"] == "not_found"
    code, out = _cli(runtime, monkeypatch, "workforce", "hand", str(p2), str(v1), "--as", "admin")
    assert code != 0 and "take-back" in out["error"]["message"]
    code, out = _cli(runtime, monkeypatch, "workforce", "hand", str(p2), str(v1), "--as", "admin",
                     "--move")
    assert code == 0 and out["vendor_id"] == v1

    # the vendor's manager deactivates alice: her hold and her package go back to the pool
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-deactivate", "alice",
                     "--as", "boss", "--reason", "left the studio")
    assert code == 0 and out["active"] is False
    with runtime.session() as s:
        assert _holders(s, p1) == set()
        assert s.get(Worker, alice_w).active is False  # type: ignore[union-attr]
        assert _actions(s, "worker.deactivated") == 1
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-deactivate", "carol",
                     "--as", "boss")
    assert code == 3 and out["error"]["code"] == "not_found"  # not boss's vendor: as missing
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-deactivate", str(alice_w),
                     "--as", "admin", "--reactivate")
    assert code == 0 and out["active"] is True

    # only the business names a manager; a manager may drop the flag in their own vendor
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-manager", "alice", "--as", "boss")
    assert code == 6
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-manager", "alice", "--as", "admin")
    assert code == 0 and out["is_manager"] is True
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-manager", "alice", "--as", "boss",
                     "--drop")
    assert code == 0 and out["is_manager"] is False
    with runtime.session() as s:
        assert _actions(s, "worker.manager_dropped") == 1
        take = take_back_package(s, admin, p1)
        assert _vendor_of(s, p1) is None and take.assignee_id is None


def test_deactivated_worker_frees_their_package(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=2, package_size=2)
        v = vw.vendor(s, admin, "vendor-1")
        alice, alice_w = vw.worker(s, admin, pid, "alice", v)
        bob, _ = vw.worker(s, admin, pid, "bob", v)
        (pkg,) = vw.packages(s, pid)
        hand_package_to_vendor(s, admin, pkg.id, v)
        assign_package_to_worker(s, admin, pkg.id, alice_w)
        held = claim_next_task(s, alice, pid, "annotate")
        assert held is not None and claim_next_task(s, bob, pid, "annotate") is None
        out = set_worker_active(s, admin, alice_w, False, "left")
        assert out.active is False
        with pytest.raises(Conflict, match="already inactive"):
            set_worker_active(s, admin, alice_w, False)
        got = claim_next_task(s, bob, pid, "annotate")  # before: stuck with alice
        assert got is not None
        with pytest.raises(InvalidInput, match="vendor's worker"):
            set_worker_manager(s, admin, register_worker(
                s, admin, vw.person(s, "ivy"), languages=["en-US"]).id, True)
    finally:
        s.rollback()
        s.close()


def test_review_package_needs_someone_for_review(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=8, package_size=8)
        from datamill.production.models import Project

        project = s.get(Project, pid)
        assert project is not None
        project.spec = {**project.spec, "stages": ["annotate", "review"]}
        s.flush()
        v = vw.vendor(s, admin, "vendor-1")
        vw.worker(s, admin, pid, "alice", v)  # an annotator: nobody may review
        create_packages(s, pid, "annotate")
        (review,) = create_packages(s, pid, "review")
        with pytest.raises(Conflict, match="nobody for the review stage"):
            hand_package_to_vendor(s, admin, review.id, v)
        rev = vw.person(s, "rita", "reviewer")
        register_worker(s, admin, rev, vendor_id=v, languages=["en-US"])
        add_member(s, pid, rev, actor_id=admin.id)
        assert hand_package_to_vendor(s, admin, review.id, v).tasks == 8
    finally:
        s.rollback()
        s.close()


BRIEF = ["ID 1101-0119-9003-0712-34", "ID 一一〇一〇一一九九〇〇三〇七一二三四",
         "passport E1234 5678", "ID １１０１０１１９９００３０７１２３４", "110101199003071234"]


@pytest.mark.parametrize("ref", BRIEF, ids=["dashes", "chinese", "spaces", "fullwidth", "plain"])
def test_identity_refuses_a_full_number(
    runtime: Runtime, users: dict[str, User], ref: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        w = register_worker(s, admin, vw.person(s, "alice"), languages=["en-US"]).id
    with runtime.session() as s, pytest.raises(InvalidInput, match=r"\*\*\*\*1234"):
        verify_identity(s, admin, w, ref)
    code, out = _cli(runtime, monkeypatch, "workforce", "identity", str(w), ref, "--as", "admin")
    assert code == 2 and "masked reference" in out["error"]["message"]
    with runtime.session() as s:
        assert s.get(Worker, w).identity_ref is None  # type: ignore[union-attr]
        assert verify_identity(s, admin, w, "ID ****1234").identity_verified


_SEPARATORS = [" ", "-", "–", "—", ".", "/", "_", "·", "\u3000", "\u00a0", "\t", "", ""]
_CHINESE = "〇一二三四五六七八九"


@st.composite
def _written_numbers(draw: st.DrawFn) -> str:
    digits = draw(st.text("0123456789", min_size=6, max_size=18))
    parts = []
    for d in digits:
        script = draw(st.sampled_from(["ascii", "fullwidth", "chinese"]))
        parts.append(d if script == "ascii" else chr(0xFF10 + int(d)) if script == "fullwidth"
                     else ("零" if d == "0" and draw(st.booleans()) else _CHINESE[int(d)]))
        parts.append(draw(st.sampled_from(_SEPARATORS)))
    prefix = draw(st.sampled_from(["ID ", "passport E", "证件 ", "", "No. "]))
    return prefix + "".join(parts)


@settings(max_examples=300, deadline=None)
@given(_written_numbers())
def test_no_separator_or_script_hides_a_number(ref: str) -> None:
    with pytest.raises(InvalidInput, match="masked reference"):
        masked_reference(ref)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["ID ", "passport E", "证件 "]), st.integers(2, 12),
       st.text("0123456789", max_size=5), st.sampled_from(_SEPARATORS))
def test_a_masked_reference_passes(prefix: str, stars: int, tail: str, sep: str) -> None:
    ref = f"{prefix}{'*' * stars}{sep}{tail}"
    assert masked_reference(f"  {ref} ") == ref.strip()


def test_user_tokens_needs_as(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        create_token(s, users["ann1"], "laptop")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["user", "tokens", "ann1", "--json"])
    assert r.exit_code == 2 and "--as" in json.loads(r.stdout)["error"]["message"]  # before: listed
    code, out = _cli(runtime, monkeypatch, "user", "tokens", "ann1", "--as", "ann2")
    assert code == 6 and "only their own, or an admin" in out["error"]["message"]
    for who in ("ann1", "admin"):
        code, out = _cli(runtime, monkeypatch, "user", "tokens", "ann1", "--as", who)
        assert code == 0 and [t["name"] for t in out] == ["laptop"]


def test_api_hand_counts_take_back_and_worker_standing(
    runtime: Runtime, users: dict[str, User]
) -> None:
    from fastapi.testclient import TestClient

    from datamill.server import create_app
    from tests._api import API, login

    admin = users["admin"]
    with runtime.session() as s:
        pid = vw.project(s, n_items=8, package_size=8)
        v = vw.vendor(s, admin, "vendor-1")
        alice, alice_w = vw.worker(s, admin, pid, "alice", v)
        (pkg,) = vw.packages(s, pid)
    with TestClient(create_app(runtime)) as client:
        h = login(client, "admin")
        r = client.post(f"{API}/packages/{pkg.id}/vendor", json={"vendor_id": v}, headers=h)
        assert r.status_code == 200 and r.json()["tasks"] == 8  # before: 0
        with runtime.session() as s:
            held = claim_next_task(s, alice, pid, "annotate")
        assert held is not None
        ann = login(client, "ann1")
        r = client.delete(f"{API}/packages/{pkg.id}/vendor", headers=ann)
        assert r.status_code == 404  # no member of its project: as a missing package
        r = client.delete(f"{API}/packages/{pkg.id}/vendor", params={"reason": "in-house"},
                          headers=h)
        assert r.status_code == 200 and r.json()["released_tasks"] == [held.id]
        assert client.delete(f"{API}/packages/{pkg.id}/vendor", headers=h).status_code == 409
        r = client.put(f"{API}/workers/{alice_w}/active", json={"active": False}, headers=h)
        assert r.status_code == 200 and r.json()["active"] is False
        r = client.put(f"{API}/workers/{alice_w}/manager", json={"is_manager": True}, headers=h)
        assert r.status_code == 200 and r.json()["is_manager"] is True
        r = client.post(f"{API}/workers/{alice_w}/identity",
                        json={"document_ref": "passport E1234 5678"}, headers=h)
        assert r.status_code == 422 and "masked reference" in r.text


def test_move_a_worker_between_vendors(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        pid = vw.project(s, n_items=2, package_size=2)
        v1, v2 = vw.vendor(s, admin, "vendor-1"), vw.vendor(s, admin, "vendor-2")
        alice, alice_w = vw.worker(s, admin, pid, "alice", v1)
        vw.worker(s, admin, pid, "bob", v1)
        vw.worker(s, admin, pid, "carol", v2)
        (pkg,) = vw.packages(s, pid)
        hand_package_to_vendor(s, admin, pkg.id, v1)
        assign_package_to_worker(s, admin, pkg.id, alice_w)
        set_worker_manager(s, admin, alice_w, True)
        assert claim_next_task(s, alice, pid, "annotate") is not None
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-move", "alice", "--as", "boss")
    assert code == 2  # neither --vendor nor --in-house
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-move", "alice", "--vendor",
                     str(v2), "--as", "ann1")
    assert code == 6
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-move", "alice", "--vendor",
                     str(v2), "--as", "admin", "--reason", "changed studio")
    assert code == 0 and out["vendor_id"] == v2 and out["is_manager"] is False
    with runtime.session() as s:
        assert _holders(s, pkg.id) == set()
        assert s.get(WorkPackage, pkg.id).assignee_id is None  # type: ignore[union-attr]
        assert claim_next_task(s, alice, pid, "annotate") is None  # v1's work is not hers now
        assert _actions(s, "worker.moved") == 1
        with pytest.raises(Conflict, match="already with vendor"):
            from datamill.workforce.people import move_worker

            move_worker(s, admin, alice_w, v2)
