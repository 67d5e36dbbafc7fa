"""Trial h5 (round 2): the REST API as an attacker and as schemathesis sees it.

* ``GET /procurement/requests/combination`` and ``GET /ledger/contracts/drafts`` (paths that
  take only POST) answered 422 "an id is a whole number": the GET reached the sibling
  ``/{request_id}`` route, and their ``OPTIONS`` answer's ``Allow`` listed that route's GET.
  Every other path answers a method it lacks with 405 and ``Allow`` (schemathesis ST205).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import login

PROBLEM = "application/problem+json"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    with sqlite_runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
        create_user(s, "ann1", "password1", "annotator")
    with TestClient(create_app(sqlite_runtime), raise_server_exceptions=False) as c:
        yield c


def test_a_method_a_path_lacks_is_405_everywhere(client: TestClient) -> None:
    admin = login(client, "admin")
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    wrong = []
    for path, ops in paths.items():
        concrete = re.sub(r"\{[^}]*\}", "1", path)
        for method in METHODS:
            if method.lower() in ops:
                continue
            r = client.request(method, concrete, headers=admin,
                               json={} if method != "GET" else None)
            if r.status_code != 405:
                wrong.append((method, path, r.status_code))
            else:
                allowed = {m.strip() for m in r.headers["allow"].split(",")}
                if allowed != {m.upper() for m in ops}:  # OPTIONS listed GET (ST205)
                    wrong.append((method, path, sorted(allowed)))
                assert r.headers["content-type"].startswith(PROBLEM)
    assert wrong == []
