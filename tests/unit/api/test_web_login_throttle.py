"""Found attacking the API (trial h2): the web's sign-in form let an online guesser try
passwords without limit, though ``POST /auth/token`` had learnt to refuse them. The form now
counts into the same throttle: after the limit, the page says how long to wait (English and
zh-CN) and no password is checked, a right one included."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.login_throttle import LoginThrottle
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User], clock: Clock) -> Iterator[TestClient]:
    app = create_app(runtime)
    with TestClient(app) as c:
        app.state.login_throttle = LoginThrottle(per_account=3, per_client=5, window_s=60,
                                                 clock=clock)
        yield c


def _web_sign_in(client: TestClient, username: str, password: str) -> str:
    """Where the form sends the browser next (``/`` when signed in)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": token.group(1), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_the_sign_in_form_makes_a_guesser_wait(client: TestClient, clock: Clock) -> None:
    assert [_web_sign_in(client, "ann1", f"guess{i}") for i in range(3)] == [
        "/login?failed=1&next=/"] * 3
    where = _web_sign_in(client, "ann1", "password1")  # the right one waits too
    assert where == "/login?wait=60&next=/"
    page = client.get(where)
    assert "Too many refused sign-ins from this address: try again in 60 s." in page.text
    page = client.get(where, headers={"Accept-Language": "zh-CN"})
    assert "此地址登录失败次数过多，请在 60 秒后重试。" in page.text
    # one count for both faces: the API's token sign-in waits as well
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "password1"})
    assert r.status_code == 429
    assert _web_sign_in(client, "ann2", "password1") == "/"  # another account is not locked
    clock.now += 60
    assert _web_sign_in(client, "ann1", "password1") == "/"


def test_a_wait_the_page_is_given_is_bounded(client: TestClient) -> None:
    assert client.get("/login?wait=-1").status_code == 422
    assert client.get("/login?wait=99999999999").status_code == 422
