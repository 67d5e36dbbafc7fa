"""A person's API tokens on the users page: an admin lists them, issues one and revokes one.

What ``datamill user tokens``, ``user token`` and ``user token --revoke`` do for an admin, on a
page: the same service calls (:func:`~datamill.compliance.users.list_tokens`,
:func:`~datamill.compliance.users.create_token`,
:func:`~datamill.compliance.users.revoke_token`: audited, never the secret), the same permission
(``manage_users``: admins; anyone else gets the 403 page). A token's secret is shown once, on the
answer to the form that issued it (``Cache-Control: no-store``), and never again: the list shows
ids, names, dates and states.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance.models import ApiToken, User
from datamill.compliance.roles import Action
from datamill.compliance.users import MAX_TOKEN_DAYS, MAX_TOKEN_NAME, list_tokens, require
from datamill.core.errors import InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.web.routes._common import HtmlRoute, SignedIn, WebUser, render, require_csrf
from datamill.web.routes.users import refusal_words, said

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _page(request: Request, session: Session, me: SignedIn, target: User, *,
          status_code: int = 200, error: str | None = None, notice: str | None = None,
          issued: dict[str, object] | None = None, days: int = 30) -> Response:
    """The tokens page of ``target``; ``issued``: the token just issued (its secret, shown this
    once)."""
    resp = render(request, "users_tokens.html", me, status_code=status_code, person=target,
                  tokens=list_tokens(session, target), error=error, notice=notice,
                  issued=issued, days=days, max_days=MAX_TOKEN_DAYS)
    if issued is not None:  # a credential: never cached (RFC 6749 5.1), as the API's answer
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["Pragma"] = "no-cache"
    return resp


@router.get("/users/{user_id}/tokens", response_class=HTMLResponse)
def tokens_page(
    request: Request, user_id: int, session: SessionDep, me: WebUser, runtime: RuntimeDep,
    revoked: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    """The user's tokens (never the secrets), a revoke button for each live one, and the form
    that issues one; ``revoked``: the token just revoked."""
    require(session, me.user, Action.MANAGE_USERS)
    target = get_or_raise(session, User, user_id, "user")
    notice = None if revoked is None else said(request, "tok.ok.revoked", id=revoked,
                                               username=target.username)
    return _page(request, session, me, target, notice=notice, days=runtime.settings.token_days)


@router.post("/users/{user_id}/tokens")
def issue_token_form(
    request: Request, user_id: int, session: SessionDep, me: WebUser,
    name: Annotated[str, Form(max_length=1000)] = "",
    expires_days: Annotated[int, Form(ge=-(10**9), le=10**9)] = 30,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Issue a token for the user (``datamill user token NAME --as ADMIN``'s service call,
    audited ``user.token.issued`` with the admin as actor): its secret is on this answer only.
    Refused: a deactivated user, a lifetime outside 1 to 3650 days, a name the column cannot
    hold."""
    from datamill.compliance.users import create_token

    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.MANAGE_USERS)
    target = get_or_raise(session, User, user_id, "user")
    name = name.strip()
    refused = None
    if not target.is_active:
        refused = said(request, "users.refused.token_inactive", username=target.username)
    elif not 1 <= expires_days <= MAX_TOKEN_DAYS:
        refused = said(request, "users.refused.token_days", most=MAX_TOKEN_DAYS)
    elif len(name) > MAX_TOKEN_NAME or _CONTROL.search(name):
        refused = said(request, "users.refused.token_name")
    if refused is not None:
        return _page(request, session, me, target, status_code=409, error=refused,
                     days=expires_days if 1 <= expires_days <= MAX_TOKEN_DAYS else 30)
    try:
        with session.begin_nested():
            secret = create_token(session, target, name, expires_days=expires_days,
                                  actor_id=me.user.id)
    except InvalidInput as exc:
        return _page(request, session, me, target, status_code=409,
                     error=refusal_words(request, exc))
    return _page(request, session, me, target, status_code=201, days=expires_days,
                 issued={"secret": secret})


@router.post("/users/{user_id}/tokens/{token_id}/revoke")
def revoke_token_form(
    request: Request, user_id: int, token_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Revoke one of the user's tokens (``datamill user token NAME --revoke ID``'s service
    call, audited); a token that is not theirs answers 404."""
    from datamill.compliance.users import revoke_token

    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.MANAGE_USERS)
    target = get_or_raise(session, User, user_id, "user")
    get_or_raise(session, ApiToken, token_id, "token")  # an id PostgreSQL cannot hold: 404 too
    revoke_token(session, target, token_id=token_id, actor_id=me.user.id)
    return RedirectResponse(f"/users/{user_id}/tokens?revoked={token_id}", status_code=303)
