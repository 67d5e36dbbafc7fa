"""``/auth``: exchange a username and password for a bearer token."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from datamill.api.deps import SessionDep
from datamill.api.problem import problem_responses
from datamill.compliance.users import authenticate, create_token

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1)
    name: str = Field("", max_length=100, description="A label for the token (device, script)")


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    user_id: int
    username: str
    role: str


@router.post("/token", status_code=status.HTTP_201_CREATED, responses=problem_responses(401))
def issue_token(body: TokenRequest, session: SessionDep) -> TokenOut:
    """Check the password and issue an API token (shown once; only its hash is stored)."""
    user = authenticate(session, body.username, body.password)
    token = create_token(session, user, body.name)
    return TokenOut(access_token=token, user_id=user.id, username=user.username, role=user.role)
