"""Users, argon2 passwords, API tokens, and the role + membership check every face calls."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import ApiToken, User
from datamill.compliance.roles import Action, Role, allowed
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from datamill.production.models import ProjectMember

__all__ = [
    "add_member",
    "authenticate",
    "create_token",
    "create_user",
    "get_user",
    "is_member",
    "require",
    "user_for_token",
]

_hasher = PasswordHasher()


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    actor_id: int | None = None,
) -> User:
    if role not in {r.value for r in Role}:
        raise InvalidInput(
            f"unknown role {role!r}; available: {', '.join(r.value for r in Role)}", field="role"
        )
    if len(password) < 8:
        raise InvalidInput("password must have at least 8 characters", field="password")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        role=role,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"user {username!r} already exists", username=username) from err
    record_audit(
        session, actor_id=actor_id, action="user.created", object_type="user",
        object_id=user.id, data={"username": username, "role": role},
    )
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user named {username!r}", username=username)
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.is_active:
        raise Unauthorized("wrong username or password")
    try:
        _hasher.verify(user.password_hash, password)
    except VerificationError as err:
        raise Unauthorized("wrong username or password") from err
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, name: str = "") -> str:
    """Issue a bearer token; the plain token is returned once and never stored."""
    token = "dm_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_token_digest(token), name=name))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User:
    row = session.scalars(
        select(ApiToken).where(
            ApiToken.token_sha256 == _token_digest(token), ApiToken.revoked_at.is_(None)
        )
    ).first()
    user = session.get(User, row.user_id) if row else None
    if user is None or not user.is_active:
        raise Unauthorized("invalid or revoked API token")
    return user


def add_member(session: Session, project_id: int, user: User, actor_id: int | None) -> None:
    exists = session.scalars(
        select(ProjectMember).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user.id
        )
    ).first()
    if exists is None:
        session.add(ProjectMember(project_id=project_id, user_id=user.id))
        record_audit(
            session, actor_id=actor_id, action="project.member_added", object_type="project",
            object_id=project_id, project_id=project_id, data={"user": user.username},
        )
        session.flush()


def is_member(session: Session, project_id: int, user_id: int) -> bool:
    return (
        session.scalars(
            select(ProjectMember.id).where(
                ProjectMember.project_id == project_id, ProjectMember.user_id == user_id
            )
        ).first()
        is not None
    )


def require(session: Session, user: User, action: Action, project_id: int | None = None) -> None:
    """Raise Forbidden unless the user's role allows ``action`` (and, for a project, membership).

    Admins pass everywhere; everyone else must be a member of the project they act on.
    """
    if not allowed(user.role, action):
        raise Forbidden(f"role {user.role!r} may not {action.value.replace('_', ' ')}")
    if project_id is not None and user.role != Role.ADMIN and not is_member(
        session, project_id, user.id
    ):
        raise Forbidden(f"{user.username!r} is not a member of project {project_id}")
