"""The tests' cache of FastAPI's per-route request state (tests/_route_contexts.py) keeps every
app's own behaviour: its dependency overrides, and routes that differ between apps."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from tests import _route_contexts


def _who() -> str:
    return "real"


router = APIRouter()


@router.get("/who")
def who(name: str = Depends(_who)) -> dict[str, str]:
    return {"name": name}


def _app(prefix: str = "") -> FastAPI:
    app = FastAPI()
    app.include_router(router, prefix=prefix)
    return app


def test_the_second_app_reuses_the_state_and_keeps_its_own_overrides() -> None:
    first = _app()
    assert TestClient(first).get("/who").json() == {"name": "real"}
    cached = len(_route_contexts._built)
    second = _app()
    second.dependency_overrides[_who] = lambda: "override"
    assert TestClient(second).get("/who").json() == {"name": "override"}
    assert len(_route_contexts._built) == cached  # the route's state came from the cache
    assert TestClient(first).get("/who").json() == {"name": "real"}
    third = _app()
    assert TestClient(third).get("/who").json() == {"name": "real"}


def test_another_inclusion_builds_its_own_state() -> None:
    app = _app(prefix="/v2")
    client = TestClient(app)
    assert client.get("/v2/who").json() == {"name": "real"}
    assert client.get("/who").status_code == 404
