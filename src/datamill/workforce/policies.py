"""Who may do what in the workforce domain, and the vendor wall: the permission matrix
(:mod:`datamill.compliance.permissions`) applied to workforce.

The business side (roles with :attr:`Action.MANAGE_WORKFORCE`: admins, project managers,
procurement) runs the supplier list, prices, qualification and settlement; those who may view
every vendor (:attr:`Action.VIEW_WORKFORCE` in scope ``any``: auditors and finance too) see it
all. A vendor
manager (a worker with ``is_manager``, the sole worker of an individual supplier, or the
``vendor_manager`` role) sees and acts on **only**
their own vendor's people, packages and sheets; any attempt to reach another vendor's data is
refused with Forbidden and changes nothing. An object addressed by its id (a vendor, a worker,
a settlement sheet) that the caller may not see at all (:func:`sees_vendor`) answers as one
never given out (:func:`hide_foreign`), so that ids cannot be probed for which vendor owns what.

Finance pays the vendors (domain §5.1: bank transfer, never cash, income tax withheld; §6.4:
payment only company → counterparty account): those with :attr:`Action.PAY_VENDORS` (finance
and the holders of a ledger approval role, besides the business side that settled sheets
before) see every settlement sheet and record its payment (:func:`require_payer`); confirming
the accepted volume stays with the business side.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.permissions import Scope, check, role_scope
from datamill.compliance.roles import VENDOR_WORKER_ROLES, Action, Role, role_with_article
from datamill.core.errors import Forbidden
from datamill.db.lookup import not_found
from datamill.workforce.models import Vendor, Worker

__all__ = [
    "BUSINESS_ROLES",
    "VENDOR_WORKER_ROLES",
    "detached_from_vendor",
    "hide_foreign",
    "is_business",
    "managed_vendor_id",
    "manages_workforce",
    "pays_vendors",
    "reads_vendor_list",
    "require_business",
    "require_payer",
    "require_procurement_reader",
    "require_project_business",
    "require_vendor_scope",
    "sees_vendor",
]

#: roles that may write on the business side (derived from the matrix)
BUSINESS_ROLES = frozenset(
    r.value for r in Role if role_scope(r, Action.MANAGE_WORKFORCE) is not Scope.NONE
)


def detached_from_vendor(role: str, vendor_id: int | None) -> bool:
    """Whether a vendor's worker record (``vendor_id`` not None) belongs to a person whose role
    is no vendor worker's any more (:data:`VENDOR_WORKER_ROLES`; the role changed after they
    were registered, or before the ``worker_role`` rule): the record no longer ties them to the
    vendor. Its manager neither sees nor acts on them, and they wear no vendor manager's hat and
    see nothing of the vendor through it (h4 trial); the business side still sees the record
    and moves it in-house. The project memberships the vendor's hand-offs gave them count no
    more either (:data:`datamill.compliance.users.COUNTED_MEMBERSHIP`)."""
    return vendor_id is not None and role not in VENDOR_WORKER_ROLES


def is_business(user: User) -> bool:
    """Whether the user sees every vendor (the business side, and auditors)."""
    return user.is_active and role_scope(user.role, Action.VIEW_WORKFORCE) is Scope.ANY


def manages_workforce(user: User) -> bool:
    """Whether the user writes on the business side (draws up and confirms settlement sheets)."""
    return user.is_active and check(None, user, Action.MANAGE_WORKFORCE) is None


def managed_vendor_id(session: Session, user: User) -> int | None:
    """The vendor this user manages, or None: the vendor whose manager they are
    (``is_manager``), or the individual supplier (个人供应商, domain §5.1) whose only active
    worker they are (an individual confirms their own sheets; nobody need name them)."""
    if user.role not in VENDOR_WORKER_ROLES:  # detached_from_vendor: no manager's hat
        return None
    row = session.execute(
        select(Worker.vendor_id, Worker.is_manager, Vendor.kind)
        .join(Vendor, Vendor.id == Worker.vendor_id)
        .where(Worker.user_id == user.id, Worker.active.is_(True))
    ).first()
    if row is None:
        return None
    vendor_id, is_manager, kind = row
    if vendor_id is None or (not is_manager and kind != "individual"):
        return None
    if is_manager:
        return int(vendor_id)
    people = session.scalar(select(func.count()).select_from(Worker).where(
        Worker.vendor_id == vendor_id, Worker.active.is_(True)))
    return int(vendor_id) if people == 1 else None


def require_business(user: User, what: str, *, read: bool = False) -> None:
    """The business side may ``what``; with ``read=True`` whoever may view every vendor."""
    if read:
        if not is_business(user):
            raise Forbidden(f"only procurement, a project manager, finance or an auditor may "
                            f"{what}; "
                            f"{user.username!r} is {role_with_article(user.role)}",
                            reason_code="role", action=Action.VIEW_WORKFORCE.value)
        return
    if check(None, user, Action.MANAGE_WORKFORCE) is not None:
        raise Forbidden(
            f"only procurement or a project manager may {what}; {user.username!r} is "
            f"{role_with_article(user.role)}",
            reason_code="role", action=Action.MANAGE_WORKFORCE.value,
        )


def pays_vendors(session: Session, user: User) -> bool:
    """Whether the user records vendor payments (:attr:`Action.PAY_VENDORS`, hats included)."""
    return user.is_active and check(session, user, Action.PAY_VENDORS) is None


def reads_vendor_list(session: Session, user: User) -> bool:
    """Whether the user reads every vendor's record (the supplier list, one vendor): whoever
    views every vendor, and finance, who pays them all (read only; a vendor's people,
    packages and workers' dashboards stay the business side's and auditors')."""
    return is_business(user) or pays_vendors(session, user)


def require_procurement_reader(session: Session, user: User, what: str) -> None:
    """Who reads the procurement records (requests, agreements, purchase orders): the business
    side, auditors, and finance, who matches what it pays against the purchase order (domain
    §5.2, §6.4); writing them stays the business side's."""
    if not reads_vendor_list(session, user):
        require_business(user, what)


def require_payer(session: Session, user: User, what: str) -> None:
    """Finance (or the business side) may ``what``: record a sheet's payment."""
    if not pays_vendors(session, user):
        raise Forbidden(
            f"only finance (or procurement, a project manager) may {what}; {user.username!r} "
            f"is {role_with_article(user.role)}",
            reason_code="role", action=Action.PAY_VENDORS.value,
        )


def require_project_business(session: Session, user: User, project_id: int, what: str) -> None:
    """The business side, and (scope ``member``) a member of the project it acts on."""
    require_business(user, what)
    refusal = check(session, user, Action.MANAGE_WORKFORCE, project_id=project_id)
    if refusal is not None:  # the refusal says why (not a member, not cleared ...)
        raise Forbidden(f"{refusal.message}: may not {what}", reason_code=refusal.reason,
                        action=Action.MANAGE_WORKFORCE.value)


def require_vendor_scope(
    session: Session, user: User, vendor_id: int | None, what: str, *, write: bool = False
) -> None:
    """Those who see every vendor may read any vendor's data; the business may act on any; a
    vendor manager only on their own vendor."""
    action = Action.MANAGE_VENDOR if write else Action.VIEW_WORKFORCE
    if write and check(None, user, Action.MANAGE_WORKFORCE) is None:
        return  # the business side acts on every vendor
    refusal = check(session, user, action, vendor_id=vendor_id)
    if refusal is None:
        return
    mine = managed_vendor_id(session, user)
    if mine is None:
        raise Forbidden(f"{user.username!r} manages no vendor and may not see or act on {what}",
                        reason_code="vendor", action=action.value)
    owner = "in-house staff" if vendor_id is None else f"vendor {vendor_id}"
    if re.search(rf"\b{re.escape(owner)}\b", what) is None:
        what = f"{what} (of {owner})"
    raise Forbidden(
        f"{user.username!r} manages vendor {mine} and may see or act on only that vendor's "
        f"data, not on {what}", reason_code="vendor", action=action.value,
    )


def sees_vendor(session: Session, user: User, vendor_id: int | None) -> bool:
    """Whether ``user`` may know that the objects of vendor ``vendor_id`` (None: of in-house
    staff) exist: whoever views every vendor (the business side, auditors), finance, who pays
    every vendor's sheets, and the vendor's own people (its manager, and its workers, who are
    refused with a reason, 403, what only the manager may read)."""
    if is_business(user) or pays_vendors(session, user):
        return True
    if detached_from_vendor(user.role, vendor_id):
        return False
    return vendor_id is not None and session.scalar(select(Worker.id).where(
        Worker.user_id == user.id, Worker.vendor_id == vendor_id,
        Worker.active.is_(True)).limit(1)) is not None


def hide_foreign(session: Session, viewer: User | None, owner_vendor: int | None, what: str,
                 ident: int, *, owner_id: int | None = None, **context: object) -> None:
    """The very NotFound a missing ``what`` with id ``ident`` raises when ``viewer`` may not
    see the objects of vendor ``owner_vendor`` (:func:`sees_vendor`) and is not ``owner_id`` (the
    user the object is, a worker's own record), so that asking for another vendor's object
    answers as for an id never given out; nothing otherwise (whoever sees it and may not do
    the thing still hears why, 403). ``viewer`` None checks nothing."""
    if viewer is None or (owner_id is not None and owner_id == viewer.id):
        return
    if not sees_vendor(session, viewer, owner_vendor):
        raise not_found(what, ident, **context)
