"""The data-security page: every project's classification, export state, surveying flag and
consent flags, for the security office (admins and auditors). Read-only: changes go through
``datamill security`` or ``/api/v1/security``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from datamill.compliance.roles import Action
from datamill.compliance.security_status import project_security
from datamill.compliance.users import require
from datamill.http_deps import SessionDep
from datamill.production.models import Project
from datamill.web.routes._common import HtmlRoute, WebUser, render

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


@router.get("/security", response_class=HTMLResponse)
def security_page(request: Request, session: SessionDep, me: WebUser) -> Response:
    require(session, me.user, Action.VIEW_AUDIT)
    projects = session.scalars(select(Project).order_by(Project.id)).all()
    rows = [{"name": p.name, **project_security(session, p.id)} for p in projects]
    return render(request, "security.html", me, rows=rows)
