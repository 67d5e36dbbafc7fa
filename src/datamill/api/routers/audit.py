"""``/audit``: read the audit trail, verify it and write a signed checkpoint (read and verify:
admins, auditors, data-security officers; sign: admins and data-security officers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.params import MAX_ID, IdQuery
from datamill.compliance.audit import verify_audit, write_checkpoint
from datamill.compliance.audit_log import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    AuditFilter,
    AuditPage,
    list_audit_records,
)
from datamill.compliance.models import User
from datamill.compliance.roles import Action

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[User, Depends(Require(Action.VIEW_AUDIT))]
Signer = Annotated[User, Depends(Require(Action.SIGN_AUDIT))]
_WHEN = "ISO date (2024-05-01) or datetime (2024-05-01T08:30:00Z); naive times are UTC"


@router.get("/records", response_model=AuditPage)
def records_endpoint(  # noqa: PLR0913 - one query parameter per filter
    session: SessionDep,
    user: CurrentUser,
    actor: Annotated[str | None, Query(max_length=80,
                                       description="Username of the person who acted")] = None,
    action: Annotated[str | None, Query(max_length=64, description=(
        "Action prefix, e.g. `annotation.` or `security.export_`"))] = None,
    object_type: Annotated[str | None, Query(max_length=32,
                                             description="Object type, e.g. `project`")] = None,
    object_id: IdQuery = None,
    project_id: IdQuery = None,
    since: Annotated[str | None, Query(max_length=40, description=f"From (inclusive): {_WHEN}")
                     ] = None,
    until: Annotated[str | None, Query(max_length=40, description=(
        f"To (inclusive; a date includes the whole day): {_WHEN}"))] = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description=(
        "Cursor: only records below this id (the previous page's `next_before`)"))] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> AuditPage:
    """Who did what: audit records, newest first, filtered and paginated (admins, auditors,
    data-security officers; 403 for anyone else). Personal data in ``data`` is masked.
    Whether the chain is intact is ``GET /audit/verify``'s answer."""
    filters = AuditFilter(actor=actor, action=action, object_type=object_type,
                          object_id=object_id, project_id=project_id, since=since, until=until,
                          before=before)
    return list_audit_records(session, user, filters, limit=limit, offset=offset)


@router.get("/verify")
def verify_endpoint(session: SessionDep, runtime: RuntimeDep, user: Auditor) -> dict[str, Any]:
    """Check the chain, each record's HMAC and the signed checkpoints. ``ok`` is false, and
    ``problems`` lists what was found, when rows were edited, re-hashed or deleted."""
    return verify_audit(session, runtime.settings).to_dict()


@router.post("/checkpoint")
def checkpoint_endpoint(session: SessionDep, runtime: RuntimeDep, user: Signer) -> dict[str, Any]:
    """Sign the current head of the chain (record id, count, hash), so that deleting any record
    up to it is detected."""
    cp = write_checkpoint(session, runtime.settings)
    if cp is None:
        return {"record_id": None, "record_count": 0}
    return {"record_id": cp.record_id, "record_count": cp.record_count, "at": cp.at}
