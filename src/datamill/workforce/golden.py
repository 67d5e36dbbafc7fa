"""Golden items mixed into production (暗标/金标抽检): silent, continuous accuracy checks.

A project with a qualification test already has golden tasks: its own items with known answers.
Once the business sets a **golden rate** for the project, each ``annotate`` claim a registered
worker makes through :func:`claim_with_golden` is, with that probability, a *probe*: one of the
project's golden items the worker has never seen (never probed, never worked in production),
served in the same shape as a production task. The worker's answer goes to
:func:`submit_golden_answer`, is scored against the known answer with the test's metric (the
project modality's ``score``), and is never written into production: the golden item's
annotation, status and the settlement are untouched, and the worker is not told the score.
:func:`golden_accuracy` is the worker's running accuracy (mean score over answered probes).

Inside production: :func:`golden_mixer` is a ``datamill.claim_mixers`` plugin, so every face's
ordinary ``claim_next_task`` serves probes as production ``check`` tasks (same shape as any
task; the answer becomes a ``check`` annotation that never moves the item), and
:func:`golden_listener` (a ``datamill.submission_listeners`` plugin) scores that answer into
the same probe row. :func:`claim_with_golden` / :func:`submit_golden_answer` remain as the
out-of-production path; it claims production work with the mixers switched off.

Golden items are made with their known answer up front (:func:`add_golden_items`): from known
answers (a file keyed by item name or id; the items, checked and not yet worked on, are taken
out of production: see :mod:`datamill.workforce.qualification`), or by marking accepted items
golden, whose accepted annotation becomes the known answer. Neither kind is production volume:
a set-aside item is never worked, batched, delivered or paid, an accepted one was produced
(and paid, and is delivered) once as production, and the answers to golden checks are never paid
(settlement pays ``work`` tasks only). :func:`list_golden_items` is the PM's list,
:func:`remove_golden_items` takes items out of the set (a set-aside one returns to production).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, exists, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.money import Scaled
from datamill.db.base import Base
from datamill.db.lookup import get_or_raise
from datamill.modalities.base import score_in
from datamill.modalities.registry import get_modality
from datamill.production.models import Annotation, Item, Task, TaskAssignment
from datamill.production.schemas import TaskOut
from datamill.production.tasks import check_claim_guards, claim_next_task
from datamill.workforce.models import GoldenTask, QualificationTest, Worker
from datamill.workforce.policies import require_vendor_scope
from datamill.workforce.qualification import (  # one lookup, shared
    GOLDEN_STATUS,
    _active_golden,
    _project,
    _test,
    best_attempt,
    define_qualification_test,
    require_project_manager,
)
from datamill.workforce.schemas import QualificationTestOut, WorkerAccuracyOut
from datamill.workforce.vendors import find_worker_of_user, get_worker, to_decimal

__all__ = [
    "MAX_GOLDEN_RATE",
    "GoldenAccuracy",
    "GoldenItem",
    "GoldenMix",
    "GoldenProbe",
    "MixedClaim",
    "ProbeOut",
    "add_golden_items",
    "claim_with_golden",
    "golden_accuracy",
    "golden_listener",
    "golden_mixer",
    "golden_rate",
    "list_golden_items",
    "project_accuracy",
    "remove_golden_items",
    "set_golden_rate",
    "submit_golden_answer",
]

MAX_GOLDEN_RATE = Decimal("0.5")  # above this the "production" stream is mostly checks
_Q = Decimal("0.0001")
_STAGE = "annotate"
_ACCEPTED = ("accepted", "delivered")  # inspected and accepted: the answer is known


class GoldenMix(Base):
    """A project's golden rate: the chance that one annotate claim is served a golden probe."""

    __tablename__ = "wf_golden_mix"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    rate: Mapped[Decimal] = mapped_column(Scaled(4))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoldenProbe(Base):
    """One golden item served to one worker inside their production stream, and their answer.

    Unique per golden task × worker: nobody sees the same check item twice.
    """

    __tablename__ = "wf_golden_probes"
    __table_args__ = (UniqueConstraint("golden_task_id", "worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    golden_task_id: Mapped[int] = mapped_column(ForeignKey("wf_golden_tasks.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("wf_workers.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    metric: Mapped[str] = mapped_column(String(40))
    served_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answer_text: Mapped[str | None] = mapped_column(Text, default=None)
    score: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)


@dataclass(frozen=True)
class ProbeOut:
    """A probe as the worker's face sees it: the shape of a production task, no answer."""

    probe_id: int
    project_id: int
    item_id: int
    external_id: str
    stage: str
    duration_ms: int | None
    prompt: str | None
    segments: list[dict[str, Any]]  # the model's pre-annotation when there is one, else empty


@dataclass(frozen=True)
class MixedClaim:
    """What one claim gave: a production task, a golden probe, or nothing (exactly one set)."""

    task: TaskOut | None = None
    probe: ProbeOut | None = None

    @property
    def empty(self) -> bool:
        return self.task is None and self.probe is None


@dataclass(frozen=True)
class GoldenAccuracy:
    worker_id: int
    answered: int
    accuracy: Decimal | None  # mean score over answered probes; None before the first
    by_project: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Random(Protocol):
    def random(self) -> float: ...


_system_random = random.SystemRandom()


def set_golden_rate(
    session: Session, actor: User, project_id: int, rate: object
) -> Decimal:
    """Set the share of a project's annotate claims that are golden probes (0 turns it off)."""
    require_project_manager(session, actor, project_id, "set golden rates")
    _project(session, project_id)
    value = to_decimal(rate, "rate").quantize(_Q, rounding=ROUND_HALF_UP)
    if not Decimal(0) <= value <= MAX_GOLDEN_RATE:
        raise InvalidInput(
            f"golden rate {value} must be between 0 and {MAX_GOLDEN_RATE}", field="rate",
            reason_code="golden_rate_range", value=str(value), MAX_GOLDEN_RATE=MAX_GOLDEN_RATE,
        )
    if value > 0 and _test(session, project_id) is None:
        raise Conflict(
            f"project {project_id} has no qualification test, so no golden items to mix in; "
            "define the test first",
            reason_code="golden_no_test", project_id=project_id,
        )
    row = session.scalars(select(GoldenMix).where(GoldenMix.project_id == project_id)).first()
    if row is None:
        session.add(GoldenMix(project_id=project_id, rate=value, set_by=actor.id))
    else:
        row.rate, row.set_by, row.set_at = value, actor.id, utcnow()
    record_audit(
        session,
        actor_id=actor.id,
        action="golden.rate_set",
        object_type="project",
        object_id=project_id,
        project_id=project_id,
        data={"rate": str(value)},
    )
    session.flush()
    return value


def golden_rate(session: Session, project_id: int) -> Decimal:
    rate = session.scalar(select(GoldenMix.rate).where(GoldenMix.project_id == project_id))
    return rate if rate is not None else Decimal(0)


def _probe_out(session: Session, probe: GoldenProbe) -> ProbeOut:
    item = session.get(Item, probe.item_id)
    if item is None:
        raise NotFound(f"golden item {probe.item_id} is missing",
                       reason_code="golden_item_missing", item_id=probe.item_id)
    pre = session.scalars(
        select(Annotation)
        .where(Annotation.item_id == item.id, Annotation.kind == "preannotation")
        .order_by(Annotation.version.desc())
        .limit(1)
    ).first()
    # never the item's current annotation: for a golden item that is (close to) the answer
    return ProbeOut(
        probe_id=probe.id,
        project_id=probe.project_id,
        item_id=item.id,
        external_id=item.external_id,
        stage=_STAGE,
        duration_ms=(item.attributes or {}).get("duration_ms"),
        prompt=item.prompt,
        segments=list(pre.segments) if pre else [],
    )


def _open_probe(session: Session, worker_id: int, project_id: int) -> GoldenProbe | None:
    return session.scalars(
        select(GoldenProbe)
        .where(
            GoldenProbe.worker_id == worker_id,
            GoldenProbe.project_id == project_id,
            GoldenProbe.answered_at.is_(None),
        )
        .order_by(GoldenProbe.id)
        .limit(1)
    ).first()


def _fresh_golden(
    session: Session, test: QualificationTest, worker: Worker
) -> GoldenTask | None:
    """A golden task this worker has never been probed with nor worked on in production."""
    probed = exists().where(
        GoldenProbe.golden_task_id == GoldenTask.id, GoldenProbe.worker_id == worker.id
    )
    worked = exists().where(
        Task.item_id == GoldenTask.item_id,
        TaskAssignment.task_id == Task.id,
        TaskAssignment.user_id == worker.user_id,
    )
    return session.scalars(
        select(GoldenTask)
        .where(GoldenTask.test_id == test.id, GoldenTask.retired.is_(False), ~probed, ~worked)
        .order_by(GoldenTask.id)
        .limit(1)
    ).first()


def claim_with_golden(
    session: Session,
    user: User,
    project_id: int,
    stage: str,
    *,
    rng: _Random | None = None,
) -> MixedClaim:
    """The next piece of work: an open probe first, else a new probe at the project's golden
    rate, else production's ``claim_next_task``.

    Only registered workers at the ``annotate`` stage are probed, and only after production's
    claim guards (the qualification gate) let them work at all. When every golden item has
    been served to this worker, claims are plain production claims again.
    """
    worker = session.scalars(select(Worker).where(Worker.user_id == user.id)).first()
    if stage != _STAGE or worker is None:
        return MixedClaim(task=claim_next_task(session, user, project_id, stage, mix=False))
    held = _open_probe(session, worker.id, project_id)
    if held is not None:
        return MixedClaim(probe=_probe_out(session, held))
    rate = golden_rate(session, project_id)
    test = _test(session, project_id)
    if rate > 0 and test is not None and (rng or _system_random).random() < float(rate):
        check_claim_guards(session, user, project_id, stage)
        golden = _fresh_golden(session, test, worker)
        if golden is not None:
            probe = GoldenProbe(
                golden_task_id=golden.id,
                project_id=project_id,
                worker_id=worker.id,
                item_id=golden.item_id,
                metric=test.metric,
            )
            session.add(probe)
            session.flush()
            return MixedClaim(probe=_probe_out(session, probe))
    return MixedClaim(task=claim_next_task(session, user, project_id, stage, mix=False))


def golden_mixer(session: Session, user: User, project_id: int, stage: str) -> int | None:
    """``datamill.claim_mixers`` plugin: the golden item to serve in this production claim.

    Only ``annotate`` claims of registered workers, at the project's golden rate. The draw is
    ``random.Random`` seeded from (user id, how many tasks the user has claimed so far): the
    same history gives the same stream (reproducible), yet it moves with every claim. The
    probe row is written here (served); :func:`golden_listener` scores the answer.
    """
    if stage != _STAGE:
        return None
    worker = find_worker_of_user(session, user.id)
    if worker is None:
        return None
    rate = golden_rate(session, project_id)
    test = _test(session, project_id) if rate > 0 else None
    if test is None:
        return None
    claimed = session.scalar(
        select(func.count()).select_from(TaskAssignment).where(TaskAssignment.user_id == user.id)
    ) or 0
    rng = random.Random(f"golden:{user.id}:{claimed}")  # noqa: S311 - sampling, not security
    if rng.random() >= float(rate):
        return None
    golden = _fresh_golden(session, test, worker)
    if golden is None:
        return None
    session.add(
        GoldenProbe(
            golden_task_id=golden.id, project_id=project_id, worker_id=worker.id,
            item_id=golden.item_id, metric=test.metric,
        )
    )
    session.flush()
    return golden.item_id


def golden_listener(session: Session, task: Task, annotation: Annotation) -> None:
    """``datamill.submission_listeners`` plugin: score a check answer to a golden probe."""
    if task.kind != "check" or annotation.author_id is None:
        return
    probe = session.scalars(
        select(GoldenProbe)
        .join(Worker, Worker.id == GoldenProbe.worker_id)
        .where(
            GoldenProbe.item_id == task.item_id,
            Worker.user_id == annotation.author_id,
            GoldenProbe.answered_at.is_(None),
        )
        .order_by(GoldenProbe.id)
        .limit(1)
    ).first()
    if probe is None:
        return  # a check task some other mixer served
    # the answer in the form the modality scores (an image's annotation document, a transcript)
    plugin = get_modality(_project(session, probe.project_id).modality)
    _score(session, probe, annotation.author_id,
           plugin.inspection_text(annotation.payload, annotation.text or ""))


def _score(session: Session, probe: GoldenProbe, user_id: int, text: str) -> None:
    golden = session.get(GoldenTask, probe.golden_task_id)
    project = _project(session, probe.project_id)
    if golden is None:
        raise NotFound("the golden task behind this probe is gone",
                       reason_code="golden_task_gone")
    answer = text.strip()
    scores = score_in(get_modality(project.modality), [golden.reference_text], [answer],
                      project.language, project.spec.get("requirements", {}),
                      project.spec.get("text_normalization"))
    score = Decimal(str(scores[probe.metric])).quantize(_Q, rounding=ROUND_HALF_UP)
    probe.answer_text, probe.score, probe.answered_at = answer, score, utcnow()
    record_audit(
        session,
        actor_id=user_id,
        action="golden.answered",
        object_type="worker",
        object_id=probe.worker_id,
        project_id=probe.project_id,
        data={"probe": probe.id, "metric": probe.metric, "score": str(score)},
    )
    session.flush()


def submit_golden_answer(session: Session, user: User, probe_id: int, text: str) -> None:
    """Record and score the worker's answer to a probe (the worker is not told the score)."""
    probe = get_or_raise(session, GoldenProbe, probe_id, "task")  # a probe is a task to the worker
    worker = get_worker(session, probe.worker_id)
    if worker.user_id != user.id:
        raise Forbidden(f"{user.username!r} does not hold this task",
                        reason_code="probe_task_not_held", username=str(user.username))
    if probe.answered_at is not None:
        raise Conflict("this task is already submitted",
                       reason_code="task_submitted_already")
    _score(session, probe, user.id, text)


def golden_accuracy(session: Session, actor: User, worker_id: int) -> GoldenAccuracy:
    """A worker's running accuracy on golden probes, overall and per project.

    The worker sees their own; a vendor manager their vendor's workers; the business everyone.
    """
    worker = get_worker(session, worker_id, actor)
    if actor.id != worker.user_id:
        require_vendor_scope(session, actor, worker.vendor_id, f"worker {worker_id}")
    rows = session.execute(
        select(GoldenProbe.project_id, GoldenProbe.score).where(
            GoldenProbe.worker_id == worker.id, GoldenProbe.score.is_not(None)
        )
    ).all()
    per: dict[str, list[Decimal]] = {}
    for project_id, score in rows:
        if score is not None:
            per.setdefault(str(project_id), []).append(score)

    def mean(values: list[Decimal]) -> Decimal:
        return (sum(values, Decimal(0)) / len(values)).quantize(_Q, rounding=ROUND_HALF_UP)

    everything = [s for values in per.values() for s in values]
    return GoldenAccuracy(
        worker_id=worker.id,
        answered=len(everything),
        accuracy=mean(everything) if everything else None,
        by_project={k: {"answered": len(v), "accuracy": mean(v)} for k, v in sorted(per.items())},
    )


def project_accuracy(session: Session, actor: User, project_id: int) -> list[WorkerAccuracyOut]:
    """Every worker with golden answers or qualification attempts in a project, or a member of
    it: running accuracy on golden probes and qualification standing (the PM's table)."""
    from datamill.compliance.models import ProjectMember
    from datamill.workforce.models import QualificationAttempt, Vendor

    require_project_manager(session, actor, project_id, "see workers' golden accuracy")
    _project(session, project_id)
    probes = session.execute(
        select(GoldenProbe.worker_id, GoldenProbe.score, GoldenProbe.answered_at).where(
            GoldenProbe.project_id == project_id, GoldenProbe.score.is_not(None)
        )
    ).all()
    attempted = select(QualificationAttempt.worker_id).join(
        QualificationTest, QualificationTest.id == QualificationAttempt.test_id
    ).where(QualificationTest.project_id == project_id)
    members = select(Worker.id).join(ProjectMember, ProjectMember.user_id == Worker.user_id).where(
        ProjectMember.project_id == project_id
    )
    ids = {w for w, _, _ in probes} | set(session.scalars(attempted)) | set(
        session.scalars(members)
    )
    workers = session.execute(
        select(Worker, User.username).join(User, User.id == Worker.user_id)
        .where(Worker.id.in_(ids)).order_by(User.username)
    ).all()
    vendors = dict(session.execute(select(Vendor.id, Vendor.name)).tuples().all())
    rows = []
    for worker, username in workers:
        mine = [(score, at) for w, score, at in probes if w == worker.id and score is not None]
        best = best_attempt(session, worker, project_id)
        rows.append(WorkerAccuracyOut(
            worker_id=worker.id,
            username=username,
            vendor=vendors.get(worker.vendor_id) if worker.vendor_id is not None else None,
            answered=len(mine),
            accuracy=(sum((s for s, _ in mine), Decimal(0)) / len(mine)).quantize(
                _Q, rounding=ROUND_HALF_UP) if mine else None,
            last_answered_at=max((at for _, at in mine if at is not None), default=None),
            qualification_score=best.score if best else None,
            qualified=bool(best and best.passed),
        ))
    return rows


@dataclass(frozen=True)
class GoldenItem:
    """One golden item as its project manager sees it (the answer included)."""

    item_id: int
    external_id: str
    status: str  # ``golden``: set aside from production; else its production status
    production: bool  # False: never production volume (set aside up front)
    answer: str
    answered: int  # golden checks answered on it
    accuracy: Decimal | None  # their mean score


def _current_answers(session: Session, project_id: int, item_ids: list[int]) -> dict[int, str]:
    """The accepted annotation of each accepted item, as a known answer (in the form the
    modality scores: a transcript, an annotation document)."""
    plugin = get_modality(_project(session, project_id).modality)
    rows = session.execute(
        select(Item.id, Item.external_id, Item.status, Annotation.text, Annotation.payload)
        .outerjoin(Annotation, Annotation.id == Item.current_annotation_id)
        .where(Item.project_id == project_id, Item.id.in_(item_ids))
    ).all()
    found = {item_id: (ext, status, plugin.inspection_text(payload, text or "")
                       if text is not None or payload is not None else None)
             for item_id, ext, status, text, payload in rows}
    missing = sorted(set(item_ids) - set(found))
    if missing:
        raise InvalidInput(f"items {missing} are not items of project {project_id}",
                           field="accepted",
                           reason_code="items_other_project", missing=str(missing),
                           project_id=project_id)
    refused = sorted(f"{ext} ({status})" for ext, status, text in found.values()
                     if status not in _ACCEPTED or not (text or "").strip())
    if refused:
        raise Conflict(
            f"items {refused} are not accepted with an annotation; only an item whose batch "
            "was accepted can be marked golden with its annotation as the answer (give the "
            "known answer of any other item instead)", project_id=project_id,
            reason_code="golden_items_not_accepted", refused=str(refused))
    return {item_id: str(text) for item_id, (_, _, text) in found.items()}


def add_golden_items(  # noqa: PLR0913 - keyword-only options
    session: Session,
    actor: User,
    project_id: int,
    *,
    answers: Mapping[int, str] | None = None,
    accepted: Sequence[int] = (),
    pass_threshold: object = None,
    metric: str | None = None,
) -> QualificationTestOut:
    """Add golden items with their known answers to the project's set (its qualification
    test; a new revision, or the first definition when ``pass_threshold`` is given).

    ``answers`` maps item ids to known answers given up front: each item (checked, nobody has
    worked on it yet) leaves production. ``accepted`` names accepted items whose accepted
    annotation is the answer. A threshold or metric given replaces the test's."""
    require_project_manager(session, actor, project_id, "add golden items")
    if not answers and not accepted:
        raise InvalidInput("give known answers or accepted items to make golden",
                           field="golden",
                           reason_code="golden_nothing_given")
    test = _test(session, project_id)
    if test is None and pass_threshold is None:
        raise InvalidInput(f"project {project_id} has no qualification test yet; give a pass "
                           "threshold to define it with these golden items",
                           field="pass_threshold",
                           reason_code="golden_threshold_needed", project_id=project_id)
    golden = {g.item_id: g.reference_text for g in _active_golden(session, test)} if test else {}
    golden.update(_current_answers(session, project_id, list(accepted)) if accepted else {})
    golden.update(answers or {})
    return define_qualification_test(
        session, actor, project_id, golden,
        pass_threshold=pass_threshold if pass_threshold is not None else test.pass_threshold
        if test else None,
        metric=metric or (test.metric if test else None),
    )


def remove_golden_items(
    session: Session, actor: User, project_id: int, item_ids: Sequence[int]
) -> QualificationTestOut:
    """Take items out of the golden set (a revision); one set aside returns to production."""
    require_project_manager(session, actor, project_id, "remove golden items")
    test = _test(session, project_id)
    if test is None:
        raise NotFound(f"project {project_id} has no qualification test",
                       reason_code="project_no_qualification_test", project_id=project_id)
    golden = {g.item_id: g.reference_text for g in _active_golden(session, test)}
    unknown = sorted(set(item_ids) - set(golden))
    if unknown:
        raise NotFound(f"items {unknown} are not golden items of project {project_id}",
                       reason_code="golden_items_unknown", unknown=str(unknown),
                       project_id=project_id)
    for item_id in item_ids:
        golden.pop(item_id)
    return define_qualification_test(session, actor, project_id, golden,
                                     pass_threshold=test.pass_threshold, metric=test.metric)


def list_golden_items(session: Session, actor: User, project_id: int) -> list[GoldenItem]:
    """The project's golden items with their answers and how the checks on them went."""
    require_project_manager(session, actor, project_id, "see golden items")
    test = _test(session, project_id)
    if test is None:
        return []
    golden = _active_golden(session, test)
    items = {i.id: i for i in session.scalars(
        select(Item).where(Item.id.in_([g.item_id for g in golden])))}
    scores: dict[int, list[Decimal]] = {}
    for item_id, score in session.execute(
        select(GoldenProbe.item_id, GoldenProbe.score).where(
            GoldenProbe.project_id == project_id, GoldenProbe.score.is_not(None))
    ).tuples():
        if score is not None:
            scores.setdefault(item_id, []).append(score)
    out = []
    for g in golden:
        item, mine = items[g.item_id], scores.get(g.item_id, [])
        out.append(GoldenItem(
            item_id=item.id, external_id=item.external_id, status=item.status,
            production=item.status != GOLDEN_STATUS, answer=g.reference_text,
            answered=len(mine),
            accuracy=(sum(mine, Decimal(0)) / len(mine)).quantize(_Q, rounding=ROUND_HALF_UP)
            if mine else None,
        ))
    return out
