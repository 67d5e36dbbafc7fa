"""Issue 8, defect 2: sign-out did not sign out, and API tokens outlived password changes forever.

Web sessions are rows now (sign-out, password change and deactivation delete them); API tokens
expire (``DATAMILL_TOKEN_DAYS``, ``--expires-days``) and can be revoked (API and CLI).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from datamill.compliance.models import ApiToken, User
from datamill.compliance.users import (
    create_token,
    deactivate_user,
    get_user,
    set_password,
    user_for_token,
)
from datamill.config import Settings
from datamill.core.clock import utcnow
from datamill.core.errors import Unauthorized
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._cli import run_cli
from tests.known_issues._web import csrf_of, signed_in, web_login

API = "/api/v1"


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _token(client: TestClient, username: str, password: str = "password1", **extra: object) -> str:
    r = client.post(f"{API}/auth/token",
                    json={"username": username, "password": password, **extra})
    assert r.status_code == 201, r.text
    return str(r.json()["access_token"])


def _me(client: TestClient, token: str) -> int:
    return client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_copied_cookie_refused_after_logout(client: TestClient) -> None:
    cookie = web_login(client, "pm")
    assert signed_in(client, cookie)
    r = client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert not signed_in(client, cookie)  # the copy no longer works either


def test_password_change_revokes_sessions_and_tokens(client: TestClient, runtime: Runtime) -> None:
    cookie = web_login(client, "ann1")
    token, other = _token(client, "ann1"), _token(client, "ann1")
    assert _me(client, token) == 200
    h = {"Authorization": f"Bearer {token}"}
    r = client.post(f"{API}/me/password", headers=h,
                    json={"old_password": "wrong-one", "new_password": "new-password-2"})
    assert r.status_code == 403  # wrong_password: the token itself is fine (401 said it was not)
    assert _me(client, token) == 200  # a wrong old password changes nothing
    r = client.post(f"{API}/me/password", headers=h,
                    json={"old_password": "password1", "new_password": "new-password-2"})
    assert r.status_code == 204, r.text
    assert _me(client, token) == 401 and _me(client, other) == 401
    assert not signed_in(client, cookie)
    assert _me(client, _token(client, "ann1", "new-password-2")) == 200
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "password1"})
    assert r.status_code == 401


def test_admin_password_reset_and_deactivation_revoke(client: TestClient, runtime: Runtime) -> None:
    cookie, token = web_login(client, "rev"), _token(client, "rev")
    with runtime.session() as s:
        revoked = set_password(s, get_user(s, "rev"), "reset-password-3")
    assert revoked == {"sessions": 1, "tokens": 1}
    assert _me(client, token) == 401 and not signed_in(client, cookie)

    cookie = web_login(client, "rev", "reset-password-3")
    token = _token(client, "rev", "reset-password-3")
    with runtime.session() as s:
        deactivate_user(s, get_user(s, "rev"))
    assert _me(client, token) == 401 and not signed_in(client, cookie)
    with runtime.session() as s:  # reactivating restores none of the old credentials
        get_user(s, "rev").is_active = True
    assert _me(client, token) == 401 and not signed_in(client, cookie)


def test_expired_token_refused(client: TestClient, runtime: Runtime) -> None:
    token = _token(client, "insp", expires_days=1)
    assert _me(client, token) == 200
    with runtime.session() as s:
        row = s.query(ApiToken).one()
        assert timedelta(hours=23) < row.expires_at - utcnow() <= timedelta(days=1)
        s.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert _me(client, token) == 401
    with runtime.session() as s, pytest.raises(Unauthorized, match="expired"):
        user_for_token(s, token)


def test_default_lifetime_is_the_setting(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        create_token(s, get_user(s, "pm"), expires_days=runtime.settings.token_days)
        row = s.query(ApiToken).one()
        left = row.expires_at - utcnow()
    assert runtime.settings.token_days == 30
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)


def test_revoked_token_refused(client: TestClient) -> None:
    token, spare = _token(client, "pm", name="laptop"), _token(client, "pm", name="ci")
    h = {"Authorization": f"Bearer {spare}"}
    listed = client.get(f"{API}/auth/tokens", headers=h).json()
    assert [t["name"] for t in listed] == ["laptop", "ci"] and all(t["active"] for t in listed)
    assert "access_token" not in listed[0]
    laptop = listed[0]["id"]
    assert client.delete(f"{API}/auth/tokens/{laptop}", headers=h).status_code == 204
    assert _me(client, token) == 401 and _me(client, spare) == 200
    other = _token(client, "ann1")  # someone else's token id is not found
    oid = client.get(f"{API}/auth/tokens", headers={"Authorization": f"Bearer {other}"}).json()
    r = client.delete(f"{API}/auth/tokens/{oid[0]['id']}", headers=h)
    assert r.status_code == 404 and _me(client, other) == 200
    assert client.delete(f"{API}/auth/token", headers=h).status_code == 204  # sign out self
    assert _me(client, spare) == 401


def _cli(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(home, *args, ok=False, stdin=stdin)


def test_cli_token_expiry_revoke_and_password(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _cli(home, "user", "create", "carol", "--role", "annotator",
                "--password", "password1").returncode == 0
    made = _cli(home, "user", "token", "carol", "--as", "carol", "--expires-days", "2",
                "--json")
    assert made.returncode == 0, made.stderr
    first = json.loads(made.stdout)
    assert first["token"].startswith("dm_") and first["expires_days"] == 2
    second = json.loads(_cli(home, "user", "token", "carol", "--as", "carol", "--name", "ci",
                             "--json").stdout)
    listed = json.loads(_cli(home, "user", "tokens", "carol", "--as", "carol", "--json").stdout)
    assert [t["name"] for t in listed] == ["cli", "ci"]

    rt = Runtime.from_settings(Settings(home=home))
    try:
        r = _cli(home, "user", "token", "carol", "--as", "carol", "--revoke", first["token"],
                 "--json")
        assert json.loads(r.stdout) == {"revoked": [listed[0]["id"]]}
        with rt.session() as s, pytest.raises(Unauthorized):
            user_for_token(s, first["token"])
        r = _cli(home, "user", "token", "carol", "--as", "carol", "--revoke", "nonsense")
        assert r.returncode == 2 and "--revoke" in r.stderr

        # password from a hidden prompt (typed twice) revokes everything
        r = _cli(home, "user", "password", "carol", "--as", "carol",
                 stdin="brand-new-pass\nbrand-new-pass\n")
        assert r.returncode == 0, r.stderr
        assert "revoked 0 session(s) and 1 token(s)" in r.stdout
        with rt.session() as s:
            with pytest.raises(Unauthorized):
                user_for_token(s, second["token"])
        third = json.loads(_cli(home, "user", "token", "carol", "--as", "carol",
                                "--json").stdout)["token"]
        r = _cli(home, "user", "token", "carol", "--as", "carol", "--revoke", "all", "--json")
        assert len(json.loads(r.stdout)["revoked"]) == 1
        with rt.session() as s, pytest.raises(Unauthorized):
            user_for_token(s, third)
        r = _cli(home, "user", "password", "carol", "--as", "carol", "--password", "short")
        assert r.returncode == 2 and "at least 8" in r.stderr
    finally:
        rt.close()
