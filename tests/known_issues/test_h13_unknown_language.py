"""``/lang/fr`` (a language with no catalogue) answered a 422 page whose language links pointed
back at ``/lang/fr?next=/lang/fr``: a new user who typed it could not get out by the links. It
now goes back to ``next`` in the language the pages had; a known code is taken in any case."""

from __future__ import annotations

from fastapi.testclient import TestClient

from datamill.runtime import Runtime
from datamill.server import create_app


def test_an_unknown_language_goes_back_keeping_the_language(sqlite_runtime: Runtime) -> None:
    with TestClient(create_app(sqlite_runtime)) as client:
        r = client.get("/lang/fr?next=/login", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert "lang" not in r.cookies  # the language the pages had is kept
        client.get("/lang/zh-CN")
        r = client.get("/lang/fr?next=/login")
        assert r.status_code == 200 and '<html lang="zh-CN"' in r.text
        assert "/lang/fr" not in r.text
        client.get("/lang/EN")  # a known code in another case is that language
        assert client.cookies["lang"] == "en"
        assert client.get("/lang/fr", follow_redirects=False).headers["location"] == "/"
