"""Surveying-and-mapping qualification (测绘资质): a per-project flag that gates the whole chain.

On a project flagged ``surveying_required`` only people holding a valid qualification, their own
or their vendor's, may take tasks, at every stage. The gate is a claim guard (entry point
``datamill.claim_guards``), so production enforces it without importing this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.security_models import SurveyingQualification, SurveyingRequirement
from datamill.compliance.users import require
from datamill.core.clock import utcnow
from datamill.core.errors import Forbidden, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.db.memo import Lookup, remember

__all__ = [
    "grant_qualification",
    "has_qualification",
    "list_qualifications",
    "revoke_qualification",
    "set_surveying_required",
    "surveying_guard",
    "surveying_lookups",
    "surveying_required",
]


_REQUIREMENTS = cast(Table, SurveyingRequirement.__table__)
_REQUIRED = select(_REQUIREMENTS.c.required).where(  # built once, Core: every claim's guard asks
    _REQUIREMENTS.c.project_id == bindparam("p_project"))


_REQUIRED_COLUMN = _REQUIRED.scalar_subquery()


def surveying_required(session: Session, project_id: int) -> bool:
    return bool(remember(session, ("surveying_required", project_id),
                         lambda: session.scalar(_REQUIRED, {"p_project": project_id})))


def set_surveying_required(
    session: Session, actor: User, project_id: int, required: bool
) -> dict[str, Any]:
    from datamill.production.models import Project

    get_or_raise(session, Project, project_id, "project", project_id=project_id)
    require(session, actor, Action.MANAGE_PROJECT, project_id)
    row = session.get(SurveyingRequirement, project_id)
    if row is None:
        row = SurveyingRequirement(project_id=project_id)
        session.add(row)
    row.required, row.set_at = required, utcnow()
    session.flush()
    record_audit(session, actor_id=actor.id, action="security.surveying_flag_set",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"required": required})
    return {"project_id": project_id, "surveying_required": required}


def _qual_dict(q: SurveyingQualification) -> dict[str, Any]:
    return {"id": q.id, "user_id": q.user_id, "vendor_id": q.vendor_id, "grade": q.grade,
            "certificate_no": q.certificate_no, "valid_until": q.valid_until,
            "granted_at": q.granted_at, "revoked_at": q.revoked_at}


def grant_qualification(
    session: Session, actor: User, *, user_id: int | None = None, vendor_id: int | None = None,
    grade: str = "B", certificate_no: str = "", valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Record a qualification held by a person or by a vendor (admins)."""
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    if (user_id is None) == (vendor_id is None):
        raise InvalidInput("a qualification belongs to exactly one of a user or a vendor")
    if user_id is not None:
        get_or_raise(session, User, user_id, "user", user_id=user_id)
    if vendor_id is not None:
        from datamill.workforce.models import Vendor

        get_or_raise(session, Vendor, vendor_id, "vendor", vendor_id=vendor_id)
    if grade not in ("A", "B"):
        raise InvalidInput("grade must be A (甲级) or B (乙级)", field="grade")
    q = SurveyingQualification(user_id=user_id, vendor_id=vendor_id, grade=grade,
                               certificate_no=certificate_no, valid_until=valid_until)
    session.add(q)
    session.flush()
    record_audit(session, actor_id=actor.id, action="security.surveying_granted",
                 object_type="surveying_qualification", object_id=q.id,
                 data={"user_id": user_id, "vendor_id": vendor_id, "grade": grade})
    return _qual_dict(q)


def revoke_qualification(session: Session, actor: User, qualification_id: int) -> dict[str, Any]:
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    q = get_or_raise(session, SurveyingQualification, qualification_id, "surveying qualification")
    if q.revoked_at is None:
        q.revoked_at = utcnow()
        session.flush()
        record_audit(session, actor_id=actor.id, action="security.surveying_revoked",
                     object_type="surveying_qualification", object_id=q.id)
    return _qual_dict(q)


def list_qualifications(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(SurveyingQualification).order_by(SurveyingQualification.id))
    return [_qual_dict(q) for q in rows]


def _vendor_ids(session: Session, user: User) -> set[int]:
    from datamill.production.tasks import claimer_vendor

    ids = {v for v in (user.vendor_id, claimer_vendor(session, user)) if v is not None}
    return ids


def has_qualification(session: Session, user: User) -> bool:
    now = utcnow()
    holders = [SurveyingQualification.user_id == user.id]
    vendors = _vendor_ids(session, user)
    if vendors:
        holders.append(SurveyingQualification.vendor_id.in_(vendors))
    rows = session.scalars(select(SurveyingQualification).where(
        or_(*holders), SurveyingQualification.revoked_at.is_(None))).all()
    return any(q.valid_until is None or q.valid_until > now for q in rows)


def surveying_guard(session: Session, user: User, project_id: int, stage: str) -> None:
    """Claim guard (entry point ``datamill.claim_guards``): every stage of a project flagged
    ``surveying_required`` needs a valid surveying qualification, the person's or their
    vendor's."""
    if surveying_required(session, project_id) and not has_qualification(session, user):
        raise Forbidden(
            f"{user.username!r} may not take {stage} work in project {project_id}: it holds "
            "surveying-and-mapping data and needs a valid surveying qualification "
            "(their own or their vendor's)", project_id=project_id, reason_code="surveying",
        )


def surveying_lookups(user_id: int, project_id: int, stage: str) -> list[Lookup]:
    """Claim lookups (entry point ``datamill.claim_lookups``): what :func:`surveying_guard`
    asks first, for a claim to read ahead with its other questions."""
    return [Lookup(("surveying_required", project_id), _REQUIRED_COLUMN)]
