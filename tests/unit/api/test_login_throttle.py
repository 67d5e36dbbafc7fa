"""Found attacking the API (trial h2): ``POST /auth/token`` let an online guesser try
passwords without limit (each refusal cost the server one argon2 hash and told nothing).
Now an address gets 10 refused passwords per username (100 in all) within 15 minutes, then
429 with ``Retry-After``, a right password included, until the window passes."""

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

PROBLEM = "application/problem+json"


class Clock:
    """A clock the test moves by hand (the throttle's window)."""

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


def _sign_in(client: TestClient, username: str, password: str) -> int:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": password})
    return r.status_code


def test_a_guesser_waits_and_the_right_password_waits_too(
    client: TestClient, clock: Clock
) -> None:
    assert [_sign_in(client, "ann1", f"guess{i}") for i in range(3)] == [401, 401, 401]
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "password1"})
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == "too_many_requests"
    assert r.headers["Retry-After"] == "60"
    assert _sign_in(client, "ANN1", "password1") == 429  # the same account, however spelt
    assert _sign_in(client, "ann2", "password1") == 201  # another account is not locked
    clock.now += 30
    assert client.post(f"{API}/auth/token", json={"username": "ann1", "password": "x"}
                       ).headers["Retry-After"] == "30"
    clock.now += 30
    assert _sign_in(client, "ann1", "password1") == 201  # the window passed
    assert [_sign_in(client, "ann1", f"again{i}") for i in range(3)] == [401, 401, 401]


def test_a_success_clears_the_accounts_count(client: TestClient) -> None:
    assert [_sign_in(client, "ann1", "bad") for _ in range(2)] == [401, 401]
    assert _sign_in(client, "ann1", "password1") == 201
    assert [_sign_in(client, "ann1", "bad") for _ in range(2)] == [401, 401]  # counted anew
    assert _sign_in(client, "ann1", "password1") == 201


def test_spraying_one_password_over_many_accounts_is_limited(client: TestClient) -> None:
    # five refusals of any usernames from one address: every account waits
    names = ("ann1", "ann2", "rev", "insp", "nobody")
    assert [_sign_in(client, name, "summer2024") for name in names] == [401] * 5
    assert _sign_in(client, "pm", "password1") == 429


# -- trial (compliance, attacker): which limit was hit, and a per-address budget that bites --

def test_the_answer_says_which_limit_was_hit(client: TestClient) -> None:
    """Found: one account locked after its tries said "from this address", as if the address
    were blocked; now the per-account and per-address answers differ, API and web alike."""
    assert [_sign_in(client, "ann1", "bad") for _ in range(3)] == [401] * 3
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "bad"})
    assert r.status_code == 429
    assert "for this username from this address" in r.json()["detail"]
    assert [_sign_in(client, name, "bad") for name in ("ann2", "rev")] == [401, 401]
    r = client.post(f"{API}/auth/token", json={"username": "pm", "password": "bad"})
    assert r.status_code == 429
    assert "of any usernames from this address" in r.json()["detail"]
    where = _web_sign_in(client, "insp", "password1")
    assert where == "/login?wait=60&limit=address&next=/"
    page = client.get(where)
    assert ("Too many refused sign-ins from this address (any usernames): try again in 60 s."
            in page.text)
    assert "此地址登录失败次数过多（所有用户名合计）" in client.get(
        where, headers={"Accept-Language": "zh-CN"}).text
    assert client.get("/login?wait=5&limit=nonsense").status_code == 422


def test_the_default_per_address_budget_stops_spraying(runtime: Runtime,
                                                       users: dict[str, User]) -> None:
    """Found: 12 unknown names plus four real ones, all from one address, were all answered
    401; the default per-address budget was 100, ten accounts' worth. Now it is 30."""
    assert LoginThrottle().per_client == 30 > LoginThrottle().per_account
    app = create_app(runtime)
    with TestClient(app) as c:
        assert [_sign_in(c, f"nobody{i}", "guess") for i in range(30)] == [401] * 30
        r = c.post(f"{API}/auth/token", json={"username": "ann1", "password": "password1"})
        assert r.status_code == 429, r.text
        assert "of any usernames from this address" in r.json()["detail"]


def test_the_429_is_documented(client: TestClient) -> None:
    op = client.get(f"{API}/openapi.json").json()["paths"][f"{API}/auth/token"]["post"]
    assert "429" in op["responses"]


def test_a_token_answer_is_never_cached(client: TestClient) -> None:
    """Found with it: the answer carrying the bearer token had no ``Cache-Control``."""
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "password1"})
    assert r.status_code == 201
    assert r.headers["Cache-Control"] == "no-store" and r.headers["Pragma"] == "no-cache"


# -- the web's sign-in form (trial h2: it had no limit) counts into the same throttle ----

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
    assert where == "/login?wait=60&limit=account&next=/"
    page = client.get(where)
    assert ("Too many refused sign-ins for this username from this address: try again in 60 s."
            in page.text)
    page = client.get(where, headers={"Accept-Language": "zh-CN"})
    assert "此地址对该用户名的登录失败次数过多，请在 60 秒后重试。" in page.text
    # one count for both faces: the API's token sign-in waits as well
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "password1"})
    assert r.status_code == 429
    assert _web_sign_in(client, "ann2", "password1") == "/"  # another account is not locked
    clock.now += 60
    assert _web_sign_in(client, "ann1", "password1") == "/"


def test_a_wait_the_page_is_given_is_bounded(client: TestClient) -> None:
    assert client.get("/login?wait=-1").status_code == 422
    assert client.get("/login?wait=99999999999").status_code == 422
