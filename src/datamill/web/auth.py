"""Browser sign-in: a signed cookie (itsdangerous) pointing at a server-side session row.

The cookie carries only an opaque session token, signed with the secret from
``compliance.keys.session_secret`` (generated per installation; never a built-in default). The
row (``compliance.sessions``) holds the user and the CSRF token; signing out, a password change
or deactivation deletes it, so a copied cookie stops working. The cookie is ``Secure`` whenever
the request came over HTTPS (and always outside ``env == "dev"``).

The API keeps its bearer tokens; pages use the cookie. Every state-changing request from a page
carries the session's CSRF token (a hidden ``csrf_token`` form field, or the ``X-CSRF-Token``
header for ``fetch``); the sign-in form itself is protected by a double-submit cookie.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.sessions import NotSignedIn, open_session, sign_out
from datamill.compliance.sessions import signed_in as signed_in_grant
from datamill.config import Settings
from datamill.core.errors import Forbidden
from datamill.http_deps import SESSION_COOKIE, cookie_session_token, session_cookie_serializer

__all__ = [
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "NotSignedIn",
    "WebSession",
    "check_csrf",
    "clear_session",
    "end_web_session",
    "secure_cookies",
    "signed_in",
    "start_session",
]

LOGIN_CSRF_COOKIE = "datamill_login_csrf"


@dataclass(frozen=True)
class WebSession:
    """A live session read from the cookie: its token, user id and CSRF token."""

    token: str
    user_id: int
    csrf: str


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return session_cookie_serializer(settings)


def secure_cookies(request: Request, settings: Settings) -> bool:
    """``Secure`` on HTTPS requests, and always outside development."""
    return request.url.scheme == "https" or settings.env != "dev"


def start_session(
    request: Request, response: Response, session: Session, settings: Settings, user: User
) -> WebSession:
    grant = open_session(session, user, timedelta(hours=settings.session_hours))
    cookie = _serializer(settings).dumps({"sid": grant.token})
    response.set_cookie(
        SESSION_COOKIE, cookie, max_age=settings.session_hours * 3600, httponly=True,
        samesite="lax", secure=secure_cookies(request, settings), path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return WebSession(token=grant.token, user_id=user.id, csrf=grant.csrf)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def _cookie_token(request: Request, settings: Settings) -> str | None:
    return cookie_session_token(request, settings)


def end_web_session(session: Session, ws: WebSession, user: User, client: str) -> None:
    """Sign out server-side: the cookie's session is deleted, wherever copies of it are; the
    sign-out is audited (``auth.signed_out``)."""
    sign_out(session, user, ws.token, client=client, via="web")


def signed_in(request: Request, session: Session, settings: Settings) -> tuple[User, WebSession]:
    """The active user and live session behind the cookie, or :class:`NotSignedIn`. The
    compliance service (``compliance.sessions.signed_in``) decides; this only reads the cookie."""
    grant = signed_in_grant(session, _cookie_token(request, settings))
    return grant.user, WebSession(token=grant.token, user_id=grant.user.id, csrf=grant.csrf)


def check_csrf(expected: str, given: str | None) -> None:
    # compared as bytes: compare_digest refuses str outside ASCII with a TypeError (a 500)
    if not expected or not given or not hmac.compare_digest(
            expected.encode(), given.encode("utf-8", "surrogatepass")):
        raise Forbidden("the form has expired or did not come from this site; reload and retry",
                        reason_code="csrf")
