"""``/audit``: read the audit trail (a page, or every match as CSV), verify it and write a signed
checkpoint (read, export and verify: admins, auditors, data-security officers; sign: admins and
data-security officers)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from datamill.api.deps import CurrentUser, Require, RuntimeDep, SessionDep
from datamill.api.params import MAX_ID, IdQuery
from datamill.api.schemas import media_response
from datamill.compliance.audit import verify_audit, write_checkpoint
from datamill.compliance.audit_log import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    AuditFilter,
    AuditPage,
    audit_csv,
    list_audit_records,
    record_verification,
)
from datamill.compliance.models import User
from datamill.compliance.roles import Action

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[User, Depends(Require(Action.VIEW_AUDIT))]
Signer = Annotated[User, Depends(Require(Action.SIGN_AUDIT))]
_WHEN = ("ISO date (2024-05-01) or datetime (2024-05-01T08:30:00Z); dates and naive times are "
         "on the business clock (DATAMILL_BUSINESS_TIMEZONE), as the records' times show")


def _filters(  # noqa: PLR0913 - one query parameter per filter
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
) -> AuditFilter:
    return AuditFilter(actor=actor, action=action, object_type=object_type,
                       object_id=object_id, project_id=project_id, since=since, until=until)


Filters = Annotated[AuditFilter, Depends(_filters)]


@router.get("/records", response_model=AuditPage)
def records_endpoint(
    session: SessionDep,
    user: CurrentUser,
    filters: Filters,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description=(
        "Cursor: only records below this id (the previous page's `next_before`)"))] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")] = 0,
) -> AuditPage:
    """Who did what: audit records, newest first, filtered and paginated (admins, auditors,
    data-security officers; 403 for anyone else). Personal data in ``data`` is masked.
    Whether the chain is intact is ``GET /audit/verify``'s answer."""
    return list_audit_records(session, user, replace(filters, before=before), limit=limit,
                              offset=offset)


@router.get("/records.csv", response_class=Response, responses=media_response(
    "The matching records, newest first: id, at, actor, action, object_type, object_id, "
    "project_id, data (JSON, personal data masked)", "text/csv"))
def records_csv_endpoint(session: SessionDep, user: CurrentUser, filters: Filters) -> Response:
    """Every record the filters match (at most 100,000), as the ``/audit`` page's CSV download
    (the same readers: admins, auditors, data-security officers; 403 for anyone else). The
    export is itself recorded in the trail (``audit.exported``)."""
    text, _rows = audit_csv(session, user, filters)
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="audit-records.csv"',
        "Cache-Control": "no-store"})


@router.get("/verify")
def verify_endpoint(session: SessionDep, runtime: RuntimeDep, user: Auditor) -> dict[str, Any]:
    """Check the chain, each record's HMAC, the signed checkpoints and the journal of deleted
    records. ``ok`` is false, and ``problems`` lists what was found, when rows were edited,
    re-hashed or deleted (``deleted``: which ids, written and deleted when). The check is
    recorded in the trail (``audit.verified``: who, whether it held)."""
    report = verify_audit(session, runtime.settings)
    record_verification(session, user, report)
    return report.to_dict()


@router.post("/checkpoint")
def checkpoint_endpoint(session: SessionDep, runtime: RuntimeDep, user: Signer) -> dict[str, Any]:
    """Sign the current head of the chain (record id, count, hash), so that deleting any record
    up to it is detected."""
    cp = write_checkpoint(session, runtime.settings)
    if cp is None:
        return {"record_id": None, "record_count": 0}
    return {"record_id": cp.record_id, "record_count": cp.record_count, "at": cp.at}
