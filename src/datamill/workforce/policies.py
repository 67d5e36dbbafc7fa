"""Who may do what in the workforce domain, and the vendor wall.

The business side (``admin``, ``project_manager``: procurement and project management) runs the
supplier list, prices, qualification and settlement. A vendor manager (a worker with
``is_manager``) sees and acts on **only** their own vendor's people, packages and sheets; any
attempt to reach another vendor's data is refused with Forbidden and changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.roles import Role
from datamill.compliance.users import is_member
from datamill.core.errors import Forbidden
from datamill.workforce.models import Worker

__all__ = [
    "BUSINESS_ROLES",
    "is_business",
    "managed_vendor_id",
    "require_business",
    "require_project_business",
    "require_vendor_scope",
]

BUSINESS_ROLES = frozenset({"admin", "project_manager"})


def is_business(user: User) -> bool:
    return user.role in BUSINESS_ROLES


def managed_vendor_id(session: Session, user: User) -> int | None:
    """The vendor this user manages, or None."""
    return session.scalar(
        select(Worker.vendor_id).where(
            Worker.user_id == user.id, Worker.is_manager.is_(True), Worker.active.is_(True)
        )
    )


def require_business(user: User, what: str) -> None:
    if not is_business(user):
        raise Forbidden(
            f"only procurement or a project manager may {what}; {user.username!r} is a {user.role}"
        )


def require_project_business(session: Session, user: User, project_id: int, what: str) -> None:
    """The business side, and (admins excepted) a member of the project it acts on."""
    require_business(user, what)
    if user.role != Role.ADMIN and not is_member(session, project_id, user.id):
        raise Forbidden(
            f"{user.username!r} is not a member of project {project_id} and may not {what}"
        )


def require_vendor_scope(session: Session, user: User, vendor_id: int | None, what: str) -> None:
    """The business may act on any vendor; a vendor manager only on their own."""
    if is_business(user):
        return
    mine = managed_vendor_id(session, user)
    if mine is None:
        raise Forbidden(f"{user.username!r} manages no vendor and may not see or act on {what}")
    if vendor_id != mine:
        raise Forbidden(
            f"{user.username!r} manages vendor {mine}; {what} belongs to "
            f"{'in-house staff' if vendor_id is None else f'vendor {vendor_id}'} and is not visible"
        )
