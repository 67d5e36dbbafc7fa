"""The PM's plan-variance page: per stage, planned against actual quantity and amount, with a
server-drawn bar chart (no script). Readers are those of the API and the CLI
(:func:`~datamill.ledger.access.require_project_reader`: the ledger's readers, cleared for
the project); ``project_id`` is the production project, as on ``/projects/{id}/finance``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from datamill.http_deps import SessionDep
from datamill.ledger.access import missing_books, require_books_page_reader
from datamill.ledger.budget_plan import readable_plan_variance
from datamill.ledger.projects import ledger_project_id_for
from datamill.web.routes._common import HtmlRoute, WebUser, render

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_BAR = 320  # px of the longest bar


@router.get("/projects/{project_id}/finance/plan-variance", response_class=HTMLResponse)
def plan_variance_page(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    period: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """``?period=YYYY-MM``: the costs incurred up to that month's end; a period that is not
    one is refused in the page's language (it was ignored: the whole project's costs)."""
    require_books_page_reader(session, me.user, project_id)  # before the lookup
    lp = ledger_project_id_for(session, project_id)
    if lp is None:
        raise missing_books(project_id)
    v = readable_plan_variance(session, me.user, lp, period or None)
    top = max([Decimal(1)] + [max(s.planned_amount, s.actual_amount) for s in v.stages])
    bars: list[dict[str, Any]] = [
        {"stage": s.stage, "planned": int(s.planned_amount / top * _BAR),
         "actual": int(s.actual_amount / top * _BAR), "over": s.status != "within"}
        for s in v.stages]
    return render(request, "ledger_plan_variance.html", me, v=v, bars=bars,
                  project_id=project_id, width=_BAR + 160)
