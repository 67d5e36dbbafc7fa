"""Browser sign-in: a signed session cookie (itsdangerous) carrying the user id and a CSRF token.

The API keeps its bearer tokens; pages use the cookie. Every state-changing request from a page
carries the session's CSRF token (a hidden ``csrf_token`` form field, or the ``X-CSRF-Token``
header for ``fetch``); the sign-in form itself is protected by a double-submit cookie.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.config import Settings
from datamill.core.errors import DatamillError, Forbidden

__all__ = [
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "NotSignedIn",
    "WebSession",
    "check_csrf",
    "clear_session",
    "read_session",
    "session_user",
    "start_session",
]

SESSION_COOKIE = "datamill_session"
LOGIN_CSRF_COOKIE = "datamill_login_csrf"
MAX_AGE_S = 12 * 3600


class NotSignedIn(DatamillError):
    status = 401
    code = "not_signed_in"


@dataclass(frozen=True)
class WebSession:
    user_id: int
    csrf: str


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="datamill.web.session")


def _secure(settings: Settings) -> bool:
    return settings.env != "dev"


def start_session(response: Response, settings: Settings, user: User) -> WebSession:
    ws = WebSession(user_id=user.id, csrf=secrets.token_urlsafe(32))
    token = _serializer(settings).dumps({"uid": ws.user_id, "csrf": ws.csrf})
    response.set_cookie(
        SESSION_COOKIE, token, max_age=MAX_AGE_S, httponly=True, samesite="lax",
        secure=_secure(settings), path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return ws


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def read_session(request: Request, settings: Settings) -> WebSession | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data: Any = _serializer(settings).loads(raw, max_age=MAX_AGE_S)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    return WebSession(user_id=data["uid"], csrf=str(data.get("csrf", "")))


def session_user(session: Session, ws: WebSession | None) -> User:
    user = session.get(User, ws.user_id) if ws else None
    if user is None or not user.is_active:
        raise NotSignedIn("sign in to continue")
    return user


def check_csrf(expected: str, given: str | None) -> None:
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise Forbidden("the form has expired or did not come from this site; reload and retry")
