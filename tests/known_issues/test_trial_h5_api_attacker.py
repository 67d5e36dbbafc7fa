"""Trial h5 (round 2): the REST API as an attacker and as schemathesis sees it.

* ``GET /procurement/requests/combination`` and ``GET /ledger/contracts/drafts`` (paths that
  take only POST) answered 422 "an id is a whole number": the GET reached the sibling
  ``/{request_id}`` route, and their ``OPTIONS`` answer's ``Allow`` listed that route's GET.
  Every other path answers a method it lacks with 405 and ``Allow`` (schemathesis ST205).
* True/false inputs other than the destructive guards were read leniently (see the test).
* A 404 for an unknown id in a query string and an LLM item's JSON file were undocumented.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.api.params import ID_DOC
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import login
from tests.unit.api._fuzz import seeded_app

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


def _boolean_inputs(schema: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(method, path, "query" or "body", name) of every true/false input of the API."""
    schemas = schema["components"]["schemas"]

    def is_bool(s: dict[str, Any]) -> bool:
        return s.get("type") == "boolean" or any(x.get("type") == "boolean"
                                                 for x in s.get("anyOf", []))
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                if is_bool(param.get("schema", {})):
                    yield method, path, "query", param["name"]
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            ref = body and body["schema"].get("$ref")
            if ref:
                for name, prop in schemas[ref.rsplit("/", 1)[1]].get("properties", {}).items():
                    if is_bool(prop):
                        yield method, path, "body", name


def test_every_true_false_input_takes_true_or_false_only(tmp_path: Path) -> None:
    """``{"cross_border": 0}`` turned a project's export control off, ``{"qualified": 0}``
    withdrew a vendor's qualification and ``{"required": 0}`` dropped surveying (200 each:
    schemathesis ST201); ``?include_inactive=yes``/``on``/``1`` were read as true. Only the
    flags guarding destructive actions (``dry_run``, ``rerun``, ``move``) were strict."""
    seeded = seeded_app(tmp_path)
    try:
        with TestClient(seeded.app) as c:
            inputs = list(_boolean_inputs(c.get("/api/v1/openapi.json").json()))
            assert len(inputs) >= 20
            lenient = []
            for method, path, where, name in inputs:
                url = re.sub(r"\{[^}]*\}", "1", path)
                for value in ("yes", "on", "1", 0) if where == "body" else ("yes", "on", "1"):
                    if where == "query":
                        r = c.request(method, url, params={name: value}, headers=seeded.headers)
                    else:
                        r = c.request(method, url, json={name: value}, headers=seeded.headers)
                    said = r.json() if r.status_code == 422 else {}  # noqa: PLR2004
                    if f"{where}.{name}" not in [e["field"] for e in said.get("errors", [])]:
                        lenient.append((method, path, name, value, r.status_code))
            assert lenient == []
            # true and false (any case in a query string) still read
            r = c.get("/api/v1/users", params={"include_inactive": "True"},
                      headers=seeded.headers)
            assert r.status_code == 200, r.text
    finally:
        seeded.runtime.close()


def test_an_unknown_id_in_a_query_and_an_llm_items_file_are_documented(
        client: TestClient) -> None:
    """``GET /settlements?vendor_id=<none such>`` answered 404, a status the schema did not
    list for it (11 more operations take an id in the query); an LLM item's file came as
    ``application/json``, a text item's as ``text/plain``, where the schema listed audio, PNG,
    JPEG and octet-stream only (schemathesis ST103, ST105)."""
    admin = login(client, "admin")
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    undocumented = [(method, path) for path, ops in paths.items() for method, op in ops.items()
                    if any(p["in"] == "query" and p.get("description") == ID_DOC
                           for p in op.get("parameters", []))
                    and "404" not in op["responses"]]
    assert undocumented == []
    r = client.get("/api/v1/settlements", params={"vendor_id": 999}, headers=admin)
    assert r.status_code == 404, r.text
    assert "404" in paths["/api/v1/settlement-periods"]["get"]["responses"]
    media = paths["/api/v1/projects/{project_id}/items/{item_id}/media"]["get"]
    assert {"application/json", "text/plain"} <= set(media["responses"]["200"]["content"])
