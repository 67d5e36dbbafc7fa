"""h3: the users page did only role changes, while the API and the CLI also create users,
deactivate and reactivate them and list, issue and revoke their API tokens. The page now does
all of it, through the same service calls: admins only (anyone else 403, nothing changes), each
form with the CSRF token (without it: refused, nothing changes), a deactivation confirmed once
more, each refusal (a name taken, a weak password, passwords that differ, one's own
deactivation, an account already (de)activated, a token's lifetime) worded with what to do in
the page's language, a token's secret shown once on the answer that issued it and never again.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import get_user, list_tokens
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, signed_in, web_login

NEW = {"username": "newbie", "display_name": "New Bie", "role": "reviewer",
       "password": "tulip-river-9", "password_again": "tulip-river-9"}


def _client(rt: Runtime, username: str, lang: str = "en") -> TestClient:
    client = TestClient(create_app(rt), raise_server_exceptions=False)
    client.cookies.set("lang", lang)
    web_login(client, username)
    return client


def _user(rt: Runtime, username: str) -> User | None:
    with rt.session() as s:
        found = s.scalars(select(User).where(User.username == username)).first()
        if found is not None:
            s.expunge(found)
        return found


def _audits(rt: Runtime, action: str) -> list[AuditRecord]:
    with rt.session() as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.action == action)))


def _error(page: str) -> str:
    m = re.search(r'data-testid="error-message">([^<]*)<', page)
    assert m, page[-2000:]
    return m.group(1)


def test_admin_creates_a_user_and_each_refusal_says_what_to_do(
        runtime: Runtime, users: dict[str, User]) -> None:
    boss = _client(runtime, "admin")
    page = boss.get("/users")
    assert 'data-testid="form-create-user"' in page.text
    token = csrf_of(boss)

    # not an admin: 403, nothing created; without the CSRF token: refused, nothing created
    pm = _client(runtime, "pm")
    assert pm.post("/users", data={**NEW, "csrf_token": csrf_of(pm)}).status_code == 403
    assert boss.post("/users", data=NEW).status_code in (400, 403)
    assert _user(runtime, "newbie") is None

    r = boss.post("/users", data={**NEW, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[-1500:]
    made = _user(runtime, "newbie")
    assert made is not None and made.role == "reviewer" and made.display_name == "New Bie"
    done = boss.get(r.headers["location"]).text
    assert "newbie was created as reviewer" in done, done[-2000:]
    (rec,) = _audits(runtime, "user.created")[-1:]
    assert rec.actor_id == users["admin"].id and rec.object_id == made.id
    fresh = TestClient(create_app(runtime))
    web_login(fresh, "newbie", "tulip-river-9")  # signs in at once

    # refusals: the name taken, a weak password, passwords that differ, a bad username
    taken = boss.post("/users", data={**NEW, "csrf_token": token})
    assert taken.status_code == 409
    assert "already exists: choose another username" in _error(taken.text)
    assert 'value="New Bie"' in taken.text  # what was typed stays (not the password)
    assert "tulip-river-9" not in taken.text
    short = boss.post("/users", data={**NEW, "username": "other", "password": "abc",
                                      "password_again": "abc", "csrf_token": token})
    assert short.status_code == 409 and "at least 8 characters" in _error(short.text)
    guessed = boss.post("/users", data={**NEW, "username": "other", "password": "password",
                                        "password_again": "password", "csrf_token": token})
    assert guessed.status_code == 409 and "most guessed" in _error(guessed.text)
    differ = boss.post("/users", data={**NEW, "username": "other",
                                       "password_again": "tulip-river-8", "csrf_token": token})
    assert differ.status_code == 409 and "two passwords differ" in _error(differ.text)
    odd = boss.post("/users", data={**NEW, "username": "two words", "csrf_token": token})
    assert odd.status_code == 409 and "no spaces" in _error(odd.text)
    assert _user(runtime, "other") is None and _user(runtime, "two words") is None

    # zh-CN: the page and a refusal in Chinese, from the catalogue
    zh = _client(runtime, "admin", "zh-CN")
    assert "新建用户" in zh.get("/users").text
    again = zh.post("/users", data={**NEW, "csrf_token": csrf_of(zh)})
    assert again.status_code == 409
    assert "名为 newbie 的用户已存在：请换一个用户名" in _error(again.text)
    weak = zh.post("/users", data={**NEW, "username": "other", "password": "aaaaaaaaa",
                                   "password_again": "aaaaaaaaa", "csrf_token": csrf_of(zh)})
    assert "同一个字符重复" in _error(weak.text)


def test_admin_deactivates_after_a_confirmation_and_reactivates(
        runtime: Runtime, users: dict[str, User]) -> None:
    ann, admin = users["ann1"].id, users["admin"].id
    victim = TestClient(create_app(runtime))
    cookie = web_login(victim, "ann1")
    boss = _client(runtime, "admin")
    token = csrf_of(boss)
    assert f'data-testid="deactivate-{ann}"' in boss.get("/users").text
    assert f'data-testid="deactivate-{admin}"' not in boss.get("/users").text  # not oneself

    pm = _client(runtime, "pm")
    r = pm.post(f"/users/{ann}/deactivate", data={"confirmed": "1", "csrf_token": csrf_of(pm)})
    assert r.status_code == 403
    r = boss.post(f"/users/{ann}/deactivate", data={"confirmed": "1"})
    assert r.status_code in (400, 403)
    assert get_active(runtime, "ann1")

    # the first post asks again; nothing happens until the confirmed one
    ask = boss.post(f"/users/{ann}/deactivate", data={"csrf_token": token},
                    follow_redirects=False)
    assert ask.status_code == 303 and ask.headers["location"] == f"/users?confirm={ann}#confirm"
    page = boss.get(ask.headers["location"]).text
    assert 'data-testid="deactivate-confirm"' in page and "Deactivate ann1?" in page
    assert get_active(runtime, "ann1")
    r = boss.post(f"/users/{ann}/deactivate", data={"confirmed": "1", "csrf_token": token},
                  follow_redirects=False)
    assert r.status_code == 303, r.text[-1500:]
    assert not get_active(runtime, "ann1")
    assert not signed_in(victim, cookie)  # their web session ended
    done = boss.get(r.headers["location"]).text
    assert "ann1 is deactivated: 1 web sessions" in done, done[-2000:]
    assert f'data-testid="reactivate-{ann}"' in done
    (rec,) = _audits(runtime, "user.deactivated")
    assert rec.actor_id == admin and rec.object_id == ann

    # refusals: again (a stale page), oneself (in zh-CN too)
    twice = boss.post(f"/users/{ann}/deactivate", data={"confirmed": "1", "csrf_token": token})
    assert twice.status_code == 409 and "already deactivated" in _error(twice.text)
    me = boss.post(f"/users/{admin}/deactivate", data={"confirmed": "1", "csrf_token": token})
    assert me.status_code == 409 and "cannot deactivate your own account" in _error(me.text)
    zh = _client(runtime, "admin", "zh-CN")
    me = zh.post(f"/users/{admin}/deactivate", data={"confirmed": "1",
                                                     "csrf_token": csrf_of(zh)})
    assert me.status_code == 409 and "不能在此停用您自己的账号" in _error(me.text)
    assert get_active(runtime, "admin")
    assert boss.post("/users/999999/deactivate",
                     data={"confirmed": "1", "csrf_token": token}).status_code == 404

    # reactivation: admins only, with the token; an active account is refused
    assert pm.post(f"/users/{ann}/reactivate",
                   data={"csrf_token": csrf_of(pm)}).status_code == 403
    assert boss.post(f"/users/{ann}/reactivate", data={}).status_code in (400, 403)
    assert not get_active(runtime, "ann1")
    r = boss.post(f"/users/{ann}/reactivate", data={"csrf_token": token},
                  follow_redirects=False)
    assert r.status_code == 303 and get_active(runtime, "ann1")
    assert "ann1 can sign in again" in boss.get(r.headers["location"]).text
    twice = zh.post(f"/users/{ann}/reactivate", data={"csrf_token": csrf_of(zh)})
    assert twice.status_code == 409 and "ann1 已经在用" in _error(twice.text)


def get_active(rt: Runtime, username: str) -> bool:
    with rt.session() as s:
        return bool(get_user(s, username).is_active)


def test_admin_lists_issues_and_revokes_tokens_the_secret_shown_once(
        runtime: Runtime, users: dict[str, User]) -> None:
    ann, rev = users["ann1"].id, users["rev"].id
    boss = _client(runtime, "admin")
    token = csrf_of(boss)
    empty = boss.get(f"/users/{ann}/tokens")
    assert empty.status_code == 200 and 'data-testid="tokens-none"' in empty.text

    pm = _client(runtime, "pm")
    assert pm.get(f"/users/{ann}/tokens").status_code == 403
    assert pm.post(f"/users/{ann}/tokens", data={"name": "x", "expires_days": "5",
                                                 "csrf_token": csrf_of(pm)}).status_code == 403
    assert boss.post(f"/users/{ann}/tokens",
                     data={"name": "x", "expires_days": "5"}).status_code in (400, 403)
    with runtime.session() as s:
        assert list_tokens(s, get_user(s, "ann1")) == []

    issued = boss.post(f"/users/{ann}/tokens", data={"name": "labelling script",
                                                    "expires_days": "7", "csrf_token": token})
    assert issued.status_code == 201, issued.text[-1500:]
    assert issued.headers["cache-control"] == "no-store"
    secret = re.search(r'data-testid="token-secret">(dm_[^<]+)<', issued.text)
    assert secret, issued.text[-2000:]
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    api = TestClient(create_app(runtime))
    assert api.get("/api/v1/me", headers=bearer).json()["username"] == "ann1"
    listing = boss.get(f"/users/{ann}/tokens").text
    assert "labelling script" in listing and secret.group(1) not in listing  # never again
    with runtime.session() as s:
        (row,) = list_tokens(s, get_user(s, "ann1"))
    (rec,) = _audits(runtime, "user.token.issued")
    assert rec.actor_id == users["admin"].id and rec.object_id == ann

    # refusals: a lifetime out of range, a deactivated user (zh-CN too)
    bad = boss.post(f"/users/{ann}/tokens", data={"name": "x", "expires_days": "0",
                                                 "csrf_token": token})
    assert bad.status_code == 409 and "1 to 3650 days" in _error(bad.text)
    zh = _client(runtime, "admin", "zh-CN")
    bad = zh.post(f"/users/{ann}/tokens", data={"name": "x", "expires_days": "9999",
                                               "csrf_token": csrf_of(zh)})
    assert bad.status_code == 409 and "令牌有效期为 1 到 3650 天" in _error(bad.text)
    assert "签发令牌" in zh.get(f"/users/{ann}/tokens").text

    # revoke: admins only, with the token; another user's token answers 404
    tid = row["id"]
    assert pm.post(f"/users/{ann}/tokens/{tid}/revoke",
                   data={"csrf_token": csrf_of(pm)}).status_code == 403
    assert boss.post(f"/users/{ann}/tokens/{tid}/revoke", data={}).status_code in (400, 403)
    assert boss.post(f"/users/{rev}/tokens/{tid}/revoke",
                     data={"csrf_token": token}).status_code == 404
    assert boss.post(f"/users/{ann}/tokens/{2**40}/revoke",
                     data={"csrf_token": token}).status_code == 404
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    r = boss.post(f"/users/{ann}/tokens/{tid}/revoke", data={"csrf_token": token},
                  follow_redirects=False)
    assert r.status_code == 303
    after = boss.get(r.headers["location"]).text
    assert f"Token {tid} of ann1 is revoked" in after
    assert re.search(rf'data-testid="token-state-{tid}">revoked<', after)
    assert api.get("/api/v1/me", headers=bearer).status_code == 401

    # a deactivated user: no form, and a post from a stale page is refused
    from datamill.compliance.users import deactivate_user

    with runtime.session() as s:
        deactivate_user(s, get_user(s, "ann1"), actor_id=users["admin"].id)
    assert 'data-testid="token-inactive"' in boss.get(f"/users/{ann}/tokens").text
    gone = boss.post(f"/users/{ann}/tokens", data={"name": "x", "expires_days": "5",
                                                  "csrf_token": token})
    assert gone.status_code == 409 and "reactivate them first" in _error(gone.text)
