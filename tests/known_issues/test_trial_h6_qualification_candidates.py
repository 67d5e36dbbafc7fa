"""Attacker trial (h1): any registered worker read every project's qualification questions and
their media, and ``GET /api/v1/projects/{id}/qualification-test`` answered 204 or 200 for any
project and 404 only for ids never given out (which project ids exist leaked). A candidate is
now a registered worker who is a member of the project, a worker of a vendor the project was
handed to (a package, or a purchase order), or one invited (granted an attempt, or having
taken the test); anyone else hears of the project what they would of an id never given out,
on the API and the CLI (``--json``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item, Project, WorkPackage
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.qualification import define_qualification_test
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login


def _project(s: Any, name: str, pm: User) -> tuple[int, list[int]]:
    p = Project(name=name, modality="speech.asr", language="en-US",
                project_type="custom_service", data_owner="customer",
                spec={"stages": ["annotate"]})
    s.add(p)
    s.flush()
    add_member(s, p.id, pm, actor_id=None)
    items = [Item(project_id=p.id, external_id=f"{name}{i}", sha256=f"{name}{i}".ljust(64, "0"),
                  filename=f"q{i}.wav", size_bytes=10, owner="customer", status="passed",
                  volume=1500, attributes={"duration_ms": 1500}) for i in range(2)]
    s.add_all(items)
    s.flush()
    return p.id, [i.id for i in items]


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, Any]:
    """Project "tested" (a test) and "untested" (none), both handed to vendor "on" (worker
    w-on); vendor "off" (worker w-off, manager m-off) has no part in them."""
    admin = users["admin"]
    with runtime.session() as s:
        tested, items = _project(s, "tested", users["pm"])
        untested, _ = _project(s, "untested", users["pm"])
        out: dict[str, Any] = {"tested": tested, "untested": untested, "items": items}
        for tag in ("on", "off"):
            v = create_vendor(s, admin, name=f"v-{tag}", kind="studio", fee_rate="0.1",
                              agreement_no=f"FA-{tag}")
            set_vendor_qualified(s, admin, v.id, True, "assessed")
            register_worker(s, admin, create_user(s, f"m-{tag}", "password1", "annotator"),
                            vendor_id=v.id, is_manager=True)
            out[f"w-{tag}"] = register_worker(
                s, admin, create_user(s, f"w-{tag}", "password1", "annotator"),
                vendor_id=v.id, languages=["en-US"]).id
            if tag == "on":
                for pid in (tested, untested):
                    pkg = WorkPackage(project_id=pid, stage="annotate", name="p")
                    s.add(pkg)
                    s.flush()
                    hand_package_to_vendor(s, admin, pkg.id, v.id)
        define_qualification_test(s, admin, tested, {items[0]: "one", items[1]: "two"},
                                  pass_threshold="0.9")
    return out


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _same(r: Any) -> tuple[int, str]:
    body = {k: v for k, v in r.json().items() if k not in ("error_id",)}
    return r.status_code, re.sub(r"\d+", "<id>", json.dumps(body, sort_keys=True))


def test_only_candidates_see_a_project_s_test(
    client: TestClient, runtime: Runtime, world: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tested, untested, item = world["tested"], world["untested"], world["items"][0]
    missing = 10_000
    on, off, m_off = login(client, "w-on"), login(client, "w-off"), login(client, "m-off")
    base = f"{API}/projects/{{}}/qualification-test"
    # the candidate (their vendor was handed the projects) sees the test, or hears "none"
    assert client.get(base.format(tested), headers=on).status_code == 200
    assert client.get(base.format(untested), headers=on).status_code == 204
    assert client.get(f"{base.format(tested)}/questions", headers=on).status_code == 200
    # the other vendor's worker hears of neither project more than of an id never given out
    for path in ("", "/questions", f"/questions/{item}/media", "/attempts"):
        gone = _same(client.get(base.format(missing) + path, headers=off))
        assert gone[0] == 404
        for pid in (tested, untested):
            assert _same(client.get(base.format(pid) + path, headers=off)) == gone, (pid, path)
    took = client.post(f"{base.format(tested)}/attempts", json={"answers": {}}, headers=off)
    assert _same(took) == _same(client.post(f"{base.format(missing)}/attempts",
                                            json={"answers": {}}, headers=off))
    # nor may their manager open a project to them by granting an attempt
    grant = {"worker_id": world["w-off"]}
    assert _same(client.post(f"{base.format(tested)}/grants", json=grant, headers=m_off)) == \
        _same(client.post(f"{base.format(missing)}/grants", json=grant, headers=m_off))
    # the CLI answers the same, in JSON
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["workforce", "qualification", "questions", str(tested),
                                 "--as", "w-off", "--json"])
    assert r.exit_code == 3 and json.loads(r.stdout)["error"]["code"] == "not_found", r.stdout
    # the project's manager invites the worker (grants an attempt): now a candidate
    pm = login(client, "pm")
    assert client.post(f"{base.format(tested)}/grants", json=grant, headers=pm).status_code == 201
    assert client.get(f"{base.format(tested)}/questions", headers=off).status_code == 200
    assert client.get(base.format(untested), headers=off).status_code == 404
