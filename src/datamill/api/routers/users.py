"""``/users`` and ``/me``: accounts (admins create them) and the caller's own profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, Require, SessionDep
from datamill.api.login_throttle import login_throttle
from datamill.api.params import FlagQuery, Id
from datamill.api.problem import problem_responses
from datamill.api.schemas import UserOut
from datamill.compliance.login_throttle import PasswordChangeThrottled, change_own_password
from datamill.compliance.models import User
from datamill.compliance.roles import Action, Role
from datamill.compliance.users import (
    USERNAME_PATTERN,
    active_users,
    create_user,
)

__all__ = ["router"]

router = APIRouter(tags=["users"])
UserAdmin = Annotated[User, Depends(Require(Action.MANAGE_USERS))]


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=80, pattern=USERNAME_PATTERN)
    password: str = Field(min_length=1, max_length=1024)
    role: Role
    display_name: str = Field("", max_length=200)


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user_endpoint(body: UserCreate, session: SessionDep, admin: UserAdmin) -> UserOut:
    """Create an account with a global role (admin only)."""
    user = create_user(
        session,
        body.username,
        body.password,
        body.role.value,
        display_name=body.display_name,
        actor_id=admin.id,
    )
    return UserOut.model_validate(user)


@router.get("/users")
def list_users_endpoint(
    session: SessionDep, admin: UserAdmin, include_inactive: FlagQuery = False
) -> list[UserOut]:
    """Every active account by username (``include_inactive``: deactivated ones too); admin
    only. Password hashes and tokens are never shown."""
    return [UserOut.model_validate(u)
            for u in active_users(session, include_inactive=include_inactive)]


class RoleIn(BaseModel):
    role: Role


class RoleChangeOut(BaseModel):
    username: str
    role: str
    previous_role: str
    released_tasks: int
    unassigned_packages: int
    ended_memberships: int = 0


@router.put("/users/{user_id}/role", responses=problem_responses(404, 409))
def set_role_endpoint(user_id: Id, body: RoleIn, session: SessionDep,
                      admin: UserAdmin) -> RoleChangeOut:
    """Change a user's role (admin only), audited (``user.role_changed``). Their API tokens
    and web sessions act with the new role from the next request on; the open work the new
    role may not do (claimed tasks, unfinished packages) goes back to the pool; someone made a
    customer leaves every project (``ended_memberships``), to be admitted to their own
    customer's afresh. 409 with
    ``last_admin`` for the last active admin's demotion, ``role_unchanged`` for the role the
    user already has."""
    from datamill.compliance.role_change import set_role
    from datamill.db.lookup import get_or_raise

    target = get_or_raise(session, User, user_id, "user")
    return RoleChangeOut.model_validate(set_role(session, target, body.role.value,
                                                 actor_id=admin.id))


@router.get("/me")
def me(user: CurrentUser) -> UserOut:
    """The signed-in user."""
    return UserOut.model_validate(user)


class PasswordChange(BaseModel):
    old_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT,
             responses=problem_responses(401, 403, 429))
def change_my_password(
    body: PasswordChange, session: SessionDep, user: CurrentUser, request: Request
) -> None:
    """Change the caller's password (the old one must match). Every web session and API token of
    the caller is revoked, this request's token included: sign in again afterwards.

    A wrong ``old_password`` answers 403 with code ``wrong_password`` (the token stays valid;
    401 means the token itself is not). Throttled as sign-in is, per account from any address:
    after 10 wrong current passwords within 15 minutes, 429 with ``Retry-After`` until the window
    passes (a right one included). Each refusal is audited (``auth.password_change_failed``)."""
    client = request.client.host if request.client is not None else ""
    try:
        change_own_password(session, login_throttle(request), user, body.old_password,
                            body.new_password, client=client, via="api")
    except PasswordChangeThrottled as err:
        raise HTTPException(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS, detail=str(err),
            headers={"Retry-After": str(err.wait_s)},
        ) from None
