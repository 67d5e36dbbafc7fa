"""h4 trial (last round's left-out, LOW): ``HEAD`` on the web's pages answered 405 Method Not
Allowed, so monitors and link checkers (which probe with ``HEAD``) reported every page down.
Now a page answers ``HEAD`` as it answers ``GET`` (status, headers: a redirect to sign in, a
200 page, a 404), without the body; so do ``/healthz`` and ``/readyz``. Downloads (audited as
handed out) still answer ``GET`` only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in


def test_pages_answer_head_as_get_without_a_body(
    runtime: Runtime, users: dict[str, User]
) -> None:
    client = TestClient(create_app(runtime), follow_redirects=False)
    for path in ("/healthz", "/readyz", "/login"):
        r = client.head(path)
        assert r.status_code == 200, (path, r.status_code)  # was 405
        assert r.content == b""
    r = client.head("/projects/1")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    web_sign_in(client, "pm")
    got, head = client.get("/"), client.head("/")
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.content == b""
    assert client.head("/projects/999999").status_code == client.get(
        "/projects/999999").status_code == 404
    # a download is audited as handed out: a probe of it is no download
    assert client.head("/audit.csv").status_code == 405
