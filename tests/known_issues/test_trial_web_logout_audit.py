"""Found by a trial user (compliance officer): signing in on the web wrote ``auth.signed_in``,
but signing out wrote nothing, so the trail could not say when a session ended. Now a web
sign-out writes ``auth.signed_out`` (the user as actor, their username, address and face)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.audit import verify_audit_chain
from datamill.compliance.models import AuditRecord, User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login


def test_a_web_sign_out_is_audited(runtime: Runtime, users: dict[str, User]) -> None:
    with TestClient(create_app(runtime)) as c:
        web_login(c, "pm")
        r = c.post("/logout", data={"csrf_token": csrf_of(c)}, follow_redirects=False)
        assert r.status_code == 303
        # a refused sign-out (no CSRF token) writes none
        web_login(c, "pm")
        assert c.post("/logout", data={}, follow_redirects=False).status_code == 403
    with runtime.session() as s:
        rows = list(s.scalars(select(AuditRecord).where(
            AuditRecord.action.in_(["auth.signed_in", "auth.signed_out"]))
            .order_by(AuditRecord.id)))
        assert [r.action for r in rows] == ["auth.signed_in", "auth.signed_out",
                                            "auth.signed_in"]
        out = rows[1]
        uid = users["pm"].id
        assert (out.actor_id, out.object_id, out.object_type) == (uid, uid, "user")
        assert out.data == {"username": "pm", "client": "testclient", "via": "web"}
        assert verify_audit_chain(s) is None
