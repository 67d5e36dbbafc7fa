"""A trial user's finding: a customer who is a member of a project read the company's internal
data through the API. With the customer's token ``GET .../items/{item}/annotations`` answered
200 with every annotation version (work the reviewer rejected, never delivered, and the
``author_id`` of each), ``GET /inspections/{id}`` answered 200, and ``GET
/projects/{pid}/dashboard`` listed the workers by name.

The domain (``shared/domain.md`` §2) gives the customer "requirements, raw data, acceptance
reports, licences": their deliveries, their own acceptance of them and the catalog. The sampling
inspection is the company's in-house QC (§1, "vendors never own rules or QC"; §4.6), not the
customer's acceptance report, so it stays internal. A customer now sees only what is theirs:
deliveries, their acceptance, the project's basics. Every GET route of the app (API and web) is
asked with the customer's credentials for a project they belong to, and the routes answering
200 must be exactly the allow-list below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.api.app import API_PREFIX
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Annotation, Inspection, Item, Task, WorkPackage
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_delivery_rejection import _accepted_batch, _auth

#: the GET routes a customer member of a project gets 200 from: their own account, the catalog
#: (listed entries, their licences, their quote requests), the project's basics, its deliveries and their files
ALLOWED = {
    f"{API_PREFIX}/me", f"{API_PREFIX}/auth/tokens",
    f"{API_PREFIX}/catalog/datasets", f"{API_PREFIX}/catalog/licences",
    # their organisation's quote requests (another customer's answer 404)
    f"{API_PREFIX}/catalog/quote-requests",
    # their own inbox (h7)
    f"{API_PREFIX}/catalog/inbox",
    f"{API_PREFIX}/projects", f"{API_PREFIX}/projects/{{project_id}}",
    f"{API_PREFIX}/projects/{{project_id}}/deliveries",
    f"{API_PREFIX}/deliveries/{{delivery_id}}", f"{API_PREFIX}/deliveries/{{delivery_id}}/package",
    f"{API_PREFIX}/deliveries/{{delivery_id}}/files/{{name:path}}",
    f"{API_PREFIX}/docs", f"{API_PREFIX}/openapi.json",
    # web pages
    "/", "/login", "/favicon.ico", "/catalog", "/workforce/me", "/inbox",
    "/projects/{project_id}", "/projects/{project_id}/deliveries",
    "/deliveries/{delivery_id}/package", "/deliveries/{delivery_id}/files/{name:path}",
}
#: the spec keys a customer is shown (what they asked for)
BASICS = {"description", "requirements", "acceptance"}


def _world(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> dict[str, Any]:
    """A speech project taken through annotation, review, inspection and delivery; ``buyer``
    (customer) is a member."""
    pid = ready_project(runtime, users, tmp_path, 4)
    with runtime.session() as s:
        add_member(s, pid, create_user(s, "buyer", "password1", "customer"), actor_id=None)
    app = create_app(runtime)
    with TestClient(app) as api:
        pm = _auth(api, "pm")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        d = api.post(f"{API_PREFIX}/batches/{batch}/deliveries", headers=pm,
                     json={"formats": ["kaldi"]}).json()
    with runtime.session() as s:
        item = s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)).first()
        ids = {
            "project_id": pid, "item_id": item, "batch_id": batch, "delivery_id": d["id"],
            "task_id": s.scalars(select(Task.id).where(Task.project_id == pid)).first(),
            "inspection_id": s.scalars(select(Inspection.id)).first(),
            "package_id": s.scalars(select(WorkPackage.id)).first(),
            "annotation_id": s.scalars(select(Annotation.id)).first(),
            "user_id": users["rev"].id, "name": "manifest.json", "code": "en",
        }
    return {"app": app, **ids}


def _get_routes() -> list[str]:
    from datamill.api.routers import ROUTERS as API_ROUTERS
    from datamill.web.routes import ROUTERS as WEB_ROUTERS

    paths = [API_PREFIX + r.path for router in API_ROUTERS for r in router.routes
             if "GET" in (getattr(r, "methods", None) or ())]
    paths += [r.path for router in WEB_ROUTERS for r in router.routes
              if "GET" in (getattr(r, "methods", None) or ())]
    return sorted({*paths, f"{API_PREFIX}/docs", f"{API_PREFIX}/openapi.json"})


def _fill(path: str, w: dict[str, Any]) -> str:
    return re.sub(r"\{([^}:]+)(?::path)?\}", lambda m: str(w.get(m.group(1), 1)), path)


def test_a_customer_gets_only_the_allow_listed_get_routes(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    w = _world(runtime, users, tmp_path)
    app = w["app"]
    api = TestClient(app)
    buyer = _auth(api, "buyer")
    web = TestClient(app)
    web_login(web, "buyer")
    pm = _auth(api, "pm")
    pid, item = w["project_id"], w["item_id"]
    # what the trial user read (before: 200 each), still open to the project manager
    for path in (f"/projects/{pid}/items/{item}/annotations", f"/inspections/{w['inspection_id']}",
                 f"/projects/{pid}/dashboard", f"/projects/{pid}/items", f"/tasks/{w['task_id']}",
                 f"/projects/{pid}/stats", f"/projects/{pid}/members"):
        got = api.get(API_PREFIX + path, headers=buyer)
        assert got.status_code == 403, (path, got.status_code, got.text[:300])
        assert api.get(API_PREFIX + path, headers=pm).status_code == 200, path
    answered = {}
    for path in _get_routes():
        url = _fill(path, w)
        client, headers = (api, buyer) if path.startswith(API_PREFIX) else (web, {})
        answered[path] = client.get(url, headers=headers, follow_redirects=False).status_code
    opened = {p for p, code in answered.items() if code == 200}
    assert opened == ALLOWED, {"unexpected": sorted(opened - ALLOWED),
                               "missing": sorted(ALLOWED - opened)}
    assert not [p for p, code in answered.items() if code >= 500], answered


def test_a_customer_sees_the_project_s_basics_not_its_workers(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    w = _world(runtime, users, tmp_path)
    api = TestClient(w["app"])
    buyer = _auth(api, "buyer")
    pid = w["project_id"]
    one = api.get(f"{API_PREFIX}/projects/{pid}", headers=buyer).json()
    listed = api.get(f"{API_PREFIX}/projects", headers=buyer).json()["items"]
    assert [p["id"] for p in listed] == [pid]
    for shown in (one, listed[0]):
        assert set(shown["spec"]) <= BASICS and "acceptance" in shown["spec"], shown["spec"]
        assert shown["name"] == "test-asr" and shown["modality"] == "speech.asr"
    full = api.get(f"{API_PREFIX}/projects/{pid}", headers=_auth(api, "pm")).json()
    assert "stages" in full["spec"] and "sampling" in full["spec"]  # staff see it whole
    # the web page: the basics and the deliveries, no dashboard with the workers on it
    web = TestClient(w["app"])
    web_login(web, "buyer")
    home = web.get("/").text
    assert f'href="/projects/{pid}"' in home
    page = web.get(f"/projects/{pid}")
    assert page.status_code == 200 and 'data-testid="project-basics"' in page.text
    assert 'data-testid="deliveries-link"' in page.text
    assert 'data-testid="chart"' not in page.text and "ann1" not in page.text
    assert ">rev<" not in page.text and "per_worker" not in page.text
    # deliveries, files and the acceptance still work (the customer's own flow)
    d = api.get(f"{API_PREFIX}/projects/{pid}/deliveries", headers=buyer).json()[0]
    assert api.get(f"{API_PREFIX}/deliveries/{d['id']}/files/manifest.json",
                   headers=buyer).status_code == 200
    took = api.post(f"{API_PREFIX}/deliveries/{d['id']}/acceptance", headers=buyer,
                    json={"accepted_items": d["delivered_items"],
                          "accepted_volume": d["datasheet"]["volume"]["amount"]})
    assert took.status_code == 200 and took.json()["status"] == "accepted", took.text


def test_the_cli_shows_a_customer_what_the_api_does(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.main import app

    w = _world(runtime, users, tmp_path)
    pid = str(w["project_id"])
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    for args in (["project", "dashboard", pid], ["data", "items", pid],
                 ["work", "packages", pid]):
        r = cli.invoke(app, [*args, "--as", "buyer", "--json"])
        assert r.exit_code != 0, (args, r.stdout)  # before: the dashboard named the workers
        assert "rev" not in r.stdout and json.loads(r.stdout)["error"], (args, r.stdout)
        assert cli.invoke(app, [*args, "--as", "pm", "--json"]).exit_code == 0, args
    shown = cli.invoke(app, ["project", "show", pid, "--as", "buyer", "--json"])
    assert shown.exit_code == 0, shown.stdout
    got = json.loads(shown.stdout)
    assert set(got) == {"project"} and set(got["project"]["spec"]) <= BASICS, got
    listed = cli.invoke(app, ["project", "list", "--as", "buyer", "--json"])
    assert [p["id"] for p in json.loads(listed.stdout)] == [int(pid)], listed.stdout
    staff = json.loads(cli.invoke(app, ["project", "show", pid, "--as", "pm", "--json"]).stdout)
    assert staff["by_status"] and "stages" in staff["project"]["spec"]
    # their deliveries, as the API shows them: not where the package lies on the server
    mine = json.loads(cli.invoke(app, ["delivery", "list", pid, "--as", "buyer", "--json"]).stdout)
    assert [d["path"] for d in mine] == [None], mine
    one = cli.invoke(app, ["delivery", "show", str(w["delivery_id"]), "--as", "buyer"])
    assert one.exit_code == 0 and str(runtime.settings.home) not in one.stdout, one.stdout
    theirs = json.loads(cli.invoke(app, ["delivery", "list", pid, "--as", "pm", "--json"]).stdout)
    assert theirs[0]["path"]
