"""Trial h2 (web): a CSRF token outside ASCII in a form or the ``X-CSRF-Token`` header crashed
the check (``hmac.compare_digest`` refuses such text: HTTP 500 and a traceback in the log)
instead of refusing the request (403)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.helpers import packaged_project


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        yield c


def test_a_csrf_token_outside_ascii_is_refused_not_a_crash(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, [users["pm"]], 1)  # a project the PM sees (else: 404)
    client.get("/login")  # the login form's CSRF cookie
    r = client.post("/login", data={"username": "pm", "password": "password1",
                                    "csrf_token": "é", "next": "/"}, follow_redirects=False)
    assert r.status_code == 403, r.text
    web_login(client, "pm")
    r = client.post(f"/projects/{pid}/packages", data={"stage": "annotate", "csrf_token": "密"},
                    follow_redirects=False)
    assert r.status_code == 403, r.text
    r = client.put("/web/api/tasks/1/draft", json={"segments": [], "base_version": 0,
                                                    "revision": 1},
                   headers={"X-CSRF-Token": "é".encode("latin-1")})  # type: ignore[dict-item]
    assert r.status_code == 403, r.text
