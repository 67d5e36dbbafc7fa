"""Changing a project's dataset spec after it was created (a JSON merge patch, RFC 7396).

What the project *is* never changes (its name, modality, language and project type: a
different one is a new project). How its work is split into tasks (stages, overlap) changes only
while it has no tasks. Everything else (description, package and batch size, sampling,
acceptance thresholds, qualification, aggregation, the modality's requirements, collection
rules, text conventions) may change at any time; it applies from then on (a package already
made keeps its size, an inspection already completed keeps its verdict). The whole new spec is
validated as a new project's would be, nothing is written when it is invalid, and the change is
audited with what it replaced.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.lookup import lock_or_raise
from datamill.modalities.registry import get_modality
from datamill.production.models import Project, Task
from datamill.production.schemas import ProjectOut
from datamill.production.spec import parse_spec

__all__ = ["FIXED", "WHILE_NO_TASKS", "merge_patch", "update_spec"]

#: what the project is: never changed
FIXED = ("schema_version", "name", "modality", "language", "project_type")
#: how its work is split into tasks: changed only while it has none
WHILE_NO_TASKS = ("stages", "overlap")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: ``patch``'s objects merge into ``target``'s, ``null`` removes a key, any other
    value replaces. (Eight lines of the RFC's own pseudo-code; a library for it would be a
    dependency for one function.)"""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def update_spec(
    session: Session, project_id: int, patch: Any, *, actor_id: int | None = None,
) -> ProjectOut:
    """Apply ``patch`` (a JSON merge patch) to the project's spec; see the module docstring."""
    if not isinstance(patch, dict) or not patch:
        raise InvalidInput("a spec change is a mapping of the keys to change (null removes "
                           "one), e.g. {\"package_size\": 10}", field="spec")
    project = lock_or_raise(session, Project, project_id, "project")
    before = dict(project.spec or {})
    after = merge_patch(before, patch)
    fixed = [k for k in FIXED if after.get(k) != before.get(k)]
    if fixed:
        raise InvalidInput(
            f"{', '.join(fixed)} of project {project.name!r} cannot change: they are what the "
            "project is; create a new project instead", field=fixed[0],
            reason_code="spec_fixed_keys", keys=fixed, project=project.name)
    split = [k for k in WHILE_NO_TASKS if after.get(k) != before.get(k)]
    if split:
        tasks = int(session.scalar(select(func.count()).select_from(Task)
                                   .where(Task.project_id == project_id)) or 0)
        if tasks:
            raise Conflict(
                f"{', '.join(split)} of project {project.name!r} cannot change: its work is "
                f"already split into {tasks} task(s) by them", field=split[0], tasks=tasks,
                reason_code="spec_split_keys", keys=split, project=project.name)
    # the whole spec, as a new project's (nothing written if bad), but for the thresholds it
    # was stored with on metrics the project cannot measure: kept while unchanged
    spec, requirements = parse_spec(after, kept=before.get("acceptance"))
    refuse = getattr(get_modality(spec.modality), "refuse_requirements", None)
    if refuse is not None:  # a threshold the modality cannot honour, set anew
        refuse(requirements, before.get("requirements"))
    new = spec.model_dump(mode="json")
    changed = sorted(k for k in set(new) | set(before) if new.get(k) != before.get(k))
    if not changed:
        return ProjectOut.model_validate(project)
    project.spec = new
    session.flush()
    record_audit(session, actor_id=actor_id, action="project.spec_changed",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"changed": changed, "before": {k: before.get(k) for k in changed},
                       "after": {k: new.get(k) for k in changed}})
    return ProjectOut.model_validate(project)
