"""The audit page: is the trail intact (chain, HMACs, signed checkpoints)? Admins and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from datamill.compliance.audit import verify_audit, write_checkpoint
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.web.routes._common import HtmlRoute, WebUser, render, require_csrf

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser, signed: int = 0
) -> Response:
    require(session, me.user, Action.VIEW_AUDIT)
    report = verify_audit(session, runtime.settings)
    return render(request, "audit.html", me, report=report.to_dict(), signed=bool(signed))


@router.post("/audit/checkpoint")
def audit_checkpoint(
    request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.SIGN_AUDIT)
    write_checkpoint(session, runtime.settings)
    return RedirectResponse("/audit?signed=1", status_code=303)
