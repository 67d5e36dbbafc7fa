"""Web pages answer an id that can never exist (0, or beyond a 64-bit integer) as a missing page.

``/finance/contracts/0`` and ``/finance/contracts/9223372036854775808`` answered 422 ("Invalid
input") where every other page answered 404 for an id nobody was given; the page a new user saw
depended on which route declared its id with bounds. Routes are taken from the app, so a new page
with an integer in its path is walked without being listed here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.routes import ROUTERS as WEB_ROUTERS
from tests.known_issues._web import web_login

#: ids no row can have: below the first, and one past the largest 64-bit id
NEVER = ("0", str(2**63))
#: well-formed values for the path parts that are not integers
OTHER = {"period": "2026-12", "lang": "en", "country": "DE"}


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    from datamill.compliance.users import create_user

    with sqlite_runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
    with TestClient(create_app(sqlite_runtime), raise_server_exceptions=False) as c:
        web_login(c, "admin")
        yield c


def _int_routes() -> list[tuple[str, list[str], list[str]]]:
    found = []
    for router in WEB_ROUTERS:
        for route in router.routes:
            if not isinstance(route, APIRoute) or "GET" not in (route.methods or ()):
                continue
            params = route.dependant.path_params
            ints = [p.name for p in params if p.field_info.annotation is int]
            if ints:
                found.append((route.path, ints, [p.name for p in params]))
    return found


@pytest.mark.slow  # ~90 pages asked (4.5-5.3 s)
def test_every_page_answers_an_impossible_id_404(client: TestClient) -> None:
    routes = _int_routes()
    assert any(path == "/finance/contracts/{contract_id}" for path, _, _ in routes)
    assert len(routes) > 30, routes  # noqa: PLR2004 - the app's pages were found
    wrong = []
    for path, ints, names in routes:
        for never in NEVER:
            url = path
            for name in names:
                url = url.replace("{" + name + "}", never if name in ints else OTHER.get(name, "x"))
            r = client.get(url, follow_redirects=False)
            if r.status_code != 404:  # noqa: PLR2004
                wrong.append((url, r.status_code))
    assert not wrong, wrong


def test_no_page_bounds_an_id_in_its_path() -> None:
    """A bound on a page's path id (``Path(ge=1, le=...)``) answers 422 before the route runs;
    the forms' routes (POST) are held to it here, as the pages (GET) are walked above."""
    bounded = [(sorted(route.methods or ()), route.path)
               for router in WEB_ROUTERS for route in router.routes if isinstance(route, APIRoute)
               for p in route.dependant.path_params
               if p.field_info.annotation is int and p.field_info.metadata]
    assert not bounded, bounded
