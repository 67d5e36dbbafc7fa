"""Users, argon2 passwords, API tokens, and the role + membership check every face calls."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import timedelta
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Table, bindparam, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import ApiToken, ProjectMember, User
from datamill.compliance.roles import VENDOR_WORKER_ROLES, Action, Role
from datamill.compliance.sessions import revoke_user_sessions
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from datamill.core.storable import check_text, text_problem
from datamill.db.lookup import lock_or_raise
from datamill.db.memo import remember, run
from datamill.db.rows import attach_row, autoflush

__all__ = [
    "COUNTED_MEMBERSHIP",
    "DEFAULT_TOKEN_DAYS",
    "MAX_TOKEN_DAYS",
    "USERNAME_PATTERN",
    "WrongPassword",
    "active_admin_exists",
    "active_users",
    "add_member",
    "authenticate",
    "change_password",
    "check_new_user",
    "create_token",
    "create_user",
    "deactivate_user",
    "get_user",
    "is_member",
    "list_tokens",
    "reactivate_user",
    "require",
    "require_active",
    "revoke_credentials",
    "revoke_token",
    "set_password",
    "user_for_token",
    "usernames",
]

_hasher = PasswordHasher()
DEFAULT_TOKEN_DAYS = 30
MAX_TOKEN_DAYS = 3650
#: a token's label, as long as its column (the API's model says the same)
MAX_TOKEN_NAME = 100
MIN_PASSWORD_CHARS = 8


class WrongPassword(Forbidden):
    """A signed-in user's own current password, given to change it, is wrong (403, code
    ``wrong_password``): not 401, which API clients read as "the token expired, sign in again"
    while the token is fine."""

    code = "wrong_password"


# The most guessed 8+-character passwords; a full breached-password list would need a download.
_GUESSED = frozenset({
    "password", "12345678", "123456789", "1234567890", "qwertyui", "qwerty123", "11111111",
    "00000000", "87654321", "abcdefgh", "iloveyou", "datamill", "letmein1", "admin123",
})


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(
            f"password must have at least {MIN_PASSWORD_CHARS} characters", field="password",
            reason_code="password_short", least=MIN_PASSWORD_CHARS)
    if len(set(password.strip())) < 2:  # noqa: PLR2004 - blanks or one repeated character
        raise InvalidInput("password must not be blank or one repeated character",
                           field="password", reason_code="password_blank")
    if password.lower() in _GUESSED:
        raise InvalidInput("that password is among the most guessed; choose another",
                           field="password", reason_code="password_guessed")


USERNAME_PATTERN = r"^[A-Za-z0-9_.@-]{1,80}$"  # also the API's field rule
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _check_display_name(name: str) -> None:
    """A display name is shown in tables, terminals and other people's pages: at most 200
    characters, none of them control characters (a terminal escape sequence would repaint the
    reader's screen) or bidi embeddings, overrides and isolates (U+202E shows "nimda" for
    "admin")."""
    if len(name) > 200 or _CONTROL.search(name):  # noqa: PLR2004 - the column's length
        raise InvalidInput("a display name is at most 200 characters, without control "
                           "or text-direction characters", field="display_name")


def check_new_user(username: str, role: str, display_name: str = "", *,
                   session: Session | None = None) -> None:
    """Refuse a user :func:`create_user` would refuse whatever the password: a username not of
    :data:`USERNAME_PATTERN` or (given ``session``) already taken (``user_exists``), a display
    name too long or with control characters, a role that is none of :class:`Role`
    (``role_unknown``). A face that asks for the password (the CLI's hidden prompt, twice)
    calls it first."""
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise InvalidInput(
            f"a username is 1 to 80 letters, digits and . _ @ - (no spaces): not {username!r}",
            field="username", reason_code="username_invalid", username=username)
    _check_display_name(display_name)
    roles = [r.value for r in Role]
    if role not in roles:
        raise InvalidInput(f"unknown role {role!r}; available: {', '.join(roles)}",
                           field="role", reason_code="role_unknown", role=role, roles=roles)
    if session is not None and session.scalar(select(exists().where(User.username == username))):
        raise Conflict(f"user {username!r} already exists", username=username,
                       reason_code="user_exists")


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    actor_id: int | None = None,
) -> User:
    check_new_user(username, role, display_name, session=session)
    _check_password(password)
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
        raise Conflict(f"user {username!r} already exists", username=username,
                       reason_code="user_exists") from err
    record_audit(
        session, actor_id=actor_id, action="user.created", object_type="user",
        object_id=user.id, data={"username": username, "role": role},
    )
    return user


def get_user(session: Session, username: str) -> User:
    if text_problem(username):  # no username has one (and PostgreSQL cannot even compare it)
        raise NotFound(f"no user named {username!r}", reason_code="user_name_unknown",
                       username=username)
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user named {username!r}", reason_code="user_name_unknown",
                       username=username)
    return user


@functools.cache
def _decoy_hash() -> str:
    """A hash no password matches, verified for unknown and deactivated users (made on first
    use: hashing at import would slow every start)."""
    return _hasher.hash(secrets.token_urlsafe(32))


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with this username and password; Unauthorized otherwise. Every refusal
    costs one argon2 verification, so the time taken never tells which usernames exist."""
    user = None
    if not text_problem(username):  # a NUL: no such user (PostgreSQL cannot compare it)
        user = session.scalars(select(User).where(User.username == username)).first()
    known = user is not None and user.is_active
    try:
        _hasher.verify(user.password_hash if user is not None and known else _decoy_hash(),
                       password.encode("utf-8", "surrogatepass"))
    except VerificationError as err:
        raise Unauthorized("wrong username or password", reason_code="sign_in_refused") from err
    if user is None or not known:
        raise Unauthorized("wrong username or password", reason_code="sign_in_refused")
    # the password checked must still be the user's when the token or session is issued: a
    # change committed meanwhile revoked every credential, and one issued after it on the old
    # password stayed live (h4: PostgreSQL, two server processes). The row is read afresh
    # FOR SHARE (sign-ins do not wait for each other, nor inserts that refer to the user) until
    # the transaction ends, so a change waits for this sign-in (and then revokes what it
    # issued) or this sign-in waits for the change and is refused.
    checked = user.password_hash
    fresh = session.get(User, user.id, with_for_update={"read": True}, populate_existing=True)
    if fresh is None or fresh.password_hash != checked or not fresh.is_active:
        raise Unauthorized("wrong username or password", reason_code="sign_in_refused")
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session, user: User, name: str = "", *, expires_days: int = DEFAULT_TOKEN_DAYS,
    actor_id: int | None = None,
) -> str:
    """Issue a bearer token valid for ``expires_days``; the plain token is returned once and
    never stored (``list_tokens`` shows its id, name and expiry). The issue is audited, with
    ``actor_id`` (default: the user, who signed in for it) — never the secret."""
    if not 1 <= expires_days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"a token lives 1 to {MAX_TOKEN_DAYS} days, not {expires_days}",
                           field="expires_days")
    if not user.is_active:
        raise Forbidden(f"{user.username!r} is deactivated")
    check_text(name, "name")
    if len(name) > MAX_TOKEN_NAME:  # the CLI's too: PostgreSQL refused it as a database error
        raise InvalidInput(f"the name is {len(name)} characters long: it takes at most "
                           f"{MAX_TOKEN_NAME}; shorten it", field="name",
                           reason_code="note_too_long", length=len(name), most=MAX_TOKEN_NAME)
    token = "dm_" + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(user_id=user.id, token_sha256=_token_digest(token), name=name,
                   created_at=now, expires_at=now + timedelta(days=expires_days))
    session.add(row)
    session.flush()
    record_audit(session, actor_id=user.id if actor_id is None else actor_id,
                 action="user.token.issued", object_type="user", object_id=user.id,
                 data={"token_id": row.id, "name": name, "expires_days": expires_days})
    return token


def _token_row(session: Session, token: str) -> ApiToken | None:
    return session.scalars(
        select(ApiToken).where(ApiToken.token_sha256 == _token_digest(token))
    ).first()


# built once, Core on the tables: every API request asks it. The token's two dates and the
# user's columns, the User object made from them without the ORM's per-row loading
# (db.rows.attach_row; bench/README.md "twelfth round")
_TOKENS = cast(Table, ApiToken.__table__)
_USERS = cast(Table, User.__table__)
_USER_ATTRS = tuple(User.__mapper__.get_property_by_column(c).key for c in _USERS.c)
_TOKEN_USER = (
    select(_TOKENS.c.revoked_at, _TOKENS.c.expires_at, *_USERS.c)
    .outerjoin(_USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_sha256 == bindparam("digest"))
    .limit(1)
)


def user_for_token(session: Session, token: str) -> User:
    """The user behind a live token; Unauthorized when unknown, revoked, expired or deactivated."""
    # one query for token and user (every API request pays it); nothing is cached across
    # requests, so revoking a token or deactivating a user takes effect on the next request
    autoflush(session)  # as the ORM query this was would have (a Core read does not)
    found = run(session, _TOKEN_USER, {"digest": _token_digest(token)}).first()
    if found is None or found[0] is not None:  # unknown, or revoked
        raise Unauthorized("invalid or revoked API token", reason_code="api_token_invalid")
    if found[1] <= utcnow():
        raise Unauthorized("the API token has expired; sign in for a new one",
                           reason_code="api_token_expired")
    values = dict(zip(_USER_ATTRS, found[2:], strict=True))
    if values["id"] is None:
        raise Unauthorized("invalid or revoked API token", reason_code="api_token_invalid")
    user = attach_row(session, User, values)  # the one the session holds, if it holds one
    if not user.is_active:
        raise Unauthorized("invalid or revoked API token", reason_code="api_token_invalid")
    return user


def list_tokens(session: Session, user: User) -> list[dict[str, object]]:
    """The user's tokens (never the secrets): id, name, created, expires, revoked."""
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                           .order_by(ApiToken.id))
    now = utcnow()
    return [{"id": r.id, "name": r.name, "created_at": r.created_at, "expires_at": r.expires_at,
             "revoked_at": r.revoked_at,
             "active": r.revoked_at is None and r.expires_at > now} for r in rows]


def revoke_token(
    session: Session,
    user: User,
    *,
    token_id: int | None = None,
    token: str | None = None,
    actor_id: int | None = None,
) -> int:
    """Revoke one of ``user``'s tokens, by id or by its plain value; returns the token id."""
    row = _token_row(session, token) if token else (
        session.get(ApiToken, token_id) if token_id is not None else None
    )
    if row is None or row.user_id != user.id:
        raise NotFound(f"{user.username!r} has no such token", token_id=token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record_audit(session, actor_id=actor_id, action="user.token_revoked", object_type="user",
                     object_id=user.id, data={"token_id": row.id})
    session.flush()
    return row.id


def revoke_credentials(session: Session, user: User) -> dict[str, int]:
    """End every web session and revoke every live API token of ``user``."""
    sessions = revoke_user_sessions(session, user.id)
    result = session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    session.flush()
    return {"sessions": sessions, "tokens": int(getattr(result, "rowcount", 0) or 0)}


def set_password(
    session: Session, user: User, new_password: str, *, actor_id: int | None = None
) -> dict[str, int]:
    """Give ``user`` a new password and revoke all their sessions and tokens (admin / CLI)."""
    _check_password(new_password)
    lock_or_raise(session, User, user.id, "user", keys_free=True)  # sign-ins wait
    user.password_hash = _hasher.hash(new_password)
    revoked = revoke_credentials(session, user)
    record_audit(session, actor_id=actor_id, action="user.password_changed", object_type="user",
                 object_id=user.id, data={"username": user.username, **revoked})
    return revoked


def change_password(
    session: Session, user: User, old_password: str, new_password: str
) -> dict[str, int]:
    """A user changing their own password: the old one must match.

    Checked on the row locked and read afresh: of two changes at once with the same old
    password, both passed the check and answered 204 (the first new password silently lost);
    now the second sees that the password changed under it (its credentials revoked) and is
    refused 401, as any request on a revoked token."""
    seen = user.password_hash
    lock_or_raise(session, User, user.id, "user", keys_free=True)
    if user.password_hash != seen:
        raise Unauthorized("your password was changed meanwhile (in another window or client) "
                           "and your sign-in with it; sign in again",
                           reason_code="password_changed_meanwhile")
    try:
        _hasher.verify(user.password_hash, old_password)
    except VerificationError as err:
        raise WrongPassword("the current password (old_password) is wrong; your sign-in is "
                            "still valid") from err
    return set_password(session, user, new_password, actor_id=user.id)


def deactivate_user(session: Session, user: User, *, actor_id: int | None = None) -> dict[str, int]:
    """Block sign-in and revoke every session and token (reactivating restores none of them).

    The open work they held goes back to the pool (:func:`datamill.production.tasks.
    release_work_of`): their holds on open tasks are dropped and their unfinished packages
    unassigned, or it would sit with someone who cannot sign in, hidden from everyone else.
    Returns the counts: ``sessions``, ``tokens``, ``released_tasks``, ``unassigned_packages``.

    Refused (``self_deactivate``): an actor deactivating themselves (they would be signed out
    at once, possibly the last one able to reactivate anyone); before, only the web page
    refused it, and the CLI did it."""
    from datamill.compliance.role_change import refuse_last_admin
    from datamill.production.tasks import release_work_of

    refuse_last_admin(session, user, "deactivate them")  # first: the weightier reason
    if actor_id is not None and actor_id == user.id:
        raise Conflict(
            f"{user.username!r} cannot deactivate their own account: ask another admin to do it",
            reason_code="self_deactivate", username=user.username)
    user.is_active = False
    revoked = revoke_credentials(session, user)
    released = release_work_of(session, user.id, actor_id=actor_id)
    record_audit(session, actor_id=actor_id, action="user.deactivated", object_type="user",
                 object_id=user.id, data={"username": user.username, **revoked,
                                          "released_tasks": released["tasks"],
                                          "unassigned_packages": released["packages"]})
    return {**revoked, "released_tasks": len(released["tasks"]),
            "unassigned_packages": len(released["packages"])}


def reactivate_user(session: Session, user: User, *, actor_id: int | None = None) -> None:
    """Let a deactivated user sign in again (with a password; no session or token comes back,
    and no work: their holds and packages were released on deactivation and are handed out
    afresh). Their project memberships were kept and apply again: remove them from a project
    they should no longer see (``datamill project remove-member``)."""
    if user.is_active:
        raise Conflict(f"user {user.username!r} is already active", username=user.username)
    user.is_active = True
    record_audit(session, actor_id=actor_id, action="user.reactivated", object_type="user",
                 object_id=user.id, data={"username": user.username})
    session.flush()


def require_active(user: User) -> None:
    """Conflict when ``user`` is deactivated: no project membership or work is handed to
    someone who cannot sign in (it would sit with them, hidden from everyone else)."""
    if not user.is_active:
        raise Conflict(
            f"user {user.username!r} is deactivated: reactivate them first (an admin: "
            f"`datamill user reactivate {user.username}`) or choose someone else",
            username=user.username, reason="inactive")


def add_member(session: Session, project_id: int, user: User, actor_id: int | None,
               via_vendor_id: int | None = None) -> None:
    """Make ``user`` a member of the project (a no-op when they are one); never a deactivated
    user (:func:`require_active`). ``via_vendor_id``: the vendor whose hand-off admits them,
    so that moving them away from it ends the membership (:func:`drop_vendor_memberships`);
    a membership given without one stays whatever vendor they work for."""
    require_active(user)
    exists = session.scalars(
        select(ProjectMember).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user.id
        )
    ).first()
    if exists is None:
        session.add(ProjectMember(project_id=project_id, user_id=user.id,
                                  via_vendor_id=via_vendor_id))
        data: dict[str, object] = {"user": user.username}
        if via_vendor_id is not None:
            data["via_vendor_id"] = via_vendor_id
        record_audit(
            session, actor_id=actor_id, action="project.member_added", object_type="project",
            object_id=project_id, project_id=project_id, data=data,
        )
        session.flush()
    elif via_vendor_id is None and exists.via_vendor_id is not None:
        exists.via_vendor_id = None  # now the business's own say-so: it outlasts the vendor
        session.flush()


#: whether a project membership (a ``project_members`` row of the query) counts: one the
#: business gave does; one a vendor's hand-off gave (``via_vendor_id``) only while the person's
#: role is a vendor worker's. A worker whose role changed later (made a customer or a project
#: manager by the operator) is detached from the vendor side (``workforce.policies.
#: detached_from_vendor``): the vendor's work they were admitted to is no longer theirs (a
#: customer so made read and accepted another customer's deliveries, h4 trial).
COUNTED_MEMBERSHIP = or_(
    ProjectMember.via_vendor_id.is_(None),
    exists().where(User.id == ProjectMember.user_id,
                   User.role.in_(sorted(VENDOR_WORKER_ROLES))))


def drop_vendor_memberships(session: Session, user: User, vendor_id: int,
                            actor_id: int | None, reason: str) -> list[int]:
    """End the memberships ``vendor_id``'s hand-offs gave ``user`` (they leave the vendor);
    audited one by one. Returns the project ids."""
    rows = session.scalars(select(ProjectMember).where(
        ProjectMember.user_id == user.id, ProjectMember.via_vendor_id == vendor_id)
        .order_by(ProjectMember.project_id)).all()
    for row in rows:
        record_audit(
            session, actor_id=actor_id, action="project.member_removed", object_type="project",
            object_id=row.project_id, project_id=row.project_id,
            data={"user": user.username, "via_vendor_id": vendor_id, "reason": reason},
        )
        session.delete(row)
    session.flush()  # the memo of who is a member goes with it
    return [row.project_id for row in rows]


def is_member(session: Session, project_id: int, user_id: int) -> bool:
    return remember(session, ("member", project_id, user_id), lambda: (
        session.scalars(
            select(ProjectMember.id).where(
                ProjectMember.project_id == project_id, ProjectMember.user_id == user_id,
                COUNTED_MEMBERSHIP,
            )
        ).first()
        is not None
    ))


def require(session: Session, user: User, action: Action, project_id: int | None = None) -> None:
    """Raise Forbidden unless the permission matrix lets the user do ``action`` (on a project:
    in their scope, i.e. as a member unless their role's scope is ``any``). Delegates to
    :func:`datamill.compliance.permissions.authorize`."""
    from datamill.compliance.permissions import authorize

    authorize(session, user, action, project_id=project_id)


def active_users(session: Session, *, include_inactive: bool = False) -> list[User]:
    """Every active account (or every account), by username (for pickers of people and the
    admin's list)."""
    query = select(User).order_by(User.username)
    if not include_inactive:
        query = query.where(User.is_active.is_(True))
    return list(session.scalars(query).all())


def usernames(session: Session, user_ids: set[int] | None = None) -> dict[int, str]:
    """Username by user id (of ``user_ids``, or of everyone)."""
    q = select(User.id, User.username)
    if user_ids is not None:
        if not user_ids:
            return {}
        q = q.where(User.id.in_(user_ids))
    return {int(i): str(n) for i, n in session.execute(q).all()}


def active_admin_exists(session: Session) -> bool:
    """Whether an active admin exists (the first admin may be created without ``--as``)."""
    return session.scalars(select(User.id).where(
        User.role == Role.ADMIN.value, User.is_active.is_(True))).first() is not None
