"""Probing for vendor-owned ids (trial finding L5): another vendor's object answers as one never
given out.

A vendor's manager asking for another vendor's settlement sheet, vendor record, worker
dashboard or worker (and anyone signed in who manages no vendor, asking for any of them) got
403 naming the owning vendor ("manages vendor 1 and may see or act on only that vendor's data,
not on settlement sheet 7 (of vendor 2)") where an id never given out got 404: the answer told
that the object exists and whose it is. Now such a refusal is the very answer of a missing id,
on the API, the web pages and the CLI (exit 3, ``not_found``). Those who see every vendor (the
business side, auditors, finance who pays the sheets) and the vendor's own manager still hear
why they are refused (403), as project members do for projects.

The tests count *leaking pairs*: (caller, route) whose answer for the foreign id differs from
the answer for an id never given out, after the asked id is made neutral. Routes are taken
from the app itself, so a new vendor, worker or sheet route is probed without being listed here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, APIRouter
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.api.routers import ROUTERS as API_ROUTERS
from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import WorkPackage
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.routes import ROUTERS as WEB_ROUTERS
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.models import SettlementSheet
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests.known_issues._probe import MISSING, SPEC, api_answer, normal, web_answer
from tests.known_issues._web import csrf_of, web_login
from tests.known_issues.test_issue8_s2_permission_matrix import BODIES

#: the ids a vendor's object is addressed by in a route's path
OBJECT_PARAMS = {"vendor_id": "vendor", "worker_id": "worker", "sheet_id": "sheet"}
#: prober → the vendor they belong to (None: none); each probes the objects of a vendor not theirs
PROBERS = {"vma": "a", "vmb": "b", "vwa": "a", "ann1": None, "cust": None}
#: routes naming a vendor or worker in their body or query (the path names nothing foreign)
BODY_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/settlements?vendor_id={vendor}", None),
    ("POST", "/settlements", {"vendor_id": "{vendor}", "period_start": "2024-05-06"}),
    ("POST", "/workers", {"username": "ann2", "vendor_id": "{vendor}"}),
    ("PUT", "/hour-points", {"worker_id": "{worker}", "project_id": "{project}",
                             "month": "2024-05", "points": "1"}),
    ("POST", "/packages/{package}/worker", {"worker_id": "{worker}"}),
    # procurement, prices, qualification, hand-offs, moves, data security (h4)
    ("GET", "/settlement-periods?vendor_id={vendor}", None),
    ("POST", "/packages/{package}/vendor", {"vendor_id": "{vendor}"}),
    ("PUT", "/workers/{own_worker}/vendor", {"vendor_id": "{vendor}", "reason": "x"}),
    ("POST", "/projects/{project}/qualification-test/grants",
     {"worker_id": "{worker}", "note": "x"}),
    ("GET", "/projects/{project}/qualification-test/attempts?worker_id={worker}", None),
    ("POST", "/prices", {"half_year": "2024H1", "stage": "annotate", "modality": "speech.asr",
                         "language_group": "foreign", "unit": "hour", "unit_price": "1",
                         "vendor_id": "{vendor}"}),
    ("POST", "/procurement/requests", {
        "department": "d", "kind": "labelling", "stage": "annotate", "modality": "speech.asr",
        "language_group": "foreign", "unit": "hour", "quantity": "1", "vendor_id": "{vendor}"}),
    ("POST", "/procurement/agreements", {
        "vendor_id": "{vendor}", "number": "FA-9", "valid_from": "2024-01-01",
        "valid_to": "2024-12-31", "prices": [{
            "stage": "annotate", "modality": "speech.asr", "language_group": "foreign",
            "unit": "hour", "unit_price": "1"}]}),
    ("GET", "/procurement/agreements?vendor_id={vendor}", None),
    ("POST", "/procurement/orders", {"request_id": 1, "vendor_id": "{vendor}",
                                     "project_id": "{project}", "quantity": "1"}),
    ("GET", "/procurement/orders?vendor_id={vendor}", None),
    ("POST", "/security/surveying-qualifications", {"vendor_id": "{vendor}", "grade": "A"}),
    ("POST", "/ledger/projects/{project}/budget-plan", {
        "deliverable": "10", "loss_rate": "0.1", "output_ratio": "0.5", "on": "2024-01-02",
        "vendor_id": "{vendor}"}),
    ("POST", "/ledger/projects/{project}/budget-plan/budget", {
        "deliverable": "10", "loss_rate": "0.1", "output_ratio": "0.5", "on": "2024-01-02",
        "vendor_id": "{vendor}"}),
]
#: forms of the web pages' routes (beside the CSRF token)
WEB_FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/workforce/vendors/{vendor_id}/distribute"): {"package_id": "1", "worker_id": "1"},
    ("POST", "/workforce/vendors/{vendor_id}/evaluate"): {"year": "2024"},
    ("POST", "/workforce/sheets/{sheet_id}/settle"): {"reference": "x"},
    ("POST", "/workforce/sheets/{sheet_id}/void"): {"reason": "x"},
    ("POST", "/workforce/sheets/{sheet_id}/correct"): {"amount": "1.00", "reason": "x"},
}
#: page forms naming a vendor or worker (the path names nothing foreign)
WEB_BODY_FORMS: list[tuple[str, str, dict[str, str]]] = [
    ("worker", "/workforce/projects/{project}/golden/grant", {"worker_id": "{id}"}),
    ("vendor", "/workforce/sheets/draw", {"vendor_id": "{id}", "period_start": "2024-05-06"}),
]
#: CLI commands addressing one vendor object ({id}: the probed id; {dest}: a fresh file)
CLI_COMMANDS: list[tuple[str, list[str]]] = [
    ("sheet", ["workforce", "sheet-confirm", "{id}"]),
    ("sheet", ["workforce", "sheet-confirm", "{id}", "--vendor-side"]),
    ("sheet", ["workforce", "sheet-settle", "{id}", "ref-1"]),
    ("sheet", ["workforce", "sheet-void", "{id}", "--reason", "x"]),
    ("sheet", ["workforce", "sheet-export", "{id}", "{dest}.csv"]),
    ("sheet", ["workforce", "sheet-export", "{id}", "{dest}.html"]),
    ("worker", ["workforce", "worker-set", "{id}", "--language", "zh-CN"]),
    ("worker", ["workforce", "worker-deactivate", "{id}"]),
    ("worker", ["workforce", "worker-deactivate", "{id}", "--reactivate"]),
    ("worker", ["workforce", "worker-manager", "{id}", "--drop"]),
    ("worker", ["workforce", "worker-manager", "{id}"]),
    ("worker", ["workforce", "worker-move", "{id}", "--in-house"]),
    ("worker", ["workforce", "identity", "{id}", "ID-1"]),
    ("vendor", ["workforce", "vendor-qualify", "{id}", "note"]),
    ("vendor", ["workforce", "vendor-agreement", "{id}", "FA-2"]),
    # ids named beside the object the command acts on (h4)
    ("vendor", ["workforce", "hand", "{package}", "{id}"]),
    ("worker", ["workforce", "assign", "{package}", "{id}"]),
    ("vendor", ["workforce", "sheet-create", "{id}", "2024-05-06"]),
    ("worker", ["workforce", "points", "{id}", "{project}", "2024-05", "1"]),
    ("vendor", ["workforce", "settlement-periods", "--vendor", "{id}"]),
    ("vendor", ["workforce", "worker-move", "{own_worker}", "--vendor", "{id}"]),
    ("vendor", ["workforce", "worker-add", "ann2", "--vendor", "{id}"]),
    ("vendor", ["workforce", "price-set", "2024H1", "annotate", "speech.asr", "foreign", "hour",
                "1", "--vendor", "{id}"]),
    ("worker", ["workforce", "qualification", "grant", "{project}", "{id}"]),
    ("worker", ["workforce", "qualification", "results", "{project}", "--worker", "{id}"]),
    ("vendor", ["workforce", "procurement", "request-add", "d", "labelling", "annotate",
                "speech.asr", "foreign", "hour", "1", "--vendor", "{id}"]),
    ("vendor", ["workforce", "procurement", "agreement-add", "{id}", "FA-9", "2024-01-01",
                "2024-12-31", "{prices}"]),
    ("vendor", ["workforce", "procurement", "agreements", "--vendor", "{id}"]),
    ("vendor", ["workforce", "procurement", "order-add", "1", "{id}", "{project}", "1"]),
    ("vendor", ["workforce", "procurement", "orders", "--vendor", "{id}"]),
    ("vendor", ["security", "surveying-grant", "--vendor", "{id}", "--grade", "A"]),
    ("vendor", ["ledger", "budget-plan", "show", "{project}", "--deliverable", "10", "--loss",
                "0.1", "--ratio", "0.5", "--vendor", "{id}"]),
]


def _sheet(s: Any, vendor_id: int, number: str) -> int:
    sheet = SettlementSheet(number=number, vendor_id=vendor_id, cycle="weekly",
                            period_start=date(2024, 5, 6), period_end=date(2024, 5, 12),
                            period_key=f"weekly:2024-05-06:{number}")
    s.add(sheet)
    s.flush()
    return sheet.id


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, Any]:
    """Vendors ``a`` and ``b``, each with a manager (``vma``, ``vmb``, members of the project),
    a worker, a package of the project handed to it and a sheet;
    ``vwa`` a worker of ``a``; an in-house worker; ``ann1`` and a customer manage nothing."""
    with runtime.session() as s:
        admin = users["admin"]
        made: dict[str, Any] = {"project": create_project(s, SPEC, actor_id=admin.id).id}
        for key in ("a", "b"):
            vendor = create_vendor(s, admin, name=f"vendor-{key}", kind="studio",
                                   fee_rate="0.1", agreement_no=f"FA-{key}")
            set_vendor_qualified(s, admin, vendor.id, True, "assessed")
            manager = create_user(s, f"vm{key}", "password1", "vendor_manager")
            register_worker(s, admin, manager, vendor_id=vendor.id, is_manager=True)
            person = create_user(s, f"w{key}", "password1", "vendor_worker")
            wkr = register_worker(s, admin, person, vendor_id=vendor.id, languages=["en-US"])
            add_member(s, made["project"], manager, None)
            package = WorkPackage(project_id=made["project"], stage="annotate", name=f"p-{key}")
            s.add(package)
            s.flush()
            hand_package_to_vendor(s, admin, package.id, vendor.id)
            made[key] = {"vendor": vendor.id, "worker": wkr.id, "package": package.id,
                         "sheet": _sheet(s, vendor.id, f"S-{key}")}
        vwa = create_user(s, "vwa", "password1", "vendor_worker")
        register_worker(s, admin, vwa, vendor_id=made["a"]["vendor"], languages=["en-US"])
        create_user(s, "cust", "password1", "customer")
        create_user(s, "fin", "password1", "finance")
        staff = register_worker(s, admin, users["ann2"], vendor_id=None, languages=["en-US"])
        made["in_house"] = staff.id
    return made


def _foreign(w: dict[str, Any], prober: str) -> list[tuple[str, int]]:
    """(kind, id) of the objects ``prober`` may not see: another vendor's and in-house staff."""
    other = w["b"] if PROBERS[prober] != "b" else w["a"]
    return [(k, other[k]) for k in ("vendor", "worker", "sheet")] + [("worker", w["in_house"])]


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _routes(routers: tuple[APIRouter, ...]) -> list[APIRoute]:
    return [r for router in routers for r in router.routes if isinstance(r, APIRoute)]


def _kind(path: str) -> str | None:
    """The vendor-object kind a route's path addresses (None: none)."""
    kinds = [kind for param, kind in OBJECT_PARAMS.items() if f"{{{param}}}" in path]
    return kinds[0] if len(kinds) == 1 and "{project_id}" not in path else None


def _path(path: str, subs: dict[str, Any]) -> str:
    """``path`` with its ``{key}`` placeholders filled from ``subs``."""
    return re.sub(r"\{(\w+)\}", lambda m: str(subs[m[1]]), path)


def _url(path: str, ident: int) -> str:
    path = re.sub(r"\{(vendor_id|worker_id|sheet_id)\}", str(ident), path)
    return path.replace("{year}", "2024")


def _fill(value: Any, subs: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, subs) for k, v in value.items()}
    if isinstance(value, str) and re.fullmatch(r"\{\w+\}", value) and value[1:-1] in subs:
        return subs[value[1:-1]]
    return value


def api_routes() -> list[tuple[str, str, str, Any]]:
    """(kind, method, path, body) of every API route naming one vendor object in its path."""
    out = []
    for route in _routes(API_ROUTERS):
        kind = _kind(route.path)
        if kind is not None:
            out += [(kind, m, route.path, BODIES.get((m.lower(), route.path)))
                    for m in sorted(route.methods or ())]
    return out


Leak = tuple[str, str, str, Any, Any]


def api_leaks(client: TestClient, w: dict[str, Any]) -> list[Leak]:
    """Every (caller, method, route) whose foreign answer differs from the missing one."""
    leaks: list[Leak] = []
    for name in PROBERS:
        headers = login(client, name)
        foreign = _foreign(w, name)
        own = w[PROBERS[name] or "a"]
        subs = {"project": w["project"], "package": own["package"], "own_worker": own["worker"]}
        for kind, method, path, body in api_routes():
            filled = _fill(body, {**subs, "vendor": w["a"]["vendor"], "worker": w["a"]["worker"]})
            for _, ident in (f for f in foreign if f[0] == kind):
                got = api_answer(client, headers, method, API + _url(path, ident), filled, ident)
                gone = api_answer(client, headers, method, API + _url(path, MISSING), filled,
                                  MISSING)
                if got != gone:
                    leaks.append((name, method, path, got, gone))
        for method, path, body in BODY_ROUTES:
            for kind, ident in foreign:
                if f"{{{kind}}}" not in json.dumps(body) + path:
                    continue
                answers = []
                for probe in (ident, MISSING):
                    url = API + _path(path, {**subs, kind: probe})
                    answers.append(api_answer(client, headers, method, url,
                                              _fill(body, {**subs, kind: probe}), probe))
                if answers[0] != answers[1]:
                    leaks.append((name, method, path, answers[0], answers[1]))
    return leaks


def _summary(leaks: list[Leak]) -> str:
    lines = [f"{n} {m} {p} {f[0]}/{x[0]}" for n, m, p, f, x in leaks]
    return f"{len(leaks)} leaking pairs:\n" + "\n".join(lines) + f"\nfirst: {leaks[0]}"


def test_api_answers_another_vendors_object_as_a_missing_one(
    client: TestClient, world: dict[str, Any]
) -> None:
    kinds = {k for k, *_ in api_routes()}
    assert kinds == {"vendor", "worker", "sheet"} and len(api_routes()) >= 20  # noqa: PLR2004
    leaks = api_leaks(client, world)
    assert not leaks, _summary(leaks)


def web_routes() -> list[tuple[str, str, str]]:
    return [(kind, m, route.path) for route in _routes(WEB_ROUTERS)
            if (kind := _kind(route.path)) is not None
            for m in sorted(route.methods or ()) if m in ("GET", "POST")]


def web_leaks(client: TestClient, w: dict[str, Any]) -> list[Leak]:
    leaks: list[Leak] = []
    for name in PROBERS:
        client.cookies.clear()
        web_login(client, name)
        csrf = csrf_of(client)
        foreign = _foreign(w, name)
        for kind, method, path in web_routes():
            form = WEB_FORMS.get((method, path))
            for _, ident in (f for f in foreign if f[0] == kind):
                got = web_answer(client, csrf, method, _url(path, ident), form, ident)
                gone = web_answer(client, csrf, method, _url(path, MISSING), form, MISSING)
                if got != gone:
                    leaks.append((name, method, path, got, gone))
        for kind, path, fields in WEB_BODY_FORMS:
            for _, ident in (f for f in foreign if f[0] == kind):
                got, gone = (web_answer(client, csrf, "POST", _path(path, w), {
                    k: _path(v, {"id": probe}) for k, v in fields.items()}, probe)
                    for probe in (ident, MISSING))
                if got != gone:
                    leaks.append((name, "POST", f"{path} {kind}_id", got, gone))
        mine = PROBERS[name]
        if mine is not None:  # one's own vendor's page, another vendor's worker named
            own = w[mine]
            url = f"/workforce/vendors/{own['vendor']}/distribute"
            for kind, ident in foreign:
                if kind != "worker":
                    continue
                got, gone = (web_answer(client, csrf, "POST", url, {
                    "package_id": str(own["package"]), "worker_id": str(probe)}, probe)
                    for probe in (ident, MISSING))
                if got != gone:
                    leaks.append((name, "POST", "/workforce/vendors/{own}/distribute worker_id",
                                  got, gone))
    return leaks


def test_web_answers_another_vendors_object_as_a_missing_one(
    client: TestClient, world: dict[str, Any]
) -> None:
    assert len(web_routes()) >= 8  # noqa: PLR2004
    leaks = web_leaks(client, world)
    assert not leaks, _summary(leaks)


def cli_leaks(w: dict[str, Any], tmp: Path) -> list[Leak]:
    cli = CliRunner()
    leaks: list[Leak] = []
    n = 0

    prices = tmp / "prices.json"
    prices.write_text(json.dumps([{"stage": "annotate", "modality": "speech.asr",
                                   "language_group": "foreign", "unit": "hour",
                                   "unit_price": "1"}]))

    def answer(args: list[str], name: str, ident: int) -> tuple[int, str]:
        nonlocal n
        n += 1
        own = w[PROBERS[name] or "a"]
        subs = {"id": ident, "dest": tmp / f"out{n}", "project": w["project"],
                "package": own["package"], "own_worker": own["worker"], "prices": prices}
        argv = [_path(a, subs) for a in args]
        r = cli.invoke(cli_app, [*argv, "--as", name, "--json"])
        got = json.loads(r.stdout)
        error = got.get("error") if isinstance(got, dict) else None
        text = json.dumps(error if error is not None else got, sort_keys=True)
        return r.exit_code, normal(re.sub(r"out\d+", "out", text), ident)

    for name in PROBERS:
        foreign = _foreign(w, name)
        for kind, args in CLI_COMMANDS:
            for _, ident in (f for f in foreign if f[0] == kind):
                got, gone = answer(args, name, ident), answer(args, name, MISSING)
                if got != gone:
                    leaks.append((name, "cli", " ".join(args), got, gone))
    return leaks


def test_the_cli_answers_another_vendors_object_as_a_missing_one(
    runtime: Runtime, world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--as`` someone who may not see the object: exit 3 and ``not_found``, as for an id
    never given out (was exit 6 naming the owning vendor)."""
    monkeypatch.setattr(_common, "_runtime", [runtime])
    leaks = cli_leaks(world, tmp_path)
    assert not leaks, _summary(leaks)
    r = CliRunner().invoke(cli_app, ["workforce", "sheet-confirm", str(world["b"]["sheet"]),
                                     "--vendor-side", "--as", "vma", "--json"])
    assert r.exit_code == 3, r.stdout  # noqa: PLR2004
    assert json.loads(r.stdout)["error"]["code"] == "not_found"


def test_who_sees_the_object_still_hears_why(
    client: TestClient, world: dict[str, Any]
) -> None:
    """The vendor's own manager reads its objects and is refused what they may not do (403);
    those who see every vendor (procurement's side, finance who pays the sheets) likewise;
    a worker reads their own dashboard, and is refused (403) their vendor's other objects."""
    a, b = world["a"], world["b"]
    vma = login(client, "vma")
    for path in (f"/vendors/{a['vendor']}", f"/settlements/{a['sheet']}",
                 f"/workers/{a['worker']}/dashboard", f"/vendors/{a['vendor']}/workers"):
        assert client.get(API + path, headers=vma).status_code == 200, path  # noqa: PLR2004
    r = client.post(f"{API}/vendors/{a['vendor']}/qualification",
                    json={"qualified": False, "note": "x"}, headers=vma)
    assert r.status_code == 403, r.text  # noqa: PLR2004
    r = client.post(f"{API}/settlements/{a['sheet']}/confirmation", headers=vma)
    assert r.status_code == 403, r.text  # noqa: PLR2004
    fin = login(client, "fin")
    assert client.get(f"{API}/settlements/{b['sheet']}", headers=fin).status_code == 200  # noqa: PLR2004
    r = client.get(f"{API}/workers/{b['worker']}/dashboard", headers=fin)
    assert r.status_code == 403, r.text  # noqa: PLR2004
    vwa = login(client, "vwa")  # a worker of vendor a: its vendor and sheet exist for them
    for path in (f"/vendors/{a['vendor']}", f"/settlements/{a['sheet']}",
                 f"/workers/{a['worker']}/dashboard"):
        r = client.get(API + path, headers=vwa)
        assert r.status_code == 403, (path, r.text)  # noqa: PLR2004
    wb = login(client, "wb")
    r = client.get(f"{API}/workers/{b['worker']}/dashboard", headers=wb)
    assert r.status_code == 200, r.text  # noqa: PLR2004
    pm = login(client, "pm")
    r = client.get(f"{API}/workers/{b['worker']}/dashboard", headers=pm)
    assert r.status_code == 200, r.text  # noqa: PLR2004
    # qualification results named by worker: one's own vendor's (manager), anyone's (business)
    attempts = f"{API}/projects/{world['project']}/qualification-test/attempts?worker_id="
    for headers, worker in ((vma, a["worker"]), (pm, b["worker"])):
        r = client.get(attempts + str(worker), headers=headers)
        assert r.status_code == 200 and r.json() == [], r.text  # noqa: PLR2004
