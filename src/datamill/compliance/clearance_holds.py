"""Holds of a person whose clearance was lowered below the work they hold (helper h14).

A lowered clearance took effect at once on reads, but a task the person held on a project (or
an item) now classified above them stayed held until they next claimed: nobody else could take
it, and the holder could still open and hand in the item they are no longer cleared for. As
when a vendor is disqualified or a member removed, :func:`release_uncleared_holds` gives such
work back to the pool: their holds (claimed, or returned for rework) on open tasks whose item
is classified above the new level go, with their drafts; their packages with work left on a
project classified above it lose their assignee. Submitted work stays theirs. Each project's
release is audited (``security.clearance_holds_released``). A project or an item classified
above the clearance of people holding its tasks does the same for them
(:func:`release_holders_below`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.classification import LEVELS, project_level, user_clearance

__all__ = ["release_holders_below", "release_uncleared_holds"]


def release_holders_below(session: Session, project_id: int, level: str, actor_id: int | None,
                          item_id: int | None = None) -> list[int]:
    """After project ``project_id`` (or its item ``item_id``) is classified ``level``: what the
    people holding its open tasks who are not cleared for ``level`` hold above their own
    clearance is released (:func:`release_uncleared_holds`); the released task ids."""
    from datamill.production.models import Task, TaskAssignment

    q = (select(TaskAssignment.user_id).distinct()
         .join(Task, Task.id == TaskAssignment.task_id)
         .where(Task.project_id == project_id, Task.status == "open",
                TaskAssignment.status.in_(("claimed", "returned")))
         .order_by(TaskAssignment.user_id))
    if item_id is not None:
        q = q.where(Task.item_id == item_id)
    released: list[int] = []
    for user_id in session.scalars(q).all():
        own = user_clearance(session, user_id)
        if LEVELS.index(own) < LEVELS.index(level):
            released += release_uncleared_holds(session, user_id, own, actor_id)[
                "released_tasks"]
    return sorted(released)


def release_uncleared_holds(session: Session, user_id: int, level: str,
                            actor_id: int | None) -> dict[str, list[int]]:
    """Release what ``user_id`` holds above clearance ``level`` (see the module docstring); the
    released task ids (``released_tasks``) and unassigned package ids
    (``unassigned_packages``)."""
    from datamill.compliance.item_sensitivity import items_above
    from datamill.production.holds import drop_holds
    from datamill.production.models import Task, TaskAssignment, WorkPackage

    if level == LEVELS[-1]:
        return {"released_tasks": [], "unassigned_packages": []}
    rows = session.execute(
        select(TaskAssignment.id, TaskAssignment.task_id, Task.item_id, Task.project_id)
        .join(Task, Task.id == TaskAssignment.task_id)
        .where(TaskAssignment.user_id == user_id, Task.status == "open",
               TaskAssignment.status.in_(("claimed", "returned")))
        .order_by(TaskAssignment.task_id)
        .with_for_update(of=TaskAssignment)
    ).all()
    above = items_above(session, [(int(r.item_id), int(r.project_id)) for r in rows], level)
    held = [r for r in rows if int(r.item_id) in above]
    by_project: dict[int, dict[str, Any]] = {}
    if held:
        drop_holds(session, user_id, [int(r.task_id) for r in held],
                   TaskAssignment.id.in_([int(r.id) for r in held]))
        for r in held:
            by_project.setdefault(int(r.project_id), {"tasks": [], "packages": []})[
                "tasks"].append(int(r.task_id))
    rank = LEVELS.index(level)
    unfinished = select(Task.id).where(Task.package_id == WorkPackage.id,
                                       Task.status != "done").exists()
    for pkg in session.scalars(select(WorkPackage).where(
            WorkPackage.assignee_id == user_id, unfinished).order_by(WorkPackage.id)):
        if LEVELS.index(project_level(session, pkg.project_id)) > rank:
            pkg.assignee_id, pkg.status = None, "open"
            by_project.setdefault(pkg.project_id, {"tasks": [], "packages": []})[
                "packages"].append(pkg.id)
    for project_id, released in sorted(by_project.items()):
        record_audit(session, actor_id=actor_id, action="security.clearance_holds_released",
                     object_type="user", object_id=user_id, project_id=project_id,
                     data={"clearance": level, "released_tasks": released["tasks"],
                           "unassigned_packages": released["packages"]})
    session.flush()
    return {"released_tasks": sorted(t for r in by_project.values() for t in r["tasks"]),
            "unassigned_packages": sorted(p for r in by_project.values()
                                          for p in r["packages"])}
