"""A person's unsubmitted work on a task: saved as they go (the workbench's autosave and
``/api/v1/tasks/{id}/draft``), loaded when they come back, discarded when they submit.

A draft is kept as sent (the modality checks the payload on submit). Saves carry a
``revision`` chosen by the client and are compare-and-set on it: a save must carry a revision
above the stored draft's (the same revision with the same work is a retry, answered as stored);
any other (another tab or session that saved meanwhile) is refused with a Conflict naming the
stored ``current_revision``, so the client reloads instead of overwriting or losing work
silently. ``base_version`` is the item version the work starts from: never above the item's.
A workbench's submit names the draft revision its page last loaded or saved
(:func:`require_latest_draft`): behind the stored draft (another tab saved meanwhile) it is
refused the same way, so a stale tab cannot replace newer work by submitting. A save locks
the user's hold on the task before it reads anything (PostgreSQL ``FOR UPDATE``; SQLite's
``BEGIN IMMEDIATE``), the lock a submit's ``held → submitted`` UPDATE takes too, so a save and
a submit arriving together take turns: the save first, the submit sees its draft (and is
refused when behind it); the submit first, the save is refused (409 ``task_submitted``) and
no draft of submitted work is left behind.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.orm import Session

from datamill.compliance import access
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.storable import check_counter, check_document
from datamill.db.memo import run
from datamill.production.holds import lock_hold
from datamill.production.models import Draft, Item, Task
from datamill.production.tasks import ensure_holds, get_task

__all__ = [
    "discard_draft", "discard_own_draft", "draft_for", "held_task", "load_draft",
    "require_latest_draft", "save_draft",
]


def held_task(
    session: Session, user: User, task_id: int, stage: str = "annotate", *, lock: bool = False,
) -> Task:
    """The task, if ``user`` holds it at ``stage`` (403 otherwise, even for project viewers).
    ``lock``: the hold row stays locked until the transaction ends (see
    :func:`~datamill.production.holds.lock_hold`; a hold already submitted: 409
    ``task_submitted``)."""
    task = get_task(session, task_id)
    access.require_task_view(session, user, task)
    if task.stage != stage:
        raise InvalidInput(f"task {task_id} is a {task.stage} task")
    if lock:
        lock_hold(session, user.id, task)
    else:
        ensure_holds(session, user.id, task)
    return task


def draft_for(session: Session, task_id: int, user_id: int) -> Draft | None:
    """The user's draft of the task, if any (no access check: for callers that made one)."""
    row: Draft | None = session.scalars(
        select(Draft).where(Draft.task_id == task_id, Draft.user_id == user_id)
    ).first()
    return row


def save_draft(
    session: Session, user: User, task_id: int, payload: Any, *,
    base_version: int, revision: int, time_spent_ms: int = 0,
) -> Draft:
    """Upsert the user's draft of a task they hold, compare-and-set on ``revision``: a save
    whose revision is not above the stored draft's is refused (Conflict, ``reason_code``
    ``stale_draft`` with ``current_revision``) unless it repeats the stored draft exactly (a
    retry) or starts from a newer item version than the stored draft; one starting from an
    older item version than the stored draft is refused the same way, whatever its revision.
    A ``base_version`` above the item's current version is refused (InvalidInput).
    Saves and submits of one hold take turns (the hold row is locked first): a task already
    submitted, even a moment ago in another tab, is refused (Conflict, ``reason_code``
    ``task_submitted``) and no draft row is written."""
    check_document(payload, "payload")  # kept as sent, but it must be storable
    check_counter(base_version, "base_version", headroom=1)
    check_counter(revision, "revision")
    check_counter(time_spent_ms, "time_spent_ms")
    # the hold locked first: a submit of it under way (it takes the hold, then reads this
    # draft, then deletes it) finishes before this save reads or writes anything, so the save
    # is refused (409 task_submitted) instead of leaving a draft of submitted work behind it,
    # and a submit that starts later sees this draft committed (its stale_draft check)
    task = held_task(session, user, task_id, lock=True)
    current = session.scalar(select(Item.current_version).where(Item.id == task.item_id)) or 0
    if base_version > current:
        raise InvalidInput(f"base_version {base_version} is beyond the item's current version"
                           f" {current}", field="base_version", current_version=current)
    row = draft_for(session, task_id, user.id)
    if row is not None and base_version < row.base_version:  # older never wins: a tab opened
        # before the item's new version would replace the draft started from it
        raise Conflict(
            f"this draft of task {task_id} was not saved: a draft starting from a newer version"
            f" of the item (version {row.base_version}; this one starts from version"
            f" {base_version}) was saved meanwhile from another tab, window or client; reload"
            " the task to continue from the stored draft (copy anything you want to keep from"
            " this one first)", task_id=task_id, current_revision=row.revision,
            current_version=row.base_version, reason_code="stale_draft")
    if row is None:
        row = Draft(task_id=task_id, user_id=user.id, base_version=base_version,
                    payload=payload, time_spent_ms=time_spent_ms, revision=revision,
                    updated_at=utcnow())
        session.add(row)
    elif revision > row.revision or base_version > row.base_version:  # newer work, or the
        # stored draft is of an older item version (pages do not resume from such a draft)
        row.payload, row.base_version = payload, base_version
        row.time_spent_ms, row.revision, row.updated_at = time_spent_ms, revision, utcnow()
    elif not (revision == row.revision and payload == row.payload
              and base_version == row.base_version):
        raise Conflict(_stale_message(task_id, row.revision, revision), task_id=task_id,
                       current_revision=row.revision, reason_code="stale_draft")
    session.flush()
    return row


def _stale_message(task_id: int, stored: int, sent: int) -> str:
    """Why a draft save was refused and what to do, in words that read right when the two
    revisions are equal too (it said "revision 0; this save's is 0")."""
    what = (f"a newer draft (revision {stored}; this save is revision {sent})" if stored > sent
            else f"a different draft under the same revision ({stored})")
    return (f"this draft of task {task_id} was not saved: {what} was saved meanwhile from another"
            " tab, window or client; reload the task to continue from the stored draft (copy"
            " anything you want to keep from this one first)")


def require_latest_draft(
    session: Session, task_id: int, user_id: int, *, base_version: int, draft_revision: int,
) -> None:
    """Refuse a submit made from a page that is behind the user's stored draft of the task:
    ``draft_revision`` is the revision of the draft the page last loaded or saved (0: none).
    A stored draft of the same (or a newer) item version with a higher revision was saved from
    another tab, window or client meanwhile; submitting this page's work would throw it away
    (Conflict, ``reason_code`` ``stale_draft`` with ``current_revision``). A draft of an older
    item version is no one's starting point and does not count."""
    check_counter(draft_revision, "draft_revision")
    row = draft_for(session, task_id, user_id)
    if row is None or row.base_version < base_version or row.revision <= draft_revision:
        return
    raise Conflict(
        f"task {task_id} was not submitted: a newer draft (revision {row.revision}; this page's"
        f" is revision {draft_revision}) was saved meanwhile from another tab, window or client;"
        " reload the task to continue from the stored draft (copy anything you want to keep"
        " from this page first)",
        task_id=task_id, current_revision=row.revision, reason_code="stale_draft")


def load_draft(session: Session, user: User, task_id: int) -> Draft:
    """The user's own draft of a task they may see (404 when there is none)."""
    access.require_task_view(session, user, get_task(session, task_id))
    row = draft_for(session, task_id, user.id)
    if row is None:
        raise NotFound(f"no draft of task {task_id}", task_id=task_id)
    return row


_DRAFTS = cast(Table, Draft.__table__)
_DISCARD = (  # built once, Core on the table (every submit runs it; no Draft object is loaded)
    delete(_DRAFTS).where(_DRAFTS.c.task_id == bindparam("p_task"),
                          _DRAFTS.c.user_id == bindparam("p_user"))
)


def discard_draft(session: Session, task_id: int, user_id: int) -> bool:
    """Delete the user's draft of the task (on submit, or when they throw it away)."""
    result = run(session, _DISCARD, {"p_task": task_id, "p_user": user_id})
    return bool(getattr(result, "rowcount", 0))


def discard_own_draft(session: Session, user: User, task_id: int) -> bool:
    """The user throws their draft of a task they may see away (True when there was one)."""
    access.require_task_view(session, user, get_task(session, task_id))
    return discard_draft(session, task_id, user.id)
