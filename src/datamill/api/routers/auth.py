"""``/auth``: exchange a username and password for a bearer token; list and revoke tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, RuntimeDep, SessionDep
from datamill.api.login_throttle import login_throttle
from datamill.api.params import Id
from datamill.api.problem import problem_responses
from datamill.compliance.login_throttle import SignInThrottled, sign_in
from datamill.compliance.users import (
    MAX_TOKEN_DAYS,
    create_token,
    list_tokens,
    revoke_token,
)
from datamill.core.errors import Unauthorized

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"])
_bearer = HTTPBearer(auto_error=False)


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1)
    name: str = Field("", max_length=100, description="A label for the token (device, script)")
    expires_days: int | None = Field(
        None, ge=1, le=MAX_TOKEN_DAYS,
        description="Lifetime in days (default: the server's DATAMILL_TOKEN_DAYS, 30)",
    )


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    user_id: int
    username: str
    role: str


class TokenInfo(BaseModel):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool


@router.post("/token", status_code=status.HTTP_201_CREATED,
             responses=problem_responses(401, 429))
def issue_token(
    body: TokenRequest, session: SessionDep, runtime: RuntimeDep, request: Request,
    response: Response,
) -> TokenOut:
    """Check the password and issue an API token (shown once; only its hash is stored).

    After 10 refused passwords for one username from one address within 15 minutes (or 30 for
    any usernames), that address is answered 429 with ``Retry-After`` until the window passes;
    the detail says which of the two limits was hit.
    """
    client = request.client.host if request.client is not None else ""
    try:
        user = sign_in(session, login_throttle(request), client, body.username, body.password,
                       via="api", settings=runtime.settings)
    except SignInThrottled as err:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS, detail=str(err),
            headers={"Retry-After": str(err.wait_s)},
        ) from None
    response.headers["Cache-Control"] = "no-store"  # a credential: never cached (RFC 6749 5.1)
    response.headers["Pragma"] = "no-cache"
    days = body.expires_days or runtime.settings.token_days
    token = create_token(session, user, body.name, expires_days=days)
    return TokenOut(access_token=token, user_id=user.id, username=user.username, role=user.role)


@router.get("/tokens")
def my_tokens(session: SessionDep, user: CurrentUser) -> list[TokenInfo]:
    """The caller's tokens (ids, names, expiry; never the secrets)."""
    return [TokenInfo.model_validate(t) for t in list_tokens(session, user)]


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT)
def revoke_current_token(
    session: SessionDep,
    user: CurrentUser,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Revoke the token this request was made with (sign out a script or device)."""
    if credentials is None:  # CurrentUser already refused this; kept for the type checker
        raise Unauthorized("missing bearer token")
    revoke_token(session, user, token=credentials.credentials, actor_id=user.id)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token_endpoint(
    token_id: Id, session: SessionDep, user: CurrentUser
) -> None:
    """Revoke one of the caller's tokens by id (404 when it is not theirs)."""
    revoke_token(session, user, token_id=token_id, actor_id=user.id)
