"""A small production world for the vendor-wall tests: raw items (no audio), real packages,
hand-offs, claims, submissions, inspection and settlement, all in one session."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.compliance.models import ProjectMember, User
from datamill.production.annotating import submit_annotation
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Inspection, Item, Project, Task, WorkPackage
from datamill.production.schemas import PackageOut, SegmentIn, TaskOut
from datamill.production.tasks import claim_next_task, create_packages
from datamill.workforce.pricing import set_price
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified

WEEK = date(2024, 5, 6)  # a Monday
ACCEPTED_AT = datetime(2024, 5, 8, 2, 0, tzinfo=UTC)  # Wednesday 10:00 China time
TEXT = "the words"


def person(s: Session, name: str, role: str = "annotator") -> User:
    """A user without a password hash worth checking (these tests never sign in)."""
    user = User(username=name, display_name=name, password_hash="x", role=role)
    s.add(user)
    s.flush()
    return user


def project(s: Session, n_items: int, package_size: int, name: str = "vendor-wall") -> int:
    """A one-stage project of ``n_items`` checked items, packaged by ``package_size``."""
    p = Project(
        name=name, modality="speech.asr", language="en-US",
        project_type="custom_service", data_owner="customer",
        spec={"stages": ["annotate"], "package_size": package_size,
              "sampling": {"inspection_level": "II", "aql": 2.5},
              "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9}},
    )
    s.add(p)
    s.flush()
    s.add_all(
        Item(project_id=p.id, external_id=f"u{i:03d}", sha256=f"{i}".rjust(64, "0"),
             filename=f"u{i:03d}.wav", size_bytes=1, owner="customer", status="passed",
             volume=1500, attributes={"duration_ms": 1500})
        for i in range(n_items)
    )
    s.flush()
    return p.id


def packages(s: Session, pid: int) -> list[PackageOut]:
    return create_packages(s, pid, "annotate")


def vendor(s: Session, admin: User, name: str) -> int:
    v = create_vendor(s, admin, name=name, kind="company", fee_rate="0.1", agreement_no=name)
    set_vendor_qualified(s, admin, v.id, True, "assessed")
    return v.id


def price(s: Session, admin: User) -> None:
    """One general price: 1.00 per annotated item."""
    set_price(s, admin, half_year="2024H1", stage="annotate", modality="speech.asr",
              language_group="foreign", unit="item", unit_price="1.00")


def worker(s: Session, admin: User, pid: int, name: str, vendor_id: int | None) -> tuple[User, int]:
    """A member of the project registered as a worker of ``vendor_id`` (None: in-house)."""
    user = person(s, name)
    w = register_worker(s, admin, user, vendor_id=vendor_id, languages=["en-US"])
    s.add(ProjectMember(project_id=pid, user_id=user.id))
    s.flush()
    return user, w.id


def claim_and_submit(s: Session, user: User, pid: int) -> TaskOut | None:
    task = claim_next_task(s, user, pid, "annotate")
    if task is not None:
        submit_annotation(
            s, user, task.id, [SegmentIn(start_ms=0, end_ms=1500, text=TEXT)],
            base_version=task.current_version,
        )
    return task


def package_of(s: Session, task_id: int) -> WorkPackage:
    pkg_id = s.scalar(select(Task.package_id).where(Task.id == task_id))
    pkg = s.get(WorkPackage, pkg_id) if pkg_id is not None else None
    assert pkg is not None, f"task {task_id} is in no package"
    return pkg


def accept_everything(s: Session, pid: int, inspector: User) -> None:
    """Batch every reviewed item and accept the batch by inspection in the week of WEEK."""
    batch = create_batch(s, pid, limit=10_000)
    insp = start_inspection(s, batch.id, inspector)
    for smp in insp.sample:
        record_correction(s, insp.id, smp["item_id"], TEXT)
    assert complete_inspection(s, insp.id, inspector).verdict == "accepted"
    s.execute(update(Inspection).where(Inspection.id == insp.id).values(completed_at=ACCEPTED_AT))
