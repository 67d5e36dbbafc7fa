"""Issue 8, defect 1: a cookie signed with the old built-in ``dev-only-secret`` made anyone admin.

Now no default secret exists: one is generated into DATAMILL_HOME (0600, atomically, the same for
every process sharing the home), weak ones are refused in every environment, the cookie only
points at a server-side session, and it is ``Secure`` on HTTPS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from datamill.compliance.keys import (
    SESSION_SECRET_FILE,
    WeakSecret,
    read_or_create_secret,
    session_secret,
)
from datamill.compliance.models import User
from datamill.config import Settings
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._forkserver import forkserver_context
from tests.known_issues._web import signed_in, web_login
from tests.unit.production.helpers import spec


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with runtime.session() as s:
        create_project(s, spec(name="forge-target"), actor_id=users["admin"].id)
    with TestClient(create_app(runtime)) as c:
        yield c


def _forged(secret: str, payload: dict[str, object]) -> str:
    return URLSafeTimedSerializer(secret, salt="datamill.web.session").dumps(payload)


def _refused(r: object) -> bool:
    status = r.status_code  # type: ignore[attr-defined]
    if status == 303:
        return r.headers["location"].startswith("/login")  # type: ignore[attr-defined]
    return status in (401, 403)


def test_dev_only_secret_cookie_gets_nothing(client: TestClient) -> None:
    forged = _forged("dev-only-secret", {"uid": 1, "csrf": "x"})
    thief = TestClient(client.app, cookies={"datamill_session": forged})
    r = thief.get("/finance/journal.csv", follow_redirects=False)
    assert _refused(r), (r.status_code, r.text[:200])
    assert "date," not in r.text.lower()
    r = thief.post("/projects/1/packages", data={"stage": "annotate", "csrf_token": "x"},
                   follow_redirects=False)
    assert _refused(r), (r.status_code, r.text[:200])
    assert not signed_in(client, forged)


def test_cookie_with_the_real_secret_but_no_session_gets_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    """Even someone who learnt the secret cannot mint a session: the cookie must name a row."""
    secret = session_secret(runtime.settings)
    for payload in ({"uid": 1, "csrf": "x"}, {"sid": "made-up", "uid": 1}):
        assert not signed_in(client, _forged(secret, payload))
    assert signed_in(client, web_login(client, "admin"))


def test_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    first = session_secret(settings)
    path = tmp_path / SESSION_SECRET_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(first) >= 32 and first != "dev-only-secret"
    assert read_or_create_secret(path) == first  # read back on a later start
    assert session_secret(Settings(home=tmp_path / "other")) != first


def _create(path: str) -> str:
    return read_or_create_secret(Path(path))


def test_concurrent_workers_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "home" / SESSION_SECRET_FILE
    with forkserver_context().Pool(4) as pool:  # new processes (forked from a clean one)
        secrets = pool.map(_create, [str(path)] * 8)
    assert len(set(secrets)) == 1
    assert path.read_text().strip() == secrets[0]
    assert [p.name for p in path.parent.iterdir()] == [SESSION_SECRET_FILE]  # no temp files left


@pytest.mark.parametrize("env", ["dev", "production"])
@pytest.mark.parametrize("weak", ["dev-only-secret", "", "abc", "a" * 40])
def test_weak_secrets_refused_everywhere(tmp_path: Path, env: str, weak: str) -> None:
    with pytest.raises(WeakSecret):
        session_secret(Settings(home=tmp_path, env=env, secret_key=weak))


def test_weak_or_public_secret_file_refused(tmp_path: Path) -> None:
    path = tmp_path / SESSION_SECRET_FILE
    path.write_text("dev-only-secret\n")
    path.chmod(0o600)
    with pytest.raises(WeakSecret):
        read_or_create_secret(path)
    path.write_text("x9" * 30)
    path.chmod(0o644)
    with pytest.raises(WeakSecret, match="chmod 600"):
        read_or_create_secret(path)


def _session_set_cookie(client: TestClient) -> str:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"username": "admin", "password": "password1",
                                    "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    found = [v for k, v in r.headers.multi_items()
             if k == "set-cookie" and v.startswith("datamill_session=")]
    assert len(found) == 1
    return found[0].lower()


def test_cookie_secure_on_https(runtime: Runtime, users: dict[str, User]) -> None:
    app = create_app(runtime)
    assert "; secure" in _session_set_cookie(TestClient(app, base_url="https://testserver"))
    assert "; secure" not in _session_set_cookie(TestClient(app))  # dev over plain HTTP
