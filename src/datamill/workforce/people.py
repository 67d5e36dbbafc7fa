"""A registered worker's standing: deactivated (or back at work), and a vendor's manager or not.

Procurement and project managers (the business side) act on any worker; a vendor manager on
their own vendor's people only, and may drop the manager flag but never grant it (only the
business names a vendor's managers, :func:`datamill.workforce.vendors.register_worker`).
Every change is audited.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.users import drop_vendor_memberships
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.production.models import WorkPackage
from datamill.production.tasks import release_holds
from datamill.workforce.models import Grade, Vendor, Worker
from datamill.workforce.policies import is_business, require_business, require_vendor_scope
from datamill.workforce.schemas import WorkerOut
from datamill.workforce.vendors import (
    admit_to_handed_projects,
    clean_languages,
    clean_list,
    get_worker,
    require_worker_role,
    worker_out,
)

__all__ = ["move_worker", "set_worker_active", "set_worker_manager", "set_worker_profile"]


def _scope(session: Session, actor: User, vendor_id: int | None, worker_id: int) -> None:
    """The business acts on every worker, a vendor manager on their own vendor's only."""
    if vendor_id is None:
        require_business(actor, f"change in-house worker {worker_id}")
    else:
        require_vendor_scope(session, actor, vendor_id, f"worker {worker_id}", write=True)


def _free(session: Session, worker: Worker) -> dict[str, list[int]]:
    """Release the worker's holds on open tasks and send the packages assigned to them back to
    their pool; what was released, for the audit record."""
    released = release_holds(session, [worker.user_id]).get(worker.user_id, [])
    packages = list(session.scalars(select(WorkPackage.id).where(
        WorkPackage.assignee_id == worker.user_id).order_by(WorkPackage.id)))
    if packages:
        session.execute(update(WorkPackage).where(WorkPackage.id.in_(packages))
                        .values(assignee_id=None, status="open")
                        .execution_options(synchronize_session="fetch"))
    return {"released_tasks": released, "unassigned_packages": packages}


def set_worker_active(
    session: Session, actor: User, worker_id: int, active: bool, reason: str = ""
) -> WorkerOut:
    """Deactivate a worker (``active`` False) or put them back to work.

    Deactivated, they get no assignment and claim nothing (``eligibility_problems``); their
    holds on open tasks are released (drafts too, submitted work stays) and the packages
    assigned to them go back to their pool (the vendor's, or in-house), so no work is stuck.
    """
    check_note(reason, "reason")  # the worker's managers read it
    get_worker(session, worker_id, actor)
    worker = lock_or_raise(session, Worker, worker_id, "worker",  # as move_worker
                           keys_free=True)
    _scope(session, actor, worker.vendor_id, worker.id)
    if worker.active == active:
        raise Conflict(f"worker {worker.id} is already {'active' if active else 'inactive'}",
                       worker_id=worker.id,
                       reason_code="worker_state_same",
                       value=str('active' if active else 'inactive'))
    worker.active = active
    data: dict[str, object] = {"reason": reason.strip()}
    if not active:
        data.update(_free(session, worker))
    record_audit(
        session, actor_id=actor.id,
        action="worker.reactivated" if active else "worker.deactivated",
        object_type="worker", object_id=worker.id, data=data,
    )
    session.flush()
    return worker_out(session, worker)


def set_worker_manager(
    session: Session, actor: User, worker_id: int, is_manager: bool
) -> WorkerOut:
    """Name a vendor's worker its manager (the business only) or drop the flag (the business,
    or a manager of the same vendor: themself or a fellow manager)."""
    worker = get_worker(session, worker_id, actor)
    if worker.vendor_id is None:
        raise InvalidInput("only a vendor's worker can be that vendor's manager",
                           field="is_manager",
                           reason_code="manager_not_vendor_worker")
    if is_manager:
        require_business(actor, "name a vendor's managers")
    elif not is_business(actor):
        _scope(session, actor, worker.vendor_id, worker.id)
    else:
        require_business(actor, "change a vendor's managers")
    if worker.is_manager == is_manager:
        raise Conflict(f"worker {worker.id} is {'already' if is_manager else 'not'} a manager "
                       f"of vendor {worker.vendor_id}", worker_id=worker.id,
                       reason_code="worker_manager_same",
                       value=str('already' if is_manager else 'not'), vendor_id=worker.vendor_id)
    worker.is_manager = is_manager
    record_audit(
        session, actor_id=actor.id,
        action="worker.manager_named" if is_manager else "worker.manager_dropped",
        object_type="worker", object_id=worker.id, data={"vendor_id": worker.vendor_id},
    )
    session.flush()
    return worker_out(session, worker)


def move_worker(
    session: Session, actor: User, worker_id: int, vendor_id: int | None, reason: str = ""
) -> WorkerOut:
    """Move a worker to another vendor (``vendor_id``) or in-house (None): the business only.

    What they held on their old side goes back to its pool (holds released, packages
    unassigned, as on deactivation) and a manager flag is dropped: they manage nobody on the
    new side until the business names them again. On a vendor's side they become members of
    the projects whose packages are handed to it, as a worker registered there does, and stop
    being members of those the old vendor's hand-offs admitted them to. Audited."""
    require_business(actor, "move workers between vendors")
    check_note(reason, "reason")  # in the audit trail others read (h10)
    get_worker(session, worker_id, actor)
    # locked first: a claim under way (it holds the row FOR SHARE) commits its hold before the
    # holds are released, and a later one reads the new vendor (workforce.assignment)
    worker = lock_or_raise(session, Worker, worker_id, "worker", keys_free=True)
    if worker.vendor_id == vendor_id:
        where = "in-house" if vendor_id is None else f"with vendor {vendor_id}"
        raise Conflict(f"worker {worker.id} is already {where}", worker_id=worker.id,
                       reason_code="worker_place_same", where=str(where))
    if vendor_id is not None:
        get_or_raise(session, Vendor, vendor_id, "vendor", vendor_id=vendor_id)
    person = session.get(User, worker.user_id)
    if vendor_id is not None and person is not None:
        require_worker_role(person, vendor_id)
    data: dict[str, object] = {"from_vendor_id": worker.vendor_id, "to_vendor_id": vendor_id,
                               "was_manager": worker.is_manager, "reason": reason.strip()}
    data.update(_free(session, worker))
    if worker.vendor_id is not None and person is not None:
        # what the old vendor's hand-offs admitted them to is that vendor's work, not theirs
        left = drop_vendor_memberships(session, person, worker.vendor_id, actor.id,
                                       reason="moved")
        if left:
            data["memberships_ended"] = left
    worker.vendor_id, worker.is_manager = vendor_id, False
    if vendor_id is not None:
        worker.grade_id = None  # grades are for in-house staff; vendor workers are paid by volume
        # and they may work what is handed to their new vendor, as a worker registered there
        if person is not None:
            admit_to_handed_projects(session, actor, person, vendor_id)
    record_audit(session, actor_id=actor.id, action="worker.moved", object_type="worker",
                 object_id=worker.id, data=data)
    session.flush()
    return worker_out(session, worker)


_SKILLS = ("languages", "modalities", "domains", "devices")


def set_worker_profile(
    session: Session, actor: User, worker_id: int, *,
    languages: list[str] | None = None, modalities: list[str] | None = None,
    domains: list[str] | None = None, devices: list[str] | None = None,
    grade: str | None = None,
) -> WorkerOut:
    """Change a registered worker's languages, modalities, domains, devices (each given list
    replaces the old one; ``None`` keeps it) and, in-house, their grade: the business, or a
    vendor manager for their own vendor's people (never a grade: vendor workers have none).

    A worker registered without ``--language`` works in no language and gets no work; this is
    how the business (or the vendor) puts that right. Audited with the before and after."""
    worker = get_worker(session, worker_id, actor)
    _scope(session, actor, worker.vendor_id, worker.id)
    given = {"languages": None if languages is None else clean_languages(languages),
             "modalities": None if modalities is None else clean_list(modalities),
             "domains": None if domains is None else clean_list(domains),
             "devices": None if devices is None else clean_list(devices)}
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for field in _SKILLS:
        new = given[field]
        if new is not None and new != list(getattr(worker, field) or []):
            before[field], after[field] = list(getattr(worker, field) or []), new
            setattr(worker, field, new)
    if grade is not None:
        if worker.vendor_id is not None:
            raise InvalidInput("grades are for in-house staff; vendor workers are paid by volume",
                               field="grade",
                               reason_code="grade_in_house_only")
        row = session.scalars(select(Grade).where(Grade.name == grade)).first()
        if row is None:
            raise NotFound(f"no grade named {grade!r}; create it first", field="grade",
                           reason_code="grade_unknown", grade=str(grade))
        if row.id != worker.grade_id:
            old = session.get(Grade, worker.grade_id) if worker.grade_id else None
            before["grade"], after["grade"] = (old.name if old else None), row.name
            worker.grade_id = row.id
    if not after:
        raise Conflict(f"worker {worker.id} already has that profile: nothing to change",
                       worker_id=worker.id,
                       reason_code="worker_profile_same")
    record_audit(session, actor_id=actor.id, action="worker.profile_changed",
                 object_type="worker", object_id=worker.id,
                 data={"before": before, "after": after})
    session.flush()
    return worker_out(session, worker)
