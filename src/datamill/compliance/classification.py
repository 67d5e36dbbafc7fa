"""Project sensitivity levels and people's clearance: who may see a project's originals.

A project without a classification row is ``internal``; a person without a clearance row is
cleared for ``internal``. A person may handle a project only when their clearance is at least
the project's level (admins included: clearance is vetting, not a role).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import ProjectMember, User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.security_models import ProjectClassification, UserClearance
from datamill.compliance.users import COUNTED_MEMBERSHIP, require
from datamill.core.clock import utcnow
from datamill.core.errors import Forbidden, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.db.memo import Lookup, prefetch, remember

__all__ = [
    "DEFAULT_LEVEL",
    "LEVELS",
    "access_lookups",
    "clearance_guard",
    "hidden_project_ids",
    "is_cleared",
    "project_level",
    "read_project_access",
    "require_clearance",
    "require_project_or_office",
    "require_visible",
    "set_classification",
    "set_clearance",
    "user_clearance",
    "visible_project_ids",
    "who_clears",
]

LEVELS = ("public", "internal", "confidential", "secret")
DEFAULT_LEVEL = "internal"


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise InvalidInput(f"unknown sensitivity level {level!r}: use one of {', '.join(LEVELS)}",
                           field="level", value=level, allowed=list(LEVELS),
                           reason_code="sensitivity_level")
    return level


def _project(session: Session, project_id: int) -> None:
    from datamill.production.models import Project

    get_or_raise(session, Project, project_id, "project", project_id=project_id)


def project_level(session: Session, project_id: int) -> str:
    level = remember(session, ("project_level", project_id), lambda: session.scalar(  # asked
        select(ProjectClassification.level).where(  # twice by a claim
            ProjectClassification.project_id == project_id)))
    return level if level is not None else DEFAULT_LEVEL


def user_clearance(session: Session, user_id: int) -> str:
    level = remember(session, ("user_clearance", user_id), lambda: session.scalar(
        select(UserClearance.level).where(UserClearance.user_id == user_id)))
    return level if level is not None else DEFAULT_LEVEL


_MEMBER = exists().where(  # built once: asked by every request on a project
    ProjectMember.project_id == bindparam("p_project"),
    ProjectMember.user_id == bindparam("p_user"),
    COUNTED_MEMBERSHIP,
)
# Core on the tables: read ahead on the session's connection (db.memo.run)
_LEVELS = cast(Table, ProjectClassification.__table__)
_CLEARANCES = cast(Table, UserClearance.__table__)
_PROJECT_LEVEL = select(_LEVELS.c.level).where(
    _LEVELS.c.project_id == bindparam("p_project")).scalar_subquery()
_CLEARANCE = select(_CLEARANCES.c.level).where(
    _CLEARANCES.c.user_id == bindparam("p_user")).scalar_subquery()


def access_lookups(user_id: int, project_id: int) -> list[Lookup]:
    """What ``authorize`` on a project asks (membership, the project's level, the person's
    clearance) as read-ahead lookups with parameters ``p_user`` and ``p_project``
    (:func:`datamill.db.memo.prefetch`); a request that asks more may read them in the same
    statement."""
    return [Lookup(("member", project_id, user_id), _MEMBER),
            Lookup(("project_level", project_id), _PROJECT_LEVEL),
            Lookup(("user_clearance", user_id), _CLEARANCE)]


def read_project_access(session: Session, user_id: int, project_id: int) -> None:
    """Membership, the project's level and the person's clearance in one query, kept for the
    rest of the transaction (what ``authorize`` on a project asks next; see ``db.memo``); no
    query when a read ahead already has them."""
    prefetch(session, access_lookups(user_id, project_id),
             {"p_project": project_id, "p_user": user_id})


def _office(user: User | None) -> bool:
    """Whether ``user`` is of the data-security office (admins, data-security officers)."""
    return user is not None and allowed(user.role, Action.MANAGE_DATA_SECURITY)


def who_clears(user: User, level: str) -> str:
    """Who raises ``user``'s clearance to ``level``, worded for them (the end of a refusal): an
    admin sets their own, an officer is vetted by another officer or an admin, anyone else by
    the data-security office (an officer is never told to ask their own office)."""
    if user.role == "admin":
        name = user.username
        return (f"as an admin, {name!r} may raise their own clearance to {level!r} first "
                f"(datamill security clearance {name} {level} --as {name})")
    if _office(user):
        return (f"another data-security officer or an admin clears {user.username!r} for "
                f"{level!r} first (nobody but an admin sets their own clearance)")
    return (f"the data-security office (an admin or a data-security officer) clears "
            f"{user.username!r} for {level!r} first")


def require_project_or_office(session: Session, actor: User, project_id: int) -> None:
    """Forbidden unless ``actor`` manages the project, or is of the data-security office and
    cleared for it: the project's data-security work (classification, desensitization)."""
    if _office(actor) and actor.role != "admin":  # an officer handles any project they may see
        require_clearance(session, actor, project_id)
    else:
        require(session, actor, Action.MANAGE_PROJECT, project_id)


def set_classification(
    session: Session, actor: User, project_id: int, level: str
) -> dict[str, Any]:
    """Classify a project: its project managers, and the data-security office (admins, and
    data-security officers cleared for the project) for any project. A level the office set
    is lowered only by the office (a project manager may raise it, never undo it)."""
    _check_level(level)
    _project(session, project_id)
    office = _office(actor)
    require_project_or_office(session, actor, project_id)
    own = user_clearance(session, actor.id)
    if actor.role != "admin" and LEVELS.index(level) > LEVELS.index(own):
        raise Forbidden(  # one could not see the project afterwards: vetting comes first
            f"{actor.username!r} (clearance {own!r}) may not classify a project {level!r}; "
            + who_clears(actor, level), project_id=project_id)
    row = session.get(ProjectClassification, project_id)
    before = row.level if row is not None else None
    floor = None if office else _office_level(session, project_id)
    if floor is not None and LEVELS.index(level) < LEVELS.index(floor):
        raise Forbidden(
            f"project {project_id} was classified {floor!r} by the data-security office;"
            " only the office may lower it", project_id=project_id)
    if row is None:
        row = ProjectClassification(project_id=project_id, level=level)
        session.add(row)
    row.level, row.set_by, row.set_at = level, actor.id, utcnow()
    session.flush()
    released: list[int] = []
    if LEVELS.index(level) > LEVELS.index(before or DEFAULT_LEVEL):  # holders not cleared
        from datamill.compliance.clearance_holds import release_holders_below

        released = release_holders_below(session, project_id, level, actor.id)
    shown = {"released_tasks": released} if released else {}
    record_audit(session, actor_id=actor.id, action="security.project_classified",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"level": level, "before": before, **shown})
    return {"project_id": project_id, "level": level, **shown}


def _office_level(session: Session, project_id: int) -> str | None:
    """The level the data-security office last set on the project (from the audit trail,
    which keeps every classification with who made it), or None. ``set_by`` names only the
    last setter: a manager who raised the office's level and then lowered it again undid the
    office's level."""
    from datamill.compliance.models import AuditRecord

    rows = session.execute(
        select(AuditRecord.actor_id, AuditRecord.data)
        .where(AuditRecord.object_type == "project", AuditRecord.object_id == project_id,
               AuditRecord.action == "security.project_classified")
        .order_by(AuditRecord.id.desc()))
    for actor_id, data in rows:
        if actor_id is not None and _office(session.get(User, actor_id)):
            return str(data.get("level")) if isinstance(data, dict) else None
    return None


def set_clearance(session: Session, actor: User, user_id: int, level: str) -> dict[str, Any]:
    """Set a person's clearance (the data-security office: it is personnel vetting). Nobody
    but an admin sets their own: an officer is vetted by another officer or an admin."""
    _check_level(level)
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    if user_id == actor.id and actor.role != "admin":
        raise Forbidden(f"{actor.username!r} may not set their own clearance; another "
                        "data-security officer or an admin vets them", user_id=user_id)
    target = get_or_raise(session, User, user_id, "user", user_id=user_id)
    row = session.get(UserClearance, user_id)
    before = row.level if row is not None else None
    if row is None:
        row = UserClearance(user_id=user_id, level=level)
        session.add(row)
    row.level, row.set_by, row.set_at = level, actor.id, utcnow()
    session.flush()
    released: dict[str, list[int]] = {}
    if LEVELS.index(level) < LEVELS.index(before or DEFAULT_LEVEL):  # work held above it goes
        from datamill.compliance.clearance_holds import release_uncleared_holds

        released = release_uncleared_holds(session, user_id, level, actor.id)
    record_audit(session, actor_id=actor.id, action="security.clearance_set",
                 object_type="user", object_id=user_id,
                 data={"username": target.username, "level": level, "before": before,
                       **released})
    return {"user_id": user_id, "username": target.username, "level": level, **released}


def is_cleared(session: Session, user: User, project_id: int) -> bool:
    need = LEVELS.index(project_level(session, project_id))
    return LEVELS.index(user_clearance(session, user.id)) >= need


def require_clearance(session: Session, user: User, project_id: int) -> None:
    """Forbidden unless ``user``'s clearance reaches the project's sensitivity level."""
    if not is_cleared(session, user, project_id):
        raise Forbidden(
            f"{user.username!r} (clearance {user_clearance(session, user.id)!r}) may not handle "
            f"project {project_id}, classified {project_level(session, project_id)!r}",
            project_id=project_id, reason_code="clearance",
        )


def clearance_guard(session: Session, user: User, project_id: int, stage: str) -> None:
    """Claim guard (entry point ``datamill.claim_guards``): no task of a project above one's
    clearance, at any stage."""
    require_clearance(session, user, project_id)


def hidden_project_ids(session: Session, user: User | None) -> set[int]:
    """Projects classified above ``user``'s clearance: no list may name them to that user.

    Admins see every project (as :func:`~datamill.compliance.permissions.authorize` lets them
    act on every one); ``user=None`` is an unnamed viewer (a CLI listing without ``--as``) with
    the default clearance.
    """
    if user is not None and user.role == "admin":
        return set()
    own = LEVELS.index(user_clearance(session, user.id) if user is not None else DEFAULT_LEVEL)
    above = LEVELS[own + 1:]
    if not above:
        return set()
    return set(session.scalars(
        select(ProjectClassification.project_id).where(ProjectClassification.level.in_(above))))


def visible_project_ids(session: Session, user: User | None,
                        ids: set[int] | None = None) -> set[int] | None:
    """``ids`` (None: every project) less the projects hidden from ``user``; None still means
    every project when nothing is hidden."""
    hidden = hidden_project_ids(session, user)
    if not hidden:
        return ids
    if ids is None:
        from datamill.production.models import Project

        ids = set(session.scalars(select(Project.id)))
    return ids - hidden


def require_visible(session: Session, user: User | None, project_id: int) -> None:
    """Forbidden when the project is hidden from ``user`` (see :func:`hidden_project_ids`):
    for views that are not project-scoped actions (finance pages, listings by id)."""
    if project_id in hidden_project_ids(session, user):
        who = repr(user.username) if user is not None else "an unnamed viewer"
        raise Forbidden(f"{who} is not cleared for project {project_id}", project_id=project_id,
                        reason_code="clearance")
