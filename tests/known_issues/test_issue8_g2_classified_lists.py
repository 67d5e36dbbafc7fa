"""Issue 8 gap: lists named classified projects to people without clearance.

A project classified above a viewer's clearance must not appear — not even by name — in any
listing: the API's project list, the web home pages, ``datamill project list``/``show``, the
finance overview, project finance page and the auditor's trace (web and API: the order left out
and counted), the security page.
Admins see everything (as ``authorize()`` lets them act on everything).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.project import app as project_app
from datamill.compliance.classification import set_classification, set_clearance
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.orders import create_customer, create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import ledger_project, make_approvers, production_project

SECRET = "falcon-secret-g2"
OPEN = "sparrow-open-g2"


def _world(runtime: Runtime, users: dict[str, User]) -> dict[str, int]:
    with runtime.session() as s:
        create_user(s, "aud", "password1", "auditor")
        ap = make_approvers(s)
        cust = create_customer(s, "g2-cust", customer_type="other", country="CN")
        k = draft_contract(s, "K-G2", customer_id=cust.id, amount=Decimal(1000),
                           actor_id=ap["dept_manager"])
        approve_contract(s, k.id, ap["finance_reviewer"], "price")
        approve_contract(s, k.id, ap["vp"], "signing")
        sign_contract(s, k.id, date(2018, 1, 5))
        order = create_order(s, k.id, "O-G2", business_line="speech", offering="custom",
                             amount=Decimal(1000), currency="CNY", total_volume=Decimal(10),
                             volume_unit="hours", acceptance_type=1)
        secret, _lp = ledger_project(s, SECRET, order.id)
        open_ = production_project(s, OPEN)
        admin = s.get(User, users["admin"].id)
        for pid in (secret, open_):
            for name in ("pm", "ann1", "insp"):
                add_member(s, pid, s.get(User, users[name].id), actor_id=None)
        set_classification(s, admin, secret, "secret")  # type: ignore[arg-type]
    return {"secret": secret, "open": open_, "contract": k.id}


def _token(c: TestClient, username: str) -> dict[str, str]:
    r = c.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _api_names(c: TestClient, username: str) -> set[str]:
    r = c.get("/api/v1/projects", headers=_token(c, username))
    assert r.status_code == 200, r.text
    body = r.json()
    rows = body["items"] if isinstance(body, dict) else body
    return {p["name"] for p in rows}


def test_api_project_list_hides_classified(runtime: Runtime, users: dict[str, User]) -> None:
    ids = _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        for who in ("pm", "ann1", "aud"):  # members, and a role that views every project
            assert _api_names(c, who) == {OPEN}, who
        assert _api_names(c, "admin") == {SECRET, OPEN}
        assert c.get(f"/api/v1/projects/{ids['secret']}",  # above pm's clearance: missing
                     headers=_token(c, "pm")).status_code == 404
        with runtime.session() as s:
            set_clearance(s, s.get(User, users["admin"].id), users["pm"].id, "secret")  # type: ignore[arg-type]
        assert _api_names(c, "pm") == {SECRET, OPEN}


def test_web_home_pages_hide_classified(runtime: Runtime, users: dict[str, User]) -> None:
    _world(runtime, users)
    for who in ("pm", "ann1", "insp", "aud"):  # projects, work and inspection home pages
        with TestClient(create_app(runtime)) as c:
            web_login(c, who)
            page = c.get("/")
            assert page.status_code == 200, page.text
            assert SECRET not in page.text, who
            if who != "ann1":
                assert OPEN in page.text, who
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        assert SECRET in c.get("/").text


def test_web_security_page_hides_classified(runtime: Runtime, users: dict[str, User]) -> None:
    _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "aud")
        page = c.get("/security")
        assert page.status_code == 200 and OPEN in page.text and SECRET not in page.text
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        assert SECRET in c.get("/security").text


def test_finance_views_hide_classified(runtime: Runtime, users: dict[str, User]) -> None:
    ids = _world(runtime, users)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "ap-vp")  # a project manager wearing the finance hat, default clearance
        overview = c.get("/finance?year=2018")
        assert overview.status_code == 200 and SECRET not in overview.text
        assert c.get(f"/projects/{ids['secret']}/finance").status_code == 404  # as missing
        trace = c.get(f"/finance/contracts/{ids['contract']}/trace")
        # the secret project's order is left out of the trace and counted
        assert trace.status_code == 200 and "O-G2" not in trace.text
        assert SECRET not in trace.text and 'data-testid="hidden-orders"' in trace.text
        api = c.get(f"/api/v1/ledger/contracts/{ids['contract']}/trace",
                    headers=_token(c, "ap-vp"))
        assert api.status_code == 200 and SECRET not in api.text
        assert api.json()["orders"] == [] and api.json()["hidden_orders"] == 1
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        assert SECRET in c.get(f"/finance/contracts/{ids['contract']}/trace").text


def test_cli_project_list_and_show_hide_classified(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    _world(runtime, users)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()

    def names(*extra: str) -> set[str]:
        r = cli.invoke(project_app, ["list", "--json", *extra])
        assert r.exit_code == 0, r.output
        return {p["name"] for p in json.loads(r.stdout)}

    assert names() == {OPEN}  # an unnamed viewer has the default clearance
    assert names("--as", "pm") == {OPEN}
    assert names("--as", "admin") == {SECRET, OPEN}
    text = cli.invoke(project_app, ["list", "--as", "pm"])
    assert text.exit_code == 0 and SECRET not in text.output
    shown = cli.invoke(project_app, ["show", SECRET, "--as", "pm", "--json"])
    # above the PM's clearance: answered as a missing project (the unseen-project rule)
    assert shown.exit_code == 3 and json.loads(shown.stdout)["error"]["code"] == "not_found"
    assert cli.invoke(project_app, ["show", SECRET, "--as", "admin", "--json"]).exit_code == 0


def test_vendor_page_hides_packages_of_classified_projects(
    runtime: Runtime, users: dict[str, User]
) -> None:
    from datamill.production.models import Project
    from datamill.workforce.assignment import hand_package_to_vendor
    from datamill.workforce.vendors import register_worker
    from tests.known_issues._vendor_world import packages, project, vendor

    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        secret = project(s, 2, 1)
        s.get(Project, secret).name = SECRET  # type: ignore[union-attr]
        s.flush()
        open_ = project(s, 2, 1)
        s.get(Project, open_).name = OPEN  # type: ignore[union-attr]
        s.flush()
        vid = vendor(s, admin, "v-g2")  # type: ignore[arg-type]
        vm = create_user(s, "vm", "password1", "vendor_manager")
        register_worker(s, admin, vm, vendor_id=vid, is_manager=True, languages=["en-US"])  # type: ignore[arg-type]
        # someone who may annotate: a vendor with nobody for the stage is refused (trial h6)
        register_worker(s, admin, create_user(s, "vw1", "password1", "annotator"),  # type: ignore[arg-type]
                        vendor_id=vid, languages=["en-US"])
        for pid in (secret, open_):
            hand_package_to_vendor(s, admin, packages(s, pid)[0].id, vid)  # type: ignore[arg-type]
        set_classification(s, admin, secret, "confidential")  # type: ignore[arg-type]
    with TestClient(create_app(runtime)) as c:
        web_login(c, "vm")
        page = c.get(f"/workforce/vendors/{vid}")
        assert page.status_code == 200, page.text
        assert OPEN in page.text and SECRET not in page.text
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        assert SECRET in c.get(f"/workforce/vendors/{vid}").text
