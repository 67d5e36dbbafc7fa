"""One item superseded by another (a subject's re-recording of a prompt replaces the earlier
take): the earlier item leaves production and stays on record.

:func:`supersede_item` gives the earlier item the status ``superseded``
(:data:`~datamill.production.projects.SUPERSEDED_STATUS`) and the link ``superseded_by``, in one
transaction with the caller's:

- its tasks that are not done (open, waiting) are ``cancelled``: nobody claims them again,
  holds still being worked (``claimed``) are given back with their drafts, and what was
  submitted or returned stays as a record (the assignment rows and annotation versions);
- it leaves every batch not delivered (and the open inspections' samples); a batch already
  delivered keeps it (the delivery is history), and the result names that delivery;
- the loop's status rules then keep it out of everything else: batches take only ``reviewed``
  items, settlement pays only ``accepted`` ones, the dashboard and quota cells count it as no
  usable volume.

Nothing is deleted: the item, its bytes, its versions and its reviews stay, and an audit
record (``item.superseded``) names the status it had, the item that replaced it and what was
cancelled or taken out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import InvalidInput
from datamill.db.lookup import lock_or_raise
from datamill.production.holds import drop_holds
from datamill.production.models import (
    Batch,
    BatchItem,
    Delivery,
    Draft,
    Inspection,
    InspectionSample,
    Item,
    Task,
    TaskAssignment,
)
from datamill.production.projects import SUPERSEDED_STATUS

__all__ = ["CANCELLED_TASK_STATUS", "supersede_item"]

#: the status of a task whose item was superseded: closed without being done, never claimed
CANCELLED_TASK_STATUS = "cancelled"


def _cancel_tasks(session: Session, item_id: int) -> tuple[list[int], list[int]]:
    """Cancel the item's tasks not done; returns (cancelled task ids, released user ids)."""
    open_ids = list(session.scalars(select(Task.id).where(
        Task.item_id == item_id, Task.status.in_(("open", "waiting"))).order_by(Task.id)))
    if not open_ids:
        return [], []
    held = session.execute(
        select(TaskAssignment.id, TaskAssignment.task_id, TaskAssignment.user_id).where(
            TaskAssignment.task_id.in_(open_ids), TaskAssignment.status == "claimed")
        .order_by(TaskAssignment.user_id)).all()
    by_user: dict[int, list[tuple[int, int]]] = {}
    for hold_id, task_id, user_id in held:
        by_user.setdefault(int(user_id), []).append((int(hold_id), int(task_id)))
    for user_id, holds in by_user.items():  # work in hand goes back, with its drafts
        drop_holds(session, user_id, [t for _h, t in holds],
                   TaskAssignment.id.in_([h for h, _t in holds]))
    session.execute(delete(Draft).where(Draft.task_id.in_(open_ids)))  # a returned holder's
    session.execute(update(Task).where(Task.id.in_(open_ids), Task.status.in_(("open", "waiting")))
                    .values(status=CANCELLED_TASK_STATUS))
    for task in session.identity_map.values():  # tasks loaded earlier read the new status
        if isinstance(task, Task) and task.id in open_ids:
            session.expire(task)
    return open_ids, sorted(by_user)


def _leave_batches(session: Session, item_id: int) -> tuple[list[int], list[int]]:
    """Take the item out of every batch not delivered and out of open inspections' samples;
    returns (batch ids it left, delivery ids that hold it already)."""
    rows = session.execute(
        select(BatchItem.id, BatchItem.batch_id, Batch.status)
        .join(Batch, Batch.id == BatchItem.batch_id).where(BatchItem.item_id == item_id)
        .order_by(BatchItem.batch_id)).all()
    delivered = {b: d for b, d in session.execute(select(Delivery.batch_id, Delivery.id).where(
        Delivery.batch_id.in_([r.batch_id for r in rows] or [0]))).all()}
    drop = [r for r in rows if r.batch_id not in delivered and r.status != "delivered"]
    if drop:
        session.execute(delete(BatchItem).where(BatchItem.id.in_([r.id for r in drop])))
        session.execute(delete(InspectionSample).where(
            InspectionSample.item_id == item_id,
            exists().where(Inspection.id == InspectionSample.inspection_id,
                           Inspection.status == "open",
                           Inspection.batch_id.in_([r.batch_id for r in drop]))))
    return [r.batch_id for r in drop], sorted({delivered[r.batch_id] for r in rows
                                               if r.batch_id in delivered})


def supersede_item(
    session: Session, item_id: int, by_item_id: int, *, actor_id: int | None = None,
    reason: str = "re-recorded",
) -> dict[str, Any]:
    """Supersede item ``item_id`` by item ``by_item_id`` of the same project (see the module
    docstring). Idempotent: an item superseded already keeps its link and nothing changes
    (``changed`` False). The item row is locked first, so a submit or review of it at the same
    moment either lands before (and is then cancelled with the rest) or finds its task closed.
    """
    item = lock_or_raise(session, Item, item_id, "item", item_id=item_id)
    by = lock_or_raise(session, Item, by_item_id, "item", item_id=by_item_id)
    if by.project_id != item.project_id or by.id == item.id:
        raise InvalidInput(f"item {by_item_id} cannot supersede item {item_id}: an item is"
                           " superseded by another item of its own project", item_id=item_id)
    if item.status == SUPERSEDED_STATUS:
        return {"item_id": item.id, "superseded_by": item.superseded_by, "changed": False}
    before = item.status
    cancelled, released = _cancel_tasks(session, item.id)
    left, delivered = _leave_batches(session, item.id)
    item.status, item.superseded_by = SUPERSEDED_STATUS, by.id
    session.flush()
    result: dict[str, Any] = {
        "item_id": item.id, "superseded_by": by.id, "changed": True, "previous_status": before,
        "cancelled_tasks": cancelled, "released_users": released, "left_batches": left,
        "delivered_in": delivered}
    record_audit(session, actor_id=actor_id, action="item.superseded", object_type="item",
                 object_id=item.id, project_id=item.project_id,
                 data={**{k: v for k, v in result.items() if k not in ("item_id", "changed")},
                       "external_id": item.external_id, "reason": reason})
    return result
