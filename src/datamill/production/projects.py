"""Creating and reading projects."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import Table, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, NotFound
from datamill.core.storable import digits
from datamill.db.lookup import not_found
from datamill.db.memo import Lookup, get_row, recall
from datamill.db.rows import loaded
from datamill.modalities.registry import get_modality
from datamill.production.models import Item, Project
from datamill.production.schemas import ProjectOut
from datamill.production.spec import DatasetSpec, parse_spec

__all__ = [
    "GOLDEN_STATUS",
    "NOT_USABLE_STATUSES",
    "SUPERSEDED_STATUS",
    "accounts_closed_on",
    "close_project_accounts",
    "create_project",
    "find_project",
    "get_project",
    "list_projects",
    "missing_project",
    "project_lookup",
    "project_requirements",
    "project_spec",
    "project_spec_lookup",
    "project_stats",
    "read_spec",
    "require_accounts_open",
    "require_project",
]


#: the status of an item taken out of production to serve as a golden (known-answer) item
#: (see :mod:`datamill.workforce.qualification`): never worked, batched, delivered or paid
GOLDEN_STATUS = "golden"
#: the status of an item another item replaced (a subject's re-recording of the same prompt;
#: ``items.superseded_by`` names it, see :mod:`datamill.production.superseding`): kept with its
#: history, never worked, batched, inspected, delivered, paid or counted in a quota again
SUPERSEDED_STATUS = "superseded"
#: statuses whose volume is no usable production volume: rejected by the checks, golden,
#: superseded by a newer take
NOT_USABLE_STATUSES = ("rejected", GOLDEN_STATUS, SUPERSEDED_STATUS)


def create_project(session: Session, spec_data: Any, actor_id: int | None = None) -> ProjectOut:
    """Validate a spec and create its project; the project type is fixed from here on."""
    spec, requirements = parse_spec(spec_data)
    refuse = getattr(get_modality(spec.modality), "refuse_requirements", None)
    if refuse is not None:  # what the modality cannot honour (optional plugin hook)
        refuse(requirements)
    project = Project(
        name=spec.name,
        modality=spec.modality,
        language=spec.language,
        project_type=spec.project_type,
        data_owner=spec.data_owner,
        spec=spec.model_dump(mode="json"),
        created_by=actor_id,
    )
    session.add(project)
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"a project named {spec.name!r} already exists", name=spec.name) from err
    if actor_id is not None:  # the creator manages what they created
        from datamill.compliance.models import ProjectMember

        session.add(ProjectMember(project_id=project.id, user_id=actor_id))
    record_audit(
        session, actor_id=actor_id, action="project.created", object_type="project",
        object_id=project.id, project_id=project.id,
        data={"name": spec.name, "project_type": spec.project_type},
    )
    return ProjectOut.model_validate(project)


def _row(session: Session, project_id: int) -> Project:
    project = get_row(session, Project, project_id)  # kept for the request's later reads
    if project is None:
        raise not_found("project", project_id, project_id=project_id)
    return project


def get_project(session: Session, project_id: int) -> ProjectOut:
    return ProjectOut.model_validate(_row(session, project_id))


def require_project(session: Session, project_id: int) -> None:
    """NotFound unless the project exists (its row is kept for the request's later reads, unless
    a read ahead already answered "it exists": ``project_lookup``)."""
    if recall(session, ("project_exists", project_id)) is not True:
        _row(session, project_id)


_EXISTS = exists().where(Project.id == bindparam("p_project"))


def project_lookup(project_id: int) -> Lookup:
    """"Does project ``project_id`` exist?" (parameter ``p_project``) as a read-ahead lookup
    (:func:`datamill.db.memo.prefetch`) for :func:`require_project`."""
    return Lookup(("project_exists", project_id), _EXISTS)


_PROJECTS = cast(Table, Project.__table__)  # Core: read ahead on the connection (db.memo.run)
_SPEC = select(_PROJECTS.c.spec).where(_PROJECTS.c.id == bindparam("p_project")).scalar_subquery()


def project_spec_lookup(project_id: int) -> Lookup:
    """The spec of project ``project_id`` (parameter ``p_project``) as a read-ahead lookup, for
    a request that needs a rule of the spec, not the project (:func:`read_spec`)."""
    return Lookup(("project_spec", project_id), _SPEC)


def read_spec(session: Session, project_id: int) -> dict[str, Any] | None:
    """The spec of project ``project_id`` as this session sees it: the project it holds (which
    may carry changes not yet flushed), else what a read ahead found
    (:func:`project_spec_lookup`), else None (the caller loads the project)."""
    held = loaded(session, Project, project_id)
    if held is not None:
        return held.spec or {}
    spec = recall(session, ("project_spec", project_id))
    return None if spec is None else dict(spec)


def find_project(session: Session, ref: str | int) -> ProjectOut:
    """A project by id or by name (what people type at the prompt)."""
    if isinstance(ref, int) or digits(str(ref)):
        return get_project(session, int(ref))
    row = session.scalars(select(Project).where(Project.name == ref)).first()
    if row is None:
        raise missing_project(ref)
    return ProjectOut.model_validate(row)


def missing_project(ref: str | int) -> NotFound:
    """What :func:`find_project` raises for ``ref`` (an id or a name) when no project has it."""
    if isinstance(ref, int) or digits(str(ref)):
        return not_found("project", int(ref), project_id=int(ref))
    return NotFound(f"no project named {ref!r}", reason_code="project_name_unknown", name=ref)


def list_projects(session: Session, ids: set[int] | None = None) -> list[ProjectOut]:
    q = select(Project).order_by(Project.id)
    if ids is not None:
        q = q.where(Project.id.in_(ids))
    return [ProjectOut.model_validate(p) for p in session.scalars(q)]


def project_spec(session: Session, project_id: int) -> tuple[DatasetSpec, BaseModel]:
    stored = _row(session, project_id).spec
    # a threshold it was stored with is kept, measurable or not (older specs had to set them)
    return parse_spec(stored, kept=(stored or {}).get("acceptance"))


def project_requirements(session: Session, project_id: int) -> BaseModel:
    return project_spec(session, project_id)[1]


def project_stats(session: Session, project_id: int) -> dict[str, Any]:
    """Item counts by status and the total volume (in the modality's base unit, e.g.
    milliseconds of audio; speech projects also get it as ``duration_ms``), and the usable
    volume (the production volume: without the items the checks rejected, nor the golden items
    set aside as known-answer checks, nor the takes a re-recording superseded), for dashboards
    and the CLI. ``golden_items`` and ``golden_volume`` say how many items are set aside as golden (their count is also in
    ``by_status`` under ``golden``); an accepted item marked golden stays production volume."""
    project = _row(session, project_id)
    rows = session.execute(
        select(Item.status, func.count(), func.coalesce(func.sum(Item.volume), 0))
        .where(Item.project_id == project_id)
        .group_by(Item.status)
    ).all()
    by_status = {status: int(n) for status, n, _ in rows}
    volumes = {status: int(v or 0) for status, _, v in rows}
    total = sum(volumes.values())
    set_aside = sum(volumes.get(status, 0) for status in NOT_USABLE_STATUSES)
    plugin = get_modality(project.modality)
    stats: dict[str, Any] = {
        "items": sum(by_status.values()), "by_status": by_status, "volume": total,
        "usable_volume": total - set_aside,  # without what the checks rejected, golden, superseded
        "golden_items": by_status.get(GOLDEN_STATUS, 0),
        "golden_volume": volumes.get(GOLDEN_STATUS, 0),
        "volume_base_unit": plugin.volume_base_unit, "volume_unit": plugin.volume_unit,
        "volume_per_unit": plugin.volume_per_unit,
    }
    if plugin.volume_base_unit == "milliseconds":
        stats["duration_ms"] = total
    return stats


def close_project_accounts(
    session: Session, project_id: int, closed_on: date, *, actor_id: int | None = None
) -> None:
    """Mark the project's accounts closed (final accounts 决算, done by the ledger).

    From then on the project accepts no more cost-bearing work: hour points and settlement
    lines for it are refused at the source (:func:`require_accounts_open`)."""
    project = _row(session, project_id)
    project.accounts_closed_on = closed_on
    session.flush()
    record_audit(session, actor_id=actor_id, action="project.accounts_closed",
                 object_type="project", object_id=project.id, project_id=project.id,
                 data={"closed_on": closed_on.isoformat()})


def accounts_closed_on(session: Session, project_id: int) -> date | None:
    """The day the project's final accounts closed it, or None while its accounts are open."""
    return _row(session, project_id).accounts_closed_on


def require_accounts_open(session: Session, project_id: int, what: str) -> None:
    """Refuse ``what`` (e.g. "hour points") on a project whose accounts are closed."""
    project = _row(session, project_id)
    if project.accounts_closed_on is not None:
        raise Conflict(
            f"project {project.name!r} (id {project.id}) has its accounts closed (final "
            f"accounts on {project.accounts_closed_on.isoformat()}): it accepts no more {what}",
            project_id=project.id)
