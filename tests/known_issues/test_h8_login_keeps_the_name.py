"""A wrong password emptied the sign-in form: the name typed was gone and the cursor back in
the name field, so everyone who mistyped a password typed their name again (trial h8, signing
in as each demo user). The form now keeps the name (in a five-minute cookie for ``/login``
only, never in the address, so a password typed into the name field stays out of logs and
history) and puts the cursor in the password field."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.runtime import Runtime
from datamill.server import create_app


def _form(client: TestClient) -> str:
    found = re.search(r'(?s)<form method="post" action="/login">.*?</form>', client.get(
        "/login?failed=1&next=/").text)
    assert found is not None
    return found.group(0)


def test_a_wrong_password_keeps_the_name_typed(sqlite_runtime: Runtime) -> None:
    # no such user (a name is ASCII): what was typed comes back, whatever it was
    with TestClient(create_app(sqlite_runtime)) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        bad = client.post("/login", data={"username": "王小明", "password": "wrong",
                                          "csrf_token": token.group(1), "next": "/"},
                          follow_redirects=False)
        assert bad.status_code == 303 and "王小明" not in bad.headers["location"]
        assert "%E7%8E%8B" not in bad.headers["location"]  # nor URL-encoded
        form = _form(client)
        assert 'value="王小明"' in form, form
        assert re.search(r'type="password"[^>]*autofocus', form), form
        form = _form(client)  # read once: a reload shows an empty form again
        assert 'name="username" autocomplete="username" required autofocus' in form, form
