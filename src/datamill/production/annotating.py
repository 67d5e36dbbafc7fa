"""Submitting annotations and reviewing them.

Each submission is a new immutable version, numbered under the item's row lock from the version
it was based on: a stale version can never overwrite a newer one (the loser gets a Conflict that
names both versions, and nothing is written).

Concurrency (several server processes on PostgreSQL): nothing is read, changed in Python and
written back. A hold moves claimed → submitted with one conditional UPDATE whose row count
decides who submitted (of two racing submits of one hold exactly one wins, the other gets a
Conflict and writes nothing); a task's counter moves with ``submissions = submissions + 1 ...
RETURNING``, so concurrent submitters of an overlapping task never lose a count, and exactly
one of them sees the count reach the overlap and moves the task on. Writers of an item's
versions first lock the item's row (``FOR UPDATE``), so they take version numbers one after the
other. Locks are taken in one order: the hold, the item, then the task. SQLite serialises every
transaction (``BEGIN IMMEDIATE``, see ``db/session.py``), where the same statements are simply
atomic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, cast

from pydantic import BaseModel
from sqlalchemy import Table, and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.registry import Registry
from datamill.core.storable import check_counter, check_document, check_note, check_text
from datamill.db.memo import Lookup, prefetch, recall, run
from datamill.db.rows import insert_row, loaded
from datamill.modalities.base import (
    AnnotationDoc,
    JsonValue,
    flag_item_in,
    validate_annotation_in,
)
from datamill.modalities.registry import get_modality
from datamill.production.drafts import discard_draft, require_latest_draft
from datamill.production.hooks import check_submission
from datamill.production.media import item_path
from datamill.production.models import Annotation, Item, Project, Review, Task, TaskAssignment
from datamill.production.projects import project_spec_lookup, read_spec
from datamill.production.schemas import AnnotationOut, SegmentIn
from datamill.production.task_notes import record_note
from datamill.production.tasks import (
    Hold,
    check_task_version,
    ensure_holds,
    get_task,
    hold_lookups,
)

__all__ = [
    "Submission",
    "append_version",
    "last_own_payload",
    "list_annotations",
    "notify_submission",
    "point_item_at",
    "prepare_submission",
    "read_submit_ahead",
    "return_to_annotators",
    "review_task",
    "submit_annotation",
    "take_hold",
    "write_version",
]


def last_own_payload(session: Session, user_id: int, task: Task) -> Any | None:
    """The payload ``user_id`` last submitted on another item of ``task``'s project at its
    stage (the workbench's "copy from previous": a sequence of like frames or scans), or None.
    Found through the user's own submitted holds (indexed by user), not the project's
    annotations."""
    found = session.execute(
        select(Annotation.payload)
        .join(TaskAssignment, TaskAssignment.task_id == Annotation.task_id)
        .join(Task, Task.id == Annotation.task_id)
        .where(TaskAssignment.user_id == user_id, TaskAssignment.status == "submitted",
               Task.project_id == task.project_id, Task.stage == task.stage,
               Task.item_id != task.item_id, Annotation.author_id == user_id,
               Annotation.kind == "annotation")
        .order_by(Annotation.id.desc()).limit(1)
    ).first()
    return None if found is None else found[0]


SubmissionListener = Callable[[Session, Task, Annotation], None]
_listeners = Registry[SubmissionListener]("datamill.submission_listeners")


def notify_submission(session: Session, task: Task, annotation: Annotation) -> None:
    """Tell every ``datamill.submission_listeners`` plugin (e.g. golden scoring) about a
    submitted check task's annotation."""
    for name in _listeners.names():
        _listeners.get(name)(session, task, annotation)


_PROJECTS = cast(Table, Project.__table__)
_RULES = select(_PROJECTS.c.modality, _PROJECTS.c.spec).where(  # built once, Core (every submit)
    _PROJECTS.c.id == bindparam("p_project"))


_MODALITY = _RULES.with_only_columns(_PROJECTS.c.modality).scalar_subquery()


class _Rules(NamedTuple):
    modality: str
    spec: dict[str, Any]


def _project_rules(session: Session, project_id: int) -> Any:
    """The project's ``modality`` and ``spec`` (attribute access): the project this session
    holds (it may carry changes not yet flushed), else what :func:`read_submit_ahead` read, else
    one Core read of the two columns (loading the whole project as an object cost ~5 times
    that)."""
    held = loaded(session, Project, project_id)
    if held is not None:
        return held
    modality = recall(session, ("project_modality", project_id))
    spec = read_spec(session, project_id)
    if modality is not None and spec is not None:
        return _Rules(modality, spec)
    return run(session, _RULES, {"p_project": project_id}).first()


def read_submit_ahead(session: Session, user: User, task: Task) -> None:
    """Read in **one** statement the small questions a submit of ``task`` by ``user`` is about
    to ask one by one: the permission check's membership, project level and clearance, the
    user's hold on the task, and the project's modality and spec (what validates the work).
    Each is still asked where it always was and finds its answer in the transaction's memo
    (:mod:`datamill.db.memo`). Call it before the submit's permission check."""
    from datamill.compliance.classification import access_lookups

    pid = task.project_id
    prefetch(session, [*access_lookups(user.id, pid), *hold_lookups(task.id, user.id),
                       Lookup(("project_modality", pid), _MODALITY), project_spec_lookup(pid)],
             {"p_user": user.id, "p_project": pid, "p_task": task.id})


def _validation_attributes(session: Session, plugin: object, item: Item) -> Mapping[str, Any]:
    """The item's attributes as its modality validates an annotation against them: widened by
    the plugin's optional ``validation_attributes(attributes, read)`` (``read()`` the item's
    file) where the session knows the blob store. A long text document keeps its text only in
    its file, and without it a span's offsets went unchecked against its words: a client's
    UTF-16 offsets were stored (trial h5, round 4). A file that cannot be read leaves the
    attributes as they are."""
    attributes: Mapping[str, Any] = item.attributes or {}
    widen = getattr(plugin, "validation_attributes", None)
    blobs = session.info.get("datamill.blobs")
    if widen is None or blobs is None:
        return attributes
    try:
        return cast("Mapping[str, Any]", widen(attributes, lambda: item_path(blobs, item)))
    except (OSError, InvalidInput):  # BlobMissing too: the checks needing no text still run
        return attributes


def _validated(
    session: Session, item: Item, payload: object, item_flag: str | None = None
) -> AnnotationDoc:
    """The modality's clean version of a submitted payload, with the item flag recorded on it,
    that every ``datamill.submission_checks`` plugin accepts (InvalidInput naming every
    problem)."""
    project = _project_rules(session, item.project_id)
    if project is None:
        raise NotFound(f"item {item.id} has no project")
    plugin = get_modality(project.modality)
    req = plugin.requirements_model.model_validate(project.spec.get("requirements", {}))
    if isinstance(payload, list | tuple):
        payload = [p.model_dump() if isinstance(p, BaseModel) else p for p in payload]
    elif isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    try:
        check_document(payload, "annotation")  # before anything reads it: NUL, NaN, nesting
        # what a submission carries is decoded JSON (or the models above dumped to it)
        payload = flag_item_in(plugin, cast("JsonValue", payload), item_flag)
        doc = validate_annotation_in(
            plugin, payload, _validation_attributes(session, plugin, item), req,
            prompt=item.prompt, text_normalization=project.spec.get("text_normalization"))
        check_submission(session, item.project_id, doc.payload)
    except InvalidInput as err:
        # the modality's details too (``problems``: coded problems every face words in its
        # reader's language, see modalities.problem_words)
        raise InvalidInput(err.message, **{**err.details, "item": item.external_id}) from err
    return doc


# Statements of the submit path, built once (building one costs about as much as running it)
# and in Core on the tables: an ORM-enabled statement costs ~35 µs more a call (SQLite). None of
# them needs the ORM: they hand back plain values, and the objects they change are set by hand
# (``set_committed_value``) where the caller holds them.
_ANNOTATIONS = cast(Table, Annotation.__table__)
_ASSIGNMENTS = cast(Table, TaskAssignment.__table__)
_ITEMS = cast(Table, Item.__table__)
_TASKS = cast(Table, Task.__table__)
_TOP_VERSIONS = (  # what a new version is numbered from: the highest, the newest pre-label
    select(_ANNOTATIONS.c.version)
    .where(_ANNOTATIONS.c.item_id == bindparam("p_item"))
    .order_by(_ANNOTATIONS.c.version.desc()).limit(1).scalar_subquery(),
    select(_ANNOTATIONS.c.id)
    .where(_ANNOTATIONS.c.item_id == bindparam("p_item"),
           _ANNOTATIONS.c.kind == "preannotation")
    .order_by(_ANNOTATIONS.c.version.desc()).limit(1).scalar_subquery(),
)
_ITEM_NOW = (_ITEMS.c.current_version, _ITEMS.c.current_annotation_id)
_LOCK_ITEM = select(*_ITEM_NOW).where(_ITEMS.c.id == bindparam("p_item")).with_for_update()
_NUMBERS = select(*_TOP_VERSIONS)
# SQLite: one statement (its writers are serialised by BEGIN IMMEDIATE, see db/session.py; it
# renders no FOR UPDATE)
_ITEM_AND_NUMBERS = select(*_ITEM_NOW, *_TOP_VERSIONS).where(_ITEMS.c.id == bindparam("p_item"))


def _lock_versions(session: Session, item: Item) -> tuple[int, int | None, int, int | None]:
    """Lock the item's row (PostgreSQL) and read its version and current annotation as committed
    now, its highest annotation version (0: none; check answers take numbers too) and its newest
    pre-annotation's id: writers of an item's versions go one after the other and each sees the
    last one's. Whatever the session holds for the item is flushed first.

    On PostgreSQL the numbers are read by a second statement, after the lock: a statement that
    waited for a row lock gets the row as committed since, but its other reads keep the snapshot
    it started with, so one statement would number a version from before the lock holder's
    (a check answer racing an edit collided on the version's unique key)."""
    session.flush()
    params = {"p_item": item.id}
    if session.get_bind().dialect.name == "sqlite":
        row = tuple(run(session, _ITEM_AND_NUMBERS, params).one())
    else:
        row = (*run(session, _LOCK_ITEM, params).one(),
               *run(session, _NUMBERS, params).one())
    return (int(row[0] or 0), (int(row[1]) if row[1] is not None else None), int(row[2] or 0),
            (int(row[3]) if row[3] is not None else None))


_TAKE_HOLD = (
    update(_ASSIGNMENTS)
    .where(_ASSIGNMENTS.c.id == bindparam("p_hold"),
           _ASSIGNMENTS.c.status.in_(("claimed", "returned")))
    .values(status="submitted", submitted_at=bindparam("p_at"))
)
_COUNT_ANY = (
    update(_TASKS).where(_TASKS.c.id == bindparam("p_task"))
    .values(submissions=_TASKS.c.submissions + 1)
    .returning(_TASKS.c.submissions, _TASKS.c.overlap)
)
_COUNT_AND_CLOSE = (  # the count, and a single-pass task closed when it reaches its overlap
    update(_TASKS).where(_TASKS.c.id == bindparam("p_task"), _TASKS.c.status == "open")
    .values(submissions=_TASKS.c.submissions + 1,
            status=case((and_(_TASKS.c.overlap <= 1,
                              _TASKS.c.submissions + 1 >= _TASKS.c.overlap), "done"),
                        else_=_TASKS.c.status))
    .returning(_TASKS.c.submissions, _TASKS.c.overlap, _TASKS.c.status)
)
_CLOSE_TASK = update(_TASKS).where(_TASKS.c.id == bindparam("p_task")).values(status="done")
_POINT = (  # the item's version and pointer moved to a version just written (under its lock)
    update(_ITEMS).where(_ITEMS.c.id == bindparam("p_item"))
    .values(current_version=bindparam("p_new"), current_annotation_id=bindparam("p_annotation"))
)
_POINT_AND_STATUS = _POINT.values(status=bindparam("p_status"))  # ... and its status with them
_OPEN_REVIEW = (  # the item's review task opens once its annotate task is done
    update(_TASKS)
    .where(_TASKS.c.item_id == bindparam("p_item"), _TASKS.c.stage == "review",
           _TASKS.c.kind == "work")
    .values(status="open")
)
_ITEM_STATUS = update(_ITEMS).where(_ITEMS.c.id == bindparam("p_item")).values(
    status=bindparam("p_status"))
_REVIEW_TASK = select(Task).where(
    Task.item_id == bindparam("p_item"), Task.stage == "review", Task.kind == "work")


def take_hold(session: Session, task: Task, hold: Hold) -> None:
    """held → submitted as one conditional UPDATE: of racing submits of one hold, exactly one
    wins; the others get a Conflict (and their transaction writes nothing)."""
    won = run(session, _TAKE_HOLD, {"p_hold": hold.id, "p_at": utcnow()})
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"task {task.id} is already submitted", task_id=task.id,
                       reason_code="already_submitted")


def _count_submission(session: Session, task: Task) -> tuple[int, int]:
    """``submissions = submissions + 1`` in the database, whatever the task's status (a check
    task's answers); returns (submissions, overlap) after it."""
    row = run(session, _COUNT_ANY, {"p_task": task.id}).one()
    # the row as written (no reload): the counter and overlap just read back
    set_committed_value(task, "submissions", int(row[0]))
    set_committed_value(task, "overlap", int(row[1]))
    return int(row[0]), int(row[1])


def _count_and_close(session: Session, task: Task) -> tuple[int, int]:
    """:func:`_count_submission` of an open task (Conflict otherwise) that, for a single-pass
    task (overlap 1) reaching its count, also closes it, in the same statement (SQL reads the
    old counter on both sides of ``SET``); a task with overlap is left to the caller
    (aggregation decides)."""
    row = run(session, _COUNT_AND_CLOSE, {"p_task": task.id}).first()
    if row is None:
        raise Conflict(f"task {task.id} is no longer open", task_id=task.id)
    set_committed_value(task, "submissions", int(row[0]))
    set_committed_value(task, "overlap", int(row[1]))
    set_committed_value(task, "status", str(row[2]))
    return int(row[0]), int(row[1])


def _close_task(session: Session, task: Task) -> None:
    run(session, _CLOSE_TASK, {"p_task": task.id})
    set_committed_value(task, "status", "done")


def append_version(
    session: Session,
    item: Item,
    *,
    base_version: int | None,
    payload: AnnotationDoc,
    stage: str,
    kind: str,
    author_id: int | None,
    task_id: int | None = None,
    time_spent_ms: int | None = None,
) -> Annotation:
    """Append the item's next version, or raise Conflict if ``base_version`` is stale; the
    item's pointer stays where it is until :func:`point_item_at` moves it (in the same
    transaction: the item's row stays locked until then).

    ``base_version`` None: based on whatever version the item is at under its lock (parallel
    first passes each keep their own answer). Check answers (kind ``check``) take version
    numbers without moving the pointer, so the new version skips past any of them. ``payload``
    is the annotation as the modality validated it (its flat ``text`` included: the loop never
    works out what a payload says).
    """
    check_counter(base_version, "base_version", headroom=1)  # the new version is one more
    check_counter(time_spent_ms, "time_spent_ms")
    current, parent, top, pre = _lock_versions(session, item)
    if base_version is None:
        base_version = current
    elif base_version != current:
        set_committed_value(item, "current_version", current)
        raise Conflict(
            f"item {item.external_id} is at version {current}, your edit is based on "
            f"version {base_version}; reload and apply your changes again",
            item=item.external_id, current_version=current, base_version=base_version,
            reason_code="stale_version",
        )
    return insert_row(session, Annotation(
        item_id=item.id, version=max(base_version, top) + 1, parent_id=parent,
        task_id=task_id, stage=stage, kind=kind, author_id=author_id, preannotation_id=pre,
        payload=payload.payload, text=payload.text, time_spent_ms=time_spent_ms,
    ))


def point_item_at(
    session: Session, item: Item, annotation: Annotation, status: str | None = None
) -> None:
    """Move the item's version and pointer to ``annotation`` (just appended), and its status
    with them when given: one UPDATE. The objects are set from what was written (no reload)."""
    params: dict[str, Any] = {"p_item": item.id, "p_new": annotation.version,
                              "p_annotation": annotation.id}
    if status is None:
        run(session, _POINT, params)
    else:
        run(session, _POINT_AND_STATUS, {**params, "p_status": status})
        set_committed_value(item, "status", status)
    set_committed_value(item, "current_version", annotation.version)
    set_committed_value(item, "current_annotation_id", annotation.id)


def write_version(
    session: Session,
    item: Item,
    *,
    base_version: int | None,
    payload: AnnotationDoc,
    stage: str,
    kind: str,
    author_id: int | None,
    task_id: int | None = None,
    time_spent_ms: int | None = None,
) -> Annotation:
    """Append the item's next version and move the pointer to it, or raise Conflict if
    ``base_version`` is stale (see :func:`append_version`)."""
    ann = append_version(
        session, item, base_version=base_version, payload=payload, stage=stage, kind=kind,
        author_id=author_id, task_id=task_id, time_spent_ms=time_spent_ms,
    )
    point_item_at(session, item, ann)
    return ann


class Submission(NamedTuple):
    """What a submit read and checked before it writes (:func:`prepare_submission`)."""

    task: Task
    hold: Hold
    item: Item
    clean: AnnotationDoc


def prepare_submission(
    session: Session, user: User, task_id: int, payload: Sequence[SegmentIn] | object,
    item_flag: str | None = None,
) -> Submission:
    """The reading half of :func:`submit_annotation`: the task, the user's hold on it, the item
    and the payload as the modality validated it. It only reads, so a caller may run it before
    the write transaction (``db.session.reads_first``: on SQLite without the writer lock, as
    PostgreSQL's READ COMMITTED already reads it); the writes re-check what can change (the
    hold's status in its conditional UPDATE, the item's version numbers under the lock)."""
    check_text(item_flag, "item_flag")
    task = get_task(session, task_id)
    hold = ensure_holds(session, user.id, task)  # first: only its holder learns what it is
    if task.stage != "annotate":
        raise InvalidInput(f"task {task_id} is a {task.stage} task; use review instead")
    item = session.get(Item, task.item_id)
    if item is None:
        raise NotFound(f"task {task_id} refers to a missing item")
    return Submission(task, hold, item, _validated(session, item, payload, item_flag))


def submit_annotation(
    session: Session,
    user: User,
    task_id: int,
    payload: Sequence[SegmentIn] | object,
    *,
    base_version: int,
    time_spent_ms: int | None = None,
    comment: str | None = None,
    item_flag: str | None = None,
    prepared: Submission | None = None,
    draft_revision: int | None = None,
) -> AnnotationOut:
    """An annotator submits the annotation of a task they hold: ``payload`` is the modality's
    document (speech: segments; image: an ``ImageAnnotation`` document), validated by it.
    ``comment`` (to the reviewer) and ``item_flag`` (cannot annotate the item: one of the
    modality's ``item_flags``, recorded on the payload by it) are stored as the submission's
    note. ``prepared``: what :func:`prepare_submission` already read for this task, user and
    payload. ``draft_revision``: the draft revision the submitting page last loaded or saved
    (the workbenches send it); behind the user's stored draft the submit is refused (409
    ``stale_draft``, see :func:`~datamill.production.drafts.require_latest_draft`); None (API
    clients that keep no drafts) skips the check."""
    check_counter(base_version, "base_version", headroom=1)
    check_counter(time_spent_ms, "time_spent_ms")
    check_note(comment, "comment")
    if prepared is None or prepared.task.id != task_id:
        prepared = prepare_submission(session, user, task_id, payload, item_flag)
    task, hold, item, clean = prepared
    take_hold(session, task, hold)
    if draft_revision is not None:
        require_latest_draft(session, task.id, user.id, base_version=base_version,
                             draft_revision=draft_revision)
    discard_draft(session, task.id, user.id)
    if task.kind == "check":
        return _submit_check(session, user, task, item, clean, time_spent_ms, base_version)
    parallel = task.overlap > 1  # parallel first passes each keep their own answer
    ann = append_version(
        session, item, base_version=None if parallel else base_version, payload=clean,
        stage="annotate", kind="annotation", author_id=user.id, task_id=task.id,
        time_spent_ms=time_spent_ms,
    )
    record_note(session, ann, author_id=user.id, comment=comment, item_flag=item_flag)
    if parallel:  # aggregation reads the answers with the item pointing at the newest
        point_item_at(session, item, ann)
    submissions, overlap = _count_and_close(session, task)  # a single pass closes here
    status = None
    if submissions >= overlap:  # exactly one submitter sees the count reach the overlap
        if overlap > 1:
            from datamill.qc.aggregating import aggregate_on_close  # noqa: PLC0415 - cycle

            if not aggregate_on_close(session, item, task):
                session.flush()  # low confidence: one more annotator, the task stays open
                return AnnotationOut.model_validate(ann)
            _close_task(session, task)
        status = _open_review(session, item)
    if parallel:
        if status is not None:
            run(session, _ITEM_STATUS, {"p_item": item.id, "p_status": status})
            set_committed_value(item, "status", status)
    else:  # a single pass: the item's version, pointer and status in one UPDATE
        point_item_at(session, item, ann, status)
    record_audit(session, actor_id=user.id, action="annotation.submitted", object_type="item",
                 object_id=item.id, project_id=item.project_id,
                 data={"task_id": task.id, "version": ann.version})
    session.flush()
    return AnnotationOut.model_validate(ann)


def _submit_check(
    session: Session,
    user: User,
    task: Task,
    item: Item,
    doc: AnnotationDoc,
    time_spent_ms: int | None,
    base_version: int,
) -> AnnotationOut:
    """A check task's answer: its own version, kind ``check``; the item's pointer, version and
    status stay where they are, the task stays open for others, listeners score it.

    ``base_version`` must be the version the check showed, as a work task's must be the item's
    (the same conflict otherwise: a wrong version must not tell a check from work); a project
    with overlap, whose work tasks take parallel first passes, checks none."""
    shown = check_task_version(session, task)
    project = session.get(Project, task.project_id)
    if base_version != shown and int((project.spec if project else {}).get("overlap", 1)) <= 1:
        raise Conflict(
            f"item {item.external_id} is at version {shown}, your edit is based on "
            f"version {base_version}; reload and apply your changes again",
            item=item.external_id, current_version=shown, base_version=base_version,
            reason_code="stale_version",
        )
    _current, _parent, top, pre = _lock_versions(session, item)
    ann = Annotation(  # made from the pre-label the worker was shown, like any first answer
        item_id=item.id, version=top + 1, parent_id=pre, task_id=task.id,
        stage=task.stage, kind="check", author_id=user.id, preannotation_id=pre,
        payload=doc.payload, text=doc.text,
        time_spent_ms=time_spent_ms,
    )
    session.add(ann)
    session.flush()
    _count_submission(session, task)
    notify_submission(session, task, ann)
    session.flush()
    # Mixing is silent: the worker's response looks like any submission's, at the version
    # after the one the task showed (the item's own versions, never counting check answers)
    shown = session.scalar(select(func.count()).select_from(Annotation).where(
        Annotation.item_id == item.id, Annotation.kind != "check")) or 0
    return AnnotationOut.model_validate(ann).model_copy(
        update={"kind": "annotation", "version": shown + 1})


def _open_review(session: Session, item: Item) -> str:
    """Open the item's review task; the status the item moves to: in review, or reviewed when
    the project has no review stage."""
    opened = run(session, _OPEN_REVIEW, {"p_item": item.id})
    return "in_review" if opened.rowcount else "reviewed"  # type: ignore[attr-defined]


def return_to_annotators(
    session: Session, item: Item, reason: str, *, code: str | None = None,
    params: dict[str, Any] | None = None,
) -> None:
    """Send an item's annotate task back to whoever did it, with the reason (``code`` and
    ``params``: the same as a code and its values, which a page words in its language)."""
    task = session.scalars(
        select(Task).where(Task.item_id == item.id, Task.stage == "annotate", Task.kind == "work")
    ).first()
    if task is None:
        return
    task.status = "open"
    task.submissions = 0
    session.execute(  # the holds that answered: a skipper is never handed it back
        update(TaskAssignment)
        .where(TaskAssignment.task_id == task.id, TaskAssignment.status == "submitted")
        .values(status="returned", return_reason=reason, return_code=code,
                return_params=params)
    )
    review = session.scalars(_REVIEW_TASK, {"p_item": item.id}).first()
    if review is not None:
        review.status = "waiting"
        review.active_claims = 0
        review.submissions = 0
        for hold in session.scalars(select(TaskAssignment).where(TaskAssignment.task_id == review.id)):
            session.delete(hold)  # a hold, not a record: the Review rows keep the history
    item.status = "rework"


def _refuse_unresolved(session: Session, item: Item) -> None:
    """An item whose annotators split with no majority is adjudicated (an edit), never accepted
    as the aggregate's arbitrary pick."""
    from datamill.qc.aggregating import (  # noqa: PLC0415 - cycle
        free_text_key,
        project_plugin,
        unresolved_units,
    )

    split = unresolved_units(session, item)
    if split:
        _project, plugin = project_plugin(session, item.project_id)
        # a free-text answer (an SFT conversation, a transcript) is never written into the
        # message: the server log keeps every refusal's message (h6: two conversations whole,
        # with the personal data typed in them); ``split`` in the details has them for the page
        shown = "; ".join(
            f"{key}: " + (f"{len(counts)} different texts ("
                          + ", ".join(str(n) for n in counts.values()) + " annotators)"
                          if free_text_key(key, plugin) else
                          ", ".join(f"{label} {n}" for label, n in counts.items()))
            for key, counts in split.items())
        raise Conflict(f"item {item.id}: the annotators split with no majority ({shown}); "
                       "adjudicate it: edit the answer, then it is accepted",
                       item_id=item.id, reason_code="unresolved_split", split=split)


def _pin_accepted(session: Session, item: Item, base_version: int | None) -> None:
    """Lock the item's row (after the hold: the loop's lock order) and read it afresh, so an
    aggregation writing a new version of it (``aggregate_project`` with a dataset-level
    method) goes before or after the acceptance, never under it; with ``base_version`` (the
    version the reviewer's page showed) an item at another version is refused 409
    ``review_stale``: an acceptance without it accepted whatever version was current by then,
    one the reviewer never saw."""
    session.refresh(item, with_for_update=True)
    if base_version is not None and base_version != item.current_version:
        raise Conflict(
            f"item {item.external_id} is at version {item.current_version}, the page you "
            f"reviewed showed version {base_version}; reload and review it again",
            item=item.external_id, current_version=item.current_version,
            base_version=base_version, reason_code="review_stale")


def review_task(
    session: Session,
    reviewer: User,
    task_id: int,
    verdict: Literal["accept", "edit", "reject"],
    *,
    reason: str | None = None,
    payload: Sequence[SegmentIn] | object | None = None,
    base_version: int | None = None,
    time_spent_ms: int | None = None,
    reason_code: str | None = None,
    note: str | None = None,
) -> dict[str, object]:
    """Accept, edit (a new version, then accept) or reject (back to the annotator) an item.

    A rejection's ``reason`` goes back with the task (``review_rejected``); a page that
    offers a list of reasons also gives the chosen one's ``reason_code`` and the reviewer's
    ``note``, so the annotator's page words the reason in its own language."""
    check_note(reason, "reason")
    check_note(note, "note")
    check_counter(base_version, "base_version", headroom=1)
    check_counter(time_spent_ms, "time_spent_ms")
    task = get_task(session, task_id)
    hold = ensure_holds(session, reviewer.id, task)  # first: only its holder learns what it is
    if task.stage != "review":
        raise InvalidInput(f"task {task_id} is an {task.stage} task, not a review task")
    item = session.get(Item, task.item_id)
    if item is None:
        raise NotFound(f"task {task_id} refers to a missing item")
    if verdict not in ("accept", "edit", "reject"):
        raise InvalidInput(f"unknown verdict {verdict!r}; use accept, edit or reject")
    if verdict == "reject" and (not reason or not reason.strip()):
        raise InvalidInput("a rejection needs a reason the annotator can act on")
    if verdict == "edit" and (payload is None or base_version is None):
        raise InvalidInput("an edit needs the edited annotation and the base_version it starts "
                           "from")
    if verdict == "accept":
        _refuse_unresolved(session, item)
    take_hold(session, task, hold)  # a second, racing verdict on the same hold gets a Conflict
    if verdict in ("accept", "reject"):  # the verdict is on the version the reviewer was shown
        _pin_accepted(session, item, base_version)
    annotation_id = item.current_annotation_id
    if verdict == "edit":
        if payload is None or base_version is None:
            raise InvalidInput("an edit needs the edited annotation and the base_version it "
                               "starts from")
        ann = write_version(
            session, item, base_version=base_version, payload=_validated(session, item, payload),
            stage="review", kind="review_edit", author_id=reviewer.id, task_id=task.id,
            time_spent_ms=time_spent_ms,
        )
        annotation_id = ann.id
    session.add(
        Review(task_id=task.id, item_id=item.id, reviewer_id=reviewer.id, verdict=verdict,
               reason=reason, annotation_id=annotation_id)
    )
    if verdict == "reject":
        params: dict[str, Any] = {"reason": reason}
        if reason_code:
            params.update(reason_code=reason_code, note=(note or "").strip())
        return_to_annotators(session, item, f"review: {reason}", code="review_rejected",
                             params=params)
    else:
        _count_and_close(session, task)
        if task.status != "done":  # a review task with overlap (none is made so): close it too
            _close_task(session, task)
        item.status = "reviewed"
    record_audit(
        session, actor_id=reviewer.id, action=f"review.{verdict}", object_type="item",
        object_id=item.id, project_id=item.project_id, data={"reason": reason},
    )
    session.flush()
    # the version the verdict stands on: an edit's new one (the number a later edit starts
    # from), else the version accepted or sent back
    version = session.scalar(select(Annotation.version).where(
        Annotation.id == annotation_id)) if annotation_id is not None else None
    return {"task_id": task.id, "item_id": item.id, "verdict": verdict, "item_status": item.status,
            "version": version}


def list_annotations(session: Session, item_id: int, *,
                     split: dict[str, dict[str, int]] | None = None) -> list[AnnotationOut]:
    """Every version of an item's annotation, oldest first; the current one, a majority-vote
    aggregate of answers split with no majority, says so (``no_majority``): its payload holds
    one of the split answers only so that it is valid, and must not read as a decision.
    ``split``: the item's ``unresolved_units`` when the caller read them already."""
    rows = session.scalars(
        select(Annotation).where(Annotation.item_id == item_id).order_by(Annotation.version)
    )
    out = [AnnotationOut.model_validate(a) for a in rows]
    item = session.get(Item, item_id) if any(
        a.aggregation_method == "majority_vote" for a in out) else None
    if item is not None:
        if split is None:
            from datamill.qc.aggregating import unresolved_units  # noqa: PLC0415 - cycle, numpy

            split = unresolved_units(session, item)
        for version in out:
            if split and version.id == item.current_annotation_id:
                version.no_majority = split
    return out
