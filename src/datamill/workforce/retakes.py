"""Qualification retakes: a limited number of attempts, a cool-down, and granted extra attempts.

A test whose every attempt reports its score could be brute-forced by retaking it until the
answers pass. So each test allows a worker at most ``max_attempts`` attempts (default
:data:`DEFAULT_MAX_ATTEMPTS`) and, when ``cooldown_minutes`` is set, that long between two of
them. An attempt over the limit, or too soon, is refused (409, ``reason_code``
``qualification_attempts_used`` or ``qualification_cooldown``) with how many attempts were used
and when the next one is allowed. The project's business side, or the worker's vendor manager,
may grant one more attempt (:func:`grant_attempt`): it also lifts a running cool-down; a vendor's
manager grants a worker at most :data:`VENDOR_GRANTS` at a test, the business side more. Every
grant is audited. A pass stays a pass whatever is attempted after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.access import hide_unseen_project
from datamill.compliance.audit import record_audit
from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.workforce.models import (
    QualificationAttempt,
    QualificationGrant,
    QualificationTest,
    Worker,
)
from datamill.workforce.policies import managed_vendor_id, require_project_business
from datamill.workforce.qualification_candidates import worker_is_candidate
from datamill.workforce.vendors import get_worker

__all__ = [
    "DEFAULT_COOLDOWN_MINUTES",
    "DEFAULT_MAX_ATTEMPTS",
    "MAX_ATTEMPTS_LIMIT",
    "MAX_COOLDOWN_MINUTES",
    "VENDOR_GRANTS",
    "Allowance",
    "attempt_allowance",
    "grant_attempt",
    "require_attempt_allowed",
    "validated_limits",
]

DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_COOLDOWN_MINUTES = 0
MAX_ATTEMPTS_LIMIT = 100
MAX_COOLDOWN_MINUTES = 60 * 24 * 90  # 90 days
#: extra attempts a vendor's manager may grant one worker at one test (the business: any)
VENDOR_GRANTS = 1


@dataclass(frozen=True)
class Allowance:
    """Where one worker stands with one test's attempts."""

    attempts_used: int
    attempts_allowed: int  # max_attempts plus one per grant
    next_attempt_at: datetime | None  # None: now (when attempts are left)

    @property
    def attempts_left(self) -> int:
        return max(0, self.attempts_allowed - self.attempts_used)


def validated_limits(max_attempts: object, cooldown_minutes: object) -> tuple[int, int]:
    """Whole numbers in range: 1..100 attempts, 0..90 days of cool-down (in minutes)."""
    out: list[int] = []
    for value, field, low, high in ((max_attempts, "max_attempts", 1, MAX_ATTEMPTS_LIMIT),
                                    (cooldown_minutes, "cooldown_minutes", 0,
                                     MAX_COOLDOWN_MINUTES)):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidInput(f"{field} must be a whole number", field=field,
                               reason_code="whole_number")
        try:
            number = int(value)
        except ValueError as err:
            raise InvalidInput(f"{field} must be a whole number, not {value!r}",
                               field=field,
                               reason_code="whole_number_value", value=str(value)) from err
        if not low <= number <= high:
            raise InvalidInput(f"{field} must be between {low} and {high}, not {number}",
                               field=field,
                               reason_code="number_range", low=str(low), high=str(high),
                               number=str(number))
        out.append(number)
    return out[0], out[1]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=utcnow().tzinfo)


def attempt_allowance(session: Session, test: QualificationTest, worker_id: int) -> Allowance:
    """How many attempts ``worker_id`` used and may make, and when the next is allowed."""
    used, last = session.execute(
        select(func.count(QualificationAttempt.id), func.max(QualificationAttempt.created_at))
        .where(QualificationAttempt.test_id == test.id,
               QualificationAttempt.worker_id == worker_id)
    ).one()
    grants, last_grant = session.execute(
        select(func.count(QualificationGrant.id), func.max(QualificationGrant.created_at))
        .where(QualificationGrant.test_id == test.id, QualificationGrant.worker_id == worker_id)
    ).one()
    allowed = int(test.max_attempts) + int(grants)
    next_at: datetime | None = None
    if last is not None and test.cooldown_minutes > 0 and (
        last_grant is None or _aware(last_grant) < _aware(last)
    ):
        next_at = _aware(last) + timedelta(minutes=int(test.cooldown_minutes))
        if next_at <= utcnow():
            next_at = None
    return Allowance(attempts_used=int(used), attempts_allowed=allowed, next_attempt_at=next_at)


def _who_may_grant(project_id: int) -> str:
    return ("the project's manager or your vendor's manager may grant another attempt "
            f"(datamill workforce qualification grant {project_id} WORKER_ID --as MANAGER, "
            f"POST /api/v1/projects/{project_id}/qualification-test/grants)")


def require_attempt_allowed(
    session: Session, test: QualificationTest, worker: Worker, username: str
) -> Allowance:
    """Refuse (409) an attempt over the test's limit or within its cool-down."""
    allowance = attempt_allowance(session, test, worker.id)
    details = {"project_id": test.project_id, "worker_id": worker.id,
               "attempts_used": allowance.attempts_used,
               "attempts_allowed": allowance.attempts_allowed}
    if allowance.attempts_left == 0:
        raise Conflict(
            f"{username!r} has used {allowance.attempts_used} of "
            f"{allowance.attempts_allowed} attempts at the qualification test of project "
            f"{test.project_id}; no more are allowed: {_who_may_grant(test.project_id)}",
            reason_code="qualification_attempts_used", **details)
    if allowance.next_attempt_at is not None:
        at = allowance.next_attempt_at.strftime("%Y-%m-%d %H:%M UTC")
        raise Conflict(
            f"{username!r} has used {allowance.attempts_used} of "
            f"{allowance.attempts_allowed} attempts at the qualification test of project "
            f"{test.project_id}; the next is allowed from {at} ({test.cooldown_minutes} "
            f"minutes after the last); {_who_may_grant(test.project_id)} now",
            reason_code="qualification_cooldown",
            next_attempt_at=allowance.next_attempt_at.isoformat(), **details)
    return allowance


def _require_granter(session: Session, actor: User, project_id: int, worker: Worker) -> bool:
    """The project's business side (False), or the manager of the worker's vendor (True);
    never the worker themself (an individual supplier manages their own vendor: they granted
    themselves attempts without end)."""
    if worker.user_id == actor.id:
        raise Forbidden(
            f"{actor.username!r} may not grant themself another qualification attempt: the "
            "project's manager may (or the manager of their vendor)", project_id=project_id,
            worker_id=worker.id, reason_code="retake_self_grant",
            username=str(actor.username))
    try:
        require_project_business(session, actor, project_id, "grant qualification attempts")
    except Forbidden:
        mine = managed_vendor_id(session, actor)
        if mine is None or worker.vendor_id != mine:
            raise Forbidden(
                f"{actor.username!r} may not grant worker {worker.id} another qualification "
                f"attempt: the project's manager may, or the manager of the worker's vendor",
                project_id=project_id, worker_id=worker.id,
                reason_code="retake_grant_role", username=str(actor.username)) from None
        # a vendor manager opens no project to their people: only one their vendor is on, or
        # their worker already a candidate for, and none above their clearance (a project not
        # theirs answers as missing)
        if project_id in hidden_project_ids(session, actor) or not worker_is_candidate(
                session, worker, project_id):
            hide_unseen_project(session, actor, project_id)
            raise Forbidden(
                f"{actor.username!r} may not grant worker {worker.id} an attempt at project "
                f"{project_id}'s test: it was not handed to their vendor (the project's manager "
                "invites a worker)", project_id=project_id, worker_id=worker.id,
                reason_code="retake_not_vendors", username=str(actor.username)) from None
        return True
    return False


def _refuse_more_vendor_grants(session: Session, actor: User, test: QualificationTest,
                               worker: Worker) -> None:
    """A vendor manager grants each of their workers at most :data:`VENDOR_GRANTS` extra
    attempts at a test: the attempts are the business's control (the vendor owns no QC), and
    a manager granting without end let a worker retake a test until the answers scored
    (every attempt reports its score). More: the project's business side (409
    ``retake_vendor_grants_used``)."""
    # the worker's row locked: two grants at once are counted one after the other
    session.execute(select(Worker.id).where(Worker.id == worker.id).with_for_update())
    # every grant from the vendor's side: its managers', and an individual supplier's, who
    # manages their vendor without the flag (their grants went uncounted)
    managers = select(Worker.user_id).where(Worker.vendor_id == worker.vendor_id)
    given = int(session.scalar(select(func.count(QualificationGrant.id)).where(
        QualificationGrant.test_id == test.id, QualificationGrant.worker_id == worker.id,
        QualificationGrant.granted_by.in_(managers))) or 0)
    if given >= VENDOR_GRANTS:
        raise Conflict(
            f"{actor.username!r} has granted worker {worker.id} {given} extra attempt(s) at "
            f"project {test.project_id}'s test already, as many as a vendor's manager may: "
            "the project's manager grants more", project_id=test.project_id,
            worker_id=worker.id, granted=given, limit=VENDOR_GRANTS,
            reason_code="retake_vendor_grants_used", username=str(actor.username))


def grant_attempt(
    session: Session, actor: User, project_id: int, worker_id: int, note: str = "",
) -> Allowance:
    """Grant ``worker_id`` one more attempt at project ``project_id``'s test (also lifting a
    running cool-down); returns where the worker now stands."""
    check_note(note, "note")  # the worker and the project's staff read it
    if managed_vendor_id(session, actor) is None:  # the project first: one it may not see
        require_project_business(session, actor, project_id,  # answers as missing, before
                                 "grant qualification attempts")  # any worker id is looked up
    worker = get_worker(session, worker_id, actor)  # another vendor's: as never given out
    by_vendor = _require_granter(session, actor, project_id, worker)
    test = session.scalars(
        select(QualificationTest).where(QualificationTest.project_id == project_id)).first()
    if test is None:
        raise NotFound(f"project {project_id} has no qualification test", project_id=project_id,
                       reason_code="project_no_qualification_test")
    if by_vendor:
        _refuse_more_vendor_grants(session, actor, test, worker)
    session.add(QualificationGrant(test_id=test.id, worker_id=worker.id, granted_by=actor.id,
                                   note=note.strip()[:2000]))
    session.flush()
    allowance = attempt_allowance(session, test, worker.id)
    record_audit(
        session, actor_id=actor.id, action="qualification.attempt_granted",
        object_type="worker", object_id=worker.id, project_id=project_id,
        data={"note": note.strip()[:2000], "attempts_used": allowance.attempts_used,
              "attempts_allowed": allowance.attempts_allowed},
    )
    return allowance
