"""New-user trial (h10) of the workforce paths: a hand-off lets the vendor's workers claim the
package; an individual supplier confirms their own sheet; workers are found by name from the
CLI; registration does not block work; a mistyped home is refused, not created."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.workforce.vendors import register_worker
from tests.known_issues import _vendor_world as vw


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, Any]:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, [*args, "--json"])
    return r.exit_code, json.loads(r.stdout)


def test_a_handed_package_is_claimable_by_the_vendors_workers(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        pid = vw.project(s, n_items=2, package_size=2)
        v = vw.vendor(s, admin, "vendor-1")
        wf = vw.person(s, "wf")  # registered with the vendor, not a member of the project
        register_worker(s, admin, wf, vendor_id=v, languages=["en-US"])
        boss = vw.person(s, "boss", "vendor_manager")
        register_worker(s, admin, boss, vendor_id=v, is_manager=True, languages=["en-US"])
        (pkg,) = vw.packages(s, pid)
    code, out = _cli(runtime, monkeypatch, "workforce", "hand", str(pkg.id), str(v),
                     "--as", "admin")
    assert code == 0 and out["members_added"] == ["wf"], out  # the manager is not made one
    code, out = _cli(runtime, monkeypatch, "work", "next", "vendor-wall", "--as", "wf")
    assert code == 0 and out["project_id"] == pid, out  # before: not_found, no project named


def test_an_individual_supplier_confirms_their_own_sheet_and_charges_no_fee(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.compliance.users import create_user
    from datamill.core.errors import Forbidden
    from datamill.workforce.assignment import hand_package_to_vendor
    from datamill.workforce.settlement import (
        confirm_sheet_by_vendor,
        create_settlement_sheet,
        sheet_html,
    )
    from datamill.workforce.vendors import set_vendor_qualified, verify_identity

    admin = users["admin"]
    code, solo = _cli(runtime, monkeypatch, "workforce", "vendor-add", "Li Solo", "individual", "--agreement", "FA-1",
                      "--as", "admin")
    assert code == 0 and solo["fee_rate"] == "0", solo  # was 0.08: an individual has no fee
    code, studio = _cli(runtime, monkeypatch, "workforce", "vendor-add", "Studio", "studio", "--agreement", "FA-2",
                        "--as", "admin")
    assert code == 0 and studio["fee_rate"] == "0.08", studio
    with runtime.session() as s:
        admin = s.merge(admin)
        pid = vw.project(s, n_items=4, package_size=2)
        vw.price(s, admin)
        p1, p2 = vw.packages(s, pid)
        made = {}
        for name, vendor_id in (("wf", solo["id"]), ("sw", studio["id"])):
            set_vendor_qualified(s, admin, vendor_id, True, "assessed")
            user = create_user(s, name, "password1", "vendor_worker")
            made[name] = (user, register_worker(s, admin, user, vendor_id=vendor_id,
                                                languages=["en-US"]).id)
        verify_identity(s, admin, made["wf"][1], "ID ****1234")
        hand_package_to_vendor(s, admin, p1.id, solo["id"])
        hand_package_to_vendor(s, admin, p2.id, studio["id"])
        for name in ("wf", "sw"):
            for _ in range(2):
                assert vw.claim_and_submit(s, made[name][0], pid) is not None
        vw.accept_everything(s, pid, users["insp"])
        solo_sheet = create_settlement_sheet(s, admin, solo["id"], vw.WEEK)
        studio_sheet = create_settlement_sheet(s, admin, studio["id"], vw.WEEK)
        assert "管理费（8%，已含）" in sheet_html(s, admin, studio_sheet.id, "zh-CN")  # was 0.0800
        assert "management fee (8%, included)" in sheet_html(s, admin, studio_sheet.id, "en")
        # quantity, price and amount by the faces' one rule (were 2.0000 and 1.0000; h4)
        assert "<td>2</td><td>1.00</td><td>2.00</td>" in sheet_html(s, admin, studio_sheet.id,
                                                                   "en")
        with pytest.raises(Forbidden, match="worker-manager") as refused:
            confirm_sheet_by_vendor(s, s.merge(made["sw"][0]), studio_sheet.id)
        assert refused.value.details["reason_code"] == "vendor_manager_only"
    # the individual's only worker confirms their own sheet (was: only the manager may)
    code, out = _cli(runtime, monkeypatch, "workforce", "sheet-confirm", str(solo_sheet.id),
                     "--vendor-side", "--as", "wf")
    assert code == 0 and out["status"] == "vendor_confirmed", out


def test_workers_are_listed_and_named_by_username(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.compliance.models import ProjectMember
    from datamill.production.models import Project
    from datamill.workforce.vendors import create_grade

    admin = users["admin"]
    with runtime.session() as s:
        admin = s.merge(admin)
        pid = vw.project(s, n_items=2, package_size=2)
        s.get(Project, pid).language = "zh-CN"  # type: ignore[union-attr]
        v = vw.vendor(s, admin, "vendor-1")
        register_worker(s, admin, vw.person(s, "wf"), vendor_id=v, languages=["en-US"])
        create_grade(s, admin, "P3", "120")
        s.add(ProjectMember(project_id=pid, user_id=s.merge(users["ann1"]).id))
    # registered in-house without --language: speaks their project's zh-CN (was: no language,
    # locked out of its work until worker-set --language)
    code, ann = _cli(runtime, monkeypatch, "workforce", "worker-add", "ann1", "--grade", "P3",
                     "--as", "admin")
    assert code == 0 and ann["languages"] == ["zh-CN"], ann
    code, rows = _cli(runtime, monkeypatch, "workforce", "workers", "--as", "admin")
    assert code == 0 and [(r["username"], r["vendor_id"]) for r in rows] == [
        ("wf", v), ("ann1", None)], rows
    code, rows = _cli(runtime, monkeypatch, "workforce", "workers", "--vendor", str(v),
                      "--as", "admin")
    assert code == 0 and [r["username"] for r in rows] == ["wf"]
    # identity and points take the worker's username (and the project's name)
    code, out = _cli(runtime, monkeypatch, "workforce", "identity", "wf", "ID ****1234",
                     "--as", "admin")
    assert code == 0 and out["username"] == "wf", out
    code, out = _cli(runtime, monkeypatch, "workforce", "points", "ann1", "vendor-wall",
                     "2024-05", "8", "--as", "admin")
    assert code == 0 and out["worker_id"] == ann["id"] and out["project_id"] == pid, out


def test_a_worker_registered_after_the_hand_off_can_claim_it(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.workforce.assignment import hand_package_to_vendor

    admin = users["admin"]
    with runtime.session() as s:
        admin = s.merge(admin)
        pid = vw.project(s, n_items=2, package_size=2)
        v = vw.vendor(s, admin, "vendor-1")
        register_worker(s, admin, vw.person(s, "first"), vendor_id=v, languages=["en-US"])
        (pkg,) = vw.packages(s, pid)
        hand_package_to_vendor(s, admin, pkg.id, v)
        vw.person(s, "late")
    code, _ = _cli(runtime, monkeypatch, "workforce", "worker-add", "late", "--vendor", str(v),
                   "--language", "en-US", "--as", "admin")
    assert code == 0
    code, out = _cli(runtime, monkeypatch, "work", "next", "vendor-wall", "--as", "late")
    assert code == 0 and out["project_id"] == pid, out


def test_a_worker_moved_to_a_vendor_may_work_what_is_handed_to_it(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """(left out by the trial's fix: only a hand-off and a registration admitted workers, so a
    worker moved to the vendor afterwards could not claim its handed package)"""
    admin = users["admin"]
    with runtime.session() as s:
        pid = vw.project(s, n_items=2, package_size=2)
        v1 = vw.vendor(s, admin, "vendor-1")
        v2 = vw.vendor(s, admin, "vendor-2")
        wf = vw.person(s, "wf")
        register_worker(s, admin, wf, vendor_id=v1, languages=["en-US"])
        other = vw.person(s, "other")  # a hand-off needs someone at the vendor for the stage
        register_worker(s, admin, other, vendor_id=v2, languages=["en-US"])
        (pkg,) = vw.packages(s, pid)
    code, out = _cli(runtime, monkeypatch, "workforce", "hand", str(pkg.id), str(v2),
                     "--as", "admin")
    assert code == 0 and out["members_added"] == ["other"], out
    code, out = _cli(runtime, monkeypatch, "work", "next", "vendor-wall", "--as", "wf")
    assert code == 3 and out["error"]["code"] == "not_found", out
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-move", "wf", "--vendor", str(v2),
                     "--as", "admin")
    assert code == 0, out
    code, out = _cli(runtime, monkeypatch, "work", "next", "vendor-wall", "--as", "wf")
    assert code == 0 and out["project_id"] == pid, out


def test_a_worker_moved_away_leaves_what_the_old_vendor_was_handed(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand-off's membership is the vendor's: moved to another vendor, the worker no longer
    opens the old vendor's project (before, they kept it for good); a membership the business
    gave them itself stays."""
    from datamill.compliance.users import add_member, is_member

    admin = users["admin"]
    with runtime.session() as s:
        pid = vw.project(s, n_items=2, package_size=2)
        own = vw.project(s, n_items=1, package_size=1, name="own-project")
        v1 = vw.vendor(s, admin, "vendor-1")
        v2 = vw.vendor(s, admin, "vendor-2")
        wf = vw.person(s, "wf")
        register_worker(s, admin, wf, vendor_id=v1, languages=["en-US"])
        add_member(s, own, wf, actor_id=admin.id)  # the business's own say-so
        (pkg,) = vw.packages(s, pid)
        wf_id = wf.id
    code, out = _cli(runtime, monkeypatch, "workforce", "hand", str(pkg.id), str(v1),
                     "--as", "admin")
    assert code == 0 and out["members_added"] == ["wf"], out
    code, out = _cli(runtime, monkeypatch, "workforce", "worker-move", "wf", "--vendor", str(v2),
                     "--as", "admin")
    assert code == 0, out
    with runtime.session() as s:
        assert not is_member(s, pid, wf_id)
        assert is_member(s, own, wf_id)
    code, out = _cli(runtime, monkeypatch, "work", "next", "vendor-wall", "--as", "wf")
    assert code == 3 and out["error"]["code"] == "not_found", out
