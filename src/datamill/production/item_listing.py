"""What a page of a project's items shows beside each item: the automatic checks a rejected item
failed, and the task the reader holds on it (the web's items page, ``/projects/{id}/items``;
the items themselves come from :func:`datamill.compliance.access.list_items`, as for the API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.production.models import CheckResult, Item, Task, TaskAssignment

__all__ = ["failed_checks", "held_tasks", "quota_marks"]

#: a hold whose task still waits for its holder (claimed, or returned to them for rework)
_OPEN_HOLDS = ("claimed", "returned")


def failed_checks(session: Session, item_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The failed automatic checks of ``item_ids`` (name, value, reason, extra), in order."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in item_ids}
    if item_ids:
        for c in session.scalars(select(CheckResult).where(
                CheckResult.item_id.in_(item_ids), CheckResult.passed.is_(False))
                .order_by(CheckResult.item_id, CheckResult.id)):
            out[c.item_id].append({"name": c.name, "value": c.value, "reason": c.reason,
                                   "extra": c.extra or {}})
    return out


def held_tasks(session: Session, user_id: int, item_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Per item, the task ``user_id`` holds on it whose page opens for them, as ``(task id,
    stage)``: an open annotation or review task they claimed (or had returned), or an
    annotation they submitted (shown read-only); the latest one where there are several."""
    if not item_ids:
        return {}
    rows = session.execute(
        select(Task.id, Task.item_id, Task.stage, Task.status, TaskAssignment.status)
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(Task.item_id.in_(item_ids), TaskAssignment.user_id == user_id,
               Task.stage.in_(("annotate", "review")))
        .order_by(Task.id)
    ).all()
    out: dict[int, tuple[int, str]] = {}
    for task_id, item_id, stage, status, hold in rows:
        live = hold in _OPEN_HOLDS and status == "open"
        if live or (stage == "annotate" and hold == "submitted"):
            out[item_id] = (task_id, stage)
    return out


def quota_marks(session: Session, item_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The quota marks (``meta.quota``: action, code, parameters, sentence) of those items that
    have one, by item id, for pages to word a quota reason in their language."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    rows = session.execute(select(Item.id, Item.meta).where(Item.id.in_(ids))
                           .limit(len(ids))).all()  # a page's items, never more
    return {r.id: dict(mark) for r in rows
            if isinstance(mark := (r.meta or {}).get("quota"), dict)}
