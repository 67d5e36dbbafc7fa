"""The working time a submission recorded: what the throughput reports and the pre-start
self-test (试标) both measure the annotation-output ratio (标产比) from.

A worker's time on a task is the sum of ``Annotation.time_spent_ms`` of the annotations they
wrote on it (the workbench records the time of every save); a submission counts once its
assignment is ``submitted``. Check tasks (``kind`` other than ``work``) are not annotation work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.production.models import Annotation, Item, Task, TaskAssignment

__all__ = ["TimedSubmission", "submitted_work_time", "time_spent_by_task_author"]


def time_spent_by_task_author() -> Any:
    """Subquery (task_id, author_id, ms): the time each author recorded on each task."""
    return (select(Annotation.task_id, Annotation.author_id,
                   func.sum(Annotation.time_spent_ms).label("ms"))
            .where(Annotation.task_id.is_not(None))
            .group_by(Annotation.task_id, Annotation.author_id).subquery())


@dataclass(frozen=True)
class TimedSubmission:
    """One submitted work assignment: who, which item (and its volume in the modality's base
    unit), and the time recorded (0 when the annotations recorded none)."""

    user_id: int
    item_id: int
    volume: int
    time_spent_ms: int


def submitted_work_time(
    session: Session, project_id: int, stage: str, *, item_ids: Iterable[int],
    user_ids: Iterable[int],
) -> list[TimedSubmission]:
    """The submitted ``work`` assignments of ``stage`` on ``item_ids`` of the project by
    ``user_ids``, each with the time its annotations recorded, in (item, user) order."""
    spent = time_spent_by_task_author()
    q = (select(TaskAssignment.user_id, Item.id, Item.volume, spent.c.ms)
         .join(Task, Task.id == TaskAssignment.task_id)
         .join(Item, Item.id == Task.item_id)
         .outerjoin(spent, (spent.c.task_id == Task.id)
                    & (spent.c.author_id == TaskAssignment.user_id))
         .where(TaskAssignment.status == "submitted", Task.kind == "work",
                Task.project_id == project_id, Task.stage == stage,
                Task.item_id.in_(list(item_ids)), TaskAssignment.user_id.in_(list(user_ids)))
         .order_by(Item.id, TaskAssignment.user_id, TaskAssignment.id))
    return [TimedSubmission(user_id=u, item_id=i, volume=int(v or 0), time_spent_ms=int(ms or 0))
            for u, i, v, ms in session.execute(q)]
