"""The audit page: is the trail intact (chain, HMACs, signed checkpoints), and who did what (a
filterable table of the records, newest first)? Admins, auditors and data-security officers.

The page does not walk the whole chain on every load (every filter change and page turn is
one): :func:`~datamill.compliance.audit_state.audit_state` resumes from the last verification
and walks only the records written since; the page says when the whole chain was last walked
and its "verify now" button (``POST /audit/verify``) walks it again, recorded in the trail
(``audit.verified``); the page names who last asked for that and whether the trail held."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance.audit import write_checkpoint
from datamill.compliance.audit_log import (
    DEFAULT_LIMIT,
    AuditFilter,
    AuditPage,
    audit_csv,
    last_verification,
    list_audit_records,
    record_verification,
    require_audit_reader,
)
from datamill.compliance.audit_state import audit_state
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import InvalidInput
from datamill.core.storable import digits
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    error_in_page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
Text = Annotated[str, Query(max_length=80)]


def _id(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not digits(value):
        raise InvalidInput(f"{field} must be a number, not {value!r}", field=field,
                           reason_code="audit_filter_number", value=value)
    return int(value)


def _filter(filters: dict[str, str]) -> AuditFilter:
    return AuditFilter(
        actor=filters["actor"], action=filters["action"], object_type=filters["object_type"],
        object_id=_id(filters["object_id"], "object_id"),
        project_id=_id(filters["project_id"], "project_id"),
        since=filters["since"], until=filters["until"])


def _records(request: Request, session: Session, me: SignedIn, filters: dict[str, str],
             offset: int) -> tuple[AuditPage | None, str | None]:
    """A page of records, or the reason the filters were refused (shown above the table, in
    the page's language)."""
    try:
        return list_audit_records(session, me.user, _filter(filters), limit=DEFAULT_LIMIT,
                                  offset=offset), None
    except InvalidInput as err:
        return None, error_in_page_language(request, err)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(  # noqa: PLR0913 - one query parameter per filter
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser, signed: int = 0,
    actor: Text = "", action: Text = "", object_type: Text = "", object_id: Text = "",
    project_id: Text = "", since: Text = "", until: Text = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0, verified: int = 0,
) -> Response:
    require_audit_reader(session, me.user)
    state = audit_state(session, runtime.settings)
    report = state.report
    filters = {"actor": actor, "action": action, "object_type": object_type,
               "object_id": object_id, "project_id": project_id, "since": since,
               "until": until}
    page, error = _records(request, session, me, filters, offset)
    query = urlencode({k: v for k, v in filters.items() if v})

    def link(at: int) -> str:
        return "/audit?" + "&".join(p for p in (query, f"offset={at}" if at else "") if p)

    pages = {}
    if page is not None:
        if page.offset > 0:
            pages["newer"] = link(max(0, page.offset - page.limit))
        if page.offset + len(page.items) < page.total:
            pages["older"] = link(page.offset + page.limit)
    return render(request, "audit.html", me, status_code=422 if error else 200,
                  csv_link="/audit.csv" + (f"?{query}" if query else ""),
                  report=report.to_dict(), signed=bool(signed), page=page, filters=filters,
                  filter_error=error, pages=pages, verified_at=state.verified_at,
                  walked=state.walked_in_full, just_verified=bool(verified),
                  last_check=last_verification(session))


@router.get("/audit.csv")
def audit_download(  # noqa: PLR0913 - one query parameter per filter
    session: SessionDep, me: WebUser, actor: Text = "", action: Text = "",
    object_type: Text = "", object_id: Text = "", project_id: Text = "", since: Text = "",
    until: Text = "",
) -> Response:
    """The records the page's filters match, as a CSV download (the export is audited)."""
    require_audit_reader(session, me.user)
    text, _rows = audit_csv(session, me.user, _filter({
        "actor": actor, "action": action, "object_type": object_type, "object_id": object_id,
        "project_id": project_id, "since": since, "until": until}))
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="audit-records.csv"',
        "Cache-Control": "no-store"})


@router.post("/audit/verify")
def audit_verify(
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Walk the whole chain now (the page otherwise resumes from the last verification)."""
    require_csrf(request, me, csrf_token)
    require_audit_reader(session, me.user)
    record_verification(session, me.user, audit_state(session, runtime.settings, full=True).report)
    return RedirectResponse("/audit?verified=1", status_code=303)


@router.post("/audit/checkpoint")
def audit_checkpoint(
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.SIGN_AUDIT)
    write_checkpoint(session, runtime.settings)
    return RedirectResponse("/audit?signed=1", status_code=303)
