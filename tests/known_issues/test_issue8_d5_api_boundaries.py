"""Issue 8, defect 5 (API): crashes (HTTP 500) instead of errors at the API boundary.

Ids above int64 overflowed the database driver on ~20 endpoints, years out of range crashed the
calendar code, a second ``POST /workers`` of the same user crashed, and a 10 MB transcript was
accepted. Each is now a problem+json 4xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.api.deps import SessionDep
from datamill.api.params import MAX_TEXT_CHARS
from datamill.compliance.models import ProjectMember, User
from datamill.production.models import Project
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app

API = "/api/v1"
PROBLEM = "application/problem+json"
TOO_BIG = 2**63  # one past the largest 64-bit id


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": "admin", "password": "password1"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["detail"]
    return body


OTHER = {"period": "2024-05", "country": "DE"}  # well-formed values for non-id path parts


def test_ids_above_int64_are_422_on_every_get_route(
    client: TestClient, admin: dict[str, str]
) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    checked = []
    for path, item in schema["paths"].items():
        op = item.get("get")
        if op is None:
            continue
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
        ids = [n for n in names if n.endswith("_id")]
        if not ids or "year" in names:
            continue
        url = path
        for name in names:  # every id too big; other path values well-formed
            url = url.replace("{" + name + "}", str(TOO_BIG) if name in ids else OTHER.get(name, "x"))
        body = _problem(client.get(url, headers=admin), 422)
        assert body["code"] == "invalid_input" and "9223372036854775807" in body["detail"]
        checked.append(path)
    assert f"{API}/tasks/{{task_id}}" in checked and f"{API}/settlements/{{sheet_id}}/csv" in checked
    assert len(checked) >= 20


def test_offsets_above_int64_are_422_on_every_list(
    runtime: Runtime, client: TestClient, admin: dict[str, str]
) -> None:
    """``?offset=`` beyond a 64-bit integer overflowed the driver (500 on the item list of an
    existing project, found by a trial user); every list answers 422 now (404 first where the
    path names something that does not exist)."""
    with runtime.session() as s:
        pid = create_project(s, {
            "name": "offsets", "modality": "speech.asr", "language": "en-US",
            "project_type": "custom_service", "stages": ["annotate"],
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9}}).id
    schema = client.get(f"{API}/openapi.json").json()
    checked = []
    for path, item in schema["paths"].items():
        op = item.get("get")
        params = op.get("parameters", []) if op else []
        if not any(p["in"] == "query" and p["name"] == "offset" for p in params):
            continue
        url = path
        for p in params:
            if p["in"] == "path":
                url = url.replace("{" + p["name"] + "}", OTHER.get(p["name"], str(pid)))
        r = client.get(f"{url}?offset={TOO_BIG}", headers=admin)
        if r.status_code == 404:  # (an inspection, a batch ... with that id does not exist)
            continue
        assert "offset" in _problem(r, 422)["detail"], r.text
        checked.append(path)
    assert f"{API}/projects/{{project_id}}/items" in checked and len(checked) >= 6


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", f"/tasks/{TOO_BIG}/annotations"),
        ("POST", f"/settlements/{TOO_BIG}/settle"),
        ("PUT", f"/inspections/1/samples/{TOO_BIG}"),
    ],
)
def test_ids_above_int64_in_writes_are_422(
    client: TestClient, admin: dict[str, str], method: str, url: str
) -> None:
    _problem(client.request(method, API + url, headers=admin, json={}), 422)


def test_ids_above_int64_in_bodies_and_queries_are_422(
    client: TestClient, admin: dict[str, str]
) -> None:
    _problem(client.post(f"{API}/settlements", headers=admin,
                         json={"vendor_id": TOO_BIG, "period_start": "2024-01-01"}), 422)
    _problem(client.get(f"{API}/settlements?vendor_id={TOO_BIG}", headers=admin), 422)
    _problem(client.post(f"{API}/ledger/contracts", headers=admin, json={
        "number": "K1", "customer_id": TOO_BIG, "signed_on": "2024-01-02"}), 422)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/ledger/reports/monthly/0"),
        ("GET", "/ledger/reports/monthly/9999"),
        ("POST", "/vendors/1/evaluations/0"),
        ("GET", "/ledger/reports/wip?from=0001-01-01&to=9999-12-31"),
    ],
)
def test_years_out_of_range_are_422(
    client: TestClient, admin: dict[str, str], method: str, url: str
) -> None:
    _problem(client.request(method, API + url, headers=admin), 422)


def test_registering_a_worker_twice_is_409(client: TestClient, admin: dict[str, str]) -> None:
    body = {"username": "ann1", "languages": ["en-US"]}
    assert client.post(f"{API}/workers", json=body, headers=admin).status_code == 201
    detail = _problem(client.post(f"{API}/workers", json=body, headers=admin), 409)["detail"]
    assert "already registered" in detail


def _segments(chars: int) -> list[dict[str, Any]]:
    return [{"start_ms": 0, "end_ms": 1000, "text": "a" * chars}]


def test_a_10mb_transcript_is_413(client: TestClient, admin: dict[str, str]) -> None:
    # the annotations route's own limit (DATAMILL_MAX_ANNOTATION_BYTES, 32 MiB by default: a
    # long text's spans); a transcript past it is still refused before it is read
    limit = client.app.state.runtime.settings.max_annotation_bytes  # type: ignore[attr-defined]
    body = {"segments": _segments(max(10 * 1024 * 1024, limit + 1)), "base_version": 0}
    problem = _problem(client.post(f"{API}/tasks/1/annotations", json=body, headers=admin), 413)
    assert problem["code"] == "payload_too_large" and "bytes" in problem["detail"]


def test_a_transcript_over_the_text_limit_is_422(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = {"segments": _segments(MAX_TEXT_CHARS // 2) * 3, "base_version": 0}
    problem = _problem(client.post(f"{API}/tasks/1/annotations", json=body, headers=admin), 422)
    assert f"at most {MAX_TEXT_CHARS:,}" in problem["detail"]


def test_a_chunked_body_over_the_limit_is_413(client: TestClient, admin: dict[str, str]) -> None:
    # the annotations route's own limit (an annotation document's, above the request limit)
    limit = client.app.state.runtime.settings.max_annotation_bytes  # type: ignore[attr-defined]

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    r = client.post(f"{API}/tasks/1/annotations", content=chunks(),
                    headers={**admin, "Content-Type": "application/json"})
    _problem(r, 413)


def test_integrity_errors_are_409_problems(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """A write the database refuses (here: a duplicate membership row) answers 409."""
    app = create_app(runtime)

    @app.post("/test/duplicate-member")
    def duplicate(session: SessionDep) -> None:
        project = create_project(session, {
            "name": "dup", "modality": "speech.asr", "language": "en-US",
            "project_type": "custom_service", "stages": ["annotate"], "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
            "requirements": {}})
        for _ in range(2):
            session.add(ProjectMember(project_id=project.id, user_id=users["ann1"].id))
        session.flush()

    with TestClient(app, raise_server_exceptions=False) as c:
        body = _problem(c.post("/test/duplicate-member"), 409)
    assert body["code"] == "conflict" and "INSERT" not in body["detail"]
    with runtime.session() as s:  # rolled back
        assert s.scalar(select(func.count()).select_from(Project)) == 0
