"""Ids the API documents (1..2^63-1) but a column cannot hold (PostgreSQL's ids are 32-bit,
SQLite's 64-bit) and the pages' JSON endpoints' ids beyond 2^63: every one names no record,
so 404 problem+json as for any unknown id, never a 500, on both lanes of the hot path too."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_token
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login

IDS = ["2147483648", "9223372036854775807"]


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> TestClient:
    return TestClient(create_app(runtime), raise_server_exceptions=False)


@pytest.mark.parametrize("ident", IDS)
def test_api_ids_beyond_the_columns_are_not_found(
    runtime: Runtime, users: dict[str, User], client: TestClient, ident: str
) -> None:
    with runtime.session() as s:
        admin = {"Authorization": f"Bearer {create_token(s, s.merge(users['admin']), 't')}"}
        ann = {"Authorization": f"Bearer {create_token(s, s.merge(users['ann1']), 't')}"}
    for path in (f"/api/v1/tasks/{ident}", f"/api/v1/projects/{ident}",
                 f"/api/v1/deliveries/{ident}", f"/api/v1/inspections/{ident}"):
        r = client.get(path, headers=admin)
        assert r.status_code == 404, (path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["type"].endswith("/not_found")
    # the claim/submit hot lane and the FastAPI route behind it answer alike
    r = client.post(f"/api/v1/projects/{ident}/tasks/next", headers=ann)
    assert r.status_code == 404, r.text
    body = {"segments": [], "base_version": 0, "time_spent_ms": 1}
    r = client.post(f"/api/v1/tasks/{ident}/annotations", json=body, headers=ann)
    assert r.status_code == 404, r.text


def test_page_json_endpoints_beyond_int64_are_not_found(
    users: dict[str, User], client: TestClient
) -> None:
    web_login(client, "ann1", "password1")
    headers = {"X-CSRF-Token": csrf_of(client)}
    draft = {"segments": [], "base_version": 0, "revision": 1, "time_spent_ms": 0}
    for ident in ("2147483648", "99999999999999999999"):
        for method, path, body in (("put", f"/web/api/tasks/{ident}/draft", draft),
                                   ("post", f"/web/api/tasks/{ident}/skip", {"reason": "x"}),
                                   ("get", f"/web/api/items/{ident}/media", None)):
            r = client.request(method, path, headers=headers,
                               json=body) if body else client.get(path, headers=headers)
            assert r.status_code == 404, (path, r.status_code, r.text)
            assert r.json()["type"].endswith("/not_found")
