"""Trial 13 (LOW 4): pydantic's lax mode took a JSON ``true`` or ``"2"`` as an id inside a
body (``{"worker_id": true}`` assigned a package to worker 1) and read ``/tasks/1.0`` as task
1. Ids in bodies are JSON numbers now, and ids in paths and query strings are digits: anything
else is a 422 naming the field, before any query runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app

API = "/api/v1"


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        token = c.post(f"{API}/auth/token", json={"username": "admin",
                                                  "password": "password1"}).json()["access_token"]
        c.headers["Authorization"] = f"Bearer {token}"
        yield c


def _fields(r: object) -> list[str]:
    body = r.json()  # type: ignore[attr-defined]
    return [str(e.get("loc", [""])[-1]) for e in body.get("errors", body.get("detail", []))
            if isinstance(e, dict)]


@pytest.mark.parametrize("path", ["/tasks/1.0", "/tasks/+1", "/tasks/1_0", "/tasks/%EF%BC%91",
                                  "/procurement/agreements?vendor_id=1.0"])
def test_ids_in_paths_and_queries_are_digits(client: TestClient, path: str) -> None:
    r = client.get(API + path)
    assert r.status_code == 422, (path, r.status_code, r.text)  # noqa: PLR2004
    assert "whole number written in digits" in r.text or "not a number" in r.text, r.text


@pytest.mark.parametrize("customer_id", [True, "1", 1.0])
def test_ids_in_bodies_are_json_numbers(client: TestClient, customer_id: object) -> None:
    r = client.post(f"{API}/ledger/contracts", json={
        "number": "C-1", "customer_id": customer_id, "signed_on": "2026-01-05"})
    assert r.status_code == 422, r.text  # noqa: PLR2004
    assert "customer_id" in r.text, r.text


def test_plain_ids_still_work(client: TestClient) -> None:
    assert client.get(f"{API}/tasks/999").status_code == 404  # noqa: PLR2004
    r = client.post(f"{API}/ledger/contracts", json={
        "number": "C-1", "customer_id": 999, "signed_on": "2026-01-05"})
    assert r.status_code == 404, r.text  # noqa: PLR2004 - no such customer: read as an id
