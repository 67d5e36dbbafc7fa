"""Issue 10 §2: every API router mounts one way: it declares a prefix relative to /api/v1 (or
none) and ``install_api`` mounts all of them under ``API_PREFIX``."""

from __future__ import annotations

from functools import cache
from typing import Any

from datamill.api.app import API_PREFIX
from datamill.api.routers import ROUTERS
from datamill.server import create_app


@cache
def _schema() -> dict[str, Any]:
    """The app's OpenAPI schema, built once for the module (seconds on a loaded machine)."""
    return create_app().openapi()


def test_no_router_carries_the_api_prefix() -> None:
    for router in ROUTERS:
        assert not router.prefix.startswith("/api"), router.prefix
        for route in router.routes:
            assert not getattr(route, "path", "").startswith("/api/"), route


def test_every_api_path_is_under_the_prefix_once() -> None:
    paths = list(_schema()["paths"])
    assert paths
    for path in paths:
        assert path.startswith(f"{API_PREFIX}/"), path
        assert not path.startswith(f"{API_PREFIX}{API_PREFIX}"), path
    for known in ("/api/v1/ledger/projects/{project_id}/budgets", "/api/v1/catalog/datasets",
                  "/api/v1/tasks/{task_id}/draft", "/api/v1/projects"):
        assert known in paths, known


def test_encrypting_existing_blobs_documents_its_refusal() -> None:
    """h5 round 4 (schemathesis, 60 cases an operation): ``POST /security/encrypt-existing``
    takes no input, so no 422 was documented, yet it answers 422 while encryption at rest is
    off."""
    op = _schema()["paths"]["/api/v1/security/encrypt-existing"]["post"]
    assert "422" in op["responses"], sorted(op["responses"])


def test_item_files_and_a_withdrawn_listing_document_their_refusals() -> None:
    """h7 (schemathesis over the demo's data): an item's file missing from the blob store
    answers 503 ``blob_missing`` (README) and a withdrawn release's listing 409; neither status
    was in the schema."""
    paths = _schema()["paths"]
    for path in ("/projects/{project_id}/items/{item_id}/audio",
                 "/projects/{project_id}/items/{item_id}/media",
                 "/projects/{project_id}/items/{item_id}/content",
                 "/projects/{project_id}/qualification-test/questions/{item_id}/media"):
        assert "503" in paths[f"/api/v1{path}"]["get"]["responses"], path
    listing = paths["/api/v1/catalog/releases/{release_id}/listing"]["get"]["responses"]
    assert "409" in listing, sorted(listing)
