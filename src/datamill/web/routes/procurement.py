"""The procurement page: purchase requests with their approval state (business and approvers).

Read-only: each request's number, kind, volume, price, the >10% flag with its reason, whether it
is over the annual budget, and its approval chain (signed levels and the next role). The
procurement services decide who may read it (the business side and procurement approvers); the
others get the 403 page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from datamill.http_deps import SessionDep
from datamill.web.routes._common import HtmlRoute, WebUser, render
from datamill.workforce import procurement

__all__ = ["router"]

router = APIRouter(prefix="/workforce", route_class=HtmlRoute, include_in_schema=False)
_STATUSES = ("submitted", "approved", "rejected", "combined")


@router.get("/procurement", response_class=HTMLResponse)
def procurement_page(
    request: Request, session: SessionDep, me: WebUser, status: str | None = None,
    flagged: bool = False,
) -> Response:
    chosen = status if status in _STATUSES else None
    rows = procurement.list_requests(session, me.user, status=chosen, flagged_only=flagged)
    return render(request, "workforce_procurement.html", me, requests=rows, status=chosen,
                  statuses=_STATUSES, flagged=flagged,
                  budgets=procurement.list_budgets(session, me.user))
