"""Probing for project ids: a project one may not see answers as a project never created.

Every route that names a project in its path (``{project_id}``) answered a non-member 403 for a
project that exists and 404 for one that does not, so anyone signed in could list which
project ids exist (and, for a project classified above their clearance, that it does). The
workforce package routes (hand a package to a vendor, take it back, assign it to a worker)
did the same for packages of projects the caller may not see. Now a refusal on a project the
caller may not see (no member of it, or not cleared for it: ``access.sees_project``) is the
very 404 of a missing id; someone who sees the project and may not do the thing still hears
403 (a member annotator asked to manage it).

The tests count *leaking pairs*: (caller, route) whose answer for the foreign id differs from
the answer for an id never given out, after the asked id is made neutral. Routes are taken
from the app itself, so a new project route is probed without being listed here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, APIRouter
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.api.routers import ROUTERS as API_ROUTERS
from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.classification import set_classification
from datamill.compliance.item_sensitivity import set_item_level
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item, Task, WorkPackage
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.routes import ROUTERS as WEB_ROUTERS
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests.known_issues._probe import MISSING, SPEC, api_answer, web_answer
from tests.known_issues._web import csrf_of, web_login
from tests.known_issues.test_issue8_s2_permission_matrix import BODIES

#: callers of every kind that is not shown every project (role, or a vendor's manager)
PROBERS = {"ann1": None, "rev": None, "insp": None, "pm": None, "vw": "vendor_worker",
           "cust": "customer", "fin": "finance", "proc": "procurement", "vm": "vendor_manager"}
#: the workforce package routes (the package of a project the caller may not see)
PACKAGE_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "/packages/{package}/vendor", {"vendor_id": "{vendor}"}),
    ("DELETE", "/packages/{package}/vendor", None),
    ("POST", "/packages/{package}/worker", {"worker_id": "{worker}"}),
    ("POST", "/packages/{package}/assign", {"username": "ann1"}),
]
#: who sees a project they are no member of, by design, unless it is classified above them:
#: a registered worker of a vendor the project was handed to (here the vendor's manager) is a
#: candidate for its qualification test, and that manager grants their workers attempts; the
#: business side reads any project's qualification attempts
CANDIDATE = {("vm", m, p) for m, p in [
    ("POST", "/projects/{project_id}/qualification-test/grants"),
    ("GET", "/projects/{project_id}/qualification-test"),
    ("GET", "/projects/{project_id}/qualification-test/questions"),
    ("GET", "/projects/{project_id}/qualification-test/questions/{item_id}/media"),
    ("POST", "/projects/{project_id}/qualification-test/attempts"),
    ("GET", "/projects/{project_id}/qualification-test/attempts"),
]} | {(n, "GET", "/projects/{project_id}/qualification-test/attempts") for n in ("pm", "proc")}
#: forms of the web pages' project routes (beside the CSRF token)
WEB_FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/projects/{project_id}/next"): {"stage": "annotate"},
    ("POST", "/projects/{project_id}/packages"): {"stage": "annotate"},
    ("POST", "/projects/{project_id}/subjects/reset-demographics"): {"subject_id": "s-1"},
    ("POST", "/workforce/projects/{project_id}/golden/rate"): {"rate": "0.1"},
    ("POST", "/workforce/projects/{project_id}/golden/test"): {"answers": "{}",
                                                              "threshold": "0.5"},
    ("POST", "/workforce/projects/{project_id}/golden/grant"): {"worker_id": "1"},
    ("POST", "/workforce/projects/{project_id}/golden/required"): {"required": "on"},
}


@pytest.fixture(params=["not a member", "member, not cleared"])
def world(request: pytest.FixtureRequest, runtime: Runtime,
          users: dict[str, User]) -> dict[str, int]:
    """A project the probers may not see (no members of it, or members of a project
    classified ``secret``, their clearance internal), with an item and a package; a vendor
    ``acme`` managed by ``vm`` with a worker."""
    with runtime.session() as s:
        admin = users["admin"]
        people = {name: users[name] if role is None else create_user(s, name, "password1", role)
                  for name, role in PROBERS.items()}
        vendor = create_vendor(s, admin, name="acme", kind="studio", fee_rate="0.1",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
        register_worker(s, admin, people["vm"], vendor_id=vendor.id, is_manager=True)
        wkr = create_user(s, "wkr", "password1", "annotator")
        worker = register_worker(s, admin, wkr, vendor_id=vendor.id, languages=["en-US"])
        pid = create_project(s, SPEC, actor_id=admin.id).id
        item = None
        while item is None or item.id == pid:  # the probed id and the project's differ
            item = Item(project_id=pid, external_id=f"u{item.id if item else 0}",
                        sha256="0" * 64, filename="u1.wav", size_bytes=1, status="ready",
                        owner="customer")
            s.add(item)
            s.flush()
        package = WorkPackage(project_id=pid, stage="annotate", name="p1")
        handed = WorkPackage(project_id=pid, stage="annotate", name="p2")
        s.add_all([package, handed])
        s.flush()
        hand_package_to_vendor(s, admin, handed.id, vendor.id)
        if request.param == "member, not cleared":
            for person in people.values():
                add_member(s, pid, person, None)
            set_classification(s, admin, pid, "secret")
        return {"project": pid, "item": item.id, "package": package.id, "handed": handed.id,
                "vendor": vendor.id, "worker": worker.id, "user": wkr.id,
                "classified": request.param != "not a member"}


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _fill(value: Any, w: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {_fill(k, w): _fill(v, w) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, w) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\{\w+\}", value) and value[1:-1] in w:
        got = w[value[1:-1]]
        return str(got) if value == "{item}" else got
    return value


def _project_url(path: str, w: dict[str, Any], ident: int) -> str:
    path = path.replace("{project_id}", str(ident)).replace("{item_id}", str(w["item"]))
    return re.sub(r"\{\w+\}", "1", path)  # any other id: one the caller cannot see either


def _api_project_routes() -> list[tuple[str, str, Any]]:
    """Every API route naming a production project in its path (a ledger project's id, under
    ``/ledger/projects``, names the books and follows the ledger's reader rule)."""
    out = []
    for route in _routes(API_ROUTERS):
        path = route.path
        if "{project_id}" in path and not path.startswith("/ledger/"):
            out += [(m, path, _body(m, path)) for m in sorted(route.methods or ())]
    return out


def _routes(routers: tuple[APIRouter, ...]) -> list[APIRoute]:
    return [r for router in routers for r in router.routes if isinstance(r, APIRoute)]


def _body(method: str, path: str) -> Any:
    return BODIES.get((method.lower(), path))


def api_leaks(client: TestClient, w: dict[str, Any]) -> list[tuple[str, str, str, Any, Any]]:
    """Every (caller, method, route) whose foreign answer differs from the missing one."""
    leaks = []
    for name in PROBERS:
        headers = login(client, name)
        for method, path, body in _api_project_routes():
            foreign_url = API + _project_url(path, w, w["project"])
            missing_url = API + _project_url(path, w, MISSING)
            filled = _fill(body, w)
            foreign = api_answer(client, headers, method, foreign_url, filled, w["project"])
            missing = api_answer(client, headers, method, missing_url, filled, MISSING)
            if foreign != missing and (w["classified"] or (name, method, path) not in CANDIDATE):
                leaks.append((name, method, path, foreign, missing))
        packages = ["package", "handed"] if w["classified"] else ["package"]
        for method, path, body in PACKAGE_ROUTES:
            for key in packages:
                url = API + path.replace("{package}", "{}")
                filled = _fill(body, w)
                foreign = api_answer(client, headers, method, url.format(w[key]), filled,
                                      w[key])
                missing = api_answer(client, headers, method, url.format(MISSING), filled,
                                      MISSING)
                if foreign != missing:
                    leaks.append((name, method, path, foreign, missing))
    return leaks


def _summary(leaks: list[tuple[str, str, str, Any, Any]]) -> str:
    """``N leaking pairs`` and each as ``caller METHOD path foreign-status/missing-status``."""
    lines = [f"{n} {m} {p} {f[0]}/{x[0]}" for n, m, p, f, x in leaks]
    return f"{len(leaks)} leaking pairs:\n" + "\n".join(lines) + f"\nfirst: {leaks[0]}"


def test_api_answers_an_unseen_project_as_a_missing_one(
    client: TestClient, world: dict[str, Any]
) -> None:
    routes = _api_project_routes()
    assert len(routes) > 50, routes  # the app's project routes were found  # noqa: PLR2004
    leaks = api_leaks(client, world)
    assert not leaks, _summary(leaks)


def _web_project_routes() -> list[tuple[str, str]]:
    # (a project's books, /projects/{id}/finance, follow the books' reader rule, as /ledger does)
    return [(m, route.path) for route in _routes(WEB_ROUTERS)
            if "{project_id}" in route.path and "/finance" not in route.path
            for m in sorted(route.methods or ()) if m in ("GET", "POST")]


def web_leaks(client: TestClient, w: dict[str, Any]) -> list[tuple[str, str, str, Any, Any]]:
    leaks = []
    for name in PROBERS:
        client.cookies.clear()
        web_login(client, name)
        csrf = csrf_of(client)
        for method, path in _web_project_routes():
            form = WEB_FORMS.get((method, path))
            foreign = web_answer(client, csrf, method, _project_url(path, w, w["project"]),
                                  form, w["project"])
            missing = web_answer(client, csrf, method, _project_url(path, w, MISSING), form,
                                  MISSING)
            if foreign != missing:
                leaks.append((name, method, path, foreign, missing))
        for key in ["package", "handed"] if w["classified"] else ["package"]:
            url = "/packages/{}/assign"
            form = {"user_id": "1"}
            foreign = web_answer(client, csrf, "POST", url.format(w[key]), form, w[key])
            missing = web_answer(client, csrf, "POST", url.format(MISSING), form, MISSING)
            if foreign != missing:
                leaks.append((name, "POST", "/packages/{package_id}/assign", foreign, missing))
    return leaks


def test_web_answers_an_unseen_project_as_a_missing_one(
    client: TestClient, world: dict[str, Any]
) -> None:
    assert len(_web_project_routes()) >= 13  # noqa: PLR2004
    leaks = web_leaks(client, world)
    assert not leaks, _summary(leaks)


def test_a_member_still_hears_403(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    """Seeing the project, an annotator asked to manage it, or to read its dashboard, is
    refused (403, saying why), not told it is missing; the web page likewise."""
    with runtime.session() as s:
        pid = create_project(s, SPEC, actor_id=users["admin"].id).id
        add_member(s, pid, users["ann1"], None)
    ann = login(client, "ann1")
    r = client.patch(f"{API}/projects/{pid}/spec", json={"description": "x"}, headers=ann)
    assert r.status_code == 403, r.text
    r = client.get(f"{API}/projects/{pid}/dashboard", headers=ann)
    assert r.status_code == 403, r.text
    web_login(client, "ann1")
    assert client.get(f"/projects/{pid}").status_code == 403


def test_an_item_above_ones_clearance_answers_as_a_missing_one(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    """A member whose clearance is below an item's own classification got 403 naming the
    level for the item, its annotations and its task; now the answer of an id never given out
    (the task's, the item's), as for any object one may not see."""
    with runtime.session() as s:
        pid = create_project(s, SPEC, actor_id=users["admin"].id).id
        add_member(s, pid, users["pm"], None)
        item = None
        while item is None or item.id == pid:  # the probed id and the project's differ
            item = Item(project_id=pid, external_id=f"u{item.id if item else 0}",
                        sha256="0" * 64, filename="u1.wav", size_bytes=1, status="ready",
                        owner="customer")
            s.add(item)
            s.flush()
        task = Task(project_id=pid, item_id=item.id, stage="annotate")
        s.add(task)
        s.flush()
        set_item_level(s, users["admin"], item.id, "secret")
        iid, tid = item.id, task.id
    pm = login(client, "pm")
    for path, ident in ((f"/projects/{pid}/items/{{}}", iid),
                        (f"/projects/{pid}/items/{{}}/annotations", iid),
                        ("/tasks/{}", tid), ("/tasks/{}/draft", tid)):
        foreign = api_answer(client, pm, "GET", API + path.format(ident), None, ident)
        missing = api_answer(client, pm, "GET", API + path.format(MISSING), None, MISSING)
        assert foreign == missing, (path, foreign, missing)
        assert foreign[0] == 404  # noqa: PLR2004


def test_the_cli_answers_an_unseen_project_as_a_missing_one(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--as`` someone who may not see the project: exit 3 and the sentence of a project
    never created (was exit 6, "not a member"), by id and by name; a member short of the
    permission keeps exit 6."""
    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        pid = create_project(s, SPEC, actor_id=users["admin"].id).id
    cli = CliRunner()

    def answer(ref: str) -> tuple[int, str]:
        r = cli.invoke(cli_app, ["data", "items", ref, "--as", "ann1", "--json"])
        return r.exit_code, json.loads(r.stdout)["error"]["message"]

    assert answer(str(pid)) == (3, f"no project with id {pid}")
    assert answer(str(MISSING)) == (3, f"no project with id {MISSING}")
    assert answer("elsewhere") == (3, "no project named 'elsewhere'")
    assert answer("nowhere") == (3, "no project named 'nowhere'")
    with runtime.session() as s:
        add_member(s, pid, users["ann1"], None)
    assert answer(str(pid))[0] == 6  # sees it, may not view it  # noqa: PLR2004
