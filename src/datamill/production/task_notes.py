"""What a worker adds to a task beyond the payload: skipping it with a reason and the
submission's note to the reviewer. Modality-neutral.

* **Skip.** A worker hands a task they hold back with a reason: their hold becomes ``skipped``
  (kept, with the reason, as the record), the task's claim is freed for others, and the claim
  query never gives a task back to someone who already holds or held it.
* **Notes.** A submission may carry a comment to the reviewer and an item flag (the annotator
  cannot annotate the item; the modality names its flags, see
  :func:`datamill.modalities.base.flag_item_in`), stored as an
  :class:`~datamill.production.models.AnnotationNote` and shown on the review page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.storable import check_note
from datamill.production.drafts import discard_draft
from datamill.production.models import Annotation, AnnotationNote, Task, TaskAssignment
from datamill.production.tasks import ensure_holds, get_task

__all__ = ["MAX_COMMENT_CHARS", "NoteOut", "latest_note", "note_for", "record_note", "skip_task",
           "skipped_by"]

MAX_COMMENT_CHARS = 2000


class NoteOut(BaseModel):
    annotation_id: int
    author_id: int | None
    comment: str | None
    item_flag: str | None
    created_at: datetime


def record_note(
    session: Session, annotation: Annotation, *, author_id: int | None, comment: str | None,
    item_flag: str | None,
) -> NoteOut | None:
    """Store the submission's comment and item flag (nothing when both are empty)."""
    text = (comment or "").strip() or None
    check_note(text, "comment")
    if text is not None and len(text) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"a comment has at most {MAX_COMMENT_CHARS} characters", field="comment")
    if text is None and item_flag is None:
        return None
    row = AnnotationNote(annotation_id=annotation.id, item_id=annotation.item_id,
                         author_id=author_id, comment=text, item_flag=item_flag)
    session.add(row)
    session.flush()
    return NoteOut.model_validate(row, from_attributes=True)


def note_for(session: Session, annotation_id: int) -> NoteOut | None:
    """The note stored with an annotation version, if any."""
    row = session.scalars(
        select(AnnotationNote).where(AnnotationNote.annotation_id == annotation_id)
    ).first()
    return NoteOut.model_validate(row, from_attributes=True) if row else None


def latest_note(session: Session, item_id: int) -> NoteOut | None:
    """The newest note on any version of an item (what the reviewer should read)."""
    row = session.scalars(
        select(AnnotationNote).where(AnnotationNote.item_id == item_id)
        .order_by(AnnotationNote.id.desc()).limit(1)
    ).first()
    return NoteOut.model_validate(row, from_attributes=True) if row else None


def skip_task(session: Session, user: User, task_id: int, reason: str) -> dict[str, Any]:
    """Hand a held task back to the pool with a reason; it is never offered to ``user`` again.
    Their draft is discarded; the hold stays as the record (status ``skipped``)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("say why you skip the task", field="reason")
    check_note(reason, "reason")
    if len(reason) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"a reason has at most {MAX_COMMENT_CHARS} characters", field="reason")
    task = get_task(session, task_id)
    hold = ensure_holds(session, user.id, task)
    # held → skipped as one conditional UPDATE: a submit of the same hold that committed in the
    # meantime wins (this skip then changes nothing and answers a Conflict), never undone
    won = session.execute(
        update(TaskAssignment)
        .where(TaskAssignment.id == hold.id, TaskAssignment.status.in_(("claimed", "returned")))
        .values(status="skipped", return_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if getattr(won, "rowcount", 0) != 1:
        raise Conflict(f"task {task.id} is already submitted", task_id=task.id,
                       reason_code="already_submitted")
    session.execute(
        update(Task).where(Task.id == task.id, Task.active_claims > 0)
        .values(active_claims=Task.active_claims - 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(task)
    discard_draft(session, task.id, user.id)
    record_audit(session, actor_id=user.id, action="task.skipped", object_type="task",
                 object_id=task.id, project_id=task.project_id, data={"reason": reason})
    session.flush()
    return {"task_id": task.id, "status": "skipped", "reason": reason}


def skipped_by(session: Session, task_id: int) -> list[dict[str, Any]]:
    """Who skipped a task and why (oldest first)."""
    rows = session.scalars(
        select(TaskAssignment).where(TaskAssignment.task_id == task_id,
                                     TaskAssignment.status == "skipped")
        .order_by(TaskAssignment.id)
    )
    return [{"user_id": r.user_id, "reason": r.return_reason} for r in rows]
