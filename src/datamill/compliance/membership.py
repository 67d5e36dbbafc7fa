"""Ending a person's membership of a project: the access review's "this person no longer works
here" (helper h3).

Before, a membership could be given (``project add-member``) but never taken back short of
deactivating the person everywhere: an annotator moved off a project kept reading its items,
audio and annotations. :func:`remove_member` ends one membership; the person's next request on
the project is refused (membership is read on every request, sessions and tokens included),
the work they held on it goes back to the pool (holds on open tasks with their drafts, packages
assigned to them), and the audit trail records who removed whom and what was released.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import ProjectMember, User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import NotFound
from datamill.db.lookup import get_or_raise

__all__ = ["remove_member"]


def _release(session: Session, project_id: int, user_id: int) -> dict[str, list[int]]:
    """Give the project's open work ``user_id`` holds back to the pool: every hold on an open
    task of the project, packaged or not (in-house people claim unpackaged tasks straight from
    the pool: only the packaged ones' holds went, h6), and the packages assigned to them."""
    from datamill.production.holds import drop_holds
    from datamill.production.models import Task, TaskAssignment, WorkPackage

    held = session.execute(
        select(TaskAssignment.id, TaskAssignment.task_id)
        .join(Task, Task.id == TaskAssignment.task_id)
        .where(Task.project_id == project_id, TaskAssignment.user_id == user_id,
               TaskAssignment.status.in_(("claimed", "returned")), Task.status == "open")
        .order_by(TaskAssignment.task_id).with_for_update()).all()
    tasks = [int(task_id) for _hold, task_id in held]
    if held:
        drop_holds(session, user_id, tasks,
                   TaskAssignment.id.in_([int(hold) for hold, _t in held]))
    packages = session.scalars(
        select(WorkPackage).where(WorkPackage.project_id == project_id,
                                  WorkPackage.assignee_id == user_id)
        .order_by(WorkPackage.id)).all()
    for pkg in packages:
        pkg.assignee_id, pkg.status = None, "open"
    return {"released_tasks": tasks, "unassigned_packages": [p.id for p in packages]}


def remove_member(session: Session, actor: User, project_id: int, user_id: int) -> dict[str, Any]:
    """End ``user_id``'s membership of ``project_id`` (the project's managers: ``manage_project``)
    and release the work they held on it; audited (``project.member_removed``). 404 (``reason_code``
    ``not_a_member``) when they are no member."""
    from datamill.production.models import Project

    get_or_raise(session, Project, project_id, "project", project_id=project_id)
    require(session, actor, Action.MANAGE_PROJECT, project_id)
    person = get_or_raise(session, User, user_id, "user", user_id=user_id)
    row = session.scalars(select(ProjectMember).where(
        ProjectMember.project_id == project_id, ProjectMember.user_id == user_id)
        .with_for_update()).first()
    if row is None:
        raise NotFound(f"{person.username!r} is no member of project {project_id}",
                       project_id=project_id, username=person.username,
                       reason_code="not_a_member")
    released = _release(session, project_id, user_id)
    session.delete(row)
    record_audit(session, actor_id=actor.id, action="project.member_removed",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"user": person.username, "reason": "removed", **released})
    session.flush()  # the memo of who is a member goes with it
    return {"project_id": project_id, "username": person.username, **released}
