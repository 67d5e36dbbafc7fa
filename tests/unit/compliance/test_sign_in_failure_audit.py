"""A failed sign-in no longer keeps the text typed as the username in the audit trail (people
type their password there, and the trail is never rewritten or deleted): the record names the
user when the name is one, else a short keyed digest of the name, the same for every try of it,
so that a security officer still sees the pattern of a guesser."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.audit import record_audit, verify_audit
from datamill.compliance.login_throttle import LoginThrottle, unknown_name_digest
from datamill.compliance.models import AuditRecord, User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API

TYPED = "Tr0ub4dor&3-secret"  # a password typed into the username field


def _api(c: TestClient, username: str, password: str = "wrong-guess") -> int:
    return c.post(f"{API}/auth/token", json={"username": username, "password": password}
                  ).status_code


def _web(c: TestClient, username: str) -> str:
    page = c.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    r = c.post("/login", data={"username": username, "password": "wrong-guess",
                               "csrf_token": csrf.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    return str(r.headers["location"])


def _failures(runtime: Runtime) -> list[AuditRecord]:
    with runtime.session() as s:
        return list(s.scalars(select(AuditRecord).where(
            AuditRecord.action == "auth.sign_in_failed").order_by(AuditRecord.id)))


def test_a_failed_sign_in_keeps_no_typed_name(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:  # a record from before the change stays as it was written
        record_audit(s, actor_id=None, action="auth.sign_in_failed", object_type="user",
                     data={"username": "legacy-name", "client": "x", "via": "api"})
    app = create_app(runtime)
    with TestClient(app) as c:
        app.state.login_throttle = LoginThrottle(per_account=3, per_client=50, window_s=60)
        assert [_api(c, TYPED), _api(c, TYPED.upper())] == [401, 401]
        assert "failed=1" in _web(c, TYPED)
        assert _api(c, TYPED) == 429  # the throttle still counts the name typed
        assert _api(c, "someone-else") == 401
        assert _api(c, "ann1") == 401  # a user's name, a wrong password
    legacy, *new = _failures(runtime)
    assert legacy.data["username"] == "legacy-name"
    for r in new:
        assert TYPED.casefold() not in repr(r.data).casefold(), r.data
        assert r.actor_id is None and r.data["client"] == "testclient"
    digest = unknown_name_digest(runtime.settings, TYPED)
    assert [r.data.get("unknown_user") for r in new] == [digest] * 3 + [
        unknown_name_digest(runtime.settings, "someone-else"), None]
    assert len(digest) == 16 and digest != unknown_name_digest(runtime.settings, "someone-else")
    assert [r.data["via"] for r in new[:3]] == ["api", "api", "web"]
    ann1 = new[-1]
    assert ann1.object_id == users["ann1"].id and ann1.data["user_id"] == users["ann1"].id
    assert "unknown_user" not in ann1.data
    with runtime.session() as s:
        assert verify_audit(s, runtime.settings).ok
