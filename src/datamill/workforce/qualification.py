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
from datamill.compliance.roles import Role
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
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
    """Define the test, or revise it: ``golden`` maps item ids of the project to known answers.

    Only the business side may, and only on a project they are a member of (admins anywhere).
    A revision (by whoever defined the test, or an admin) replaces the metric, the threshold and
    the golden answers; attempts already made keep their results. A golden item that was already
    served as a production check cannot be dropped (its probes are scored against it).
    """
    project = _project(session, project_id)
    require_project_business(session, actor, project_id, "define its qualification test")
    existing = _test(session, project_id)
    if existing is not None and actor.role != Role.ADMIN and existing.created_by != actor.id:
        raise Forbidden(
            f"the qualification test of project {project_id} was defined by someone else; "
            "only they or an admin may revise it"
        )
    threshold = to_decimal(pass_threshold, "pass_threshold")
    if not Decimal(0) < threshold <= Decimal(1):
        raise InvalidInput(f"pass threshold {threshold} must be in (0, 1]", field="pass_threshold")
    answers = _golden_answers(session, project, golden)
    plugin = get_modality(project.modality)
    known = set(plugin.score(["a"], ["a"]))
    if metric not in known:
        raise InvalidInput(
            f"unknown metric {metric!r}; {project.modality} offers {sorted(known)}", field="metric"
        )
    if existing is None:
        test = QualificationTest(
            project_id=project_id, metric=metric, pass_threshold=threshold, created_by=actor.id
        )
        session.add(test)
        session.flush()
    else:
        test = existing
        test.metric, test.pass_threshold = metric, threshold
    _replace_golden(session, test, answers)
    record_audit(
        session,
        actor_id=actor.id,
        action="qualification.defined" if existing is None else "qualification.revised",
        object_type="project",
        object_id=project_id,
        project_id=project_id,
        data={"metric": metric, "threshold": str(threshold), "golden": len(answers)},
    )
    session.flush()
    return _test_out(session, test)


def _golden_answers(session: Session, project: Project, golden: Mapping[int, str]) -> dict[int, str]:
    if not golden:
        raise InvalidInput("a qualification test needs at least one golden task", field="golden")
    empty = sorted(item_id for item_id, text in golden.items() if not text.strip())
    if empty:
        raise InvalidInput(f"golden items {empty} have an empty answer", field="golden")
    found = set(
        session.scalars(
            select(Item.id).where(Item.project_id == project.id, Item.id.in_(list(golden)))
        ).all()
    )
    missing = sorted(set(golden) - found)
    if missing:
        raise InvalidInput(f"items {missing} are not items of project {project.id}", field="golden")
    return {item_id: text.strip() for item_id, text in sorted(golden.items())}


def _replace_golden(session: Session, test: QualificationTest, answers: Mapping[int, str]) -> None:
    """Make the test's golden tasks exactly ``answers`` (updating texts in place)."""
    from datamill.workforce.golden import GoldenProbe

    current = {
        g.item_id: g
        for g in session.scalars(select(GoldenTask).where(GoldenTask.test_id == test.id)).all()
    }
    dropped = [g for item_id, g in current.items() if item_id not in answers]
    probed = sorted(
        session.scalars(
            select(GoldenTask.item_id)
            .join(GoldenProbe, GoldenProbe.golden_task_id == GoldenTask.id)
            .where(GoldenTask.id.in_([g.id for g in dropped]))
            .distinct()
        ).all()
    )
    if probed:
        raise Conflict(
            f"golden items {probed} were already served to workers as checks; keep them in the "
            "test (their answers may change)",
            item_ids=probed,
        )
    for g in dropped:
        session.delete(g)
    for item_id, text in answers.items():
        if item_id in current:
            current[item_id].reference_text = text
        else:
            session.add(GoldenTask(test_id=test.id, item_id=item_id, reference_text=text))
    session.flush()


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
