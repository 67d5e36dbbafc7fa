"""REST API test helpers shared by the test packages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

API = "/api/v1"


def login(client: TestClient, username: str, password: str = "password1") -> dict[str, str]:
    """The bearer header of a fresh token for ``username`` (the fixture users' password)."""
    r = client.post(f"{API}/auth/token", json={"username": username, "password": password})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def web_sign_in(client: TestClient, username: str, password: str = "password1") -> str:
    """Sign ``username`` in on the web (the login form, its CSRF token) and return the pages'
    CSRF token for forms and JSON calls."""
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    found = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert found is not None, "no CSRF token on the home page"
    return found.group(1)
