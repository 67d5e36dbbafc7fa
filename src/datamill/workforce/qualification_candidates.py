"""Who is a candidate for a project's qualification test (its questions, media and attempts).

A registered worker is no candidate for every project: the questions are the project's data
(golden items and their media), and answering "no test" (204) for a project one may not see
told which project ids exist. A candidate is:

a registered worker who is

- a member of the project;
- a worker of a vendor that is on the project: a work package of it was handed to the vendor,
  or the vendor holds a purchase order for it;
- invited: granted an attempt on its test (by the project's manager,
  or their vendor manager, for a vendor on the project), or who has taken it before.

The project's business side sees the test too (it sets it). Anyone else hears of the project what they would of an id never given out
(:func:`~datamill.db.lookup.not_found`).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.users import is_member
from datamill.production.models import WorkPackage
from datamill.workforce.models import (
    PackageHandoff,
    QualificationAttempt,
    QualificationGrant,
    QualificationTest,
    Worker,
)
from datamill.workforce.procurement_models import PurchaseOrder
from datamill.workforce.vendors import find_worker_of_user

__all__ = ["is_candidate", "vendor_on_project", "worker_is_candidate"]


def vendor_on_project(session: Session, vendor_id: int, project_id: int, *,
                      through_workers: bool = False) -> bool:
    """Whether the vendor is on the project: a package of it handed to the vendor, or a
    purchase order for it; with ``through_workers`` (a vendor manager's view) also when one of
    the vendor's workers was granted an attempt at, or has taken, its test."""
    handed = exists().where(PackageHandoff.vendor_id == vendor_id,
                            PackageHandoff.package_id == WorkPackage.id,
                            WorkPackage.project_id == project_id)
    ordered = exists().where(PurchaseOrder.vendor_id == vendor_id,
                             PurchaseOrder.project_id == project_id)
    if not through_workers:
        return bool(session.scalar(select(handed | ordered)))
    ours = select(Worker.id).where(Worker.vendor_id == vendor_id)
    test = select(QualificationTest.id).where(QualificationTest.project_id == project_id)
    invited = exists().where(QualificationGrant.test_id.in_(test),
                             QualificationGrant.worker_id.in_(ours))
    tried = exists().where(QualificationAttempt.test_id.in_(test),
                           QualificationAttempt.worker_id.in_(ours))
    return bool(session.scalar(select(handed | ordered | invited | tried)))


def is_candidate(session: Session, user: User, project_id: int) -> bool:
    """Whether ``user`` may see project ``project_id``'s qualification test as a candidate
    (module docstring); the business side is asked apart (it may see the test without being
    a worker)."""
    worker = find_worker_of_user(session, user.id)
    if worker is None:  # the test is for registered workers (and the business side)
        return False
    return worker_is_candidate(session, worker, project_id)


def worker_is_candidate(session: Session, worker: Worker, project_id: int) -> bool:
    """:func:`is_candidate` for a registered worker."""
    if is_member(session, project_id, worker.user_id):
        return True
    if worker.vendor_id is not None and vendor_on_project(session, worker.vendor_id, project_id):
        return True
    test = select(QualificationTest.id).where(QualificationTest.project_id == project_id)
    invited = exists().where(QualificationGrant.test_id.in_(test),
                             QualificationGrant.worker_id == worker.id)
    tried = exists().where(QualificationAttempt.test_id.in_(test),
                           QualificationAttempt.worker_id == worker.id)
    return bool(session.scalar(select(invited | tried)))
