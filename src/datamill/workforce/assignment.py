"""Assignment policy: packages to vendors, then to qualified, skilled, least-loaded workers.

Production keeps the mechanics (``production.tasks.assign_package``); workforce decides *who*:
the worker must be active, belong to a qualified vendor (or be in-house), speak the project's
language, list its modality, and have passed the project's qualification test. A vendor manager
distributes only packages handed to their own vendor, and only to their own workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from datamill.compliance.access import sees_project
from datamill.compliance.audit import record_audit
from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.models import User
from datamill.compliance.roles import allowed, stage_action
from datamill.compliance.users import add_member, require_active
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise, lock_or_raise, not_found
from datamill.db.memo import Lookup, get_row
from datamill.modalities._reason_words_eligibility import word_eligibility
from datamill.production.models import Project, Task, TaskAssignment, WorkPackage
from datamill.production.projects import project_spec_lookup
from datamill.production.schemas import PackageOut, TaskOut
from datamill.production.tasks import (
    assign_package,
    claim_next_task,
    package_progress,
    release_holds,
)
from datamill.workforce.models import PackageHandoff, Vendor, Worker
from datamill.workforce.policies import (
    VENDOR_WORKER_ROLES,
    is_business,
    managed_vendor_id,
    require_business,
    require_project_business,
    require_vendor_scope,
)
from datamill.workforce.qualification import HAS_TEST_COLUMN, best_attempt, is_qualified
from datamill.workforce.vendors import (
    find_worker_of_user,
    get_worker,
    worker_for_user,
    worker_lookup,
)

__all__ = [
    "QUALITY_AGREEMENT_ROUND",
    "Candidate",
    "assign_package_to_worker",
    "claim_lookups",
    "claim_next_task_for_worker",
    "eligibility_problems",
    "eligibility_reasons",
    "hand_package_to_vendor",
    "list_vendor_packages",
    "rank_workers",
    "take_back_package",
    "worker_quality",
]


QUALITY_AGREEMENT_ROUND: Final = "first"
"""The agreement round a worker's quality counts (``datamill.qc.agreement_report``): their first
submitted answers. After rework the current round holds the reviewers' corrections as the
annotator resubmitted them, so it would credit a worker with agreement they did not reach."""


@dataclass(frozen=True)
class Candidate:
    worker_id: int
    username: str
    eligible: bool
    problems: tuple[str, ...]
    load: int
    quality: Decimal
    agreement_round: str = QUALITY_AGREEMENT_ROUND
    """The agreement round ``quality`` averages in (see :data:`QUALITY_AGREEMENT_ROUND`)."""


def _package(session: Session, package_id: int) -> WorkPackage:
    pkg = get_or_raise(session, WorkPackage, package_id, "work package", package_id=package_id)
    return pkg


def _sees_package(session: Session, actor: User, pkg: WorkPackage) -> bool:
    """Whether ``actor`` may know the package exists: whoever sees its project
    (:func:`~datamill.compliance.access.sees_project`), and the manager of the vendor it is
    handed to (the hand-off shows it to them), if cleared for the project."""
    if sees_project(session, actor, pkg.project_id):
        return True
    mine = managed_vendor_id(session, actor)
    return mine is not None and pkg.vendor_id == mine and pkg.project_id not in \
        hidden_project_ids(session, actor)


def _seen_package(session: Session, actor: User, package_id: int) -> WorkPackage:
    """The package, or the NotFound of a missing one when ``actor`` may not see it
    (:func:`_sees_package`): for the writes, which only those who see it may make."""
    pkg = _package(session, package_id)
    if not _sees_package(session, actor, pkg):
        raise not_found("work package", package_id, package_id=package_id)
    return pkg


@contextmanager
def _hidden_unless_seen(session: Session, actor: User, pkg: WorkPackage) -> Iterator[None]:
    """A refusal on a package ``actor`` may not see (:func:`_sees_package`) answers as a
    missing package, word for word (no probing for ids); one they see keeps its 403."""
    try:
        yield
    except Forbidden:
        if not _sees_package(session, actor, pkg):
            raise not_found("work package", pkg.id, package_id=pkg.id) from None
        raise


def _language_ok(worker_langs: list[str], need: str) -> bool:
    need_l = need.lower()
    primary = need_l.split("-")[0]
    return any(lang.lower() == need_l or lang.lower() == primary for lang in worker_langs)


def eligibility_reasons(session: Session, worker: Worker, project: Project) -> list[dict[str, Any]]:
    """Why this worker may not get this project's work, coded (empty: eligible): one record
    per reason, its ``code`` (:data:`~datamill.modalities._reason_words_eligibility.
    ELIGIBILITY_CODES`) and values, worded in a reader's language by the refusals that carry
    them (``eligibility``)."""
    reasons: list[dict[str, Any]] = []
    if not worker.active:
        reasons.append({"code": "worker_inactive", "worker_id": worker.id})
    if worker.vendor_id is not None:
        vendor = session.get(Vendor, worker.vendor_id)
        if vendor is None or not vendor.qualified:
            reasons.append({"code": "vendor_not_qualified", "vendor_id": worker.vendor_id})
    if not _language_ok(worker.languages, project.language):
        reasons.append({"code": "language_missing", "worker_id": worker.id,
                        "languages": list(worker.languages or []),
                        "language": project.language})
    if (
        worker.modalities
        and project.modality not in worker.modalities
        and project.modality.split(".")[0] not in worker.modalities
    ):
        reasons.append({"code": "modality_missing", "modalities": list(worker.modalities),
                        "modality": project.modality})
    if not is_qualified(session, worker, project.id):
        best = best_attempt(session, worker, project.id)
        reasons.append({"code": "test_not_passed", "project_id": project.id,
                        "score": str(best.score)} if best else
                       {"code": "test_not_taken", "project_id": project.id})
    return reasons


def eligibility_problems(session: Session, worker: Worker, project: Project) -> list[str]:
    """Why this worker may not get this project's work, in English (empty: eligible)."""
    return [word_eligibility(r) for r in eligibility_reasons(session, worker, project)]


def _load(session: Session, user_id: int) -> int:
    """Open tasks the person holds plus open tasks in packages assigned to them."""
    held = (
        session.scalar(
            select(func.count())
            .select_from(TaskAssignment)
            .join(Task, Task.id == TaskAssignment.task_id)
            .where(
                TaskAssignment.user_id == user_id,
                TaskAssignment.status.in_(("claimed", "returned")),
                Task.status == "open",
            )
        )
        or 0
    )
    queued = (
        session.scalar(
            select(func.count())
            .select_from(Task)
            .join(WorkPackage, WorkPackage.id == Task.package_id)
            .where(
                WorkPackage.assignee_id == user_id, Task.status == "open", Task.active_claims == 0
            )
        )
        or 0
    )
    return int(held) + int(queued)


def _quality(session: Session, user_id: int) -> Decimal:
    """Share of the person's submitted production tasks never returned for rework (1 with no
    history), averaged with their agreement on overlapped items where they have any
    (``datamill.qc.agreement_report.annotator_agreement``), counted on their first submitted
    answers (:data:`QUALITY_AGREEMENT_ROUND`): the worker's own work, not the corrections a
    review sent them back to make."""
    from datamill.qc.agreement_report import annotator_agreement

    rows = (
        session.execute(
            select(TaskAssignment.return_reason)
            .join(Task, Task.id == TaskAssignment.task_id)
            .where(
                TaskAssignment.user_id == user_id, TaskAssignment.status != "claimed",
                Task.kind == "work",  # a golden check answer is never returned: not counted
            )
        )
        .scalars()
        .all()
    )
    clean = Decimal(1) if not rows else (
        Decimal(sum(1 for r in rows if r is None)) / Decimal(len(rows)))
    agreement = annotator_agreement(session, user_id, round=QUALITY_AGREEMENT_ROUND)
    if agreement is not None:
        clean = (clean + Decimal(str(round(agreement, 4)))) / 2
    return clean.quantize(Decimal("0.0001"))


worker_quality = _quality  # the input the ranking sorts by, for reports and tests


def rank_workers(session: Session, actor: User, package_id: int) -> list[Candidate]:
    """Candidates for a package, eligible first, then by quality (high) and load (low)."""
    pkg = _package(session, package_id)
    project = session.get(Project, pkg.project_id)
    if project is None:
        raise NotFound("package without project",
                       reason_code="package_no_project")
    handoff = session.scalars(
        select(PackageHandoff).where(PackageHandoff.package_id == pkg.id)
    ).first()
    q = select(Worker).where(Worker.is_manager.is_(False))
    with _hidden_unless_seen(session, actor, pkg):
        if handoff is not None:
            require_vendor_scope(session, actor, handoff.vendor_id, f"package {package_id}")
            q = q.where(Worker.vendor_id == handoff.vendor_id)
        else:
            require_business(actor, "rank workers for a package not handed to a vendor",
                             read=True)
    out = []
    for w in session.scalars(q.order_by(Worker.id)):
        user = session.get(User, w.user_id)
        problems = tuple(eligibility_problems(session, w, project))
        out.append(
            Candidate(
                w.id,
                user.username if user else "?",
                not problems,
                problems,
                _load(session, w.user_id),
                _quality(session, w.user_id),
            )
        )
    return sorted(out, key=lambda c: (not c.eligible, -c.quality, c.load, c.worker_id))


def _package_out(session: Session, pkg: WorkPackage, **update: object) -> PackageOut:
    """The package with its task counts (``PackageOut.model_validate`` alone says 0 tasks)."""
    n, done = session.execute(
        select(func.count(), func.sum(case((Task.status == "done", 1), else_=0)))
        .where(Task.package_id == pkg.id, Task.status != "cancelled")).one()  # superseded
    return PackageOut.model_validate(pkg).model_copy(
        update={"tasks": int(n), "done": int(done or 0), **update})


def _require_people_for(session: Session, vendor: Vendor, pkg: WorkPackage) -> None:
    """Conflict, naming the stage, when the vendor has no active worker whose role may do the
    package's stage: handed there, its tasks would be out of everyone's reach."""
    action = stage_action(pkg.stage)
    roles = session.scalars(
        select(User.role).join(Worker, Worker.user_id == User.id)
        .where(Worker.vendor_id == vendor.id, Worker.active.is_(True),
               User.is_active.is_(True))).all()
    if not any(allowed(role, action) for role in roles):
        raise Conflict(
            f"vendor {vendor.name!r} has nobody for the {pkg.stage} stage (no active worker whose "
            f"role may {action.value}), so package {pkg.name} would be out of everyone's reach: "
            f"register such a worker with the vendor first, or hand the package elsewhere",
            vendor_id=vendor.id, stage=pkg.stage,
            reason_code="vendor_no_stage_worker", vendor_name=str(vendor.name),
            action_value=str(action.value), pkg_name=str(pkg.name))


def _take_back(session: Session, actor: User, pkg: WorkPackage, handoff: PackageHandoff,
               reason: str) -> PackageOut:
    """Undo ``handoff``: the vendor's people's holds on the package's open tasks are released
    (their drafts too; submitted work stays), the package is nobody's and in-house again."""
    vendor = session.get(Vendor, handoff.vendor_id)
    people = list(session.scalars(select(Worker.user_id).where(
        Worker.vendor_id == handoff.vendor_id)))
    if pkg.assignee_id is not None and pkg.assignee_id not in people:
        people.append(pkg.assignee_id)
    released = release_holds(session, people, package_id=pkg.id)
    previous = pkg.assignee_id
    session.delete(handoff)
    pkg.vendor_id, pkg.assignee_id, pkg.status = None, None, "open"
    tasks = sorted(t for held in released.values() for t in held)
    record_audit(
        session, actor_id=actor.id, action="package.taken_back", object_type="work_package",
        object_id=pkg.id, project_id=pkg.project_id,
        data={"vendor_id": handoff.vendor_id, "vendor_qualified": bool(vendor and vendor.qualified),
              "previous_user_id": previous, "released_tasks": tasks,
              "released_by_user": {str(u): t for u, t in released.items()}, "reason": reason},
    )
    session.flush()
    return _package_out(session, pkg, released_tasks=tasks)


def _handoff(session: Session, pkg: WorkPackage) -> PackageHandoff | None:
    return session.scalars(
        select(PackageHandoff).where(PackageHandoff.package_id == pkg.id)).first()


def take_back_package(
    session: Session, actor: User, package_id: int, reason: str = ""
) -> PackageOut:
    """Take a package back from the vendor it was handed to (whether or not the vendor still
    qualifies): its open tasks are released from the vendor's people and it is in-house work
    again, to assign, hand to another vendor or leave to the in-house pool. Audited."""
    _seen_package(session, actor, package_id)
    pkg = lock_or_raise(session, WorkPackage, package_id, "work package",  # as a hand-off
                        keys_free=True)
    require_project_business(session, actor, pkg.project_id, "take packages back from vendors")
    handoff = _handoff(session, pkg)
    if handoff is None:
        raise Conflict(f"package {pkg.name} is not handed to a vendor", package_id=pkg.id,
                       reason_code="package_not_with_vendor", pkg_name=str(pkg.name))
    return _take_back(session, actor, pkg, handoff, reason.strip())


def hand_package_to_vendor(
    session: Session, actor: User, package_id: int, vendor_id: int, *, move: bool = False
) -> PackageOut:
    """The business hands a package to a qualified vendor, whose manager then distributes it.

    A package already handed to a vendor that is off the qualified list (or, with ``move``,
    any other vendor) is taken back from it first (:func:`take_back_package`)."""
    _seen_package(session, actor, package_id)
    # locked: an assignment to an in-house person at the same moment passed its vendor check
    # while this passed its "no assignee" check, and the package ended handed to a vendor
    # with an in-house assignee (h4: PostgreSQL, two server processes)
    pkg = lock_or_raise(session, WorkPackage, package_id, "work package", keys_free=True)
    require_project_business(session, actor, pkg.project_id, "hand its packages to vendors")
    vendor = get_or_raise(session, Vendor, vendor_id, "vendor")
    if not vendor.qualified:
        raise Conflict(
            f"vendor {vendor.name!r} is not on the qualified-supplier list; qualify it first",
            reason_code="vendor_not_on_list", vendor_name=str(vendor.name),
        )
    handoff = _handoff(session, pkg)
    if handoff is not None and handoff.vendor_id == vendor.id:
        raise Conflict(f"package {pkg.name} was already handed to vendor {vendor.name!r}",
                       reason_code="package_with_vendor_already", pkg_name=str(pkg.name),
                       vendor_name=str(vendor.name))
    _require_people_for(session, vendor, pkg)
    if handoff is not None:
        current = session.get(Vendor, handoff.vendor_id)
        if current is not None and current.qualified and not move:
            raise Conflict(
                f"package {pkg.name} is handed to vendor {current.name!r}, which still "
                f"qualifies: take it back first (datamill workforce take-back {pkg.id}; "
                f"DELETE /api/v1/packages/{pkg.id}/vendor) or hand it on with --move "
                f"(\"move\": true)", vendor_id=handoff.vendor_id,
                reason_code="package_vendor_still_qualified", pkg_name=str(pkg.name),
                current_name=str(current.name), pkg_id=pkg.id)
        why = "moved" if current is not None and current.qualified else "vendor not qualified"
        _take_back(session, actor, pkg, handoff, f"{why}: handed to vendor {vendor.id}")
    if pkg.assignee_id is not None:
        raise Conflict(f"package {pkg.name} is already assigned to a person",
                       reason_code="package_assigned_person", pkg_name=str(pkg.name))
    session.add(PackageHandoff(package_id=pkg.id, vendor_id=vendor.id, handed_by=actor.id))
    pkg.vendor_id = vendor.id
    admitted = _admit_vendor_people(session, actor, vendor, pkg)
    record_audit(
        session,
        actor_id=actor.id,
        action="package.handed_to_vendor",
        object_type="work_package",
        object_id=pkg.id,
        project_id=pkg.project_id,
        data={"vendor_id": vendor.id, "members_added": admitted},
    )
    session.flush()
    return _package_out(session, pkg, members_added=admitted)


def _admit_vendor_people(session: Session, actor: User, vendor: Vendor,
                         pkg: WorkPackage) -> list[str]:
    """Make the vendor's active workers whose role may do the package's stage members of its
    project (a hand-off is the business's say-so that they work it; without membership their
    claims answered "no project named ..."). Their managers are not made members: they see
    the handed packages through the hand-off. The eligibility gate (languages, qualification
    test) still applies to every claim. Returns the usernames newly added."""
    from datamill.compliance.models import ProjectMember

    action = stage_action(pkg.stage)
    people = session.scalars(
        select(User).join(Worker, Worker.user_id == User.id)
        .where(Worker.vendor_id == vendor.id, Worker.active.is_(True),
               Worker.is_manager.is_(False), User.is_active.is_(True),
               User.role.in_(VENDOR_WORKER_ROLES))  # detached_from_vendor: not the vendor's
        .order_by(User.username)).all()
    members = set(session.scalars(select(ProjectMember.user_id).where(
        ProjectMember.project_id == pkg.project_id)))
    added = []
    for user in people:
        if allowed(user.role, action) and user.id not in members:
            add_member(session, pkg.project_id, user, actor_id=actor.id,
                       via_vendor_id=vendor.id)
            added.append(user.username)
    return added


def list_vendor_packages(
    session: Session, actor: User, vendor_id: int | None = None
) -> list[PackageOut]:
    """Packages handed to a vendor (a vendor manager: their own vendor only)."""
    if vendor_id is None and not is_business(actor):
        vendor_id = managed_vendor_id(session, actor)
    require_vendor_scope(session, actor, vendor_id, "the vendors' packages" if vendor_id is None
                         else f"the packages of vendor {vendor_id}")
    rows = session.scalars(
        select(WorkPackage)
        .join(PackageHandoff, PackageHandoff.package_id == WorkPackage.id)
        .where(PackageHandoff.vendor_id == vendor_id)
        .order_by(WorkPackage.id)
    ).all()
    hidden = hidden_project_ids(session, actor)  # classified above the reader: as on the page
    return package_progress(session, [p for p in rows if p.project_id not in hidden])


def assign_package_to_worker(
    session: Session, actor: User, package_id: int, worker_id: int
) -> PackageOut:
    """Assign a package to a worker after the vendor wall, skill and qualification checks."""
    pkg = _seen_package(session, actor, package_id)
    handoff = session.scalars(
        select(PackageHandoff).where(PackageHandoff.package_id == pkg.id)
    ).first()
    worker = get_worker(session, worker_id, actor)
    if handoff is not None:
        require_vendor_scope(session, actor, handoff.vendor_id, f"package {package_id}", write=True)
        require_vendor_scope(session, actor, worker.vendor_id, f"worker {worker_id}", write=True)
        if worker.vendor_id != handoff.vendor_id:
            raise InvalidInput(
                f"package {pkg.name} belongs to vendor {handoff.vendor_id}; "
                f"worker {worker_id} does not",
                reason_code="package_other_vendor", pkg_name=str(pkg.name),
                vendor_id=handoff.vendor_id, worker_id=worker_id,
            )
    else:
        require_project_business(
            session, actor, pkg.project_id, f"assign package {package_id} (not handed to a vendor)"
        )
        if worker.vendor_id is not None:
            raise InvalidInput(f"hand package {pkg.name} to vendor {worker.vendor_id} first",
                               reason_code="package_hand_first", pkg_name=str(pkg.name),
                               vendor_id=worker.vendor_id)
    project = session.get(Project, pkg.project_id)
    user = session.get(User, worker.user_id)
    if project is None or user is None:
        raise NotFound("package without project or worker without user",
                       reason_code="package_worker_incomplete")
    require_active(user)
    coded = eligibility_reasons(session, worker, project)
    if coded:
        problems = [word_eligibility(r) for r in coded]
        raise Conflict(
            f"{user.username!r} cannot be assigned package {pkg.name}: " + "; ".join(problems),
            worker_id=worker.id, reason_code="worker_not_eligible_package",
            username=user.username, pkg_name=pkg.name, reasons=problems, eligibility=coded,
        )
    add_member(session, project.id, user, actor_id=actor.id,
               via_vendor_id=None if handoff is None else handoff.vendor_id)
    return assign_package(session, pkg.id, user, actor_id=actor.id)


def claim_next_task_for_worker(
    session: Session, user: User, project_id: int, stage: str
) -> TaskOut | None:
    """``claim_next_task`` behind the qualification gate (for pool claims of registered workers)."""
    project = get_or_raise(session, Project, project_id, "project")
    worker = worker_for_user(session, user.id)
    coded = eligibility_reasons(session, worker, project)
    if coded:
        problems = [word_eligibility(r) for r in coded]
        raise Conflict(
            f"{user.username!r} may not take work in project {project_id}: " + "; ".join(problems),
            reason_code="worker_not_eligible_project", username=user.username,
            project_id=project_id, reasons=problems, eligibility=coded,
        )
    return claim_next_task(session, user, project_id, stage)


def qualification_guard(session: Session, user: User, project_id: int, stage: str) -> None:
    """Production's claim guard (entry point ``datamill.claim_guards``): the qualification gate.

    It gates production labelling (the ``annotate`` stage); review and inspection stay with
    in-house QC staff, who are not gated here. A registered worker gets a project's tasks only
    while eligible (qualified vendor, skills, passed test). Someone not registered as a worker
    is refused only where the project has a qualification test: nobody labels it untested.
    """
    from datamill.core.errors import Forbidden
    from datamill.workforce.qualification import has_qualification_test

    if stage != "annotate":
        return
    worker = find_worker_of_user(session, user.id)
    if worker is None:
        if has_qualification_test(session, project_id):
            _refuse_without_a_test(session, project_id, stage)
            raise Forbidden(
                f"{user.username!r} must be registered as a worker and pass the qualification "
                f"test of project {project_id} before taking its {stage} tasks",
                reason_code="qualification", project_id=project_id,
            )
        return
    project = get_row(session, Project, project_id)
    if project is None:
        return
    coded = eligibility_reasons(session, worker, project)
    if coded:
        problems = [word_eligibility(r) for r in coded]
        raise Forbidden(
            f"{user.username!r} may not take {stage} work in project {project_id}: "
            + "; ".join(problems), reason_code="qualification", project_id=project_id,
            reasons=problems, eligibility=coded,
        )


def _refuse_without_a_test(session: Session, project_id: int, stage: str) -> None:
    """Forbidden, saying so, when the project requires a qualification test it does not have
    (its spec says ``qualification_required``): nobody can pass it until one is defined."""
    from datamill.core.errors import Forbidden
    from datamill.workforce.qualification import get_qualification_test

    if get_qualification_test(session, project_id) is None:
        raise Forbidden(
            f"project {project_id} requires a qualification test before its {stage} work but "
            "has none yet, so nobody can pass it: its project manager defines one (datamill "
            "workforce qualification set) or lifts the requirement (datamill workforce "
            "qualification require --off)", project_id=project_id,
            reason_code="qualification_test_missing")


def claim_lookups(user_id: int, project_id: int, stage: str) -> list[Lookup]:
    """Claim lookups (entry point ``datamill.claim_lookups``): what the qualification guard,
    the vendor scope and the golden mixer ask first (is this person a worker; for labelling,
    has the project a qualification test), for a claim to read ahead with its other
    questions."""
    lookups = [worker_lookup(user_id)]
    if stage == "annotate":  # has it a test, or does its spec require one
        lookups += [Lookup(("qualification_test", project_id), HAS_TEST_COLUMN),
                    project_spec_lookup(project_id)]
    return lookups


def vendor_scope(session: Session, user: User, lock: bool = False) -> int | None:
    """Production's claim scope (entry point ``datamill.claim_scopes``): the vendor a person
    works for, whose handed-off packages are the only ones they may claim.

    None for in-house workers and for people not registered as workers: they claim only work
    not handed to a vendor. ``lock`` (a claim): the worker's row is read afresh and held
    ``FOR SHARE`` until the claim commits. Without it, a move to another vendor committed
    between the claim's first read and its new hold released nothing, and the moved worker
    kept a hold on the old vendor's work (h4: PostgreSQL, two server processes); a move locks
    the row first, so it waits for the claim and releases the hold, or the claim waits for the
    move and reads the new vendor. Only the claim locks: a task's view or a report reading the
    scope after writing the audit trail would deadlock with a move (which locks the row, then
    writes the trail).
    """
    worker = find_worker_of_user(session, user.id)
    if worker is None:
        return None
    if lock:  # the worker the claim's guards read (same object) refreshed: active, vendor ...
        session.get(Worker, worker.id, with_for_update={"read": True}, populate_existing=True)
    return worker.vendor_id
