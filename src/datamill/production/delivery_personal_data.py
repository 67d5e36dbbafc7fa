"""Personal data in a batch of a project never desensitized: delivery refuses it by default.

The ``personal_data`` check (text, LLM records) counts what it found per item. A project whose
data-security office set up desensitization is masked at delivery
(:mod:`datamill.compliance.delivery_masking`); one never desensitized would hand the personal
data to the customer as found. That delivery is refused (``personal_data_unmasked``) until a
data-security officer (or an admin: ``manage_data_security``) records, for that batch, that it
may leave unmasked and why (:func:`release_personal_data`, audited as
``security.personal_data_released``; the customer may own the data, or a consent may cover
it). The delivery's own audit record then names the release it relied on.

The release lives in the audit trail, as a project's classification does: the latest release
of the batch by someone still of the office counts (a deactivated or demoted officer's does
not).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.users import require
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise
from datamill.production.models import Batch, Project

__all__ = ["RELEASE_ACTION", "personal_data_release", "release_personal_data",
           "require_personal_data_release"]

RELEASE_ACTION = "security.personal_data_released"
_REASON_MAX = 2000


def release_personal_data(session: Session, actor: User, batch_id: int,
                          reason: str) -> dict[str, Any]:
    """Record that the batch may be delivered with its personal data unmasked, and why (the
    data-security office's decision: ``manage_data_security``). Audited."""
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    batch = get_or_raise(session, Batch, batch_id, "batch", batch_id=batch_id)
    why = (reason or "").strip()
    check_note(why, "reason")  # whoever delivers the batch reads it: no bidi override (h10)
    if not why:
        raise InvalidInput(
            "a release of personal data needs its reason (who owns the data, which consent "
            "covers it)", field="reason", reason_code="personal_data_release_reason")
    if len(why) > _REASON_MAX:
        raise InvalidInput(f"the reason is {len(why)} characters; at most {_REASON_MAX}",
                           field="reason")
    project = session.get(Project, batch.project_id)
    rec = record_audit(session, actor_id=actor.id, action=RELEASE_ACTION, object_type="batch",
                       object_id=batch.id, project_id=batch.project_id,
                       data={"reason": why, "batch": batch.name,
                             "project": project.name if project else None})
    return {"batch_id": batch.id, "batch": batch.name, "project_id": batch.project_id,
            "reason": why, "released_by": actor.username, "audit_id": rec.id}


def personal_data_release(session: Session, batch_id: int) -> dict[str, Any] | None:
    """The release the batch's delivery may rely on: the latest by someone still of the
    data-security office (active, ``manage_data_security``), or None."""
    rows = session.execute(
        select(AuditRecord.id, AuditRecord.actor_id, AuditRecord.data)
        .where(AuditRecord.object_type == "batch", AuditRecord.object_id == batch_id,
               AuditRecord.action == RELEASE_ACTION)
        .order_by(AuditRecord.id.desc()))
    for audit_id, actor_id, data in rows:
        who = session.get(User, actor_id) if actor_id is not None else None
        if who is not None and who.is_active and allowed(who.role,
                                                         Action.MANAGE_DATA_SECURITY):
            reason = data.get("reason") if isinstance(data, dict) else None
            return {"audit_id": audit_id, "released_by": who.username, "reason": reason}
    return None


def require_personal_data_release(session: Session, batch: Batch, project: Project,
                                  items: int) -> dict[str, Any]:
    """The release the delivery of ``batch`` relies on, or Conflict
    (``personal_data_unmasked``) naming the items and what to do."""
    release = personal_data_release(session, batch.id)
    if release is not None:
        return release
    raise Conflict(
        f"the checks found personal data in {items} item(s) of batch {batch.name} and project "
        f"{project.name} was never desensitized: delivering would hand it over unmasked. "
        f"Desensitize the project (datamill security desensitize {project.id} --as <officer>) "
        f"and deliver again, or have a data-security officer release this batch with a reason "
        f"(datamill security release-personal-data {batch.id} --reason ... --as <officer>)",
        reason_code="personal_data_unmasked", items=items, batch=batch.name,
        batch_id=batch.id, project=project.name, project_id=project.id)
