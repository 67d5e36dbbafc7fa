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
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Forbidden, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise
from datamill.modalities.base import score_in
from datamill.modalities.registry import get_modality
from datamill.production.models import Item, Project
from datamill.workforce.models import GoldenTask, QualificationAttempt, QualificationTest, Worker
from datamill.workforce.policies import require_project_business
from datamill.workforce.schemas import AttemptOut, QualificationTestOut
from datamill.workforce.vendors import to_decimal, worker_for_user

__all__ = [
    "best_attempt",
    "define_qualification_test",
    "get_qualification_test",
    "golden_answers_by_reference",
    "has_qualification_test",
    "is_qualified",
    "qualification_required",
    "require_project_manager",
    "set_qualification_required",
    "take_qualification_test",
]


def _project(session: Session, project_id: int) -> Project:
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    return project


def _test(session: Session, project_id: int) -> QualificationTest | None:
    return session.scalars(
        select(QualificationTest).where(QualificationTest.project_id == project_id)
    ).first()


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
    """Turn the project's ``qualification_required`` setting on or off (kept in its spec)."""
    require_project_manager(session, actor, project_id, "change qualification settings")
    project = _project(session, project_id)
    project.spec = {**(project.spec or {}), "qualification_required": bool(required)}
    record_audit(
        session, actor_id=actor.id, action="qualification.required_set", object_type="project",
        object_id=project_id, project_id=project_id, data={"required": bool(required)},
    )
    session.flush()
    return bool(required)


def golden_answers_by_reference(
    session: Session, project_id: int, answers: Mapping[str, str]
) -> dict[int, str]:
    """Golden answers keyed by item id or by the item's external id (utterance name)."""
    _project(session, project_id)
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
        elif key.isdigit():
            out[int(key)] = text
        else:
            raise InvalidInput(f"no item {key!r} in project {project_id}", field="golden")
    return out


def _validated(
    session: Session, project: Project, golden: Mapping[int, str], pass_threshold: object,
    metric: str,
) -> Decimal:
    threshold = to_decimal(pass_threshold, "pass_threshold")
    if not Decimal(0) < threshold <= Decimal(1):
        raise InvalidInput(f"pass threshold {threshold} must be in (0, 1]", field="pass_threshold")
    if not golden:
        raise InvalidInput("a qualification test needs at least one golden task", field="golden")
    known = set(get_modality(project.modality).score(["a"], ["a"]))
    if metric not in known:
        raise InvalidInput(
            f"unknown metric {metric!r}; {project.modality} offers {sorted(known)}", field="metric"
        )
    found = set(
        session.scalars(
            select(Item.id).where(Item.project_id == project.id, Item.id.in_(list(golden)))
        ).all()
    )
    missing = sorted(set(golden) - found)
    if missing:
        raise InvalidInput(f"items {missing} are not items of project {project.id}", field="golden")
    empty = sorted(i for i, text in golden.items() if not text.strip())
    if empty:
        raise InvalidInput(f"golden items {empty} have an empty answer", field="golden")
    return threshold


def _revise(
    session: Session, actor: User, test: QualificationTest, golden: Mapping[int, str]
) -> None:
    if actor.id != test.created_by and actor.role != "admin":
        raise Forbidden(
            f"only the test's owner (user {test.created_by}) or an admin may revise the "
            f"qualification test of project {test.project_id}; {actor.username!r} may not"
        )
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


def define_qualification_test(
    session: Session,
    actor: User,
    project_id: int,
    golden: Mapping[int, str],
    *,
    pass_threshold: object,
    metric: str = "character_accuracy",
) -> QualificationTestOut:
    """Define the test, or revise it (its owner or an admin): ``golden`` maps item ids of the
    project to their known answers. A revision replaces threshold, metric and golden set."""
    require_project_manager(session, actor, project_id, "define qualification tests")
    project = _project(session, project_id)
    threshold = _validated(session, project, golden, pass_threshold, metric)
    test = _test(session, project_id)
    if test is None:
        test = QualificationTest(
            project_id=project_id, metric=metric, pass_threshold=threshold, created_by=actor.id
        )
        session.add(test)
        session.flush()
        for item_id, text in sorted(golden.items()):
            session.add(GoldenTask(test_id=test.id, item_id=item_id, reference_text=text.strip()))
        action = "qualification.defined"
    else:
        _revise(session, actor, test, golden)
        test.metric, test.pass_threshold = metric, threshold
        action = "qualification.revised"
    record_audit(
        session,
        actor_id=actor.id,
        action=action,
        object_type="project",
        object_id=project_id,
        project_id=project_id,
        data={"metric": metric, "threshold": str(threshold), "golden": len(golden),
              "revision": test.revision},
    )
    session.flush()
    return _test_out(session, test)


def get_qualification_test(session: Session, project_id: int) -> QualificationTestOut | None:
    """The test (item ids only, never the answers), or None when the project has none."""
    _project(session, project_id)
    test = _test(session, project_id)
    return _test_out(session, test) if test else None


def take_qualification_test(
    session: Session, user: User, project_id: int, answers: Mapping[int, str]
) -> AttemptOut:
    """Score a worker's answers to every golden task; the attempt is recorded pass or fail."""
    project = _project(session, project_id)
    test = _test(session, project_id)
    if test is None:
        raise NotFound(f"project {project_id} has no qualification test")
    worker = worker_for_user(session, user.id)
    golden = _active_golden(session, test)
    unanswered = [g.item_id for g in golden if g.item_id not in answers]
    extra = sorted(set(answers) - {g.item_id for g in golden})
    if unanswered or extra:
        raise InvalidInput(
            f"answer exactly the golden items {[g.item_id for g in golden]}"
            f" (missing {unanswered}, not in the test {extra})",
            field="answers",
        )
    plugin = get_modality(project.modality)
    scores = dict(score_in(
        plugin, [g.reference_text for g in golden], [answers[g.item_id] for g in golden],
        project.language, project.spec.get("requirements", {}),
    ))
    score = Decimal(str(scores[test.metric])).quantize(Decimal("0.0001"))
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
        data={"score": str(score), "passed": attempt.passed},
    )
    return AttemptOut.model_validate(attempt)


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
    if _test(session, project_id) is not None:
        return True
    project = session.get(Project, project_id)
    return project is not None and _required(project)
