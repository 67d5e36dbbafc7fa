"""What the person holding a task sees of it (:func:`task_view`), and the tasks they hold.

A check task (a golden item mixed into a claim) looks like a work task in every field.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from datamill.compliance.models import User
from datamill.core.errors import NotFound
from datamill.db.memo import run
from datamill.db.rows import loaded
from datamill.production.claim_rules import claimer_vendor, same_vendor
from datamill.production.models import (
    Annotation,
    Item,
    Project,
    Task,
    TaskAssignment,
    WorkPackage,
)
from datamill.production.schemas import AnnotationOut, TaskOut

__all__ = ["check_task_version", "count_tasks_for_user", "home_tasks_for_user", "list_tasks_for_user",
           "submitted_version", "task_view"]

_ASSIGNMENTS = cast(Table, TaskAssignment.__table__)
_ITEMS = cast(Table, Item.__table__)
_ITEM_VIEW = select(  # built once, Core: what a work task's view shows of its item
    _ITEMS.c.id, _ITEMS.c.external_id, _ITEMS.c.attributes, _ITEMS.c.prompt,
    _ITEMS.c.current_version, _ITEMS.c.current_annotation_id,
).where(_ITEMS.c.id == bindparam("p_item"))
_RETURN_REASON = select(  # the sentence, and the same as a code and its values
    _ASSIGNMENTS.c.return_reason, _ASSIGNMENTS.c.return_code, _ASSIGNMENTS.c.return_params,
).where(
    _ASSIGNMENTS.c.task_id == bindparam("p_task"), _ASSIGNMENTS.c.user_id == bindparam("p_user"))


def _item_view(session: Session, item_id: int) -> Any:
    """The item's row as :data:`_ITEM_VIEW` reads it (attribute access), or the item held in
    the session (it may carry changes not yet flushed, which a Core read would not see)."""
    held = loaded(session, Item, item_id)
    if held is not None:
        return held
    return run(session, _ITEM_VIEW, {"p_item": item_id}).first()


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
    reason = code = params = None
    if user_id is not None:
        row = run(session, _RETURN_REASON, {"p_task": task.id, "p_user": user_id}).first()
        if row is not None:
            reason, code, params = row
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
        return_code=code if reason is not None else None,
        return_params=params if reason is not None else None,
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
    pool = and_(WorkPackage.assignee_id.is_(None), same_vendor(vendor_id))
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


def _mine(user: User, project_id: int, stage: str | None) -> tuple[ColumnElement[bool], ...]:
    where: tuple[ColumnElement[bool], ...] = (
        TaskAssignment.user_id == user.id, Task.project_id == project_id)
    return (*where, Task.stage == stage) if stage is not None else where


def _rows(session: Session, project_id: int, found: Any) -> list[dict[str, Any]]:
    # a check task the user answered reads as their own work task would (see _check_view)
    return [
        {"task_id": t.id, "item_id": t.item_id, "stage": t.stage,
         "task_status": _submitted_status(session, project_id)
         if t.kind == "check" and status == "submitted" else t.status,
         "assignment": status}
        for t, status in found
    ]


def list_tasks_for_user(
    session: Session, user: User, project_id: int, *, limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Tasks the user holds or held in the project (an annotator sees only these), in task id
    order; ``limit`` and ``offset`` page them in the database (a person's history grows by
    hundreds a day: a page never reads all of it)."""
    query = (select(Task, TaskAssignment.status)
             .join(TaskAssignment, TaskAssignment.task_id == Task.id)
             .where(*_mine(user, project_id, None)).order_by(Task.id))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return _rows(session, project_id, session.execute(query).all())


def count_tasks_for_user(session: Session, user: User, project_id: int,
                         stage: str | None = None) -> int:
    """How many tasks the user holds or held in the project (at ``stage``, when given)."""
    return int(session.scalar(
        select(func.count()).select_from(TaskAssignment)
        .join(Task, Task.id == TaskAssignment.task_id)
        .where(*_mine(user, project_id, stage))) or 0)


def home_tasks_for_user(
    session: Session, user: User, project_id: int, stage: str, *, recent: int = 20,
) -> tuple[list[dict[str, Any]], int]:
    """What a worker's home page lists of a project at ``stage``: every task they hold now
    (claimed or returned), then their ``recent`` latest others, newest first; and how many
    earlier ones it leaves out. (It listed their whole history, each row read with several
    statements: thousands of rows for a worker some months in.)"""
    holding = TaskAssignment.status.in_(("claimed", "returned"))
    base = (select(Task, TaskAssignment.status)
            .join(TaskAssignment, TaskAssignment.task_id == Task.id)
            .where(*_mine(user, project_id, stage)))
    held = session.execute(base.where(holding).order_by(Task.id)).all()
    others = session.execute(base.where(~holding).order_by(TaskAssignment.id.desc())
                             .limit(recent)).all()
    total = count_tasks_for_user(session, user, project_id, stage)
    return _rows(session, project_id, [*held, *others]), total - len(held) - len(others)


def submitted_version(session: Session, user_id: int, task: Task) -> dict[str, Any] | None:
    """What ``user_id`` submitted on ``task``, while their hold is a submitted one (the page they
    open again shows it read-only): the version, its flat text, the payload and when; None when
    they hold it otherwise or submitted nothing of their own there."""
    held = session.scalar(select(TaskAssignment.status).where(
        TaskAssignment.task_id == task.id, TaskAssignment.user_id == user_id))
    if held != "submitted":
        return None
    row = session.scalars(
        select(Annotation).where(Annotation.task_id == task.id, Annotation.author_id == user_id)
        .order_by(Annotation.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return {"version": row.version, "text": row.text, "payload": row.payload,
            "created_at": row.created_at, "kind": row.kind}
