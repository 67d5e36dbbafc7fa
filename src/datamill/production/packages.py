"""Work packages: making them from a project's tasks, listing them with their progress, and
handing one to a person (the vendor wall: see :mod:`datamill.production.tasks`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, case, exists, func, select, update
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import ProjectMember, User
from datamill.compliance.roles import allowed, role_with_article, stage_action
from datamill.compliance.users import COUNTED_MEMBERSHIP, require_active
from datamill.core.errors import InvalidInput
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.production.claim_rules import check_claim_guards, claimer_vendor
from datamill.production.holds import drop_holds
from datamill.production.hooks import verdict_stages
from datamill.production.models import Item, Project, Task, TaskAssignment, WorkPackage
from datamill.production.schemas import PackageOut
from datamill.production.superseding import CANCELLED_TASK_STATUS

__all__ = [
    "assign_package",
    "create_packages",
    "list_packages",
    "package_progress",
]

_READY = ("passed", "preannotated")
_TASKS = cast(Table, Task.__table__)
_ASSIGNMENTS = cast(Table, TaskAssignment.__table__)


def _ensure_tasks(session: Session, project: Project) -> int:
    """Create one task per stage for every ready item that has none yet."""
    stages: list[str] = list(project.spec.get("stages", ["annotate"]))
    overlap = int(project.spec.get("overlap", 1))
    # a verdict's task (e.g. the prompt check's listener) is no work task of the project's
    # stages, nor is a check task (a golden item served as a check, later returned to production)
    has_task = exists().where(Task.item_id == Item.id, Task.kind == "work",
                              Task.stage.not_in(verdict_stages()))
    ready = session.scalars(
        select(Item.id).where(
            Item.project_id == project.id, Item.status.in_(_READY), ~has_task
        ).order_by(Item.id)
    ).all()
    for item_id in ready:
        for stage in stages:
            session.add(
                Task(
                    project_id=project.id, item_id=item_id, stage=stage,
                    status="open" if stage == stages[0] else "waiting",
                    overlap=overlap if stage == stages[0] else 1,
                )
            )
    session.flush()
    return len(ready)


def create_packages(
    session: Session, project_id: int, stage: str = "annotate", *, actor_id: int | None = None
) -> list[PackageOut]:
    """Group unpackaged tasks of ``stage`` into packages of the spec's ``package_size``."""
    # locked: two managers packaging at once both read the same items without tasks and the
    # same loose tasks (READ COMMITTED), so items got a second set of tasks and packages
    # came out empty or named twice (h4: PostgreSQL, two server processes)
    project = lock_or_raise(session, Project, project_id, "project", keys_free=True)
    # a verdict's tasks (e.g. the prompt check's listener, see production.hooks), packaged so a
    # vendor's people can take them like any other work
    if stage not in project.spec.get("stages", []) and stage not in verdict_stages():
        raise InvalidInput(
            f"stage {stage!r} is not in this project's stages {project.spec.get('stages')}"
        )
    _ensure_tasks(session, project)
    size = int(project.spec.get("package_size", 20))
    loose = session.scalars(
        select(Task.id).where(
            Task.project_id == project_id, Task.stage == stage, Task.package_id.is_(None),
            Task.kind == "work",  # finished (or cancelled) work needs no package
            Task.status.not_in(("done", CANCELLED_TASK_STATUS)),
        ).order_by(Task.id)
    ).all()
    # numbered within the project and stage (annotate-0001, review-0001 ...): numbering by
    # the newest package's id named a project's first package after every other project's
    count = session.scalar(select(func.count()).select_from(WorkPackage).where(
        WorkPackage.project_id == project_id, WorkPackage.stage == stage)) or 0
    made: list[PackageOut] = []
    for start in range(0, len(loose), size):
        pkg = WorkPackage(project_id=project_id, stage=stage, name=f"{stage}-{count + 1 + start // size:04d}")
        session.add(pkg)
        session.flush()
        session.execute(
            update(Task).where(Task.id.in_(loose[start : start + size])).values(package_id=pkg.id)
        )
        made.append(PackageOut.model_validate(pkg).model_copy(
            update={"tasks": len(loose[start : start + size])}))
    if made:
        record_audit(
            session, actor_id=actor_id, action="packages.created", object_type="project",
            object_id=project_id, project_id=project_id,
            data={"stage": stage, "packages": len(made), "tasks": len(loose)},
        )
    session.flush()
    return made


def list_packages(
    session: Session, project_id: int, assignee_id: int | None = None
) -> list[PackageOut]:
    """The project's packages (those assigned to ``assignee_id`` when given) with their task
    counts; one whose tasks are all done reads ``done`` (worked out here: the claim and submit
    paths never write the package)."""
    query = select(WorkPackage).where(WorkPackage.project_id == project_id)
    if assignee_id is not None:
        query = query.where(WorkPackage.assignee_id == assignee_id)
    rows = session.scalars(query.order_by(WorkPackage.id)).all()
    return package_progress(session, rows)


def package_progress(session: Session, rows: Sequence[WorkPackage]) -> list[PackageOut]:
    """``rows`` with their task counts (``tasks``, ``done``) and status, as every list of
    packages shows them (a vendor manager's list read the bare rows: 0 of 0, ``open``). A
    cancelled task (its item superseded) is no work of the package: not counted, and a
    package whose other tasks are all done reads ``done``."""
    counts = {pid: (int(n), int(d or 0), int(c or 0)) for pid, n, d, c in session.execute(
        select(Task.package_id, func.count(),
               func.sum(case((Task.status == "done", 1), else_=0)),
               func.sum(case((Task.status == CANCELLED_TASK_STATUS, 1), else_=0)))
        .where(Task.package_id.in_([p.id for p in rows]))
        .group_by(Task.package_id)).all()} if rows else {}
    out = []
    for p in rows:
        total, d, cancelled = counts.get(p.id, (0, 0, 0))
        n = total - cancelled
        status = "done" if total and d == n else p.status
        out.append(PackageOut.model_validate(p).model_copy(
            update={"tasks": n, "done": d, "status": status}))
    return out


def assign_package(
    session: Session, package_id: int, user: User, *, actor_id: int | None = None
) -> PackageOut:
    """Hand a package to one person; only its assignee (and the open pool) can claim from it."""
    pkg = get_or_raise(session, WorkPackage, package_id, "work package")
    require_active(user)  # a deactivated person's package would sit there, claimed by nobody
    action = stage_action(pkg.stage)
    if not allowed(user.role, action):  # the permission matrix (vendor workers annotate too)
        raise InvalidInput(
            f"{user.username!r} is {role_with_article(user.role)}; package {pkg.name} ({pkg.stage}) needs someone whose "
            f"role may {action.value}"
        )
    if user.role != "admin" and not session.scalars(
        select(ProjectMember.id).where(
            ProjectMember.project_id == pkg.project_id, ProjectMember.user_id == user.id,
            COUNTED_MEMBERSHIP,
        )
    ).first():
        raise InvalidInput(f"{user.username!r} is not a member of this project; add them first")
    vendor_id = claimer_vendor(session, user)
    # locked: a hand-off at the same moment (it locks the package) passed its
    # "no assignee" check while this passed the vendor check below, and the package ended
    # handed to a vendor with an in-house assignee (h4: PostgreSQL, two server processes)
    pkg = lock_or_raise(session, WorkPackage, package_id, "work package", keys_free=True)
    if pkg.vendor_id != vendor_id:
        if pkg.vendor_id is None:
            raise InvalidInput(
                f"{user.username!r} works for vendor {vendor_id}; hand package {pkg.name} to "
                "that vendor first"
            )
        raise InvalidInput(
            f"package {pkg.name} is handed to vendor {pkg.vendor_id}; {user.username!r} is not "
            "one of its workers"
        )
    check_claim_guards(session, user, pkg.project_id, pkg.stage)
    previous = pkg.assignee_id
    released = _release_holds(session, pkg.id, previous) if previous not in (None, user.id) else []
    pkg.assignee_id = user.id
    pkg.status = "assigned"
    data: dict[str, Any] = {"user": user.username}
    if released:
        data.update(previous_user_id=previous, released_tasks=released)
    record_audit(
        session, actor_id=actor_id, action="package.assigned", object_type="work_package",
        object_id=pkg.id, project_id=pkg.project_id, data=data,
    )
    session.flush()
    # with its task counts and status, as the list shows it (the bare row said 0 of 0 tasks)
    return package_progress(session, [pkg])[0].model_copy(update={"released_tasks": released})


def _release_holds(session: Session, package_id: int, user_id: int | None) -> list[int]:
    """Take the package's unfinished work away from its previous assignee (on reassignment).

    Their holds on its open tasks (claimed, or returned to them for rework) are deleted, as a
    review's holds are when an item goes back (a hold, not a record: the audit keeps who had
    what), so the new assignee can claim those tasks, and the previous one, should the package
    ever come back to them, can claim them again. Their drafts of those tasks go too. Submitted
    work stays theirs. Returns the released task ids.
    """
    held = session.execute(
        select(_ASSIGNMENTS.c.id, _ASSIGNMENTS.c.task_id)
        .join(_TASKS, _TASKS.c.id == _ASSIGNMENTS.c.task_id)
        .where(_TASKS.c.package_id == package_id, _TASKS.c.status == "open",
               _ASSIGNMENTS.c.user_id == user_id,
               _ASSIGNMENTS.c.status.in_(("claimed", "returned")))
        .order_by(_ASSIGNMENTS.c.task_id)
        .with_for_update()
    ).all()
    if not held:
        return []
    task_ids = [t for _h, t in held]
    drop_holds(session, user_id, task_ids, _ASSIGNMENTS.c.id.in_([h for h, _t in held]))
    return task_ids

