"""Issue 12 §4 A3: error pages keep the navigation (rendered inside base.html for the signed-in
person); unknown URLs outside the API answer an HTML 404 page (the API keeps problem+json); the
favicon is linked and ``/favicon.ico`` is answered."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import PASSWORD, web_login


def _client(runtime: Runtime) -> TestClient:
    with runtime.session() as s:
        create_user(s, "pm", PASSWORD, "project_manager")
    return TestClient(create_app(runtime), raise_server_exceptions=False)


def test_unknown_page_is_an_html_404_with_navigation(runtime: Runtime) -> None:
    client = _client(runtime)
    anon = client.get("/no/such/page")
    assert anon.status_code == 404
    assert anon.headers["content-type"].startswith("text/html")
    assert "<h1" in anon.text and 'href="/"' in anon.text
    web_login(client, "pm")
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert 'data-testid="username">pm<' in r.text  # the navigation is there
    assert 'href="/workforce/vendors"' in r.text
    # a service error on a page (no such project) keeps the navigation too
    r = client.get("/projects/987654")
    assert r.status_code == 404 and 'data-testid="username">pm<' in r.text
    assert 'data-testid="error-message"' in r.text
    # a malformed id in a page's path: the same 422 as before, as a page
    r = client.get("/projects/abc")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert 'data-testid="username">pm<' in r.text
    # a wrong method on a page
    r = client.put("/login")
    assert r.status_code == 405 and r.headers["content-type"].startswith("text/html")


def test_api_paths_keep_problem_json(runtime: Runtime) -> None:
    client = _client(runtime)
    for path in ("/api/v1/no/such", "/api/nothing", "/web/api/no/such"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/problem+json"), path
        assert r.json()["status"] == 404
    # a JSON-only client asking for a missing page gets JSON too
    r = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert r.status_code == 404 and "json" in r.headers["content-type"]


def test_error_page_is_translated(runtime: Runtime) -> None:
    client = _client(runtime)
    r = client.get("/no/such/page", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 404
    assert "找不到" in r.text and "Not Found" not in r.text


def test_favicon(runtime: Runtime) -> None:
    client = _client(runtime)
    page = client.get("/login")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    for path in ("/favicon.ico", "/static/favicon.svg"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("image/svg+xml")
        assert r.text.lstrip().startswith("<svg")
