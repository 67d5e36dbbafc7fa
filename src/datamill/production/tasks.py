"""Work packages, assignment and the atomic claim of the next task.

A claim is one conditional UPDATE (``active_claims < overlap``), so no task is ever held by more
people than the spec's overlap allows, however many claims race (SQLite and PostgreSQL alike).

Who may claim what (the vendor wall): a package handed to a vendor (``work_packages.vendor_id``)
is claimed only by that vendor's people, first by its assignee, then, while unassigned, by any
of them; in-house people (no vendor) never claim a vendor's package, and work not handed to a
vendor (unassigned packages, unpackaged tasks) is the open pool of in-house people only. A
vendor's worker with nothing handed to their vendor gets no work (None), never the open pool.
Which vendor a person works for comes from the ``datamill.claim_scopes`` entry points (the
workforce domain), so production never imports the domains that know it.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    DateTime,
    Integer,
    Table,
    and_,
    bindparam,
    exists,
    insert,
    literal,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict
from datamill.db.lookup import get_or_raise, not_found
from datamill.db.memo import WRITES, Lookup, prefetch, recall, remember, run
from datamill.db.rows import attach_row, autoflush, loaded
from datamill.production.claim_rules import (
    CHECK_OVERLAP,
    check_claim_guards,
    claim_lookups,
    claimer_vendor,
    mixed_item,
)
from datamill.production.holds import (
    Hold,
    drop_holds,
    ensure_holds,
    hold_lookups,
    release_holds,
    release_work_of,
)
from datamill.production.models import Item, Task, TaskAssignment, WorkPackage
from datamill.production.packages import (
    assign_package,
    create_packages,
    list_packages,
    package_progress,
)
from datamill.production.schemas import TaskOut
from datamill.production.task_view import (
    check_task_version,
    count_tasks_for_user,
    home_tasks_for_user,
    list_tasks_for_user,
    task_view,
)

# the claim's own functions, and (re-exported, where callers have always imported them) the
# holds, packages, claim rules and task view it was split from
__all__ = [
    "Hold",
    "assign_package",
    "check_claim_guards",
    "check_task_version",
    "claim_next_task",
    "claimer_vendor",
    "count_tasks_for_user",
    "create_packages",
    "ensure_holds",
    "get_task",
    "get_task_and_item",
    "hold_lookups",
    "home_tasks_for_user",
    "list_packages",
    "list_tasks_for_user",
    "mixed_item",
    "package_progress",
    "read_claim_ahead",
    "release_holds",
    "release_work_of",
    "task_view",
]


def _claim_check(
    session: Session, user: User, project_id: int, stage: str, item_id: int
) -> TaskOut | None:
    """Claim (creating it on first use) the check task of ``item_id`` for ``user``."""
    task = session.scalars(
        select(Task).where(Task.item_id == item_id, Task.stage == stage, Task.kind == "check")
    ).first()
    if task is None:
        task = Task(
            project_id=project_id, item_id=item_id, stage=stage, kind="check", status="open",
            overlap=CHECK_OVERLAP, package_id=None,
        )
        session.add(task)
        session.flush()
    already = session.scalar(
        select(TaskAssignment.id).where(
            TaskAssignment.task_id == task.id, TaskAssignment.user_id == user.id
        )
    )
    if already is not None:
        return None  # a mixer must not serve the same check twice; fall back to normal work
    won = session.execute(
        update(Task)
        .where(and_(Task.id == task.id, Task.active_claims < Task.overlap))
        .values(active_claims=Task.active_claims + 1)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.add(TaskAssignment(task_id=task.id, user_id=user.id))
    session.flush()
    session.refresh(task)
    return task_view(session, task, user.id)



def _let_go(session: Session, user: User, task: Task) -> None:
    """Take back ``user``'s hold on ``task``, whose item is now classified above their clearance:
    the hold goes (the task is open to someone cleared for it), with their draft of it; the
    audit trail says why. What they submitted earlier stays."""
    task_id, project_id, item_id = task.id, task.project_id, task.item_id
    drop_holds(session, user.id, [task_id], and_(
        _ASSIGNMENTS.c.task_id == task_id, _ASSIGNMENTS.c.user_id == user.id,
        _ASSIGNMENTS.c.status.in_(("claimed", "returned"))))
    record_audit(session, actor_id=user.id, action="task.hold_released", object_type="task",
                 object_id=task_id, project_id=project_id,
                 data={"user": user.username, "item_id": item_id,
                       "reason": "item classified above the holder's clearance"})


# The claim's statements, built once (building one costs about as much as running it) and in
# Core on the tables (an ORM-enabled statement costs ~35 µs more a call on SQLite): every
# annotator's every claim runs them.
_TASKS = cast(Table, Task.__table__)
_PACKAGES = cast(Table, WorkPackage.__table__)
_ASSIGNMENTS = cast(Table, TaskAssignment.__table__)
_ITEMS = cast(Table, Item.__table__)
#: ``LIMIT 1`` written into the SQL, not bound: PostgreSQL plans a prepared statement for its
#: parameters' values five times, then keeps a generic plan only if it costs no more. With the
#: limit a parameter the generic plan guessed 50 rows (a hash join over a sequential scan of
#: every task) and lost, so each claim was planned afresh (~0.43 ms of the server's CPU, 844
#: plans for 842 claims in pg_stat_statements); with the literal the generic plan is the
#: index walk that stops at its first row and stays cached.
_FIRST = literal_column("1", Integer)

_HELD = (
    select(_TASKS.c.id)
    .join(_ASSIGNMENTS, _ASSIGNMENTS.c.task_id == _TASKS.c.id)
    .where(
        _ASSIGNMENTS.c.user_id == bindparam("p_user"),
        # the statuses written into the SQL, not bound: so the planner knows how few rows they
        # pick and walks ix_task_assignments_user_status to the open holds, not the history
        _ASSIGNMENTS.c.status.in_((literal_column("'claimed'"), literal_column("'returned'"))),
        _TASKS.c.project_id == bindparam("p_project"),
        _TASKS.c.stage == bindparam("p_stage"),
        _TASKS.c.status == "open",
    )
    .order_by(_ASSIGNMENTS.c.status.desc(), _TASKS.c.id)  # returned work first
    .limit(_FIRST)
)
_HELD_COLUMN = _HELD.scalar_subquery()


def _held(session: Session, user_id: int, project_id: int, stage: str) -> Task | None:
    task_id = remember(session, ("held", user_id, project_id, stage), lambda: run(
        session, _HELD, {"p_user": user_id, "p_project": project_id, "p_stage": stage}).scalar())
    return None if task_id is None else session.get(Task, task_id)


def read_claim_ahead(session: Session, user: User, project_id: int, stage: str) -> None:
    """Read in **one** statement the small questions a claim of ``user`` in ``project_id`` is
    about to ask one by one: the permission check's membership, project level and clearance,
    the task they already hold, and what the registered claim guards, scopes and mixers ask
    first (the ``datamill.claim_lookups`` entry points, e.g. "is this person a worker", "does
    the project need surveying"). Each question is still asked where it always was and finds
    its answer in the transaction's memo (:mod:`datamill.db.memo`): an in-house annotator's
    claim on PostgreSQL was ten statements and is four. Call it before the claim's permission
    check;
    :func:`claim_next_task` calls it too (a no-op when already read)."""
    from datamill.compliance.classification import access_lookups
    from datamill.compliance.item_sensitivity import classified_items_lookup
    from datamill.production.projects import project_lookup

    lookups = [project_lookup(project_id), *access_lookups(user.id, project_id),
               Lookup(("held", user.id, project_id, stage), _HELD_COLUMN),
               Lookup(("own_packages", user.id, project_id, stage), _ANY_OF_MY_PACKAGES),
               classified_items_lookup(project_id)]
    for name in claim_lookups.names():
        lookups += claim_lookups.get(name)(user.id, project_id, stage)
    prefetch(session, lookups, {"p_user": user.id, "p_project": project_id, "p_stage": stage})


_WIN = (  # the conditional claim of one task, handing back the task it won
    update(_TASKS)
    .where(and_(_TASKS.c.id == bindparam("p_task"), _TASKS.c.active_claims < _TASKS.c.overlap,
                _TASKS.c.status == "open"))
    .values(active_claims=_TASKS.c.active_claims + 1)
    .returning(_TASKS.c.id, _TASKS.c.project_id, _TASKS.c.item_id, _TASKS.c.stage,
               _TASKS.c.kind, _TASKS.c.package_id, _TASKS.c.status, _TASKS.c.overlap)
)


_MY_PACKAGES = (  # the user's own packages of the project and stage not yet done
    _PACKAGES.c.assignee_id == bindparam("p_user"),
    _PACKAGES.c.project_id == bindparam("p_project"),
    _PACKAGES.c.stage == bindparam("p_stage"),
    _PACKAGES.c.status != "done",
)
# an assignment never crosses the vendor wall: a vendor's worker only their vendor's packages
_MY_PACKAGES_OF_NO_VENDOR = select(_PACKAGES.c.id).where(
    *_MY_PACKAGES, _PACKAGES.c.vendor_id.is_(None))
_MY_PACKAGES_OF_VENDOR = select(_PACKAGES.c.id).where(
    *_MY_PACKAGES, _PACKAGES.c.vendor_id == bindparam("p_vendor"))
# read ahead (read_claim_ahead): when the user has no package of their own at all, the claim
# does not list them
_ANY_OF_MY_PACKAGES = exists().where(*_MY_PACKAGES)


@functools.cache
def _claim_queries(vendor: bool, packaged: bool, hidden: bool) -> tuple[Select[Any], ...]:
    """The candidate queries of a claim, in the order they are tried, for one shape of claimer
    (a vendor's worker or in-house; with packages of their own or not; with items hidden from
    them or not). Built once per shape with bound parameters (``p_user``, ``p_project``,
    ``p_stage``, ``p_vendor``, ``p_packages``, ``p_hidden``)."""
    tasks, packages = _TASKS.c, _PACKAGES.c
    mine = exists().where(_ASSIGNMENTS.c.task_id == tasks.id,
                          _ASSIGNMENTS.c.user_id == bindparam("p_user"))
    claimable: tuple[ColumnElement[bool], ...] = (
        tasks.kind == "work",
        tasks.project_id == bindparam("p_project"),
        tasks.stage == bindparam("p_stage"),
        tasks.status == "open",
        tasks.active_claims < tasks.overlap,
        ~mine,
    )
    if hidden:  # items above the user's clearance
        claimable = (*claimable, tasks.item_id.not_in(bindparam("p_hidden", expanding=True)))
    # Two plain queries in id order (index ix_tasks_claim) instead of one sorted by "mine
    # first": each stops at its first row instead of sorting every open task (25 ms → <1 ms on
    # PostgreSQL with 3,000 open tasks).
    assigned = (
        select(tasks.id)
        .where(*claimable, tasks.package_id.in_(bindparam("p_packages", expanding=True)))
        .order_by(tasks.id)
        .limit(_FIRST)
    )
    if not vendor:  # in-house: unassigned packages of no vendor, and unpackaged tasks
        pool = (
            select(tasks.id)
            .outerjoin(_PACKAGES, packages.id == tasks.package_id)
            .where(*claimable, packages.assignee_id.is_(None), packages.vendor_id.is_(None))
            .order_by(tasks.id)
            .limit(_FIRST)
        )
    else:  # a vendor's worker: only the unassigned packages handed to their vendor
        pool = (
            select(tasks.id)
            .join(_PACKAGES, packages.id == tasks.package_id)
            .where(*claimable, packages.assignee_id.is_(None),
                   packages.vendor_id == bindparam("p_vendor"))
            .order_by(tasks.id)
            .limit(_FIRST)
        )
    # PostgreSQL: first skip rows other claimers are locking (no waiting); when that finds
    # nothing, wait on the locked rows, which may still have room under the overlap.
    # SQLite ignores FOR UPDATE; its writers are serialised (see db/session.py).
    queries = (assigned, pool) if packaged else (pool,)
    return tuple(
        q.with_for_update(of=_TASKS, skip_locked=skip) for skip in (True, False) for q in queries
    )

_NEW_HOLD = (  # built once; Core on the table: the ORM reads a parameter dict as rows to bulk insert
    insert(_ASSIGNMENTS).values(  # every column the model fills in given here (a statement with
        task_id=bindparam("p_task"), user_id=bindparam("p_user"),  # none to compute per call
        status="claimed", claimed_at=bindparam("p_at"))  # runs on the driver: db/direct.py)
)


class _Claimed(NamedTuple):
    """A task won by :func:`_one_statement_claim` (what a work task's view reads of it)."""

    id: int
    project_id: int
    item_id: int
    stage: str
    kind: str
    package_id: int | None
    status: str
    overlap: int


class _ClaimedItem(NamedTuple):
    """The item of a task won by :func:`_one_statement_claim` (as :data:`_ITEM_VIEW` reads it)."""

    id: int
    external_id: str
    attributes: Any
    prompt: str | None
    current_version: int
    current_annotation_id: int | None


@functools.cache
def _one_statement_claim(candidate: Select[Any]) -> Select[Any]:
    """PostgreSQL: a whole claim in one statement (one round trip instead of four). The
    candidate query (``FOR UPDATE ... SKIP LOCKED``, at most one row) picks; the conditional
    UPDATE of its row wins it; the new hold goes in; the item is read for the task's view::

        WITH pick AS (candidate), won AS (UPDATE tasks ... FROM pick ... RETURNING ...),
             hold AS (INSERT INTO task_assignments SELECT ... FROM won RETURNING id)
        SELECT pick.id, won.*, hold.id, items.* FROM pick LEFT JOIN won LEFT JOIN hold ...

    Every sub-statement runs (PostgreSQL runs data-modifying WITH queries to completion) under
    one snapshot, the UPDATE re-checking a row changed meanwhile as any UPDATE does. No row:
    no candidate; a picked row with no won task: the race was lost (look again)."""
    pick = candidate.cte("pick")
    won = (
        update(_TASKS)
        .where(_TASKS.c.id == pick.c.id, _TASKS.c.active_claims < _TASKS.c.overlap,
               _TASKS.c.status == "open")
        .values(active_claims=_TASKS.c.active_claims + 1)
        .returning(*(_TASKS.c[name] for name in _Claimed._fields))
        .cte("won")
    )
    hold = (
        insert(_ASSIGNMENTS)
        .from_select(["task_id", "user_id", "status", "claimed_at"],
                     select(won.c.id, bindparam("p_user", type_=Integer), literal("claimed"),
                            bindparam("p_at", type_=DateTime(timezone=True))))
        .returning(_ASSIGNMENTS.c.id)
        .cte("hold")
    )
    items = _ITEMS.c
    return (
        select(pick.c.id.label("picked"), hold.c.id.label("hold"),
               *(won.c[name] for name in _Claimed._fields),
               *(items[name] for name in _ClaimedItem._fields))
        .select_from(pick.outerjoin(won, true()).outerjoin(hold, true())
                     .outerjoin(_ITEMS, items.id == won.c.item_id))
        .execution_options(**WRITES)  # a write: what the transaction remembered is stale
    )


def _claim_in_one_statement(
    session: Session, attempts: tuple[Select[Any], ...], params: dict[str, Any]
) -> TaskOut | None:
    """:func:`claim_next_task`'s pick-and-win loop on PostgreSQL, each try one statement (see
    :func:`_one_statement_claim`)."""
    for _ in range(100):  # bounded: under the row locks a lost race is rare
        for query in attempts:
            row = run(session, _one_statement_claim(query),
                      {**params, "p_at": utcnow()}).first()
            if row is not None:
                break
        else:
            return None
        if row.hold is None:
            continue  # taken between our read and write; look again with a fresh query
        fields = row._mapping
        task = _Claimed(*(fields[won] for won in _Claimed._fields))
        item = _ClaimedItem(*(fields[_ITEMS.c[name]] for name in _ClaimedItem._fields))
        stale = loaded(session, Task, task.id)
        if stale is not None:  # a Task this session holds has an old count of claims now
            session.expire(stale)
        return task_view(session, cast(Task, task), item=item)
    raise Conflict("the task queue is too contended right now; ask again",
                   project_id=params["p_project"])


def claim_next_task(
    session: Session, user: User, project_id: int, stage: str, *, mix: bool = True
) -> TaskOut | None:
    """Give ``user`` the task they hold, or atomically claim the next open one.

    After the claim guards, registered claim mixers may slip a check item in (served as a
    ``check`` task of the same shape; ``mix=False`` skips them). Otherwise candidates come from
    packages assigned to the user, then from the user's pool: for a vendor's worker the
    unassigned packages handed to their vendor, for in-house people the unassigned packages
    handed to no vendor and tasks not yet packaged (see the module's vendor wall). Returns None
    when nothing is left.
    """
    from datamill.compliance.item_sensitivity import hidden_item_ids

    read_claim_ahead(session, user, project_id, stage)
    # the claimer's vendor (their worker record) read afresh and held until the claim commits,
    # before the guards read it and before anything here writes the audit trail: a move to
    # another vendor or a deactivation waits for this claim (then releases its hold), or this
    # claim waits for it and sees the new vendor, or that the worker is inactive
    vendor_id = claimer_vendor(session, user, lock=True)
    # the guards first, for a task already held too: a project classified above the user, one
    # that now needs surveying or a qualification test, is refused to its holders as well
    check_claim_guards(session, user, project_id, stage)
    hidden = hidden_item_ids(session, user, project_id)  # items above the user's clearance
    held = _held(session, user.id, project_id, stage)
    if held is not None:
        if held.item_id not in hidden:
            return task_view(session, held, user.id)
        _let_go(session, user, held)  # its item was classified above them since they took it
        hidden = hidden_item_ids(session, user, project_id)
    if mix:
        item_id = mixed_item(session, user, project_id, stage)
        if item_id is not None:
            check = _claim_check(session, user, project_id, stage, item_id)
            if check is not None:
                return check
    my_packages = run(
        session, _MY_PACKAGES_OF_NO_VENDOR if vendor_id is None else _MY_PACKAGES_OF_VENDOR,
        {"p_user": user.id, "p_project": project_id, "p_stage": stage, "p_vendor": vendor_id},
    ).scalars().all() if recall(session, ("own_packages", user.id, project_id, stage), True) else []
    attempts = _claim_queries(vendor_id is not None, bool(my_packages), bool(hidden))
    # (named apart from the tables' columns: the PostgreSQL claim runs an UPDATE and an INSERT
    # with these parameters, which would read a column's name as a value to set)
    params: dict[str, Any] = {"p_user": user.id, "p_project": project_id, "p_stage": stage,
                              "p_vendor": vendor_id, "p_packages": my_packages,
                              "p_hidden": sorted(hidden)}

    if session.get_bind().dialect.name == "postgresql":
        return _claim_in_one_statement(session, attempts, params)

    def next_id() -> int | None:
        for query in attempts:
            found: int | None = run(session, query, params).scalars().first()
            if found is not None:
                return found
        return None

    for _ in range(100):  # bounded: under the row locks above a lost race is rare
        task_id = next_id()
        if task_id is None:
            return None
        # the conditional UPDATE hands back the task it won (RETURNING): no second read
        won = run(session, _WIN, {"p_task": task_id}).first()
        if won is None:
            continue  # taken between our read and write; look again with a fresh query
        run(session, _NEW_HOLD, {"p_task": task_id, "p_user": user.id, "p_at": utcnow()})
        stale = loaded(session, Task, task_id)
        if stale is not None:  # a Task this session holds has an old count of claims now
            session.expire(stale)
        # the row as won (a work task: the view reads its fields only); no fresh hold has a
        # return reason to look up
        return task_view(session, cast(Task, won))
    raise Conflict("the task queue is too contended right now; ask again", project_id=project_id)


def get_task(session: Session, task_id: int) -> Task:
    task = get_or_raise(session, Task, task_id, "task", task_id=task_id)
    return task


_TASK_AND_ITEM = (  # built once, Core on the tables: a task and its item, one statement; the
    select(*_TASKS.c, *_ITEMS.c)  # objects made without the ORM's per-row loading (attach_row)
    .select_from(_TASKS.outerjoin(_ITEMS, _ITEMS.c.id == _TASKS.c.item_id))
    .where(_TASKS.c.id == bindparam("p_task"))
)
_TASK_ATTRS = tuple(Task.__mapper__.get_property_by_column(c).key for c in _TASKS.c)
_ITEM_ATTRS = tuple(Item.__mapper__.get_property_by_column(c).key for c in _ITEMS.c)


def get_task_and_item(session: Session, task_id: int) -> tuple[Task, Item | None]:
    """:func:`get_task` and the task's item, read by one statement (a submit reads both). The
    session holds loaded objects weakly: keep the item referenced while ``session.get(Item,
    task.item_id)`` should find it without SQL. Only loads: whoever asks still checks the
    caller may see them. Objects the session already holds come back as they are (as an ORM
    query hands them back)."""
    task = loaded(session, Task, task_id)
    if task is not None:
        return task, session.get(Item, task.item_id)
    autoflush(session)  # as the ORM query this was would have (a Core read does not)
    row = run(session, _TASK_AND_ITEM, {"p_task": task_id}).first()
    if row is None:
        raise not_found("task", task_id, task_id=task_id)
    split = len(_TASK_ATTRS)
    task = attach_row(session, Task, dict(zip(_TASK_ATTRS, row[:split], strict=True)))
    if row[split] is None:  # no item row (outer join)
        return task, None
    return task, attach_row(session, Item, dict(zip(_ITEM_ATTRS, row[split:], strict=True)))

