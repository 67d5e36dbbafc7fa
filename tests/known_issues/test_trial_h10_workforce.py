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
