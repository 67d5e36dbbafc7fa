"""One view of a project's data-security state (classification, export, surveying, consent)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.classification import project_level
from datamill.compliance.export import export_status
from datamill.compliance.security_models import ConsentFlag, ConsentRecord
from datamill.compliance.surveying import surveying_required

__all__ = ["project_security"]


def project_security(session: Session, project_id: int) -> dict[str, Any]:
    export = export_status(session, project_id)  # NotFound for an unknown project
    consents = session.scalar(select(func.count()).select_from(ConsentRecord).where(
        ConsentRecord.project_id == project_id)) or 0
    flags = session.scalar(
        select(func.count()).select_from(ConsentFlag)
        .join(ConsentRecord, ConsentRecord.id == ConsentFlag.consent_id)
        .where(ConsentRecord.project_id == project_id, ConsentFlag.resolved_at.is_(None))) or 0
    return {"project_id": project_id, "classification": project_level(session, project_id),
            "surveying_required": surveying_required(session, project_id), "export": export,
            "consents": int(consents), "open_flags": int(flags)}
