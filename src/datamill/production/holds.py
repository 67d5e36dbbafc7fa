"""A person's hold on a task (a ``task_assignments`` row): checking it on a submit, and taking
unfinished work back (a package reassigned or taken back from a vendor, a person deactivated)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, delete, exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, Forbidden
from datamill.db.memo import Lookup, recall, run
from datamill.production.models import Draft, Review, Task, TaskAssignment, WorkPackage

__all__ = [
    "Hold",
    "drop_holds",
    "ensure_holds",
    "hold_lookups",
    "lock_hold",
    "release_holds",
    "release_work_of",
]

_TASKS = cast(Table, Task.__table__)
_ASSIGNMENTS = cast(Table, TaskAssignment.__table__)
_DRAFTS = cast(Table, Draft.__table__)


_HOLD = select(_ASSIGNMENTS.c.id, _ASSIGNMENTS.c.status).where(  # built once, Core (every submit)
    _ASSIGNMENTS.c.task_id == bindparam("p_task"), _ASSIGNMENTS.c.user_id == bindparam("p_user")
)
_HOLD_LOCKED = _HOLD.with_for_update()  # a draft save's (see lock_hold)
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
    row: Any = recall(session, ("hold", task.id, user_id, "id"), _UNKNOWN)  # read ahead?
    if row is _UNKNOWN:
        row = run(session, _HOLD, {"p_task": task.id, "p_user": user_id}).first()
    elif row is not None:
        row = (row, recall(session, ("hold", task.id, user_id, "status")))
    if row is None:
        raise _not_held(session, task, user_id)
    hold = Hold(int(row[0]), str(row[1]))
    if hold.status not in ("claimed", "returned") or task.status != "open":
        raise _not_open(task, hold.status)
    return hold


def _not_held(session: Session, task: Task, user_id: int) -> Exception:
    """The refusal of work on a task the user does not hold: 403 ``task_not_held``; but a
    review task they decided themselves (a rejection drops the review's holds, so the other
    tab, window or client of a reviewer deciding it at the same moment found no hold and was
    told "claim a task first") is 409 ``review_decided``."""
    if task.stage == "review" and session.scalars(
            select(Review.id).where(Review.task_id == task.id, Review.reviewer_id == user_id)
            .limit(1)).first() is not None:
        return Conflict(f"task {task.id} was already reviewed (in another tab, window or "
                        "client); open your next task", task_id=task.id,
                        reason_code="review_decided")
    return Forbidden(f"you do not hold task {task.id}; claim a task first", task_id=task.id,
                     reason_code="task_not_held")


def _not_open(task: Task, hold_status: str) -> Exception:
    """The Conflict for work on a task that takes none any more: handed in by this person
    (``already_submitted``), or closed (``task_not_open``, its status named)."""
    if hold_status == "submitted":
        return Conflict(f"task {task.id} is already submitted", task_id=task.id,
                        reason_code="already_submitted")
    shown = hold_status if task.status == "open" else task.status
    return Conflict(f"task {task.id} is already {shown}", task_id=task.id, status=shown,
                    reason_code="task_not_open")


def lock_hold(session: Session, user_id: int, task: Task) -> Hold:
    """:func:`ensure_holds` for a write that must not outlive the hold (a draft save): the
    hold row is read ``FOR UPDATE`` (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` transaction
    already has the one writer's turn), so it waits for a submit of the same hold that is
    under way (its ``held → submitted`` UPDATE locks the row) and then reads what it wrote.
    A hold already submitted is refused 409 with ``reason_code`` ``task_submitted``: the work
    was handed in, a draft of it would never be read again. Never from the memo (a read-ahead
    took no lock)."""
    row = run(session, _HOLD_LOCKED, {"p_task": task.id, "p_user": user_id}).first()
    if row is None:
        raise _not_held(session, task, user_id)
    hold = Hold(int(row[0]), str(row[1]))
    if hold.status == "submitted":
        raise Conflict(f"task {task.id} is already submitted (in another tab, window or"
                       " client); this draft was not saved", task_id=task.id,
                       reason_code="task_submitted")
    if hold.status not in ("claimed", "returned") or task.status != "open":
        raise _not_open(task, hold.status)
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
        drop_holds(session, user_id, [t for _h, t in held],
                    _ASSIGNMENTS.c.id.in_([h for h, _t in held]))
    return {user_id: [t for _h, t in held] for user_id, held in released.items()}


def release_work_of(
    session: Session, user_id: int, *, actor_id: int | None = None,
    reason: str = "assignee deactivated",
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
                     data={"previous_user_id": user_id, "reason": reason})
    session.flush()
    return {"tasks": task_ids, "packages": [p.id for p in packages]}


def drop_holds(session: Session, user_id: int | None, task_ids: list[int],
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

