"""Holds of people a project's qualification test now shuts out of its labelling.

A project that gets a qualification test (or is made to require one) admits to its annotate
tasks only those who passed it (``assignment.qualification_guard``). The gate is checked on a
claim; before, a worker who held an annotate task when the test arrived kept the hold and
submitted it untested. As when a vendor is taken off the qualified-supplier list, such holds
are released: the holds of the untested on the project's open annotate tasks go, with their
drafts, and the tasks are open to others again; submitted work stays. Review and inspection
are not gated, so their holds stay too.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.production.holds import drop_holds
from datamill.production.models import Task, TaskAssignment
from datamill.workforce.models import Worker
from datamill.workforce.vendors import find_worker_of_user

__all__ = ["release_untested_holds"]


def release_untested_holds(
    session: Session, project_id: int, qualified: Callable[[Worker], bool]
) -> dict[int, list[int]]:
    """Release the holds (claimed, or returned for rework) on the project's open annotate
    tasks of everyone ``qualified`` says no to (someone not registered as a worker counts as
    untested); the released task ids by user id, for the caller's audit record."""
    rows = session.execute(
        select(TaskAssignment.id, TaskAssignment.task_id, TaskAssignment.user_id)
        .join(Task, Task.id == TaskAssignment.task_id)
        .where(Task.project_id == project_id, Task.stage == "annotate", Task.status == "open",
               TaskAssignment.status.in_(("claimed", "returned")))
        .order_by(TaskAssignment.user_id, TaskAssignment.task_id)
        .with_for_update(of=TaskAssignment)
    ).all()
    held: dict[int, list[tuple[int, int]]] = {}
    for hold_id, task_id, user_id in rows:
        held.setdefault(int(user_id), []).append((int(hold_id), int(task_id)))
    released: dict[int, list[int]] = {}
    for user_id, holds in held.items():
        worker = find_worker_of_user(session, user_id)
        if worker is not None and qualified(worker):
            continue
        tasks = [t for _h, t in holds]
        drop_holds(session, user_id, tasks, TaskAssignment.id.in_([h for h, _t in holds]))
        released[user_id] = tasks
    return released
