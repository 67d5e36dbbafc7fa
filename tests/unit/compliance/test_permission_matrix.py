"""The permission matrix, one generated test per cell (role × action → scope).

Each cell of :data:`datamill.compliance.permissions.MATRIX` (absent cells are ``none``) is
checked against :func:`authorize` in a world where every role has a user who is a member of
project ``mine`` and not of ``theirs``, and the vendor manager manages vendor ``ours`` and not
``other``. ``any`` must pass everywhere, ``member`` only on member projects, ``own`` only on the
user's own vendor / records, ``none`` nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.permissions import (
    MATRIX,
    Scope,
    authorize,
    check,
    matrix_rows,
    role_scope,
)
from datamill.compliance.roles import READ_ACTIONS, Action, Role, allowed
from datamill.compliance.users import add_member, create_user, require
from datamill.core.errors import Forbidden
from datamill.ledger.budgets import register_approver
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime, pg_url
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._tools import require_tool

CELLS = [(Role(r["role"]), Action(r["action"]), Scope(r["scope"])) for r in matrix_rows()]


def _project(s: Session, name: str) -> int:
    p = Project(name=name, modality="speech.asr", language="en-US",
                project_type="custom_service", data_owner="customer", spec={})
    s.add(p)
    s.flush()
    return p.id


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One user per role; projects ``mine`` (all members) and ``theirs``; vendors ``ours``
    (managed by the vendor_manager) and ``other``. Yields a live session."""
    if request.param == "postgresql" and pg_url() is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt: Runtime = make_runtime(Path(tmp_path_factory.mktemp("matrix")), request.param)
    s = rt.sessions()
    users = {r: create_user(s, f"u-{r.value}", "password1", r.value) for r in Role}
    admin = users[Role.ADMIN]
    mine, theirs = _project(s, "mine"), _project(s, "theirs")
    for u in users.values():
        add_member(s, mine, u, None)
    ours = create_vendor(s, admin, name="ours", kind="studio", fee_rate="0.1",
                         agreement_no="FA-1").id
    other = create_vendor(s, admin, name="other", kind="studio", fee_rate="0.1",
                         agreement_no="FA-2").id
    for v in (ours, other):
        set_vendor_qualified(s, admin, v, True, "assessed")
    register_worker(s, admin, users[Role.VENDOR_MANAGER], vendor_id=ours, is_manager=True)
    register_worker(s, admin, users[Role.VENDOR_WORKER], vendor_id=ours)
    s.flush()
    yield {"s": s, "users": users, "mine": mine, "theirs": theirs, "ours": ours,
           "other": other}
    s.rollback()
    s.close()
    rt.close()


def _ok(w: dict[str, Any], role: Role, action: Action, **scope: Any) -> bool:
    return check(w["s"], w["users"][role], action, **scope) is None


@pytest.mark.parametrize(("role", "action", "scope"), CELLS, ids=[f"{r}-{a}-{c}" for r, a, c in CELLS])
def test_cell(world: dict[str, Any], role: Role, action: Action, scope: Scope) -> None:
    w = world
    me = w["users"][role]
    other_user = w["users"][Role.ADMIN if role is not Role.ADMIN else Role.AUDITOR]
    assert role_scope(role, action) is scope
    assert allowed(role, action) is (scope is not Scope.NONE)
    if scope is Scope.NONE:
        for kw in ({}, {"project_id": w["mine"]}, {"vendor_id": w["ours"]}, {"owner_id": me.id}):
            refusal = check(w["s"], me, action, **kw)
            assert refusal is not None and refusal.reason == "role", kw
        with pytest.raises(Forbidden, match="may not"):
            authorize(w["s"], me, action)
        with pytest.raises(Forbidden):
            require(w["s"], me, action, w["mine"])
        return
    # every granted scope covers the user's own project, own vendor and own records
    assert _ok(w, role, action)
    assert _ok(w, role, action, project_id=w["mine"])
    assert _ok(w, role, action, owner_id=me.id)
    require(w["s"], me, action, w["mine"])
    if scope is Scope.ANY:
        assert _ok(w, role, action, project_id=w["theirs"])
        assert _ok(w, role, action, vendor_id=w["other"])
        assert _ok(w, role, action, vendor_id=None)
        assert _ok(w, role, action, owner_id=other_user.id)
        return
    refusal = check(w["s"], me, action, project_id=w["theirs"])
    assert refusal is not None and refusal.reason == "member"
    with pytest.raises(Forbidden, match="not a member"):
        require(w["s"], me, action, w["theirs"])
    if scope is Scope.MEMBER:
        assert _ok(w, role, action, vendor_id=w["other"])  # vendors do not narrow ``member``
        return
    # own: only the user's own vendor (for a vendor manager) and own records
    refusal = check(w["s"], me, action, owner_id=other_user.id)
    assert refusal is not None and refusal.reason == "owner"
    refusal = check(w["s"], me, action, vendor_id=w["other"])
    assert refusal is not None and refusal.reason == "vendor"
    assert not _ok(w, role, action, vendor_id=None)
    assert _ok(w, role, action, vendor_id=w["ours"]) is (role is Role.VENDOR_MANAGER)


def test_auditor_reads_everything_and_writes_nothing() -> None:
    for action in Action:
        expected = Scope.ANY if action in READ_ACTIONS else Scope.NONE
        assert role_scope(Role.AUDITOR, action) is expected, action


def test_every_role_and_action_is_in_the_matrix() -> None:
    assert set(MATRIX) == set(Role)
    assert len(CELLS) == len(Role) * len(Action)
    assert role_scope("no-such-role", Action.VIEW_PROJECT) is Scope.NONE


def test_hats_from_records(world: dict[str, Any]) -> None:
    """A worker registered as a vendor's manager acts as vendor_manager whatever their base
    role; a ledger approver acts as finance; a deactivated user may do nothing."""
    s, admin = world["s"], world["users"][Role.ADMIN]
    boss = create_user(s, "hat-boss", "password1", "annotator")
    register_worker(s, admin, boss, vendor_id=world["other"], is_manager=True)
    assert check(s, boss, Action.MANAGE_VENDOR, vendor_id=world["other"]) is None
    assert check(s, boss, Action.MANAGE_VENDOR, vendor_id=world["ours"]).reason == "vendor"
    approver = create_user(s, "hat-vp", "password1", "reviewer")
    assert check(s, approver, Action.LEDGER).reason == "role"
    register_approver(s, approver.id, "vp")
    assert check(s, approver, Action.LEDGER) is None
    assert check(s, approver, Action.MANAGE_PROJECT) is not None
    gone: User = world["users"][Role.ADMIN]
    gone.is_active = False
    try:
        assert check(s, gone, Action.VIEW_PROJECT).reason == "inactive"
    finally:
        gone.is_active = True
