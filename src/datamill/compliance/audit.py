"""The hash-chained audit trail: every change that touches money, ownership or quality."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import AuditRecord
from datamill.core.clock import utcnow

__all__ = ["record_audit", "verify_audit_chain"]


def _digest(prev_hash: str, rec: AuditRecord) -> str:
    body = json.dumps(
        {
            "at": rec.at.isoformat(),
            "actor_id": rec.actor_id,
            "action": rec.action,
            "object_type": rec.object_type,
            "object_id": rec.object_id,
            "project_id": rec.project_id,
            "data": rec.data,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def record_audit(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    project_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one audit record chained to the previous one (same transaction as the change)."""
    prev = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).first()
    prev_hash = prev.record_hash if prev else ""
    rec = AuditRecord(
        at=utcnow().replace(microsecond=0),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        project_id=project_id,
        data=data or {},
        prev_hash=prev_hash,
    )
    rec.record_hash = _digest(prev_hash, rec)
    session.add(rec)
    session.flush()
    return rec


def verify_audit_chain(session: Session) -> int | None:
    """Return the id of the first record whose hash does not match, or None if intact."""
    prev_hash = ""
    for rec in session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        if rec.prev_hash != prev_hash or _digest(prev_hash, rec) != rec.record_hash:
            return rec.id
        prev_hash = rec.record_hash
    return None
