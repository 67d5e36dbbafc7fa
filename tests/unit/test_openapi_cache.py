"""The tests' cache of OpenAPI documents (tests/_openapi_cache.py) gives every app the document
FastAPI would have built for it, its own copy, and another document to an app whose routes
differ."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.testclient import TestClient

from tests import _openapi_cache

router = APIRouter()


@router.get("/things/{thing_id}")
def thing(thing_id: int) -> dict[str, int]:
    return {"id": thing_id}


def _app(prefix: str = "") -> FastAPI:
    app = FastAPI(title="cache test")
    app.include_router(router, prefix=prefix)
    return app


def _uncached(app: FastAPI) -> dict[str, object]:
    return get_openapi(title=app.title, version=app.version, routes=app.routes)


def test_a_second_app_gets_the_same_document_from_the_cache_as_its_own_copy() -> None:
    first = _app().openapi()
    cached = len(_openapi_cache._built)
    assert cached  # the first app's document was kept
    second_app = _app()
    second = second_app.openapi()
    assert len(_openapi_cache._built) == cached  # no new document was built
    assert second == first == _uncached(second_app)
    second["paths"].clear()  # an app edits its own copy (datamill's document_problems does)
    assert _app().openapi() == first
    assert TestClient(_app()).get("/openapi.json").json() == first


def test_other_routes_or_another_title_get_their_own_document() -> None:
    plain = _app().openapi()
    prefixed_app = _app(prefix="/v2")
    prefixed = prefixed_app.openapi()
    assert list(prefixed["paths"]) == ["/v2/things/{thing_id}"] != list(plain["paths"])
    assert prefixed == _uncached(prefixed_app)
    more = _app()

    @more.get("/more")
    def extra() -> dict[str, str]:
        return {}

    assert "/more" in more.openapi()["paths"]
    other = FastAPI(title="another title")
    other.include_router(router)
    assert other.openapi()["info"]["title"] == "another title"
