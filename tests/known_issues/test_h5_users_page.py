"""h5: an admin changes a user's role on a page (the API's ``PUT /users/{id}/role`` and the
CLI's ``user set-role`` had it; the web had no users page at all).

The page follows the API's rule (``manage_users``: admins; anyone else gets 403 and changes
nothing), needs the CSRF token, answers 404 for a user that does not exist, and shows the
service's refusals (the last active admin's demotion, the role already held, an unknown role)
in the page's language, changing nothing. A change is audited and holds at once.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login


def _client(rt: Runtime, username: str, lang: str = "en") -> TestClient:
    client = TestClient(create_app(rt), raise_server_exceptions=False)
    client.cookies.set("lang", lang)
    web_login(client, username)
    return client


def _role(rt: Runtime, user_id: int) -> str:
    with rt.session() as s:
        user = s.get(User, user_id)
        assert user is not None
        return user.role


def test_admin_changes_a_role_on_the_users_page(runtime: Runtime, users: dict[str, User]) -> None:
    ann, admin = users["ann1"].id, users["admin"].id
    boss = _client(runtime, "admin")
    page = boss.get("/")
    assert 'data-testid="nav-users"' in page.text
    listing = boss.get("/users")
    assert listing.status_code == 200
    assert f'data-testid="set-role-{ann}"' in listing.text
    token = csrf_of(boss)

    # not an admin: no link, 403 on the page and on the form, nothing changes
    pm = _client(runtime, "pm")
    assert 'data-testid="nav-users"' not in pm.get("/").text
    assert pm.get("/users").status_code == 403
    r = pm.post(f"/users/{ann}/role", data={"role": "admin", "csrf_token": csrf_of(pm)})
    assert r.status_code == 403 and _role(runtime, ann) == "annotator"
    # without the token: refused
    r = boss.post(f"/users/{ann}/role", data={"role": "reviewer"})
    assert r.status_code in (400, 403) and _role(runtime, ann) == "annotator"
    # a user that does not exist: 404
    assert boss.post("/users/999999/role",
                     data={"role": "reviewer", "csrf_token": token}).status_code == 404

    r = boss.post(f"/users/{ann}/role", data={"role": "reviewer", "csrf_token": token},
                  follow_redirects=False)
    assert r.status_code == 303, r.text[-500:]
    assert _role(runtime, ann) == "reviewer"
    done = boss.get(r.headers["location"])
    said = re.search(r'data-testid="role-changed">([^<]*)<', done.text)
    assert said and "ann1" in said.group(1) and "reviewer" in said.group(1), done.text[-1500:]
    with runtime.session() as s:
        (rec,) = s.scalars(select(AuditRecord).where(AuditRecord.action == "user.role_changed"))
        assert rec.actor_id == admin and rec.object_id == ann

    # refusals, in the page's language: the role already held, the last admin, unknown role
    zh = _client(runtime, "admin", "zh-CN")
    ztoken = csrf_of(zh)
    same = zh.post(f"/users/{ann}/role", data={"role": "reviewer", "csrf_token": ztoken})
    assert same.status_code == 409 and "的角色已经是" in same.text
    last = zh.post(f"/users/{admin}/role", data={"role": "annotator", "csrf_token": ztoken})
    assert last.status_code == 409 and "最后一位在用的管理员" in last.text
    assert _role(runtime, admin) == "admin"
    odd = boss.post(f"/users/{ann}/role", data={"role": "overlord", "csrf_token": token})
    assert odd.status_code == 409 and "unknown role" in odd.text
    assert _role(runtime, ann) == "reviewer"
