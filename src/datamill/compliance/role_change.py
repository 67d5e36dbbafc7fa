"""An admin changes a user's role; the installation never loses its last active admin.

A user's role is read from their row on every request (an API token and a web session point at
the user, not at a role), so the new role holds at once for every token and session they have:
nothing is revoked. The open work they held that the new role may not do (an annotator made a
customer) goes back to the pool, as on deactivation. Someone made a customer leaves every
project they were a member of: a customer's membership is what lets them read and take a
project's deliveries, and the ones given for their work (any customer's projects) are not theirs
to take (h6); their own customer's projects admit them afresh.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import ProjectMember, User
from datamill.compliance.roles import Action, Role, allowed
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.lookup import lock_or_raise

__all__ = ["WORK_ACTIONS", "refuse_last_admin", "set_role"]

#: the actions whose open work (claimed tasks, assigned packages) a person holds
WORK_ACTIONS = (Action.ANNOTATE, Action.REVIEW, Action.INSPECT)


def refuse_last_admin(session: Session, user: User, what: str) -> None:
    """Conflict (``last_admin``) when ``user`` is the only active admin and ``what`` (a role
    change, a deactivation) would leave the installation with none: nobody could create users,
    change roles or reactivate anyone again.

    The active admins' rows are locked first (PostgreSQL ``FOR NO KEY UPDATE``; SQLite runs
    one writer at a time), so two admins demoting each other at once cannot both pass."""
    if user.role != Role.ADMIN.value or not user.is_active:
        return
    admins = session.scalars(
        select(User.id).where(User.role == Role.ADMIN.value, User.is_active.is_(True))
        .order_by(User.id).with_for_update(key_share=True)).all()
    if [i for i in admins if i != user.id]:
        return
    raise Conflict(
        f"{user.username!r} is the last active admin: make another user an admin first "
        f"(`datamill user set-role NAME --role admin`), then {what}",
        reason_code="last_admin", username=user.username, what=what)


def _leave_projects(session: Session, user: User, actor_id: int | None, role: str) -> list[int]:
    """End every project membership of ``user`` (made a ``role`` that takes deliveries),
    audited one by one (``project.member_removed``, reason ``role changed``); the project ids."""
    rows = session.scalars(select(ProjectMember).where(ProjectMember.user_id == user.id)
                           .order_by(ProjectMember.project_id).with_for_update()).all()
    for row in rows:
        record_audit(session, actor_id=actor_id, action="project.member_removed",
                     object_type="project", object_id=row.project_id, project_id=row.project_id,
                     data={"user": user.username, "reason": "role changed", "to": role})
        session.delete(row)
    session.flush()  # the memo of who is a member goes with it
    return [row.project_id for row in rows]


def set_role(session: Session, user: User, role: str, *, actor_id: int | None) -> dict[str, object]:
    """Give ``user`` the role ``role`` (one of :class:`Role`), audited (``user.role_changed``,
    the old and new role). Refused: an unknown role (``role_unknown``), the role they already
    have (``role_unchanged``), the last active admin's demotion (``last_admin``).

    Returns ``username``, ``role``, ``previous_role``, the open work given back to the pool
    (``released_tasks``, ``unassigned_packages``: counts) because the new role may not do it,
    and the project memberships ended (``ended_memberships``: a count; made a customer only)."""
    roles = [r.value for r in Role]
    if role not in roles:
        raise InvalidInput(f"unknown role {role!r}; available: {', '.join(roles)}",
                           field="role", reason_code="role_unknown", role=role, roles=roles)
    user = lock_or_raise(session, User, user.id, "user", keys_free=True)
    previous = user.role
    if role == previous:
        raise Conflict(f"{user.username!r} already has the role {role!r}",
                       reason_code="role_unchanged", username=user.username, role=role)
    if role != Role.ADMIN.value:
        refuse_last_admin(session, user, "change this role")
    user.role = role
    session.flush()
    released: dict[str, list[int]] = {"tasks": [], "packages": []}
    if any(allowed(previous, a) and not allowed(role, a) for a in WORK_ACTIONS):
        from datamill.production.holds import release_work_of

        released = release_work_of(session, user.id, actor_id=actor_id,
                                   reason="assignee's role changed")
    ended = _leave_projects(session, user, actor_id, role) if role == Role.CUSTOMER.value else []
    record_audit(session, actor_id=actor_id, action="user.role_changed", object_type="user",
                 object_id=user.id, data={"username": user.username, "from": previous,
                                          "to": role, "released_tasks": released["tasks"],
                                          "unassigned_packages": released["packages"],
                                          "ended_memberships": ended})
    session.flush()
    return {"username": user.username, "role": role, "previous_role": previous,
            "released_tasks": len(released["tasks"]),
            "unassigned_packages": len(released["packages"]),
            "ended_memberships": len(ended)}
