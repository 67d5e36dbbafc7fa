"""Ids beyond int64 from the CLI and the web pages are a clear refusal, never a traceback
(found by a new user's trial: `work review 99999999999999999999` printed an internal error)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app

TOO_BIG = "99999999999999999999"


def test_cli_id_beyond_int64_is_invalid_input(
    runtime: Runtime, users: dict[str, User], monkeypatch: object
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])  # type: ignore[attr-defined]
    r = CliRunner().invoke(app, ["work", "review", TOO_BIG, "accept", "--as", "rev", "--json"])
    assert r.exit_code == 2, r.output
    err = json.loads(r.stdout)["error"]
    assert err["code"] == "invalid_input" and "out of range" in err["message"]


def test_web_page_id_beyond_int64_is_a_page_not_a_500(
    runtime: Runtime, users: dict[str, User]
) -> None:
    client = TestClient(create_app(runtime), raise_server_exceptions=False)
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": "ann1", "password": "password1",
                                    "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.get(f"/tasks/{TOO_BIG}")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "9223372036854775807" in r.text


def test_blank_and_most_guessed_passwords_are_refused(runtime: Runtime) -> None:
    import pytest

    from datamill.compliance.users import create_user
    from datamill.core.errors import InvalidInput

    with runtime.session() as s:
        for bad in ("        ", "aaaaaaaaaa", "password", "12345678"):
            with pytest.raises(InvalidInput, match="password"):
                create_user(s, f"u{len(bad)}{bad[:1].strip() or 'x'}", bad, "annotator")
        create_user(s, "fine", "correct horse battery", "annotator")
