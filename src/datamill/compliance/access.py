"""Who may see what, and the lookups that answer it: the project an addressed package, batch,
inspection, delivery or item belongs to (so membership can be checked), a member's projects, and
the view rules for tasks and items. Shared by the API and the web face (neither imports the other).
"""

from __future__ import annotations

from sqlalchemy import exists, false, func, or_, select
from sqlalchemy.orm import Session

from datamill.compliance.classification import is_cleared, visible_project_ids
from datamill.compliance.item_sensitivity import require_item_cleared
from datamill.compliance.models import ProjectMember, User
from datamill.compliance.permissions import Scope, role_scope
from datamill.compliance.roles import VENDOR_WORKER_ROLES, Action, Role, allowed
from datamill.compliance.users import COUNTED_MEMBERSHIP, is_member, require
from datamill.core.errors import Forbidden, NotFound
from datamill.core.storable import check_limit, stored_id
from datamill.db.lookup import get_or_raise, not_found
from datamill.production.models import (
    Batch,
    Delivery,
    Inspection,
    Item,
    Task,
    TaskAssignment,
    WorkPackage,
)
from datamill.production.schemas import ItemOut, ProjectOut

__all__ = [
    "batch_project",
    "delivery_project",
    "hide_unseen",
    "hide_unseen_project",
    "inspection_project",
    "item_row",
    "list_items",
    "list_members",
    "member_project_ids",
    "missing_item",
    "package_row",
    "project_basics",
    "require_item_view",
    "require_project_basics",
    "require_seen",
    "require_task_view",
    "require_worker",
    "seen_item",
    "seen_task",
    "sees_project",
    "sees_project_basics_only",
    "stage_action",
    "works_without_viewing",
]

_STAGE_ACTION = {"annotate": Action.ANNOTATE, "review": Action.REVIEW, "listen": Action.ANNOTATE}


def sees_project(session: Session, user: User, project_id: int) -> bool:
    """Whether ``user`` may know that the project and what is in it exist: admins; otherwise
    someone cleared for its classification who is a member or whose role views every project
    (auditors, the data-security office)."""
    if user.role == Role.ADMIN:
        return True
    if not is_cleared(session, user, project_id):
        return False
    return role_scope(user.role, Action.VIEW_PROJECT) is Scope.ANY or is_member(
        session, project_id, user.id)


def hide_unseen(session: Session, user: User | None, project_id: int, what: str, ident: int,
                **context: object) -> int:
    """``project_id``, unless ``user`` may not see the project (:func:`sees_project`): then the
    very NotFound a missing ``what`` with id ``ident`` raises, so that asking for an object of a
    project one cannot see answers as for an id never given out (no probing for ids). ``user``
    None checks nothing (service callers that authorise otherwise)."""
    if user is not None and not sees_project(session, user, project_id):
        raise not_found(what, ident, **context)
    return project_id


def hide_unseen_project(session: Session, user: User, project_id: int) -> None:
    """The NotFound of a missing project, word for word, when ``user`` may not see project
    ``project_id`` (:func:`sees_project`); nothing otherwise."""
    if not sees_project(session, user, project_id):
        raise not_found("project", project_id, project_id=project_id)


def require_seen(session: Session, user: User, action: Action, project_id: int) -> None:
    """:func:`~datamill.compliance.users.require` on a route addressing the project by its id:
    a refusal on a project ``user`` may not see (:func:`sees_project`) answers as a missing
    project, word for word, so that project ids cannot be probed; someone who sees it and
    may not do ``action`` still hears why (Forbidden, 403)."""
    try:
        require(session, user, action, project_id)
    except Forbidden:
        hide_unseen_project(session, user, project_id)
        raise


def package_row(session: Session, package_id: int, viewer: User | None = None) -> WorkPackage:
    """The package (as missing when ``viewer`` may not see its project)."""
    pkg = get_or_raise(session, WorkPackage, package_id, "work package", package_id=package_id)
    hide_unseen(session, viewer, pkg.project_id, "work package", package_id,
                package_id=package_id)
    return pkg


def batch_project(session: Session, batch_id: int, viewer: User | None = None) -> int:
    """The batch's project (the batch as missing when ``viewer`` may not see it)."""
    batch = get_or_raise(session, Batch, batch_id, "batch", batch_id=batch_id)
    return hide_unseen(session, viewer, batch.project_id, "batch", batch_id, batch_id=batch_id)


def inspection_project(session: Session, inspection_id: int,
                       viewer: User | None = None) -> int:
    """The inspection's project (the inspection as missing when ``viewer`` may not see it)."""
    insp = get_or_raise(session, Inspection, inspection_id, "inspection", inspection_id=inspection_id)
    return hide_unseen(session, viewer, batch_project(session, insp.batch_id), "inspection",
                       inspection_id, inspection_id=inspection_id)


def delivery_project(session: Session, delivery_id: int, viewer: User | None = None) -> int:
    """The delivery's project (the delivery as missing when ``viewer`` may not see it)."""
    d = get_or_raise(session, Delivery, delivery_id, "delivery", delivery_id=delivery_id)
    return hide_unseen(session, viewer, d.project_id, "delivery", delivery_id,
                       delivery_id=delivery_id)


def seen_task(session: Session, user: User, task_id: int) -> Task:
    """The task, or the NotFound of a missing one when ``user`` may not see its project."""
    task = get_or_raise(session, Task, task_id, "task", task_id=task_id)
    hide_unseen(session, user, task.project_id, "task", task_id, task_id=task_id)
    return task


def seen_item(session: Session, user: User, item_id: int) -> Item:
    """The item, or the NotFound of a missing one when ``user`` may not see its project."""
    item = get_or_raise(session, Item, item_id, "item", item_id=item_id)
    hide_unseen(session, user, item.project_id, "item", item_id, item_id=item_id)
    return item


def item_row(session: Session, project_id: int, item_id: int,
             viewer: User | None = None) -> Item:
    """The project's item; as missing when ``viewer`` may not see the project."""
    item = session.get(Item, item_id)
    if item is None or item.project_id != project_id or (
            viewer is not None and not sees_project(session, viewer, project_id)):
        raise missing_item(project_id, item_id)
    return item


def missing_item(project_id: int, item_id: int) -> NotFound:
    """What :func:`item_row` raises for an item the project does not have."""
    return NotFound(f"no item {item_id} in project {project_id}", reason_code="item_not_in_project",
                    item_id=item_id, project_id=project_id)


def list_items(
    session: Session, project_id: int, *, status: str | None, limit: int, offset: int,
    hidden: set[int] | None = None, import_run_id: int | None = None,
    search: str | None = None, item_id: int | None = None,
) -> tuple[list[ItemOut], int]:
    """A page of the project's items and their total (of one import run's, with
    ``import_run_id``; of those whose external id contains ``search``, case-insensitive, with
    ``search``; only the item ``item_id``, exactly, with ``item_id``), leaving out the
    ``hidden`` ones (items classified above the reader's clearance). Only the page's rows are
    read (``LIMIT``/``OFFSET``, ``limit`` 1 to :data:`~datamill.core.storable.MAX_PAGE_ROWS`),
    never the whole project."""
    check_limit(limit)
    where = [Item.project_id == project_id]
    # an id beyond what the columns hold names no row on any backend (PostgreSQL refuses it)
    if item_id is not None:
        where.append(Item.id == item_id if stored_id(item_id) else false())
    if status is not None:
        where.append(Item.status == status)
    if import_run_id is not None:
        where.append(Item.import_run_id == import_run_id if stored_id(import_run_id) else false())
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(Item.external_id.ilike(f"%{escaped}%", escape="\\"))
    if hidden:
        where.append(Item.id.not_in(hidden))
    total = session.scalar(select(func.count()).select_from(Item).where(*where)) or 0
    rows = session.scalars(select(Item).where(*where).order_by(Item.id).limit(limit).offset(offset))
    return [ItemOut.model_validate(r) for r in rows], int(total)


def member_project_ids(session: Session, user: User) -> set[int] | None:
    """Projects the user may list: all (None) when the matrix lets them view any project (admins,
    auditors, …), else those they are a member of; never one classified above their clearance
    (admins excepted)."""
    if role_scope(user.role, Action.VIEW_PROJECT) is Scope.ANY:
        return visible_project_ids(session, user)
    return visible_project_ids(session, user, set(
        session.scalars(select(ProjectMember.project_id).where(ProjectMember.user_id == user.id,
                                                               COUNTED_MEMBERSHIP))
    ))


#: what of a project's spec a customer is shown: their requirements and acceptance criteria
BASIC_SPEC_KEYS = ("description", "requirements", "acceptance")


def sees_project_basics_only(user: User) -> bool:
    """Whether ``user`` may see a project only as its customer does: its basics and deliveries
    (they take deliveries but may not view the project's work: items, annotation history,
    inspections, dashboards with the people who did it)."""
    return not allowed(user.role, Action.VIEW_PROJECT) and allowed(
        user.role, Action.ACCEPT_DELIVERY)


def works_without_viewing(user: User) -> bool:
    """Whether ``user`` works on projects (annotates or reviews as a member) without viewing
    them (their items, the people, the dashboards): an annotator, a reviewer, a vendor's
    worker. They may read the basics of a project they are a member of."""
    return not allowed(user.role, Action.VIEW_PROJECT) and any(
        allowed(user.role, a) for a in (Action.ANNOTATE, Action.REVIEW))


def require_project_basics(session: Session, user: User, project_id: int) -> None:
    """Whoever may view the project, a member who takes its deliveries (its customer), or a
    member who works on it (an annotator, a reviewer: :func:`works_without_viewing`) may read
    its basics (:func:`project_basics`)."""
    if sees_project_basics_only(user):
        action = Action.ACCEPT_DELIVERY
    elif works_without_viewing(user):
        action = Action.ANNOTATE if allowed(user.role, Action.ANNOTATE) else Action.REVIEW
    else:
        action = Action.VIEW_PROJECT
    require(session, user, action, project_id)


def packages_seen_by(session: Session, user: User, project_id: int) -> int | None:
    """Whose work packages of the project ``user`` may list: everyone's (None) for who views
    the project; only those assigned to them (their id) for a member who works on it without
    viewing it (an annotator, a reviewer: :func:`works_without_viewing`), whose packages are
    the work handed to them; anyone else is refused as viewing the project is."""
    if works_without_viewing(user):
        require_project_basics(session, user, project_id)
        return user.id
    require(session, user, Action.VIEW_PROJECT, project_id)
    return None


def project_basics(user: User, project: ProjectOut) -> ProjectOut:
    """The project as ``user`` may see it: whole for those who view projects; for a customer
    its name, modality, language, type, status and of the spec only what they asked for
    (description, requirements, acceptance criteria), never the in-house set-up (stages,
    overlap, sampling plan, packages)."""
    if not sees_project_basics_only(user):
        return project
    spec = {k: v for k, v in project.spec.items() if k in BASIC_SPEC_KEYS}
    return project.model_copy(update={"spec": spec})


def list_members(session: Session, project_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(ProjectMember, ProjectMember.user_id == User.id)
            .where(ProjectMember.project_id == project_id,
                   or_(ProjectMember.via_vendor_id.is_(None),  # COUNTED_MEMBERSHIP, joined
                       User.role.in_(sorted(VENDOR_WORKER_ROLES))))
            .order_by(User.username)
        )
    )


def _holds_task(session: Session, user_id: int, task_id: int) -> bool:
    """Whether the person holds the task, or held it until they submitted it; someone who
    skipped it handed it back and reads it no more."""
    return (
        session.scalar(
            select(TaskAssignment.id)
            .where(TaskAssignment.task_id == task_id, TaskAssignment.user_id == user_id,
                   TaskAssignment.status != "skipped")
            .limit(1)
        )
        is not None
    )


def require_task_view(session: Session, user: User, task: Task) -> None:
    """Whoever holds the task (with the stage's role), or anyone who may view the project;
    never someone below the item's sensitivity level (the task answers as a missing one). A task of a project ``user`` may not see
    answers as a missing one (:func:`hide_unseen`)."""
    hide_unseen(session, user, task.project_id, "task", task.id, task_id=task.id)
    require_item_cleared(session, user, task.item_id,
                         lambda: not_found("task", task.id, task_id=task.id))
    if _holds_task(session, user.id, task.id):
        require(session, user, _STAGE_ACTION.get(task.stage, Action.VIEW_PROJECT), task.project_id)
        return
    if not allowed(user.role, Action.VIEW_PROJECT):
        raise Forbidden(f"you do not hold task {task.id}", task_id=task.id,
                        reason_code="task_not_held")
    require(session, user, Action.VIEW_PROJECT, task.project_id)


def require_item_view(session: Session, user: User, item: Item) -> None:
    """Project viewers, or a member holding a task on the item, or who held one until they
    submitted it (to play its audio); someone who skipped it handed it back and hears it no
    more (as :func:`require_task_view`); never someone below the item's sensitivity level. An
    item of a project ``user`` may not see answers as a missing one (:func:`hide_unseen`)."""
    hide_unseen(session, user, item.project_id, "item", item.id, item_id=item.id)
    require_item_cleared(session, user, item.id)  # as a missing item
    if allowed(user.role, Action.VIEW_PROJECT):
        require(session, user, Action.VIEW_PROJECT, item.project_id)
        return
    holds = session.scalar(
        select(
            exists().where(
                TaskAssignment.user_id == user.id,
                TaskAssignment.task_id == Task.id,
                TaskAssignment.status != "skipped",
                Task.item_id == item.id,
            )
        )
    )
    if not holds or not is_member(session, item.project_id, user.id):
        raise Forbidden(f"you hold no task on item {item.id}", item_id=item.id,
                        reason_code="no_task_on_item")
    # and may still work on the project: its classification above their clearance (set after
    # they worked on it) shuts its items as it shuts its tasks (a trial user downloaded them)
    require_worker(session, user, item.project_id)


def require_worker(session: Session, user: User, project_id: int) -> None:
    """Any member with a working role (annotate, review or view) on the project."""
    for action in (Action.ANNOTATE, Action.REVIEW, Action.VIEW_PROJECT):
        if allowed(user.role, action):
            require(session, user, action, project_id)
            return
    raise Forbidden(f"role {user.role!r} does no work on projects")


def stage_action(stage: str) -> Action:
    return _STAGE_ACTION[stage]
