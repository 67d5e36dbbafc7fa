"""Work packages, assignment and the atomic claim of the next task.

A claim is one conditional UPDATE (``active_claims < overlap``), so no task is ever held by more
people than the spec's overlap allows, however many claims race (SQLite and PostgreSQL alike).

Who may claim what (the vendor wall): a package handed to a vendor (``work_packages.vendor_id``)
is claimed only by that vendor's people, first by its assignee, then, while unassigned, by any
of them; in-house people (no vendor) never claim a vendor's package, and work not handed to a
vendor (unassigned packages, unpackaged tasks) is the open pool of in-house people only. A
vendor's worker with nothing handed to their vendor gets no work (None), never the open pool.
Which vendor a person works for comes from the ``datamill.claim_scopes`` entry points (the
workforce domain), so production never imports the domains that know it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    DateTime,
    Integer,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from datamill.compliance.audit import record_audit
from datamill.compliance.models import ProjectMember, User
from datamill.compliance.roles import Action, allowed, role_with_article
from datamill.compliance.users import require_active
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.registry import Registry
from datamill.db.lookup import get_or_raise
from datamill.db.memo import WRITES, Lookup, prefetch, recall, remember
from datamill.db.rows import loaded
from datamill.production.hooks import verdict_stages
from datamill.production.models import (
    Annotation,
    Draft,
    Item,
    Project,
    Task,
    TaskAssignment,
    WorkPackage,
)
from datamill.production.schemas import AnnotationOut, PackageOut, TaskOut

__all__ = [
    "Hold",
    "assign_package",
    "check_claim_guards",
    "check_task_version",
    "claim_next_task",
    "claimer_vendor",
    "create_packages",
    "ensure_holds",
    "get_task",
    "get_task_and_item",
    "hold_lookups",
    "list_packages",
    "list_tasks_for_user",
    "mixed_item",
    "package_progress",
    "read_claim_ahead",
    "release_holds",
    "release_work_of",
    "task_view",
]

_READY = ("passed", "preannotated")
ClaimGuard = Callable[[Session, User, int, str], None]
_guards = Registry[ClaimGuard]("datamill.claim_guards")
ClaimMixer = Callable[[Session, User, int, str], int | None]
_mixers = Registry[ClaimMixer]("datamill.claim_mixers")
ClaimLookups = Callable[[int, int, str], Sequence[Lookup]]  # (user id, project id, stage)
_claim_lookups = Registry[ClaimLookups]("datamill.claim_lookups")
ClaimScope = Callable[[Session, User], int | None]
_scopes = Registry[ClaimScope]("datamill.claim_scopes")
CHECK_OVERLAP = 1000  # a check task is answered by many people, each once


def check_claim_guards(session: Session, user: User, project_id: int, stage: str) -> None:
    """Run every registered claim guard (e.g. workforce's qualification gate); each may refuse.

    Guards come from the ``datamill.claim_guards`` entry-point group, so production never
    imports the domains that police who may work.
    """
    for name in _guards.names():
        _guards.get(name)(session, user, project_id, stage)


def claimer_vendor(session: Session, user: User) -> int | None:
    """The vendor whose packages ``user`` works on (None: in-house, or no scope plugin knows them).

    Scopes come from the ``datamill.claim_scopes`` entry-point group (e.g. workforce's worker
    register); the first one that names a vendor wins.
    """
    for name in _scopes.names():
        vendor_id = _scopes.get(name)(session, user)
        if vendor_id is not None:
            return vendor_id
    return None


def _same_vendor(vendor_id: int | None) -> Any:
    """SQL: the package is handed to ``vendor_id`` (or, for None, to no vendor at all)."""
    return WorkPackage.vendor_id.is_(None) if vendor_id is None else WorkPackage.vendor_id == vendor_id


def mixed_item(session: Session, user: User, project_id: int, stage: str) -> int | None:
    """The item id the first registered claim mixer wants to slip into this claim, or None.

    Mixers come from the ``datamill.claim_mixers`` entry-point group (e.g. workforce's golden
    items); production serves the item as a ``check`` task that looks like any other task.
    """
    for name in _mixers.names():
        item_id = _mixers.get(name)(session, user, project_id, stage)
        if item_id is not None:
            return item_id
    return None


def _claim_check(
    session: Session, user: User, project_id: int, stage: str, item_id: int
) -> TaskOut | None:
    """Claim (creating it on first use) the check task of ``item_id`` for ``user``."""
    task = session.scalars(
        select(Task).where(Task.item_id == item_id, Task.stage == stage, Task.kind == "check")
    ).first()
    if task is None:
        task = Task(
            project_id=project_id, item_id=item_id, stage=stage, kind="check", status="open",
            overlap=CHECK_OVERLAP, package_id=None,
        )
        session.add(task)
        session.flush()
    already = session.scalar(
        select(TaskAssignment.id).where(
            TaskAssignment.task_id == task.id, TaskAssignment.user_id == user.id
        )
    )
    if already is not None:
        return None  # a mixer must not serve the same check twice; fall back to normal work
    won = session.execute(
        update(Task)
        .where(and_(Task.id == task.id, Task.active_claims < Task.overlap))
        .values(active_claims=Task.active_claims + 1)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.add(TaskAssignment(task_id=task.id, user_id=user.id))
    session.flush()
    session.refresh(task)
    return task_view(session, task, user.id)


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
    project = get_or_raise(session, Project, project_id, "project")
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
            Task.kind == "work", Task.status != "done",  # finished work needs no package
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


def list_packages(session: Session, project_id: int) -> list[PackageOut]:
    """The project's packages with their task counts; one whose tasks are all done reads
    ``done`` (worked out here: the claim and submit paths never write the package)."""
    rows = session.scalars(
        select(WorkPackage).where(WorkPackage.project_id == project_id).order_by(WorkPackage.id)
    ).all()
    return package_progress(session, rows)


def package_progress(session: Session, rows: Sequence[WorkPackage]) -> list[PackageOut]:
    """``rows`` with their task counts (``tasks``, ``done``) and status, as every list of
    packages shows them (a vendor manager's list read the bare rows: 0 of 0, ``open``)."""
    counts = {pid: (int(n), int(d or 0)) for pid, n, d in session.execute(
        select(Task.package_id, func.count(),
               func.sum(case((Task.status == "done", 1), else_=0)))
        .where(Task.package_id.in_([p.id for p in rows]))
        .group_by(Task.package_id)).all()} if rows else {}
    out = []
    for p in rows:
        n, d = counts.get(p.id, (0, 0))
        status = "done" if n and d == n else p.status
        out.append(PackageOut.model_validate(p).model_copy(
            update={"tasks": n, "done": d, "status": status}))
    return out


def assign_package(
    session: Session, package_id: int, user: User, *, actor_id: int | None = None
) -> PackageOut:
    """Hand a package to one person; only its assignee (and the open pool) can claim from it."""
    pkg = get_or_raise(session, WorkPackage, package_id, "work package")
    require_active(user)  # a deactivated person's package would sit there, claimed by nobody
    action = Action.REVIEW if pkg.stage == "review" else Action.ANNOTATE  # the rest is work
    if not allowed(user.role, action):  # the permission matrix (vendor workers annotate too)
        raise InvalidInput(
            f"{user.username!r} is {role_with_article(user.role)}; package {pkg.name} ({pkg.stage}) needs someone whose "
            f"role may {action.value}"
        )
    if user.role != "admin" and not session.scalars(
        select(ProjectMember.id).where(
            ProjectMember.project_id == pkg.project_id, ProjectMember.user_id == user.id
        )
    ).first():
        raise InvalidInput(f"{user.username!r} is not a member of this project; add them first")
    vendor_id = claimer_vendor(session, user)
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
    _drop_holds(session, user_id, task_ids, _ASSIGNMENTS.c.id.in_([h for h, _t in held]))
    return task_ids


def release_work_of(
    session: Session, user_id: int, *, actor_id: int | None = None
) -> dict[str, list[int]]:
    """Give back to the pool the open work ``user_id`` holds (on deactivation): their holds on
    open tasks (claimed, or returned to them for rework) go, with their drafts, as on a
    reassignment (:func:`release_holds`), and their packages with work left lose their
    assignee (back to the open pool, or to their vendor's). Submitted work stays theirs.
    Returns the released task ids (``tasks``) and unassigned package ids (``packages``)."""
    task_ids = release_holds(session, [user_id]).get(user_id, [])
    unfinished = exists().where(_TASKS.c.package_id == WorkPackage.id, _TASKS.c.status != "done")
    packages = session.scalars(
        select(WorkPackage).where(WorkPackage.assignee_id == user_id, unfinished)
        .order_by(WorkPackage.id)
    ).all()
    for pkg in packages:
        pkg.assignee_id = None
        pkg.status = "open"
        record_audit(session, actor_id=actor_id, action="package.unassigned",
                     object_type="work_package", object_id=pkg.id, project_id=pkg.project_id,
                     data={"previous_user_id": user_id, "reason": "assignee deactivated"})
    session.flush()
    return {"tasks": task_ids, "packages": [p.id for p in packages]}


def _drop_holds(session: Session, user_id: int | None, task_ids: list[int],
                holds: ColumnElement[bool]) -> None:
    """Delete the holds ``holds`` selects (``user_id``'s, on ``task_ids``), give those tasks
    their claims back and drop the user's drafts of them; tasks loaded earlier are expired."""
    session.execute(delete(_ASSIGNMENTS).where(holds))
    session.execute(
        update(_TASKS).where(_TASKS.c.id.in_(task_ids), _TASKS.c.active_claims > 0)
        .values(active_claims=_TASKS.c.active_claims - 1)
    )
    session.execute(delete(_DRAFTS).where(_DRAFTS.c.task_id.in_(task_ids),
                                          _DRAFTS.c.user_id == user_id))
    for task in session.identity_map.values():  # tasks loaded earlier read the new counts
        if isinstance(task, Task) and task.id in task_ids:
            session.expire(task)


def _let_go(session: Session, user: User, task: Task) -> None:
    """Take back ``user``'s hold on ``task``, whose item is now classified above their clearance:
    the hold goes (the task is open to someone cleared for it), with their draft of it; the
    audit trail says why. What they submitted earlier stays."""
    task_id, project_id, item_id = task.id, task.project_id, task.item_id
    _drop_holds(session, user.id, [task_id], and_(
        _ASSIGNMENTS.c.task_id == task_id, _ASSIGNMENTS.c.user_id == user.id,
        _ASSIGNMENTS.c.status.in_(("claimed", "returned"))))
    record_audit(session, actor_id=user.id, action="task.hold_released", object_type="task",
                 object_id=task_id, project_id=project_id,
                 data={"user": user.username, "item_id": item_id,
                       "reason": "item classified above the holder's clearance"})


# The claim's statements, built once (building one costs about as much as running it) and in
# Core on the tables (an ORM-enabled statement costs ~35 µs more a call on SQLite): every
# annotator's every claim runs them.
_TASKS = cast(Table, Task.__table__)
_PACKAGES = cast(Table, WorkPackage.__table__)
_ASSIGNMENTS = cast(Table, TaskAssignment.__table__)
_DRAFTS = cast(Table, Draft.__table__)
_HELD = (
    select(_TASKS.c.id)
    .join(_ASSIGNMENTS, _ASSIGNMENTS.c.task_id == _TASKS.c.id)
    .where(
        _ASSIGNMENTS.c.user_id == bindparam("p_user"),
        _ASSIGNMENTS.c.status.in_(("claimed", "returned")),
        _TASKS.c.project_id == bindparam("p_project"),
        _TASKS.c.stage == bindparam("p_stage"),
        _TASKS.c.status == "open",
    )
    .order_by(_ASSIGNMENTS.c.status.desc(), _TASKS.c.id)  # returned work first
    .limit(1)
)
_HELD_COLUMN = _HELD.scalar_subquery()


def _held(session: Session, user_id: int, project_id: int, stage: str) -> Task | None:
    task_id = remember(session, ("held", user_id, project_id, stage), lambda: session.scalar(
        _HELD, {"p_user": user_id, "p_project": project_id, "p_stage": stage}))
    return None if task_id is None else session.get(Task, task_id)


def read_claim_ahead(session: Session, user: User, project_id: int, stage: str) -> None:
    """Read in **one** statement the small questions a claim of ``user`` in ``project_id`` is
    about to ask one by one: the permission check's membership, project level and clearance,
    the task they already hold, and what the registered claim guards, scopes and mixers ask
    first (the ``datamill.claim_lookups`` entry points, e.g. "is this person a worker", "does
    the project need surveying"). Each question is still asked where it always was and finds
    its answer in the transaction's memo (:mod:`datamill.db.memo`): an in-house annotator's
    claim on PostgreSQL was ten statements and is four. Call it before the claim's permission
    check;
    :func:`claim_next_task` calls it too (a no-op when already read)."""
    from datamill.compliance.classification import access_lookups
    from datamill.compliance.item_sensitivity import classified_items_lookup
    from datamill.production.projects import project_lookup

    lookups = [project_lookup(project_id), *access_lookups(user.id, project_id),
               Lookup(("held", user.id, project_id, stage), _HELD_COLUMN),
               Lookup(("own_packages", user.id, project_id, stage), _ANY_OF_MY_PACKAGES),
               classified_items_lookup(project_id)]
    for name in _claim_lookups.names():
        lookups += _claim_lookups.get(name)(user.id, project_id, stage)
    prefetch(session, lookups, {"p_user": user.id, "p_project": project_id, "p_stage": stage})


_WIN = (  # the conditional claim of one task, handing back the task it won
    update(_TASKS)
    .where(and_(_TASKS.c.id == bindparam("p_task"), _TASKS.c.active_claims < _TASKS.c.overlap,
                _TASKS.c.status == "open"))
    .values(active_claims=_TASKS.c.active_claims + 1)
    .returning(_TASKS.c.id, _TASKS.c.project_id, _TASKS.c.item_id, _TASKS.c.stage,
               _TASKS.c.kind, _TASKS.c.package_id, _TASKS.c.status, _TASKS.c.overlap)
)


_MY_PACKAGES = (  # the user's own packages of the project and stage not yet done
    _PACKAGES.c.assignee_id == bindparam("p_user"),
    _PACKAGES.c.project_id == bindparam("p_project"),
    _PACKAGES.c.stage == bindparam("p_stage"),
    _PACKAGES.c.status != "done",
)
# an assignment never crosses the vendor wall: a vendor's worker only their vendor's packages
_MY_PACKAGES_OF_NO_VENDOR = select(_PACKAGES.c.id).where(
    *_MY_PACKAGES, _PACKAGES.c.vendor_id.is_(None))
_MY_PACKAGES_OF_VENDOR = select(_PACKAGES.c.id).where(
    *_MY_PACKAGES, _PACKAGES.c.vendor_id == bindparam("p_vendor"))
# read ahead (read_claim_ahead): when the user has no package of their own at all, the claim
# does not list them
_ANY_OF_MY_PACKAGES = exists().where(*_MY_PACKAGES)


@functools.cache
def _claim_queries(vendor: bool, packaged: bool, hidden: bool) -> tuple[Select[Any], ...]:
    """The candidate queries of a claim, in the order they are tried, for one shape of claimer
    (a vendor's worker or in-house; with packages of their own or not; with items hidden from
    them or not). Built once per shape with bound parameters (``p_user``, ``p_project``,
    ``p_stage``, ``p_vendor``, ``p_packages``, ``p_hidden``)."""
    tasks, packages = _TASKS.c, _PACKAGES.c
    mine = exists().where(_ASSIGNMENTS.c.task_id == tasks.id,
                          _ASSIGNMENTS.c.user_id == bindparam("p_user"))
    claimable: tuple[ColumnElement[bool], ...] = (
        tasks.kind == "work",
        tasks.project_id == bindparam("p_project"),
        tasks.stage == bindparam("p_stage"),
        tasks.status == "open",
        tasks.active_claims < tasks.overlap,
        ~mine,
    )
    if hidden:  # items above the user's clearance
        claimable = (*claimable, tasks.item_id.not_in(bindparam("p_hidden", expanding=True)))
    # Two plain queries in id order (index ix_tasks_claim) instead of one sorted by "mine
    # first": each stops at its first row instead of sorting every open task (25 ms → <1 ms on
    # PostgreSQL with 3,000 open tasks).
    assigned = (
        select(tasks.id)
        .where(*claimable, tasks.package_id.in_(bindparam("p_packages", expanding=True)))
        .order_by(tasks.id)
        .limit(1)
    )
    if not vendor:  # in-house: unassigned packages of no vendor, and unpackaged tasks
        pool = (
            select(tasks.id)
            .outerjoin(_PACKAGES, packages.id == tasks.package_id)
            .where(*claimable, packages.assignee_id.is_(None), packages.vendor_id.is_(None))
            .order_by(tasks.id)
            .limit(1)
        )
    else:  # a vendor's worker: only the unassigned packages handed to their vendor
        pool = (
            select(tasks.id)
            .join(_PACKAGES, packages.id == tasks.package_id)
            .where(*claimable, packages.assignee_id.is_(None),
                   packages.vendor_id == bindparam("p_vendor"))
            .order_by(tasks.id)
            .limit(1)
        )
    # PostgreSQL: first skip rows other claimers are locking (no waiting); when that finds
    # nothing, wait on the locked rows, which may still have room under the overlap.
    # SQLite ignores FOR UPDATE; its writers are serialised (see db/session.py).
    queries = (assigned, pool) if packaged else (pool,)
    return tuple(
        q.with_for_update(of=_TASKS, skip_locked=skip) for skip in (True, False) for q in queries
    )

_NEW_HOLD = (  # built once; Core on the table: the ORM reads a parameter dict as rows to bulk insert
    insert(_ASSIGNMENTS).values(task_id=bindparam("p_task"), user_id=bindparam("p_user"))
)


class _Claimed(NamedTuple):
    """A task won by :func:`_one_statement_claim` (what a work task's view reads of it)."""

    id: int
    project_id: int
    item_id: int
    stage: str
    kind: str
    package_id: int | None
    status: str
    overlap: int


class _ClaimedItem(NamedTuple):
    """The item of a task won by :func:`_one_statement_claim` (as :data:`_ITEM_VIEW` reads it)."""

    id: int
    external_id: str
    attributes: Any
    prompt: str | None
    current_version: int
    current_annotation_id: int | None


@functools.cache
def _one_statement_claim(candidate: Select[Any]) -> Select[Any]:
    """PostgreSQL: a whole claim in one statement (one round trip instead of four). The
    candidate query (``FOR UPDATE ... SKIP LOCKED``, at most one row) picks; the conditional
    UPDATE of its row wins it; the new hold goes in; the item is read for the task's view::

        WITH pick AS (candidate), won AS (UPDATE tasks ... FROM pick ... RETURNING ...),
             hold AS (INSERT INTO task_assignments SELECT ... FROM won RETURNING id)
        SELECT pick.id, won.*, hold.id, items.* FROM pick LEFT JOIN won LEFT JOIN hold ...

    Every sub-statement runs (PostgreSQL runs data-modifying WITH queries to completion) under
    one snapshot, the UPDATE re-checking a row changed meanwhile as any UPDATE does. No row:
    no candidate; a picked row with no won task: the race was lost (look again)."""
    pick = candidate.cte("pick")
    won = (
        update(_TASKS)
        .where(_TASKS.c.id == pick.c.id, _TASKS.c.active_claims < _TASKS.c.overlap,
               _TASKS.c.status == "open")
        .values(active_claims=_TASKS.c.active_claims + 1)
        .returning(*(_TASKS.c[name] for name in _Claimed._fields))
        .cte("won")
    )
    hold = (
        insert(_ASSIGNMENTS)
        .from_select(["task_id", "user_id", "status", "claimed_at"],
                     select(won.c.id, bindparam("p_user", type_=Integer), literal("claimed"),
                            bindparam("p_at", type_=DateTime(timezone=True))))
        .returning(_ASSIGNMENTS.c.id)
        .cte("hold")
    )
    items = _ITEMS.c
    return (
        select(pick.c.id.label("picked"), hold.c.id.label("hold"),
               *(won.c[name] for name in _Claimed._fields),
               *(items[name] for name in _ClaimedItem._fields))
        .select_from(pick.outerjoin(won, true()).outerjoin(hold, true())
                     .outerjoin(_ITEMS, items.id == won.c.item_id))
        .execution_options(**WRITES)  # a write: what the transaction remembered is stale
    )


def _claim_in_one_statement(
    session: Session, attempts: tuple[Select[Any], ...], params: dict[str, Any]
) -> TaskOut | None:
    """:func:`claim_next_task`'s pick-and-win loop on PostgreSQL, each try one statement (see
    :func:`_one_statement_claim`)."""
    for _ in range(100):  # bounded: under the row locks a lost race is rare
        for query in attempts:
            row = session.execute(_one_statement_claim(query),
                                  {**params, "p_at": utcnow()}).first()
            if row is not None:
                break
        else:
            return None
        if row.hold is None:
            continue  # taken between our read and write; look again with a fresh query
        fields = row._mapping
        task = _Claimed(*(fields[won] for won in _Claimed._fields))
        item = _ClaimedItem(*(fields[_ITEMS.c[name]] for name in _ClaimedItem._fields))
        stale = loaded(session, Task, task.id)
        if stale is not None:  # a Task this session holds has an old count of claims now
            session.expire(stale)
        return task_view(session, cast(Task, task), item=item)
    raise Conflict("the task queue is too contended right now; ask again",
                   project_id=params["p_project"])


def claim_next_task(
    session: Session, user: User, project_id: int, stage: str, *, mix: bool = True
) -> TaskOut | None:
    """Give ``user`` the task they hold, or atomically claim the next open one.

    After the claim guards, registered claim mixers may slip a check item in (served as a
    ``check`` task of the same shape; ``mix=False`` skips them). Otherwise candidates come from
    packages assigned to the user, then from the user's pool: for a vendor's worker the
    unassigned packages handed to their vendor, for in-house people the unassigned packages
    handed to no vendor and tasks not yet packaged (see the module's vendor wall). Returns None
    when nothing is left.
    """
    from datamill.compliance.item_sensitivity import hidden_item_ids

    read_claim_ahead(session, user, project_id, stage)
    # the guards first, for a task already held too: a project classified above the user, one
    # that now needs surveying or a qualification test, is refused to its holders as well
    check_claim_guards(session, user, project_id, stage)
    hidden = hidden_item_ids(session, user, project_id)  # items above the user's clearance
    held = _held(session, user.id, project_id, stage)
    if held is not None:
        if held.item_id not in hidden:
            return task_view(session, held, user.id)
        _let_go(session, user, held)  # its item was classified above them since they took it
        hidden = hidden_item_ids(session, user, project_id)
    if mix:
        item_id = mixed_item(session, user, project_id, stage)
        if item_id is not None:
            check = _claim_check(session, user, project_id, stage, item_id)
            if check is not None:
                return check
    vendor_id = claimer_vendor(session, user)
    my_packages = session.scalars(
        _MY_PACKAGES_OF_NO_VENDOR if vendor_id is None else _MY_PACKAGES_OF_VENDOR,
        {"p_user": user.id, "p_project": project_id, "p_stage": stage, "p_vendor": vendor_id},
    ).all() if recall(session, ("own_packages", user.id, project_id, stage), True) else []
    attempts = _claim_queries(vendor_id is not None, bool(my_packages), bool(hidden))
    # (named apart from the tables' columns: the PostgreSQL claim runs an UPDATE and an INSERT
    # with these parameters, which would read a column's name as a value to set)
    params: dict[str, Any] = {"p_user": user.id, "p_project": project_id, "p_stage": stage,
                              "p_vendor": vendor_id, "p_packages": my_packages,
                              "p_hidden": sorted(hidden)}

    if session.get_bind().dialect.name == "postgresql":
        return _claim_in_one_statement(session, attempts, params)

    def next_id() -> int | None:
        for query in attempts:
            found: int | None = session.scalars(query, params).first()
            if found is not None:
                return found
        return None

    for _ in range(100):  # bounded: under the row locks above a lost race is rare
        task_id = next_id()
        if task_id is None:
            return None
        # the conditional UPDATE hands back the task it won (RETURNING): no second read
        won = session.execute(_WIN, {"p_task": task_id}).first()
        if won is None:
            continue  # taken between our read and write; look again with a fresh query
        session.execute(_NEW_HOLD, {"p_task": task_id, "p_user": user.id})
        stale = loaded(session, Task, task_id)
        if stale is not None:  # a Task this session holds has an old count of claims now
            session.expire(stale)
        # the row as won (a work task: the view reads its fields only); no fresh hold has a
        # return reason to look up
        return task_view(session, cast(Task, won))
    raise Conflict("the task queue is too contended right now; ask again", project_id=project_id)


def get_task(session: Session, task_id: int) -> Task:
    task = get_or_raise(session, Task, task_id, "task", task_id=task_id)
    return task


_TASK_AND_ITEM = (  # built once: a task and its item as objects, one statement
    select(Task, Item).outerjoin(Item, Item.id == Task.item_id)
    .where(Task.id == bindparam("p_task"))
)


def get_task_and_item(session: Session, task_id: int) -> tuple[Task, Item | None]:
    """:func:`get_task` and the task's item, read by one statement (a submit reads both). The
    session holds loaded objects weakly: keep the item referenced while ``session.get(Item,
    task.item_id)`` should find it without SQL. Only loads: whoever asks still checks the
    caller may see them."""
    task = loaded(session, Task, task_id)
    if task is not None:
        return task, session.get(Item, task.item_id)
    row = session.execute(_TASK_AND_ITEM, {"p_task": task_id}).first()
    if row is None:
        raise NotFound(f"no task with id {task_id}", task_id=task_id)
    return row[0], cast("Item | None", row[1])


_ITEMS = cast(Table, Item.__table__)
_ITEM_VIEW = select(  # built once, Core: what a work task's view shows of its item
    _ITEMS.c.id, _ITEMS.c.external_id, _ITEMS.c.attributes, _ITEMS.c.prompt,
    _ITEMS.c.current_version, _ITEMS.c.current_annotation_id,
).where(_ITEMS.c.id == bindparam("p_item"))
_RETURN_REASON = select(_ASSIGNMENTS.c.return_reason).where(
    _ASSIGNMENTS.c.task_id == bindparam("p_task"), _ASSIGNMENTS.c.user_id == bindparam("p_user"))


def _item_view(session: Session, item_id: int) -> Any:
    """The item's row as :data:`_ITEM_VIEW` reads it (attribute access), or the item held in
    the session (it may carry changes not yet flushed, which a Core read would not see)."""
    held = loaded(session, Item, item_id)
    if held is not None:
        return held
    return session.execute(_ITEM_VIEW, {"p_item": item_id}).first()


def task_view(
    session: Session, task: Task, user_id: int | None = None, *, item: Any = None
) -> TaskOut:
    """The task as the person holding it sees it (``user_id``: whose return reason, and for a
    check task, whose view). A check task looks like a work task in every field: see
    :func:`_check_view`. ``item``: the work task's item as :data:`_ITEM_VIEW` reads it, when
    the caller read it already."""
    if task.kind == "check":
        check_item = session.get(Item, task.item_id)
        if check_item is None:
            raise NotFound(f"task {task.id} refers to a missing item")
        return _check_view(session, task, check_item, user_id)
    if item is None:
        item = _item_view(session, task.item_id)  # every claim shows one: no ORM object needed
    if item is None:
        raise NotFound(f"task {task.id} refers to a missing item")
    reason = None
    if user_id is not None:
        reason = session.scalar(_RETURN_REASON, {"p_task": task.id, "p_user": user_id})
    if task.stage == "annotate" and task.overlap > 1 and reason is None:
        current, version = _parallel_start(session, item.id, user_id)
    else:
        current = (
            session.get(Annotation, item.current_annotation_id)
            if item.current_annotation_id else None
        )
        version = item.current_version
    return TaskOut(
        id=task.id, project_id=task.project_id, item_id=item.id, external_id=item.external_id,
        stage=task.stage, status=task.status, package_id=task.package_id,
        duration_ms=(item.attributes or {}).get("duration_ms"), attributes=item.attributes or {},
        prompt=item.prompt, current_version=version,
        current=AnnotationOut.model_validate(current) if current else None, return_reason=reason,
    )


def _parallel_start(
    session: Session, item_id: int, user_id: int | None
) -> tuple[Annotation | None, int]:
    """What one of several parallel first passes (overlap > 1) starts from: the viewer's own
    latest answer when they gave one, else the model's newest pre-annotation, else nothing;
    never another annotator's answer (the item's current version once someone submitted), so
    the answers stay independent, as majority vote and Dawid–Skene assume. The version shown
    is that annotation's (0: none); a parallel submit is never refused for it (each pass is
    based on the item as locked when it lands, see ``annotating.submit_annotation``)."""
    start = None
    if user_id is not None:
        start = session.scalars(
            select(Annotation)
            .where(Annotation.item_id == item_id, Annotation.kind == "annotation",
                   Annotation.author_id == user_id)
            .order_by(Annotation.version.desc()).limit(1)
        ).first()
    if start is None:
        start = _check_start(session, item_id)[0]
    return start, (start.version if start is not None else 0)


def _check_view(session: Session, task: Task, item: Item, user_id: int | None) -> TaskOut:
    """A check task (a golden item mixed into a claim) shaped like a fresh work task, so
    nothing the worker sees gives it away:

    - never the item's current annotation (for a check item that is the answer): the model's
      pre-annotation when there is one (golden items are pre-annotated with the production
      items, see ``assist.runner``), else nothing, as on a work task of an item not
      pre-annotated;
    - the version a work task shows: the pre-label's place among the item's own versions (1 on
      a set-aside golden item), never counting the check answers, which take version numbers;
    - the package the worker is working through (a check task belongs to none);
    - its status as the worker's own work task would read: open while held, then done (or open
      while a project with overlap waits for more answers), never "open for a thousand more";
    - no return reason (a check is never returned).
    """
    pre, version = _check_start(session, item.id)
    current = None
    if pre is not None:
        current = AnnotationOut.model_validate(pre).model_copy(update={"version": version})
    status, package_id = task.status, None
    if user_id is not None:
        held = session.scalar(select(TaskAssignment.status).where(
            TaskAssignment.task_id == task.id, TaskAssignment.user_id == user_id))
        if held == "submitted":
            status = _submitted_status(session, task.project_id)
        package_id = _cover_package(session, task, user_id)
    return TaskOut(
        id=task.id, project_id=task.project_id, item_id=item.id, external_id=item.external_id,
        stage=task.stage, status=status, package_id=package_id,
        duration_ms=(item.attributes or {}).get("duration_ms"), attributes=item.attributes or {},
        prompt=item.prompt, current_version=version, current=current, return_reason=None,
    )


def _check_start(session: Session, item_id: int) -> tuple[Annotation | None, int]:
    """What a check task of the item starts from: the newest pre-annotation (or None) and the
    version it shows, its place among the item's own versions (check answers not counted)."""
    pre = session.scalars(
        select(Annotation)
        .where(Annotation.item_id == item_id, Annotation.kind == "preannotation")
        .order_by(Annotation.version.desc())
        .limit(1)
    ).first()
    if pre is None:
        return None, 0
    version = session.scalar(
        select(func.count()).select_from(Annotation).where(
            Annotation.item_id == item_id, Annotation.kind != "check",
            Annotation.version <= pre.version)
    ) or 1
    return pre, int(version)


def check_task_version(session: Session, task: Task) -> int:
    """The ``current_version`` a check task shows its worker (see :func:`_check_view`)."""
    return _check_start(session, task.item_id)[1]


def _submitted_status(session: Session, project_id: int) -> str:
    """What a work task the worker just submitted reads: done, or open while the project's
    overlap (several first passes) waits for more answers."""
    project = session.get(Project, project_id)
    overlap = int((project.spec if project else {}).get("overlap", 1))
    return "open" if overlap > 1 else "done"


def _cover_package(session: Session, task: Task, user_id: int) -> int | None:
    """The package a check task served to ``user_id`` shows: the one the worker is working
    through (of their own, then of their pool, with work still open: where their next work
    task comes from), else the package of their latest work task at the stage, else none."""
    user = session.get(User, user_id)
    vendor_id = claimer_vendor(session, user) if user is not None else None
    open_work = exists().where(
        Task.package_id == WorkPackage.id, Task.kind == "work", Task.status == "open",
        Task.active_claims < Task.overlap)
    mine = WorkPackage.assignee_id == user_id
    pool = and_(WorkPackage.assignee_id.is_(None), _same_vendor(vendor_id))
    found = session.scalar(
        select(WorkPackage.id)
        .where(WorkPackage.project_id == task.project_id, WorkPackage.stage == task.stage,
               or_(mine, pool), open_work)
        .order_by(case((mine, 0), else_=1), WorkPackage.id)
        .limit(1)
    )
    if found is not None:
        return int(found)
    last = session.scalar(
        select(Task.package_id)
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(TaskAssignment.user_id == user_id, Task.project_id == task.project_id,
               Task.stage == task.stage, Task.kind == "work", Task.package_id.is_not(None))
        .order_by(TaskAssignment.id.desc())
        .limit(1)
    )
    return int(last) if last is not None else None


def list_tasks_for_user(session: Session, user: User, project_id: int) -> list[dict[str, Any]]:
    """Tasks the user holds (an annotator sees only these)."""
    rows = session.execute(
        select(Task, TaskAssignment.status)
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(TaskAssignment.user_id == user.id, Task.project_id == project_id)
        .order_by(Task.id)
    ).all()
    # a check task the user answered reads as their own work task would (see _check_view)
    return [
        {"task_id": t.id, "item_id": t.item_id, "stage": t.stage,
         "task_status": _submitted_status(session, project_id)
         if t.kind == "check" and status == "submitted" else t.status,
         "assignment": status}
        for t, status in rows
    ]


_HOLD = select(_ASSIGNMENTS.c.id, _ASSIGNMENTS.c.status).where(  # built once, Core (every submit)
    _ASSIGNMENTS.c.task_id == bindparam("p_task"), _ASSIGNMENTS.c.user_id == bindparam("p_user")
)
_HOLD_ID = _HOLD.with_only_columns(_ASSIGNMENTS.c.id).scalar_subquery()
_HOLD_STATUS = _HOLD.with_only_columns(_ASSIGNMENTS.c.status).scalar_subquery()
_UNKNOWN = object()


def hold_lookups(task_id: int, user_id: int) -> list[Lookup]:
    """:func:`ensure_holds`' question (``p_task``, ``p_user``) as read-ahead lookups."""
    return [Lookup(("hold", task_id, user_id, "id"), _HOLD_ID),
            Lookup(("hold", task_id, user_id, "status"), _HOLD_STATUS)]


class Hold(NamedTuple):
    """A person's hold on a task as read by :func:`ensure_holds` (its row id and status then)."""

    id: int
    status: str


def ensure_holds(session: Session, user_id: int, task: Task) -> Hold:
    """The user's live hold on the task, or Conflict/Forbidden-style errors naming the problem."""
    from datamill.core.errors import Forbidden

    row: Any = recall(session, ("hold", task.id, user_id, "id"), _UNKNOWN)  # read ahead?
    if row is _UNKNOWN:
        row = session.execute(_HOLD, {"p_task": task.id, "p_user": user_id}).first()
    elif row is not None:
        row = (row, recall(session, ("hold", task.id, user_id, "status")))
    if row is None:
        raise Forbidden(f"you do not hold task {task.id}; claim a task first", task_id=task.id)
    hold = Hold(int(row[0]), str(row[1]))
    if hold.status not in ("claimed", "returned") or task.status != "open":
        raise Conflict(
            f"task {task.id} is already {hold.status if hold.status == 'submitted' else task.status}",
            task_id=task.id,
        )
    return hold


def release_holds(session: Session, user_ids: Sequence[int], *,
                  package_id: int | None = None) -> dict[int, list[int]]:
    """Take unfinished work away from ``user_ids``: their holds (claimed, or returned to them
    for rework) on open tasks, of one package or (``package_id`` None) everywhere, are deleted
    with their drafts of those tasks, and the tasks are open to others again (a package taken
    back from a vendor, a worker deactivated). Submitted work stays theirs; the caller audits.
    Returns the released task ids by user (users who held nothing are left out)."""
    if not user_ids:
        return {}
    q = (select(_ASSIGNMENTS.c.id, _ASSIGNMENTS.c.task_id, _ASSIGNMENTS.c.user_id)
         .join(_TASKS, _TASKS.c.id == _ASSIGNMENTS.c.task_id)
         .where(_TASKS.c.status == "open", _ASSIGNMENTS.c.user_id.in_(list(user_ids)),
                _ASSIGNMENTS.c.status.in_(("claimed", "returned")))
         .order_by(_ASSIGNMENTS.c.user_id, _ASSIGNMENTS.c.task_id))
    if package_id is not None:
        q = q.where(_TASKS.c.package_id == package_id)
    released: dict[int, list[tuple[int, int]]] = {}
    for hold_id, task_id, user_id in session.execute(q.with_for_update()).all():
        released.setdefault(int(user_id), []).append((int(hold_id), int(task_id)))
    for user_id, held in released.items():
        _drop_holds(session, user_id, [t for _h, t in held],
                    _ASSIGNMENTS.c.id.in_([h for h, _t in held]))
    return {user_id: [t for _h, t in held] for user_id, held in released.items()}
