"""``/api/v1/security`` over a real database: rules enforced, problems returned, audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.compliance._security_world import make_project

API = "/api/v1/security"
PROBLEM = "application/problem+json"


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_security_endpoints(client: TestClient, runtime: Runtime,
                            users: dict[str, User]) -> None:
    with runtime.session() as s:
        members = [s.get(User, users[n].id) for n in ("pm", "ann1", "insp")]
        pid, items = make_project(s, "apisec", members, [
            {"subject_id": "s9", "prompt": "身份证 11010519491231002X"}])
    pm, admin, ann = _auth(client, "pm"), _auth(client, "admin"), _auth(client, "ann1")

    r = client.put(f"{API}/projects/{pid}/classification", json={"level": "secret"}, headers=ann)
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    r = client.put(f"{API}/projects/{pid}/classification", json={"level": "top"}, headers=pm)
    assert r.status_code == 422
    r = client.put(f"{API}/projects/{pid}/classification", json={"level": "confidential"},
                   headers=pm)
    assert r.status_code == 403  # above the PM's own clearance: they would lock themselves out
    r = client.put(f"{API}/users/{users['pm'].id}/clearance", json={"level": "confidential"},
                   headers=admin)
    assert r.status_code == 200
    r = client.put(f"{API}/projects/{pid}/classification", json={"level": "confidential"},
                   headers=pm)
    assert r.status_code == 200 and r.json()["level"] == "confidential"
    r = client.put(f"{API}/users/{users['insp'].id}/clearance", json={"level": "secret"},
                   headers=admin)
    assert r.status_code == 200

    r = client.put(f"{API}/projects/{pid}/export", json={"cross_border": True,
                                                          "destination": "US"}, headers=pm)
    assert r.status_code == 200 and r.json()["delivery_allowed"] is False
    r = client.post(f"{API}/projects/{pid}/export-assessments",
                    json={"conclusion": "approved"}, headers=pm)
    assert r.status_code == 403
    r = client.post(f"{API}/projects/{pid}/export-assessments",
                    json={"conclusion": "approved", "notes": "filed"}, headers=admin)
    assert r.status_code == 201
    state = client.get(f"{API}/projects/{pid}", headers=pm).json()
    assert state["export"]["delivery_allowed"] is True and state["classification"] == (
        "confidential")
    assert client.put(f"{API}/export-rules/x1", json={}, headers=admin).status_code == 422
    assert client.put(f"{API}/export-rules/CN", json={}, headers=pm).status_code == 403
    assert client.put(f"{API}/export-rules/sg", json={}, headers=admin).json()["country"] == "SG"
    assert client.delete(f"{API}/export-rules/SG", headers=admin).status_code == 204

    assert client.put(f"{API}/projects/{pid}/surveying", json={"required": True},
                      headers=pm).status_code == 200
    r = client.post(f"{API}/surveying-qualifications",
                    json={"user_id": users["ann1"].id, "valid_until": "2099-12-31"},
                    headers=admin)
    assert r.status_code == 201
    assert client.post(f"{API}/surveying-qualifications/{r.json()['id']}/revoke",
                       headers=admin).json()["revoked_at"]

    assert client.post(f"{API}/projects/{pid}/consents", json={"subject_id": "s9"},
                       headers=pm).status_code == 201
    r = client.post(f"{API}/projects/{pid}/consents/withdraw", json={"subject_id": "s9"},
                    headers=pm)
    assert r.status_code == 200 and r.json()["items"] == 1
    assert client.post(f"{API}/projects/{pid}/consents", json={"subject_id": "a\x00"},
                       headers=pm).status_code == 422

    r = client.post(f"{API}/projects/{pid}/desensitize", json={"detect": False}, headers=pm)
    assert r.status_code == 200 and r.json()["texts"]["kinds"] == {"id_card": 1}
    insp = _auth(client, "insp")
    masked = client.get(f"{API}/items/{items[0]}/masked", headers=insp).json()
    assert "11010519491231002X" not in masked["texts"]["prompt"]["masked"]
    r = client.get(f"{API}/items/{items[0]}/original/prompt", headers=ann)
    # ann1 has the default (internal) clearance: the confidential project is hidden from them,
    # so its item answers as one never given out
    assert r.status_code == 404
    r = client.get(f"{API}/items/{items[0]}/original/prompt", headers=insp)
    assert r.status_code == 200 and "11010519491231002X" in r.json()["text"]


def test_security_page(client: TestClient, runtime: Runtime, users: dict[str, User]) -> None:
    from tests.known_issues._web import web_login

    with runtime.session() as s:
        pid, _ = make_project(s, "webs<ec>", [s.get(User, users["pm"].id)], [])
    pm = _auth(client, "pm")
    client.put(f"{API}/projects/{pid}/export", json={"cross_border": True, "destination": "DE"},
               headers=pm)
    web_login(client, "admin")
    page = client.get("/security")
    assert page.status_code == 200 and 'data-testid="security-projects"' in page.text
    assert "webs&lt;ec&gt;" in page.text and "needs an approved export assessment" in page.text
    page = client.get("/security", headers={"Accept-Language": "zh-CN"})
    assert "出境至 DE" in page.text
    web_login(client, "ann1")
    assert client.get("/security").status_code == 403
