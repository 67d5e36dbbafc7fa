"""The collection staff's subjects page, ``/projects/<id>/subjects``: every invited subject of a
project with their demographics, consent, recordings and open re-record requests, and the
button that resets a subject's locked demographics (they answer again on their page) after a
confirmation step. The project's managers use it, as they use
``POST /api/v1/collect/projects/{id}/subjects/reset-demographics`` and
``datamill collect reset-demographics``; :mod:`datamill.collection.staff` decides (permission,
"has recorded" refusal, audit), this only translates.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from datamill.collection import staff
from datamill.core.errors import Conflict
from datamill.http_deps import SessionDep
from datamill.production.projects import get_project
from datamill.web.routes._common import HtmlRoute, SignedIn, WebUser, render, require_csrf

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
#: refusals the page explains in its own words (``subj.err.<reason_code>``)
_REASONS = frozenset({"demographics_recorded"})


def _page(request: Request, session: Any, me: SignedIn, project_id: int, *,
          confirm: str | None = None, done: str | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    rows = staff.list_subjects(session, me.user, project_id)  # the permission: 403 page here
    project = get_project(session, project_id)
    asked = next((r for r in rows if r["subject_id"] == confirm), None)
    return render(request, "collect_subjects.html", me, status_code=status_code, project=project,
                  subjects=rows, confirm=asked, done=done, error=error)


@router.get("/projects/{project_id}/subjects", response_class=HTMLResponse)
def subjects_page(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    confirm: str | None = None, done: str | None = None,
) -> Response:
    """The list; ``?confirm=<subject>`` shows the confirmation step of that subject's reset."""
    return _page(request, session, me, project_id, confirm=confirm, done=done)


@router.post("/projects/{project_id}/subjects/reset-demographics", response_class=HTMLResponse)
def reset_demographics(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    subject_id: Annotated[str, Form(min_length=1, max_length=100)],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Clear the subject's demographics (audited); a subject who has recorded keeps theirs
    (the page again, 409, saying why)."""
    require_csrf(request, me, csrf_token)
    try:
        staff.reset_demographics(session, me.user, project_id, subject_id)
    except Conflict as refused:  # has recorded: the page says why, in its language
        reason = str(refused.details.get("reason_code") or "")
        return _page(request, session, me, project_id, status_code=409,
                     error=f"subj.err.{reason}" if reason in _REASONS else refused.message)
    return RedirectResponse(f"/projects/{project_id}/subjects?{urlencode({'done': subject_id})}",
                            status_code=303)
