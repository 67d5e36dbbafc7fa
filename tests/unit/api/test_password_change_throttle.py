"""Found by a trial user (compliance, attacker): ``POST /me/password`` with a wrong
``old_password`` was neither throttled nor audited, so whoever held a stolen token could guess
the current password without limit (12 wrong answers, each 401, none recorded; the 13th, right,
204). Now the sign-in throttle applies per account (from any address): 429 with ``Retry-After``
after the account's budget, a right password included, and every refusal is audited.

A later trial user (LLM team): the wrong current password answered 401, which API clients read
as "the token expired, sign in again"; it answers 403 ``wrong_password`` now (the token works)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.login_throttle import LoginThrottle
from datamill.compliance.models import AuditRecord, User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login


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
        app.state.login_throttle = LoginThrottle(per_account=3, per_client=50, window_s=60,
                                                 clock=clock)
        yield c


def _change(c: TestClient, headers: dict[str, str], old: str) -> int:
    r = c.post(f"{API}/me/password", headers=headers,
               json={"old_password": old, "new_password": "N3w-passw0rd-long"})
    return r.status_code


def _refusals(runtime: Runtime) -> list[AuditRecord]:
    with runtime.session() as s:
        return list(s.scalars(select(AuditRecord).where(
            AuditRecord.action == "auth.password_change_failed").order_by(AuditRecord.id)))


def test_guessing_the_current_password_is_throttled_and_audited(
    client: TestClient, runtime: Runtime, users: dict[str, User], clock: Clock
) -> None:
    ann1 = login(client, "ann1")
    assert [_change(client, ann1, f"guess{i}") for i in range(3)] == [403, 403, 403]
    r = client.post(f"{API}/me/password", headers=ann1,
                    json={"old_password": "password1", "new_password": "N3w-passw0rd-long"})
    assert r.status_code == 429, r.text  # the right one waits too
    assert r.headers["Retry-After"] == "60"
    assert "password changes for this account" in r.json()["detail"]
    # per account, not per address or token: a second token of the same account waits too
    assert _change(client, login(client, "ann1"), "password1") == 429
    # another account is not affected
    assert _change(client, login(client, "ann2"), "password1") == 204
    records = _refusals(runtime)
    assert [r.data["reason"] for r in records] == ["wrong_password"] * 3 + ["throttled"] * 2
    uid = users["ann1"].id
    for rec in records:
        assert rec.actor_id == uid and rec.object_id == uid and rec.data["via"] == "api"
        assert "guess" not in repr(rec.data) and "password1" not in repr(rec.data)
    clock.now += 60
    assert _change(client, ann1, "password1") == 204  # the window passed


def test_a_wrong_current_password_is_403_wrong_password_and_the_token_stays_valid(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    ann1 = login(client, "ann1")
    r = client.post(f"{API}/me/password", headers=ann1,
                    json={"old_password": "guess", "new_password": "N3w-passw0rd-long"})
    assert r.status_code == 403, r.text  # was 401: "your token is no good, sign in again"
    body = r.json()
    assert body["code"] == "wrong_password" and "old_password" in body["detail"]
    assert client.get(f"{API}/me", headers=ann1).status_code == 200  # it is good
    assert [rec.data["reason"] for rec in _refusals(runtime)] == ["wrong_password"]
    op = client.get(f"{API}/openapi.json").json()["paths"][f"{API}/me/password"]["post"]
    assert "403" in op["responses"]


def test_the_429_is_documented(client: TestClient) -> None:
    op = client.get(f"{API}/openapi.json").json()["paths"][f"{API}/me/password"]["post"]
    assert "429" in op["responses"]
