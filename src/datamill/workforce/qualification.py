"""Training and qualification before work (培训考核): golden tasks and a pass threshold.

A project's test is a set of its items with known answers. A worker answers every golden task;
the answers are scored with the project's modality metric (e.g. ``character_accuracy``) and
the attempt passes at or above the threshold. Only then may they be assigned that project's
production work (``assignment.assign_package_to_worker`` checks ``is_qualified``).

The test's owner (whoever defined it) or an admin may **revise** it: new threshold, metric and
golden set; the revision number goes up, golden items left out are retired (never served again,
past probes keep them), and attempts record the revision they answered. A pass stays a pass.
A project whose spec says ``qualification_required: true`` admits nobody to its annotate tasks
until they pass (and, until the test is defined, nobody at all).

**Golden items are not production volume.** An item becomes golden with its known answer up
front: one that passed its checks and nobody has worked on is taken out of production (status
``golden``; its unclaimed tasks are withdrawn from their packages), so it is never annotated as
work, batched, delivered or paid, only served as a test or check question. An item whose
production is finished (every work task done, e.g. accepted) may be made golden too: its
production stays what it was. An item someone is working on is refused (Conflict), as is one
that has not passed its checks. A golden item a revision leaves out goes back to production.
Who sees results: :func:`list_attempts` (a worker their own, a vendor manager their vendor's
workers, the business everyone).

**A question never gives its answer away.** The candidate is served the item (its id and file, under
the question's name: the item's own can spell the answer) and what the task shows, but a field whose value, given as the answer, would score at least
:data:`GIVEAWAY_SCORE` on the test's metric is withheld (named in ``withheld``): a read-speech
item's prompt is the transcript the test expects, so a transcription test withholds it, while a
TTS labelling test, whose answers are phones and prosody, shows the sentence to label. Retakes
are limited (:mod:`datamill.workforce.retakes`): a test cannot be brute-forced.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from datamill.compliance.access import hide_unseen_project
from datamill.compliance.audit import record_audit
from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.item_sensitivity import require_item_cleared
from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.storable import digits
from datamill.db.lookup import get_or_raise, not_found
from datamill.db.memo import remember
from datamill.modalities.base import acceptance_metrics_for, score_in
from datamill.modalities.registry import get_modality
from datamill.production.models import Annotation, Item, Project, Task, TaskAssignment
from datamill.production.projects import (  # GOLDEN_STATUS: one name, shared with production
    GOLDEN_STATUS,
    read_spec,
)
from datamill.production.schemas import ProjectOut
from datamill.production.spec_edit import update_spec
from datamill.workforce.models import (
    GoldenTask,
    QualificationAttempt,
    QualificationTest,
    Vendor,
    Worker,
)
from datamill.workforce.policies import is_business, managed_vendor_id, require_project_business
from datamill.workforce.qualification_candidates import is_candidate, vendor_on_project
from datamill.workforce.qualification_holds import release_untested_holds
from datamill.workforce.qualification_questions import (
    GIVEAWAY_SCORE,
    TestQuestion,
    build_question,
    question_name,
)
from datamill.workforce.retakes import (
    DEFAULT_COOLDOWN_MINUTES,
    DEFAULT_MAX_ATTEMPTS,
    require_attempt_allowed,
    validated_limits,
)
from datamill.workforce.schemas import AttemptOut, QualificationTestOut
from datamill.workforce.vendors import (
    find_worker_of_user,
    get_worker,
    to_decimal,
    worker_for_user,
)

__all__ = [
    "GIVEAWAY_SCORE",
    "GOLDEN_STATUS",
    "AttemptResult",
    "TestQuestion",
    "best_attempt",
    "define_qualification_test",
    "get_qualification_test",
    "golden_answers_by_reference",
    "has_qualification_test",
    "is_qualified",
    "list_attempts",
    "qualification_questions",
    "qualification_required",
    "question_item",
    "require_project_manager",
    "set_qualification_required",
    "take_qualification_test",
    "update_spec_gated",
]

_UNCHECKED = ("imported", "rejected", "listening")  # not (yet) through its checks
@dataclass(frozen=True)
class AttemptResult:
    """One qualification attempt with who made it (a results row)."""

    id: int
    project_id: int
    worker_id: int
    username: str
    vendor: str | None  # None: in-house
    score: Decimal
    scores: dict[str, Any]
    passed: bool
    pass_threshold: Decimal
    metric: str
    test_revision: int
    created_at: datetime


def _project(session: Session, project_id: int) -> Project:
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    return project


def _visible_project(session: Session, viewer: User, project_id: int) -> Project:
    """The project, as missing (word for word) when classified above ``viewer``'s clearance:
    a registered worker is a candidate for any project's test, and the business reads any
    project's attempts, but none of a project they are not cleared for (no probing)."""
    project = _project(session, project_id)
    if project_id in hidden_project_ids(session, viewer):
        raise not_found("project", project_id, project_id=project_id)
    return project


_TEST = select(QualificationTest).where(  # built once (every claim's guard asks it)
    QualificationTest.project_id == bindparam("p_project"))


def _test(session: Session, project_id: int) -> QualificationTest | None:
    return session.scalars(_TEST, {"p_project": project_id}).first()


_TESTS = cast(Table, QualificationTest.__table__)
_HAS_TEST = select(_TESTS.c.id).where(  # built once, Core: every claim's guard asks it
    _TESTS.c.project_id == bindparam("p_project")).limit(1)
HAS_TEST_COLUMN = _HAS_TEST.scalar_subquery()  # the same, read ahead by a claim


def _active_golden(session: Session, test: QualificationTest) -> list[GoldenTask]:
    return list(session.scalars(
        select(GoldenTask)
        .where(GoldenTask.test_id == test.id, GoldenTask.retired.is_(False))
        .order_by(GoldenTask.item_id)
    ).all())


def _test_out(session: Session, test: QualificationTest) -> QualificationTestOut:
    project = _project(session, test.project_id)
    return QualificationTestOut(
        project_id=test.project_id,
        metric=test.metric,
        pass_threshold=test.pass_threshold,
        golden_item_ids=[g.item_id for g in _active_golden(session, test)],
        revision=test.revision,
        created_by=test.created_by,
        required=_required(project),
        max_attempts=test.max_attempts,
        cooldown_minutes=test.cooldown_minutes,
    )


def require_project_manager(session: Session, actor: User, project_id: int, what: str) -> None:
    """The business side, and (admins excepted) a member of the project (one rule: policies)."""
    require_project_business(session, actor, project_id, what)


def _required(project: Project) -> bool:
    return bool((project.spec or {}).get("qualification_required", False))


def qualification_required(session: Session, project_id: int) -> bool:
    """Whether the project's spec requires a passed qualification test before annotating."""
    return _required(_project(session, project_id))


def set_qualification_required(
    session: Session, actor: User, project_id: int, required: bool
) -> bool:
    """Turn the project's ``qualification_required`` setting on or off (kept in its spec). On
    only once the project has a test: required without one, nobody could ever pass it and every
    claim would be refused."""
    require_project_manager(session, actor, project_id, "change qualification settings")
    project = _project(session, project_id)
    if required and _test(session, project_id) is None:
        raise InvalidInput(
            f"project {project_id} has no qualification test yet, so nobody could pass one: "
            "define it first (datamill workforce qualification set PROJECT --golden FILE "
            f"--threshold 0.95, PUT /api/v1/projects/{project_id}/qualification-test), then "
            "require it", project_id=project_id,
            reason_code="qualification_required_no_test")
    project.spec = {**(project.spec or {}), "qualification_required": bool(required)}
    data: dict[str, object] = {"required": bool(required)}
    if required:
        data.update(_release_untested(session, project_id))
    record_audit(
        session, actor_id=actor.id, action="qualification.required_set", object_type="project",
        object_id=project_id, project_id=project_id, data=data,
    )
    session.flush()
    return bool(required)


def update_spec_gated(
    session: Session, project_id: int, patch: Any, *, actor_id: int | None = None
) -> ProjectOut:
    """Change the project's spec (:func:`~datamill.production.spec_edit.update_spec`, what
    ``project set-spec`` and ``PATCH /projects/{id}/spec`` call) under the gate's own rules, as
    :func:`set_qualification_required`: turned on only once the project has a test, and turned
    on, the holds of the untested on annotate tasks go. Before, ``set-spec
    qualification_required=true`` left them held (and took it with no test)."""
    was = qualification_required(session, project_id)
    out = update_spec(session, project_id, patch, actor_id=actor_id)
    if was or not qualification_required(session, project_id):
        return out
    if _test(session, project_id) is None:  # the face's unit of work rolls the change back
        raise InvalidInput(
            f"project {project_id} has no qualification test yet, so nobody could pass one: "
            "define it first (datamill workforce qualification set PROJECT --golden FILE "
            f"--threshold 0.95, PUT /api/v1/projects/{project_id}/qualification-test), then "
            "require it", project_id=project_id,
            reason_code="qualification_required_no_test")
    record_audit(session, actor_id=actor_id, action="qualification.required_set",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"required": True, "via": "spec", **_release_untested(session, project_id)})
    return out


def _release_untested(session: Session, project_id: int) -> dict[str, object]:
    """The gate is on: holds of the untested on annotate tasks go (qualification_holds)."""
    session.flush()
    released = release_untested_holds(
        session, project_id, lambda worker: is_qualified(session, worker, project_id))
    return {"released_tasks": sorted(t for tasks in released.values() for t in tasks),
            "released_from": sorted(released)}


def golden_answers_by_reference(
    session: Session, project_id: int, answers: Mapping[str, str], *, questions: bool = False
) -> dict[int, str]:
    """Golden answers keyed by item id or by the item's external id (its name at import); with
    ``questions`` (a candidate's answers) also by the name a question is shown under
    (``question-3``: the test's third)."""
    _project(session, project_id)
    test = _test(session, project_id) if questions else None
    named = {question_name(n, None)[0]: str(g.item_id) for n, g in enumerate(
        _active_golden(session, test) if test else [], 1)}
    answers = {named.get(str(k), str(k)): v for k, v in answers.items()}
    by_external = dict(session.execute(
        select(Item.external_id, Item.id).where(
            Item.project_id == project_id, Item.external_id.in_([str(k) for k in answers])
        )
    ).tuples().all())
    out: dict[int, str] = {}
    for ref, text in answers.items():
        key = str(ref)
        if key in by_external:
            out[by_external[key]] = text
        elif digits(key):
            out[int(key)] = text
        else:
            raise InvalidInput(f"no item {key!r} in project {project_id}", field="golden",
                               reason_code="item_key_unknown", key=str(key), project_id=project_id)
    return out


def default_metric(modality: str, acceptance: Mapping[str, object] | None = None) -> str:
    """The metric a qualification test scores by when none is named: the first metric the
    project is judged by (its spec's ``acceptance``: speech's ``mixed_accuracy`` where chosen
    instead of ``character_accuracy``), else the modality's first acceptance metric."""
    return acceptance_metrics_for(get_modality(modality), acceptance)[0]


def _validated(
    session: Session, project: Project, golden: Mapping[int, str], pass_threshold: object,
    metric: str,
) -> Decimal:
    threshold = to_decimal(pass_threshold, "pass_threshold")
    if not Decimal(0) < threshold <= Decimal(1):
        raise InvalidInput(f"pass threshold {threshold} must be in (0, 1]", field="pass_threshold",
                           reason_code="pass_threshold_range", threshold=str(threshold))
    if threshold != threshold.quantize(Decimal("0.0001")):  # stored to 4 places: it crashed
        raise InvalidInput(f"pass threshold {threshold} has more than 4 decimal places",
                           field="pass_threshold", reason_code="pass_threshold_places",
                           threshold=str(threshold))
    if not golden:
        raise InvalidInput("a qualification test needs at least one golden task", field="golden",
                           reason_code="qualification_golden_needed")
    found = set(
        session.scalars(
            select(Item.id).where(Item.project_id == project.id, Item.id.in_(list(golden)))
        ).all()
    )
    missing = sorted(set(golden) - found)
    if missing:
        raise InvalidInput(f"items {missing} are not items of project {project.id}", field="golden",
                           reason_code="items_other_project", missing=str(missing),
                           project_id=project.id)
    empty = sorted(i for i, text in golden.items() if not text.strip())
    if empty:
        raise InvalidInput(f"golden items {empty} have an empty answer", field="golden",
                           reason_code="golden_answers_empty", empty=str(empty))
    # the metrics the modality scores, found by scoring the answers against themselves (which
    # also holds every answer to the modality: an image answer is an annotation document)
    texts = [golden[i] for i in sorted(golden)]
    try:
        known = set(score_in(get_modality(project.modality), texts, texts, project.language,
                             project.spec.get("requirements", {})))
    except InvalidInput as err:
        raise InvalidInput(f"a golden answer is not a {project.modality} answer: {err}",
                           field="golden",
                           reason_code="golden_answer_invalid", modality=str(project.modality),
                           err=str(err)) from err
    if metric not in known:
        raise InvalidInput(
            f"unknown metric {metric!r}; {project.modality} offers {sorted(known)}", field="metric",
            reason_code="metric_unknown", metric=str(metric), modality=str(project.modality),
            value=str(sorted(known)),
        )
    return threshold


def _require_owner(actor: User, test: QualificationTest) -> None:
    if actor.id != test.created_by and actor.role != "admin":
        raise Forbidden(
            f"only the test's owner (user {test.created_by}) or an admin may revise the "
            f"qualification test of project {test.project_id}; {actor.username!r} may not",
            reason_code="qualification_owner_only", created_by=str(test.created_by),
            project_id=test.project_id, username=str(actor.username),
        )


def _revise(
    session: Session, actor: User, test: QualificationTest, golden: Mapping[int, str]
) -> None:
    _require_owner(actor, test)
    rows = {g.item_id: g for g in session.scalars(
        select(GoldenTask).where(GoldenTask.test_id == test.id)
    )}
    for item_id, row in rows.items():
        row.retired = item_id not in golden
        if not row.retired:
            row.reference_text = golden[item_id].strip()
    for item_id, text in sorted(golden.items()):
        if item_id not in rows:
            session.add(GoldenTask(test_id=test.id, item_id=item_id, reference_text=text.strip()))
    test.revision += 1


def _work_tasks(session: Session, item_ids: Collection[int]) -> dict[int, list[Task]]:
    tasks: dict[int, list[Task]] = {i: [] for i in item_ids}
    for task in session.scalars(
        select(Task).where(Task.item_id.in_(list(item_ids)), Task.kind == "work")
    ):
        tasks[task.item_id].append(task)
    return tasks


def _touched(session: Session, tasks: list[Task]) -> bool:
    """Someone holds, held or submitted one of these tasks."""
    if any(t.active_claims or t.submissions for t in tasks):
        return True
    return bool(tasks) and session.scalar(
        select(exists().where(TaskAssignment.task_id.in_([t.id for t in tasks])))
    ) is True


def _set_aside(session: Session, project_id: int, item_ids: Collection[int]) -> int:
    """Take the golden items nobody has worked on out of production (status ``golden``, their
    unclaimed tasks withdrawn); items whose production is finished stay as they are. Refuses,
    before writing anything, an item being worked on or one that has not passed its checks."""
    items = list(session.scalars(select(Item).where(Item.id.in_(list(item_ids)))).all())
    tasks = _work_tasks(session, [i.id for i in items])
    unchecked: list[str] = []
    busy: list[str] = []
    aside: list[Item] = []
    for item in items:
        mine = tasks[item.id]
        if item.status == GOLDEN_STATUS or (mine and all(t.status == "done" for t in mine)):
            continue  # already golden, or produced: its production stays what it was
        if _touched(session, mine):
            busy.append(item.external_id)
        elif item.status in _UNCHECKED:
            unchecked.append(f"{item.external_id} ({item.status})")
        else:
            aside.append(item)
    if unchecked:
        raise InvalidInput(
            f"items {sorted(unchecked)} have not passed their checks; a golden item must",
            field="golden",
            reason_code="golden_items_unchecked", value=str(sorted(unchecked)))
    if busy:
        raise Conflict(
            f"items {sorted(busy)} are being worked on in production; make an item golden "
            "before anyone takes it, or once its production is finished (e.g. accepted)",
            project_id=project_id,
            reason_code="golden_items_busy", value=str(sorted(busy)))
    withdraw = [t.id for item in aside for t in tasks[item.id]]
    if withdraw:
        gone = session.execute(delete(Task).where(
            Task.id.in_(withdraw), Task.active_claims == 0, Task.submissions == 0,
            ~exists().where(TaskAssignment.task_id == Task.id)))
        if gone.rowcount != len(withdraw):  # type: ignore[attr-defined]
            raise Conflict("someone took one of these items' tasks just now; try again",
                           project_id=project_id,
                           reason_code="golden_task_taken")
    for item in aside:
        item.status = GOLDEN_STATUS
    return len(aside)


def _back_to_production(session: Session, item_ids: Collection[int]) -> None:
    """Golden items a revision left out return to production (packaged with the next run)."""
    for item in session.scalars(select(Item).where(
        Item.id.in_(list(item_ids)), Item.status == GOLDEN_STATUS
    )):
        pre = session.scalar(select(exists().where(
            Annotation.item_id == item.id, Annotation.kind == "preannotation")))
        item.status = "preannotated" if pre else "passed"


def define_qualification_test(
    session: Session,
    actor: User,
    project_id: int,
    golden: Mapping[int, str],
    *,
    pass_threshold: object,
    metric: str | None = None,
    max_attempts: object | None = None,
    cooldown_minutes: object | None = None,
) -> QualificationTestOut:
    """Define the test, or revise it (its owner or an admin): ``golden`` maps item ids of the
    project to their known answers. A revision replaces threshold, metric and golden set. The
    metric defaults to the first metric the project is judged by (speech: character accuracy,
    or mixed accuracy where the spec chose it).
    ``max_attempts`` (default 3) and ``cooldown_minutes`` (default 0) limit retakes; a revision
    that gives neither keeps the test's."""
    require_project_manager(session, actor, project_id, "define qualification tests")
    project = _project(session, project_id)
    metric = metric or default_metric(project.modality, project.spec.get("acceptance"))
    threshold = _validated(session, project, golden, pass_threshold, metric)
    test = _test(session, project_id)
    tries, cooldown = validated_limits(
        max_attempts if max_attempts is not None
        else (test.max_attempts if test else DEFAULT_MAX_ATTEMPTS),
        cooldown_minutes if cooldown_minutes is not None
        else (test.cooldown_minutes if test else DEFAULT_COOLDOWN_MINUTES))
    if test is not None:
        _require_owner(actor, test)  # before anything is set aside
    before = {g.item_id for g in _active_golden(session, test)} if test else set()
    set_aside = _set_aside(session, project_id, set(golden))
    _back_to_production(session, before - set(golden))
    if test is None:
        test = QualificationTest(
            project_id=project_id, metric=metric, pass_threshold=threshold, created_by=actor.id,
            max_attempts=tries, cooldown_minutes=cooldown,
        )
        session.add(test)
        session.flush()
        for item_id, text in sorted(golden.items()):
            session.add(GoldenTask(test_id=test.id, item_id=item_id, reference_text=text.strip()))
        action = "qualification.defined"
    else:
        _revise(session, actor, test, golden)
        test.metric, test.pass_threshold = metric, threshold
        test.max_attempts, test.cooldown_minutes = tries, cooldown
        action = "qualification.revised"
    record_audit(
        session,
        actor_id=actor.id,
        action=action,
        object_type="project",
        object_id=project_id,
        project_id=project_id,
        data={"metric": metric, "threshold": str(threshold), "golden": len(golden),
              "revision": test.revision, "set_aside": set_aside,
              "max_attempts": tries, "cooldown_minutes": cooldown,
              "returned": len(before - set(golden)), **_release_untested(session, project_id)},
    )
    session.flush()
    return _test_out(session, test)


def get_qualification_test(
    session: Session, project_id: int, *, viewer: User | None = None
) -> QualificationTestOut | None:
    """The test (item ids only, never the answers), or None when the project has none.

    With ``viewer`` (a face's caller), only for those who may see its questions: a registered
    worker or the project's business side (a customer or an outsider is refused)."""
    if viewer is None:
        _project(session, project_id)
    else:  # a worker who is no candidate hears of no project (not even "no test")
        _require_candidate(session, viewer, project_id)
    test = _test(session, project_id)
    return _test_out(session, test) if test else None


def qualification_questions(
    session: Session, user: User, project_id: int
) -> list[TestQuestion]:
    """The golden items a worker answers (never the answers): for a registered worker (who
    takes the test) or the project's business side."""
    _require_candidate(session, user, project_id)
    test = _test(session, project_id)
    if test is None:
        raise NotFound(f"project {project_id} has no qualification test",
                       reason_code="project_no_qualification_test", project_id=project_id)
    project = _project(session, project_id)
    golden = _active_golden(session, test)
    items = {i.id: i for i in session.scalars(
        select(Item).where(Item.id.in_([g.item_id for g in golden])))}
    return [build_question(project, test.metric, items[g.item_id], g.reference_text, n,
                           f"/api/v1/projects/{project.id}/qualification-test/questions/"
                           f"{g.item_id}/media") for n, g in enumerate(golden, 1)]


def question_item(
    session: Session, user: User, project_id: int, item_id: int
) -> tuple[Item, str]:
    """The item of one question of the test, for its media file, and the file name to serve
    it under (the question's, never the item's: ``question-3.wav``): to whoever may see the
    questions, only an item the test asks about now (and never one above their clearance)."""
    _require_candidate(session, user, project_id)
    test = _test(session, project_id)
    asked = test is not None and session.scalar(select(exists().where(
        GoldenTask.test_id == test.id, GoldenTask.item_id == item_id,
        GoldenTask.retired.is_(False)))) is True
    def no_question() -> NotFound:
        return NotFound(f"item {item_id} is no question of project {project_id}'s "
                        "qualification test", project_id=project_id, item_id=item_id,
                        reason_code="not_a_test_question")

    if not asked or test is None:
        raise no_question()
    require_item_cleared(session, user, item_id, no_question)
    item = get_or_raise(session, Item, item_id, "item", item_id=item_id)
    number = [g.item_id for g in _active_golden(session, test)].index(item_id) + 1
    return item, question_name(number, item.filename)[1]


def _require_candidate(session: Session, user: User, project_id: int) -> None:
    """A candidate (:mod:`~datamill.workforce.qualification_candidates`: a registered worker on
    the project, of a vendor on it, or invited) or the project's business side. Anyone else
    who may not see the project hears of it as of an id never given out; one who sees it
    hears why they are refused."""
    _visible_project(session, user, project_id)
    if is_candidate(session, user, project_id):
        return
    try:
        require_project_manager(session, user, project_id, "see the qualification test")
    except Forbidden as err:  # say first what a would-be worker lacks, not their role
        hide_unseen_project(session, user, project_id)
        if find_worker_of_user(session, user.id) is not None:
            raise
        raise Forbidden(
            f"{user.username!r} is not registered as a worker: the test's questions are for "
            "registered workers (a vendor manager or project manager registers them: "
            f"datamill workforce worker-add {user.username} ...) and the project's "
            f"business side ({err.message})", project_id=project_id,
            reason_code="not_a_worker") from err


def take_qualification_test(
    session: Session, user: User, project_id: int, answers: Mapping[int, str]
) -> AttemptOut:
    """Score a worker's answers to every golden task; the attempt is recorded pass or fail."""
    project = _visible_project(session, user, project_id)
    _require_candidate(session, user, project_id)  # no candidate: tell nothing of it
    test = _test(session, project_id)
    if test is None:
        raise NotFound(f"project {project_id} has no qualification test",
                       reason_code="project_no_qualification_test", project_id=project_id)
    worker = worker_for_user(session, user.id)
    # the worker's row locked until the attempt commits: two attempts sent at once each
    # counted the attempts before the other's was written, so a worker with one attempt left
    # had 2, 10 ... scored (PostgreSQL), each reporting its score: the limit brute-forced
    session.execute(select(Worker.id).where(Worker.id == worker.id).with_for_update())
    golden = _active_golden(session, test)
    allowance = require_attempt_allowed(session, test, worker, user.username)
    unanswered = [g.item_id for g in golden if g.item_id not in answers]
    extra = sorted(set(answers) - {g.item_id for g in golden})
    if unanswered or extra:
        raise InvalidInput(
            f"answer exactly the golden items {[g.item_id for g in golden]}"
            f" (missing {unanswered}, not in the test {extra})",
            field="answers",
            reason_code="qualification_answers_mismatch", value=str([g.item_id for g in golden]),
            unanswered=str(unanswered), extra=str(extra),
        )
    plugin = get_modality(project.modality)
    scores = dict(score_in(
        plugin, [g.reference_text for g in golden], [answers[g.item_id] for g in golden],
        project.language, project.spec.get("requirements", {}),
        project.spec.get("text_normalization"),
    ))
    # cut, not rounded, to the 4 places stored: rounded, 0.94996 was stored as 0.9500 and
    # passed a 0.95 threshold (0.99995 passed 1), a score under the bar counted as a pass
    score = Decimal(str(scores[test.metric])).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    attempt = QualificationAttempt(
        test_id=test.id,
        worker_id=worker.id,
        score=score,
        scores=scores,
        passed=score >= test.pass_threshold,
        test_revision=test.revision,
    )
    session.add(attempt)
    session.flush()
    record_audit(
        session,
        actor_id=user.id,
        action="qualification.attempted",
        object_type="worker",
        object_id=worker.id,
        project_id=project_id,
        data={"score": str(score), "passed": attempt.passed,
              "attempt": allowance.attempts_used + 1},
    )
    return AttemptOut.model_validate(attempt).model_copy(update={
        "attempts_used": allowance.attempts_used + 1,
        "attempts_left": allowance.attempts_left - 1})


def _attempt_scope(
    session: Session, actor: User, project_id: int, worker_id: int | None
) -> ColumnElement[bool]:
    """SQL condition on Worker: whose attempts ``actor`` may see (and, given, that worker's)."""
    scope: ColumnElement[bool]
    if is_business(actor):
        scope = Worker.id.is_not(None)
    elif (vendor := managed_vendor_id(session, actor)) is not None:
        if not vendor_on_project(session, vendor, project_id, through_workers=True):
            hide_unseen_project(session, actor, project_id)  # a project the vendor is not on
        scope = Worker.vendor_id == vendor
    else:
        mine = find_worker_of_user(session, actor.id)
        if mine is None:
            raise Forbidden(f"{actor.username!r} is not a registered worker and may see no "
                            "qualification results",
                            reason_code="not_registered_worker", username=str(actor.username))
        if not is_candidate(session, actor, project_id):
            hide_unseen_project(session, actor, project_id)
        scope = Worker.id == mine.id
    if worker_id is None:
        return scope
    seen = session.scalar(select(Worker.id).where(Worker.id == worker_id, scope))
    if seen is None:
        get_worker(session, worker_id, actor)  # another vendor's: as never given out
        raise Forbidden(f"{actor.username!r} may not see the qualification results of worker "
                        f"{worker_id}",
                        reason_code="qualification_results_hidden", username=str(actor.username),
                        worker_id=worker_id)
    return Worker.id == worker_id


def list_attempts(
    session: Session, actor: User, project_id: int, worker_id: int | None = None
) -> list[AttemptResult]:
    """Qualification attempts on a project's test, oldest first: a worker sees their own, a
    vendor manager their vendor's workers', the business (and auditors) everyone's."""
    _visible_project(session, actor, project_id)
    scope = _attempt_scope(session, actor, project_id, worker_id)
    test = _test(session, project_id)
    if test is None:
        return []
    rows = session.execute(
        select(QualificationAttempt, Worker, User.username)
        .join(Worker, Worker.id == QualificationAttempt.worker_id)
        .join(User, User.id == Worker.user_id)
        .where(QualificationAttempt.test_id == test.id, scope)
        .order_by(QualificationAttempt.id)
    ).all()
    vendors = dict(session.execute(select(Vendor.id, Vendor.name)).tuples().all())
    return [AttemptResult(
        id=a.id, project_id=project_id, worker_id=w.id, username=name,
        vendor=vendors.get(w.vendor_id) if w.vendor_id is not None else None,
        score=a.score, scores=dict(a.scores or {}), passed=a.passed,
        pass_threshold=test.pass_threshold, metric=test.metric, test_revision=a.test_revision,
        created_at=a.created_at,
    ) for a, w, name in rows]


def best_attempt(session: Session, worker: Worker, project_id: int) -> QualificationAttempt | None:
    return session.scalars(
        select(QualificationAttempt)
        .join(QualificationTest, QualificationTest.id == QualificationAttempt.test_id)
        .where(
            QualificationTest.project_id == project_id, QualificationAttempt.worker_id == worker.id
        )
        .order_by(QualificationAttempt.score.desc(), QualificationAttempt.id.desc())
    ).first()


def is_qualified(session: Session, worker: Worker, project_id: int) -> bool:
    """True when the worker passed the project's test, or it has none and requires none."""
    if _test(session, project_id) is None:
        return not _required(_project(session, project_id))
    best = best_attempt(session, worker, project_id)
    return best is not None and best.passed


def has_qualification_test(session: Session, project_id: int) -> bool:
    """Whether the project gates its work behind a qualification test (or requires one)."""
    if remember(session, ("qualification_test", project_id),
                lambda: session.scalar(_HAS_TEST, {"p_project": project_id})) is not None:
        return True
    spec = read_spec(session, project_id)  # when read ahead, no project is loaded
    if spec is not None:
        return bool(spec.get("qualification_required", False))
    project = session.get(Project, project_id)
    return project is not None and _required(project)
