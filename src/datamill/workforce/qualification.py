"""Training and qualification before work (培训考核): golden tasks and a pass threshold.

A project's test is a set of its items with known answers. A worker answers every golden task;
the answers are scored with the project's modality metric (e.g. ``character_accuracy``) and
the attempt passes at or above the threshold. Only then may they be assigned that project's
production work (``assignment.assign_package_to_worker`` checks ``is_qualified``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.modalities.registry import get_modality
from datamill.production.models import Item, Project
from datamill.workforce.models import GoldenTask, QualificationAttempt, QualificationTest, Worker
from datamill.workforce.policies import require_business
from datamill.workforce.schemas import AttemptOut, QualificationTestOut
from datamill.workforce.vendors import to_decimal, worker_for_user

__all__ = [
    "best_attempt",
    "define_qualification_test",
    "get_qualification_test",
    "is_qualified",
    "take_qualification_test",
]


def _project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"no project with id {project_id}", project_id=project_id)
    return project


def _test(session: Session, project_id: int) -> QualificationTest | None:
    return session.scalars(
        select(QualificationTest).where(QualificationTest.project_id == project_id)
    ).first()


def _test_out(session: Session, test: QualificationTest) -> QualificationTestOut:
    ids = session.scalars(
        select(GoldenTask.item_id).where(GoldenTask.test_id == test.id).order_by(GoldenTask.item_id)
    ).all()
    return QualificationTestOut(
        project_id=test.project_id,
        metric=test.metric,
        pass_threshold=test.pass_threshold,
        golden_item_ids=list(ids),
    )


def define_qualification_test(
    session: Session,
    actor: User,
    project_id: int,
    golden: Mapping[int, str],
    *,
    pass_threshold: object,
    metric: str = "character_accuracy",
) -> QualificationTestOut:
    """Define (once) the test: ``golden`` maps item ids of the project to their known answers."""
    require_business(actor, "define qualification tests")
    project = _project(session, project_id)
    if _test(session, project_id) is not None:
        raise Conflict(f"project {project_id} already has a qualification test")
    threshold = to_decimal(pass_threshold, "pass_threshold")
    if not Decimal(0) < threshold <= Decimal(1):
        raise InvalidInput(f"pass threshold {threshold} must be in (0, 1]", field="pass_threshold")
    if not golden:
        raise InvalidInput("a qualification test needs at least one golden task", field="golden")
    plugin = get_modality(project.modality)
    known = set(plugin.score(["a"], ["a"]))
    if metric not in known:
        raise InvalidInput(
            f"unknown metric {metric!r}; {project.modality} offers {sorted(known)}", field="metric"
        )
    found = set(
        session.scalars(
            select(Item.id).where(Item.project_id == project_id, Item.id.in_(list(golden)))
        ).all()
    )
    missing = sorted(set(golden) - found)
    if missing:
        raise InvalidInput(f"items {missing} are not items of project {project_id}", field="golden")
    test = QualificationTest(
        project_id=project_id, metric=metric, pass_threshold=threshold, created_by=actor.id
    )
    session.add(test)
    session.flush()
    for item_id, text in sorted(golden.items()):
        if not text.strip():
            raise InvalidInput(f"golden item {item_id} has an empty answer", field="golden")
        session.add(GoldenTask(test_id=test.id, item_id=item_id, reference_text=text.strip()))
    record_audit(
        session,
        actor_id=actor.id,
        action="qualification.defined",
        object_type="project",
        object_id=project_id,
        project_id=project_id,
        data={"metric": metric, "threshold": str(threshold), "golden": len(golden)},
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
    golden = session.scalars(
        select(GoldenTask).where(GoldenTask.test_id == test.id).order_by(GoldenTask.item_id)
    ).all()
    unanswered = [g.item_id for g in golden if g.item_id not in answers]
    extra = sorted(set(answers) - {g.item_id for g in golden})
    if unanswered or extra:
        raise InvalidInput(
            f"answer exactly the golden items {[g.item_id for g in golden]}"
            f" (missing {unanswered}, not in the test {extra})",
            field="answers",
        )
    plugin = get_modality(project.modality)
    scores = dict(
        plugin.score([g.reference_text for g in golden], [answers[g.item_id] for g in golden])
    )
    score = Decimal(str(scores[test.metric])).quantize(Decimal("0.0001"))
    attempt = QualificationAttempt(
        test_id=test.id,
        worker_id=worker.id,
        score=score,
        scores=scores,
        passed=score >= test.pass_threshold,
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
    """True when the project has no test, or the worker has passed it."""
    if _test(session, project_id) is None:
        return True
    best = best_attempt(session, worker, project_id)
    return best is not None and best.passed


def has_qualification_test(session: Session, project_id: int) -> bool:
    """Whether the project gates its work behind a qualification test."""
    return _test(session, project_id) is not None
