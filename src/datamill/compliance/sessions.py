"""Server-side web sessions: the cookie is only a signed pointer to a row here.

Signing out deletes the row, and ``revoke_user_sessions`` (password change, deactivation) deletes
all of a user's rows, so a copied cookie is refused at once. The browser-facing part (signing,
cookies, CSRF checks) lives in ``datamill.web.auth``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User, UserSession
from datamill.core.clock import utcnow
from datamill.core.errors import Unauthorized

__all__ = [
    "NotSignedIn",
    "SessionGrant",
    "end_session",
    "lookup_session",
    "open_session",
    "revoke_user_sessions",
    "sign_out",
    "signed_in",
]


class NotSignedIn(Unauthorized):
    """No live session: none given, forged, signed out, expired, revoked or deactivated."""

    code = "not_signed_in"


@dataclass(frozen=True)
class SessionGrant:
    """A live session: the opaque ``token`` the cookie carries, its user and CSRF token."""

    token: str
    user: User
    csrf: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, lifetime: timedelta) -> SessionGrant:
    """Start a session for ``user`` (and drop the user's expired ones)."""
    now = utcnow()
    session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_sha256=_digest(token), csrf=csrf,
                            created_at=now, expires_at=now + lifetime))
    session.flush()
    return SessionGrant(token=token, user=user, csrf=csrf)


def lookup_session(session: Session, token: str) -> SessionGrant | None:
    """The live session behind ``token``; None when unknown, expired, revoked or deactivated."""
    row = session.scalars(
        select(UserSession).where(UserSession.token_sha256 == _digest(token))
    ).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return SessionGrant(token=token, user=user, csrf=row.csrf)


def signed_in(session: Session, token: str | None) -> SessionGrant:
    """The active user (and CSRF token) behind a session ``token``, or :class:`NotSignedIn`.

    The one place a face turns a session into a user: the session row must exist (signing out,
    a password change and deactivation delete it) and not be expired, and the user must exist
    and be active.
    """
    grant = lookup_session(session, token) if token else None
    if grant is None:
        raise NotSignedIn("sign in to continue")
    return grant


def end_session(session: Session, token: str) -> None:
    """Sign out: the session is gone server-side, whoever still holds the cookie."""
    session.execute(delete(UserSession).where(UserSession.token_sha256 == _digest(token)))


def sign_out(session: Session, user: User, token: str, *, client: str, via: str) -> None:
    """Sign ``user`` out of the session ``token`` (:func:`end_session`) and audit it
    (``auth.signed_out``, as a sign-in writes ``auth.signed_in``: the user as actor, their
    username, the client address and the face)."""
    end_session(session, token)
    record_audit(session, actor_id=user.id, action="auth.signed_out", object_type="user",
                 object_id=user.id,
                 data={"username": user.username, "client": client or None, "via": via})


def revoke_user_sessions(session: Session, user_id: int) -> int:
    """End every session of a user; returns how many there were."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)
