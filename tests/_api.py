"""REST API test helpers shared by the test packages."""

from __future__ import annotations

from fastapi.testclient import TestClient

API = "/api/v1"


def login(client: TestClient, username: str, password: str = "password1") -> dict[str, str]:
    """The bearer header of a fresh token for ``username`` (the fixture users' password)."""
    r = client.post(f"{API}/auth/token", json={"username": username, "password": password})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
