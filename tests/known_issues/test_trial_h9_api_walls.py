"""Walls in the REST API found by an attacker-style review (round h9).

``GET /projects/{id}/qualification-test`` answered anyone signed in: a customer or a
person outside the project read the test of any project (its golden item ids and pass mark),
and 204/200 against 404 told them which project ids exist. It now follows the rule of the
test's questions: a registered worker (who takes the test) or the project's business side.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues import _vendor_world as vw


def test_qualification_test_is_for_workers_and_the_project_business_side(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        pid = vw.project(s, 2, 2)
        add_member(s, pid, users["pm"], actor_id=None)
        create_user(s, "buyer", "password1", "customer")
        create_user(s, "pm2", "password1", "project_manager")
        vendor_id = vw.vendor(s, users["admin"], "wall-vendor")
        vw.worker(s, users["admin"], pid, "vworker", vendor_id)
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    url = f"{API}/projects/{pid}/qualification-test"
    for outsider in ("buyer", "pm2", "ann1"):  # a customer, a PM of other projects, no worker
        r = client.get(url, headers=login(client, outsider))  # no members: missing to them
        assert r.status_code == 404, (outsider, r.status_code, r.text)
    for insider in ("pm", "admin"):
        r = client.get(url, headers=login(client, insider))
        assert r.status_code == 204, (insider, r.status_code, r.text)
    r = client.get(f"{API}/projects/999999/qualification-test", headers=login(client, "pm"))
    assert r.status_code == 404
