"""The supplier list, framework agreements, workers with skills, identity checks and grades."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.people import person_name
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.money import MAX_AMOUNT
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, not_found
from datamill.db.memo import Lookup, remember
from datamill.db.party_registry import registered_name
from datamill.workforce.identity_ref import masked_reference
from datamill.workforce.models import Grade, Vendor, Worker
from datamill.workforce.policies import (
    VENDOR_WORKER_ROLES,
    detached_from_vendor,
    hide_foreign,
    is_business,
    managed_vendor_id,
    reads_vendor_list,
    require_business,
    require_vendor_scope,
)
from datamill.workforce.schemas import VendorOut, WorkerOut

__all__ = [
    "CYCLES",
    "FEE_RANGE",
    "VENDOR_KINDS",
    "VENDOR_WORKER_ROLES",
    "clean_languages",
    "clean_list",
    "create_grade",
    "create_vendor",
    "default_fee_rate",
    "find_worker_of_user",
    "get_vendor",
    "get_worker",
    "list_vendors",
    "list_workers",
    "record_agreement",
    "register_worker",
    "require_worker_role",
    "set_vendor_qualified",
    "to_decimal",
    "verify_identity",
    "worker_for_user",
    "worker_lookup",
    "worker_out",
]

VENDOR_KINDS = ("company", "studio", "individual")
CYCLES = ("weekly", "half_monthly", "monthly")
FEE_RANGE = (Decimal("0.06"), Decimal("0.115"))
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$")


def to_decimal(value: object, field: str) -> Decimal:
    """A Decimal from user input (str/int/Decimal); floats are refused (binary error)."""
    if isinstance(value, float):
        raise InvalidInput(
            f"{field} must be given as a string or Decimal, not a float", field=field,
            reason_code="decimal_string_not_float",
        )
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation as err:
        raise InvalidInput(f"{field} {value!r} is not a number", field=field,
                           reason_code="not_a_number", value=str(value)) from err
    # NaN and Infinity are Decimals too: compared or rounded later they crashed the command
    if not d.is_finite() or d.copy_abs() > MAX_AMOUNT:
        raise InvalidInput(f"{field} {value!r} is not a finite number of at most {MAX_AMOUNT:,f}",
                           field=field,
                           reason_code="amount_not_finite", value=str(value), MAX_AMOUNT=f"{MAX_AMOUNT:,f}")
    return d


def default_fee_rate(kind: str) -> str:
    """The management fee rate a vendor of ``kind`` gets when none is given: 0.08 for a
    company or studio (within the agreed 6–11.5%, domain §5.3); 0 for an individual supplier,
    who is paid for their own work and has no workers to manage, so no management fee."""
    return "0" if kind == "individual" else "0.08"


def create_vendor(
    session: Session,
    actor: User,
    *,
    name: str,
    kind: str,
    fee_rate: object = None,
    settlement_cycle: str = "weekly",
    licence_no: str | None = None,
    agreement_no: str | None = None,
    agreement_signed_on: date | None = None,
    contact: str | None = None,
) -> VendorOut:
    """Add a supplier with its framework agreement (not yet on the qualified list); without a
    ``fee_rate``, :func:`default_fee_rate` of its kind."""
    require_business(actor, "add vendors")
    name = registered_name(session, Vendor, name, party="vendor")
    if kind not in VENDOR_KINDS:
        raise InvalidInput(
            f"unknown vendor kind {kind!r}; use one of {', '.join(VENDOR_KINDS)}", field="kind",
            reason_code="vendor_kind_unknown", kind=str(kind), value=', '.join(VENDOR_KINDS),
        )
    if settlement_cycle not in CYCLES:
        raise InvalidInput(
            f"unknown settlement cycle {settlement_cycle!r}; use one of {', '.join(CYCLES)}",
            field="settlement_cycle",
            reason_code="vendor_cycle_unknown", settlement_cycle=str(settlement_cycle),
            value=', '.join(CYCLES),
        )
    rate = to_decimal(default_fee_rate(kind) if fee_rate is None else fee_rate, "fee_rate")
    if rate != rate.quantize(Decimal("0.0001")):  # stored to 4 places (0.0825 = 8.25%)
        raise InvalidInput(f"fee rate {rate} has more than 4 decimals: give it to a hundredth "
                           "of a percent, e.g. 0.0825 for 8.25%", field="fee_rate",
                           reason_code="fee_rate_decimals", rate=str(rate))
    low, high = FEE_RANGE
    if kind == "individual":
        if not Decimal(0) <= rate <= high:
            raise InvalidInput(f"fee rate {rate} must be between 0 and {high}", field="fee_rate",
                               reason_code="fee_rate_range", rate=str(rate), high=str(high))
    elif not low <= rate <= high:
        raise InvalidInput(
            f"management fee rate {rate} is outside the agreed range {low}–{high} (6–11.5%)",
            field="fee_rate",
            reason_code="fee_rate_agreed_range", rate=str(rate), low=str(low), high=str(high),
        )
    vendor = Vendor(
        name=name,
        kind=kind,
        fee_rate=rate,
        settlement_cycle=settlement_cycle,
        licence_no=licence_no,
        agreement_no=agreement_no,
        agreement_signed_on=agreement_signed_on,
        contact=contact,
    )
    session.add(vendor)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as err:
        raise Conflict(f"a vendor named {name!r} already exists", name=name,
                       reason_code="vendor_name_exists") from err
    record_audit(
        session,
        actor_id=actor.id,
        action="vendor.created",
        object_type="vendor",
        object_id=vendor.id,
        data={"name": name, "kind": kind, "fee_rate": str(rate)},
    )
    return VendorOut.model_validate(vendor)


def _vendor(session: Session, vendor_id: int, viewer: User | None = None) -> Vendor:
    """The vendor (as missing when ``viewer`` may not see it: :func:`hide_foreign`)."""
    vendor = get_or_raise(session, Vendor, vendor_id, "vendor", vendor_id=vendor_id)
    hide_foreign(session, viewer, vendor.id, "vendor", vendor_id, vendor_id=vendor_id)
    return vendor


def get_vendor(session: Session, actor: User, vendor_id: int) -> VendorOut:
    vendor = _vendor(session, vendor_id, actor)
    if not reads_vendor_list(session, actor):
        require_vendor_scope(session, actor, vendor.id, f"vendor {vendor_id}")
    return VendorOut.model_validate(vendor)


def list_vendors(session: Session, actor: User) -> list[VendorOut]:
    """All vendors for the business and finance (who pays them); a vendor manager sees only
    their own."""
    q = select(Vendor).order_by(Vendor.id)
    if not reads_vendor_list(session, actor):
        mine = managed_vendor_id(session, actor)
        require_vendor_scope(session, actor, mine, "the vendor list")
        q = q.where(Vendor.id == mine)
    return [VendorOut.model_validate(v) for v in session.scalars(q)]


def set_vendor_qualified(
    session: Session, actor: User, vendor_id: int, qualified: bool, note: str
) -> VendorOut:
    """Put a vendor on (or take it off) the qualified-supplier list, with the assessment note.

    Taken off, its workers claim nothing more (``eligibility_reasons``) and their holds on
    open tasks are released (drafts too; submitted work stays), as on a worker's deactivation:
    before, a worker holding a task kept it and submitted it after the vendor was disqualified,
    so work of a supplier off the list still entered production."""
    require_business(actor, "change the qualified-supplier list")
    check_note(note, "note")  # on the vendor's page and the audit trail (h10)
    if not note.strip():
        raise InvalidInput("say why (licence, services, after-sales, price level)", field="note",
                           reason_code="agreed_reason_missing")
    vendor = _vendor(session, vendor_id)
    if qualified and not vendor.agreement_no:
        raise Conflict(
            f"vendor {vendor.name!r} has no framework agreement on file yet: record it first "
            f"(datamill workforce vendor-agreement {vendor.id} NUMBER --signed-on YYYY-MM-DD, "
            f"PUT /api/v1/vendors/{vendor.id}/agreement)", vendor_id=vendor.id,
            reason_code="vendor_agreement_missing", vendor_name=str(vendor.name))
    vendor.qualified = qualified
    vendor.qualified_at = utcnow() if qualified else None
    vendor.qualification_note = note
    data: dict[str, object] = {"note": note}
    if not qualified:
        data["released_tasks"] = _release_vendor_holds(session, vendor.id)
    record_audit(
        session,
        actor_id=actor.id,
        action="vendor.qualified" if qualified else "vendor.disqualified",
        object_type="vendor",
        object_id=vendor.id,
        data=data,
    )
    session.flush()
    return VendorOut.model_validate(vendor)


def _release_vendor_holds(session: Session, vendor_id: int) -> list[int]:
    """Release every hold the vendor's workers have on open tasks; the released task ids."""
    from datamill.production.holds import release_holds  # noqa: PLC0415 - only on disqualifying

    people = list(session.scalars(select(Worker.user_id).where(Worker.vendor_id == vendor_id)
                                  .order_by(Worker.user_id)))
    released = release_holds(session, people)
    return sorted(t for tasks in released.values() for t in tasks)


def record_agreement(
    session: Session, actor: User, vendor_id: int, agreement_no: str,
    signed_on: date | None = None,
) -> VendorOut:
    """File (or replace) a vendor's framework agreement: its number and the day it was signed
    (a vendor added without one could not be qualified, and nothing else could add it)."""
    require_business(actor, "record framework agreements")
    number = agreement_no.strip()
    if not number or len(number) > 64:  # noqa: PLR2004 - the column's width
        raise InvalidInput("an agreement number has 1 to 64 characters", field="agreement_no",
                           reason_code="agreement_number_chars")
    vendor = _vendor(session, vendor_id)
    before = vendor.agreement_no
    vendor.agreement_no, vendor.agreement_signed_on = number, signed_on
    record_audit(session, actor_id=actor.id, action="vendor.agreement_recorded",
                 object_type="vendor", object_id=vendor.id,
                 data={"agreement_no": number, "before": before,
                       "signed_on": signed_on.isoformat() if signed_on else None})
    session.flush()
    return VendorOut.model_validate(vendor)


def create_grade(session: Session, actor: User, name: str, point_rate: object) -> Grade:
    """An in-house grade and the price of one hour point."""
    require_business(actor, "set grades")
    rate = to_decimal(point_rate, "point_rate")
    if rate <= 0 or rate != rate.quantize(Decimal("0.01")):
        # money in fen: 35.555 reached the database and came back as a traceback
        raise InvalidInput(f"a point rate is an amount of money: positive, with at most 2 "
                           f"decimals (fen), not {rate}", field="point_rate",
                           reason_code="point_rate_form", rate=str(rate))
    grade = Grade(name=name, point_rate=rate)
    session.add(grade)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as err:
        raise Conflict(f"grade {name!r} already exists",
                       reason_code="grade_exists", name=str(name)) from err
    record_audit(
        session,
        actor_id=actor.id,
        action="grade.created",
        object_type="grade",
        object_id=grade.id,
        data={"name": name, "point_rate": str(rate)},
    )
    return grade


def clean_list(values: list[str] | None) -> list[str]:
    """The values stripped, without blanks and duplicates, sorted."""
    return sorted({v.strip() for v in values or [] if v.strip()})


def clean_languages(values: list[str] | None) -> list[str]:
    """:func:`clean_list` of BCP-47 language tags; InvalidInput names any that is not one."""
    langs = clean_list(values)
    bad = [lang for lang in langs if not _BCP47.match(lang)]
    if bad:
        raise InvalidInput(
            f"not BCP-47 language tags: {bad} (e.g. en-US, zh-CN, yue-HK)", field="languages",
            reason_code="language_tags_invalid", bad=str(bad),
        )
    return langs


def _member_languages(session: Session, user_id: int) -> list[str]:
    """The languages of the projects ``user_id`` is a member of."""
    from datamill.compliance.models import ProjectMember
    from datamill.production.models import Project

    return list(session.scalars(
        select(Project.language).join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user_id).distinct()))


def admit_to_handed_projects(session: Session, actor: User, user: User, vendor_id: int) -> None:
    """A vendor's new worker becomes a member of the projects whose packages are handed to
    the vendor at a stage their role may do (as :func:`~datamill.workforce.assignment.
    hand_package_to_vendor` made the workers it found members)."""
    from datamill.compliance.roles import allowed, stage_action
    from datamill.compliance.users import add_member
    from datamill.production.models import WorkPackage
    from datamill.workforce.models import PackageHandoff

    if not user.is_active:
        return
    rows = session.execute(
        select(WorkPackage.project_id, WorkPackage.stage)
        .join(PackageHandoff, PackageHandoff.package_id == WorkPackage.id)
        .where(PackageHandoff.vendor_id == vendor_id).distinct()).all()
    for project_id in sorted({pid for pid, stage in rows if allowed(
            user.role, stage_action(stage))}):
        add_member(session, project_id, user, actor_id=actor.id, via_vendor_id=vendor_id)


def require_worker_role(user: User, vendor_id: int | None) -> None:
    """Refuse (``worker_role``) to make ``user`` a vendor's worker unless their role is one of
    :data:`VENDOR_WORKER_ROLES`, and a customer's account a worker at all (h4 trial)."""
    if vendor_id is None and user.role != "customer":
        return
    if vendor_id is not None and user.role in VENDOR_WORKER_ROLES:
        return
    raise InvalidInput(
        f"{user.username!r} is a {user.role} and cannot be registered as this worker: a "
        "vendor's worker is an annotator, reviewer, inspector, vendor manager or vendor worker "
        "(they join every project handed to the vendor and answer to its manager), and a "
        "customer's account is no one's worker", field="username", reason_code="worker_role",
        username=user.username, role=user.role)


def register_worker(
    session: Session,
    actor: User,
    user: User,
    *,
    vendor_id: int | None = None,
    is_manager: bool = False,
    grade: str | None = None,
    languages: list[str] | None = None,
    modalities: list[str] | None = None,
    domains: list[str] | None = None,
    devices: list[str] | None = None,
) -> WorkerOut:
    """Record a person as in-house (``vendor_id`` None, with a grade) or as a vendor's worker.

    Without ``languages`` (None, not an empty list) the worker speaks the languages of the
    projects the person is already a member of: registering someone working a zh-CN project
    does not lock them out of it until ``worker-set --language`` (the trial's in-house
    annotator lost their zh-CN work so)."""
    require_business(actor, "register workers")
    require_worker_role(user, vendor_id)
    langs = clean_languages(languages if languages is not None
                            else _member_languages(session, user.id))
    grade_id = None
    if vendor_id is not None:
        _vendor(session, vendor_id)
        if grade is not None:
            raise InvalidInput("grades are for in-house staff; vendor workers are paid by volume",
                               reason_code="grade_in_house_only")
    else:
        if is_manager:
            raise InvalidInput(
                "only a vendor's worker can be that vendor's manager", field="is_manager",
                reason_code="manager_not_vendor_worker",
            )
        if grade is not None:
            row = session.scalars(select(Grade).where(Grade.name == grade)).first()
            if row is None:
                raise NotFound(f"no grade named {grade!r}; create it first", field="grade",
                               reason_code="grade_unknown", grade=str(grade))
            grade_id = row.id
    worker = Worker(
        user_id=user.id,
        vendor_id=vendor_id,
        is_manager=is_manager,
        grade_id=grade_id,
        languages=langs,
        modalities=clean_list(modalities),
        domains=clean_list(domains),
        devices=clean_list(devices),
    )
    duplicate = f"{user.username!r} is already registered as a worker"
    if session.scalar(select(Worker.id).where(Worker.user_id == user.id)) is not None:
        raise Conflict(duplicate, reason_code="worker_registered_already",
                       username=user.username)
    try:
        with session.begin_nested():  # flushes what is pending first, so add inside it
            session.add(worker)
            session.flush()
    except IntegrityError as err:  # a concurrent registration won the race
        raise Conflict(duplicate, reason_code="worker_registered_already",
                       username=user.username) from err
    if vendor_id is not None and not is_manager:
        admit_to_handed_projects(session, actor, user, vendor_id)
    record_audit(
        session,
        actor_id=actor.id,
        action="worker.registered",
        object_type="worker",
        object_id=worker.id,
        data={"user": user.username, "vendor_id": vendor_id, "manager": is_manager},
    )
    return worker_out(session, worker)


def worker_out(session: Session, worker: Worker) -> WorkerOut:
    user = session.get(User, worker.user_id)
    grade = session.get(Grade, worker.grade_id) if worker.grade_id else None
    return WorkerOut(
        id=worker.id,
        user_id=worker.user_id,
        username=user.username if user else "?",
        vendor_id=worker.vendor_id,
        is_manager=worker.is_manager,
        grade=grade.name if grade else None,
        languages=worker.languages,
        modalities=worker.modalities,
        domains=worker.domains,
        devices=worker.devices,
        identity_verified=worker.identity_verified_at is not None,
        active=worker.active,
    )


def get_worker(session: Session, worker_id: int, viewer: User | None = None) -> Worker:
    """The worker (as missing when ``viewer``, not the worker themself, may not see their
    vendor's people: :func:`hide_foreign`)."""
    worker = get_or_raise(session, Worker, worker_id, "worker", worker_id=worker_id)
    hide_foreign(session, viewer, worker.vendor_id, "worker", worker_id,
                 owner_id=worker.user_id, worker_id=worker_id)
    if viewer is not None and viewer.id != worker.user_id and not is_business(viewer) \
            and _detached(session, worker):
        raise not_found("worker", worker_id, worker_id=worker_id)  # no longer the vendor's
    return worker


def _detached(session: Session, worker: Worker) -> bool:
    """Whether the worker's person has a role no vendor's worker has any more
    (:func:`~datamill.workforce.policies.detached_from_vendor`)."""
    role = session.scalar(select(User.role).where(User.id == worker.user_id))
    return role is not None and detached_from_vendor(role, worker.vendor_id)


_WORKER_OF_USER = select(Worker).where(Worker.user_id == bindparam("p_user"))  # built once


def _no_worker(worker_id: object) -> bool:
    return worker_id is None


#: :func:`find_worker_of_user`'s question read ahead (``p_user``): a NULL id answers "not a
#: worker"; a found worker is then loaded by the lookup itself
_WORKERS = cast(Table, Worker.__table__)
WORKER_LOOKUP_COLUMN = select(_WORKERS.c.id).where(  # Core: read ahead on the connection
    _WORKERS.c.user_id == bindparam("p_user")).limit(1).scalar_subquery()


def worker_lookup(user_id: int) -> Lookup:
    """:func:`find_worker_of_user` as a read-ahead lookup (:func:`datamill.db.memo.prefetch`)."""
    return Lookup(("worker_of_user", user_id), WORKER_LOOKUP_COLUMN, answers=_no_worker)


def find_worker_of_user(session: Session, user_id: int) -> Worker | None:
    """The worker record of a user, or None; asked once per transaction (claim hooks share it)."""
    return remember(
        session, ("worker_of_user", user_id),
        lambda: session.scalars(_WORKER_OF_USER, {"p_user": user_id}).first(),
    )


def worker_for_user(session: Session, user_id: int) -> Worker:
    worker = find_worker_of_user(session, user_id)
    if worker is None:
        raise NotFound(f"{person_name(session, user_id)} is not registered as a worker; "
                       "register them first", user_id=user_id,
                       reason_code="user_not_worker", value=str(person_name(session, user_id)))
    return worker


def _workers_of(vendor_id: int | None) -> str:
    return "the vendors' workers" if vendor_id is None else f"the workers of vendor {vendor_id}"


def list_workers(session: Session, actor: User, vendor_id: int | None = None) -> list[WorkerOut]:
    """Workers of one vendor (or all, for the business); a vendor manager only sees their own."""
    q = select(Worker).order_by(Worker.id)
    if not is_business(actor):
        vendor_id = managed_vendor_id(session, actor) if vendor_id is None else vendor_id
        require_vendor_scope(session, actor, vendor_id, _workers_of(vendor_id))
        q = q.where(select(User.id).where(  # a detached person is not the vendor's any more
            User.id == Worker.user_id, User.role.in_(VENDOR_WORKER_ROLES)).exists())
    if vendor_id is not None:
        _vendor(session, vendor_id)
        q = q.where(Worker.vendor_id == vendor_id)
    return [worker_out(session, w) for w in session.scalars(q)]


def verify_identity(session: Session, actor: User, worker_id: int, document_ref: str) -> WorkerOut:
    """Record a completed identity check; only a masked reference (``ID ****1234``) is kept
    (:func:`datamill.workforce.identity_ref.masked_reference`)."""
    require_business(actor, "verify identities")
    ref = masked_reference(document_ref)  # refuses a full number, however it is written
    worker = get_worker(session, worker_id)
    worker.identity_verified_at = utcnow()
    worker.identity_ref = ref
    record_audit(
        session,
        actor_id=actor.id,
        action="worker.identity_verified",
        object_type="worker",
        object_id=worker.id,
        data={"ref": ref},
    )
    session.flush()
    return worker_out(session, worker)
