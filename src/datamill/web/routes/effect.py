"""The batch's application-effect page: its verifications (a model evaluated on, or trained and
tested on, a sample of the batch) with their verdicts against the spec's threshold, the chosen
one's report with charts, each item named for a second look linked to the project's items page
filtered to it (status, failed checks, the task the reader holds) and to its file, and the form
that runs a new one (the project's manager or an inspector). Services decide, this only translates: the
API's ``/batches/{id}/effect-evaluations`` and ``datamill qc evaluate`` do the same."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from datamill.compliance import access
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import DatamillError, Forbidden
from datamill.db.lookup import get_or_raise
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.production.effect_evaluation import (
    MAX_SAMPLE,
    evaluate_batch,
    list_evaluations,
    may_evaluate,
    second_look_items,
)
from datamill.production.models import Batch
from datamill.production.projects import get_project
from datamill.web.i18n import translator
from datamill.web.routes._common import (
    HtmlRoute,
    WebUser,
    error_in_page_language,
    page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


@router.get("/batches/{batch_id}/effect", response_class=HTMLResponse)
def effect_page(
    request: Request, batch_id: int, session: SessionDep, me: WebUser,
    evaluation: int | None = None,
) -> Response:
    return _page(request, session, me, batch_id, chosen=evaluation)


def _page(
    request: Request, session: SessionDep, me: WebUser, batch_id: int, *,
    chosen: int | None = None, refused: str | None = None, status_code: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    project_id = access.batch_project(session, batch_id, me.user)
    require(session, me.user, Action.VIEW_PROJECT, project_id)
    batch = get_or_raise(session, Batch, batch_id, "batch", batch_id=batch_id)
    rows = list_evaluations(session, batch_id, me.user)
    shown = next((r for r in rows if r.id == chosen), rows[0] if rows else None)
    named = [str(x.get("external_id")) for x in (shown.result.get("second_look") or ())
             if isinstance(x, dict)] if shown else []
    return render(request, "effect.html", me, status_code=status_code,
                  project=get_project(session, project_id), batch=batch, evaluations=rows,
                  shown=shown, can_run=may_evaluate(session, me.user, project_id),
                  max_sample=MAX_SAMPLE, refused=refused, typed=typed or {},
                  second_items=second_look_items(session, batch_id, named))


@router.post("/batches/{batch_id}/effect")
def run_effect_form(
    request: Request, batch_id: int, session: SessionDep, runtime: RuntimeDep, me: WebUser,
    sample: Annotated[str, Form(max_length=12)] = "",
    seed: Annotated[str, Form(max_length=20)] = "0",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Run a verification now (synchronously) and show it; a refusal (a language the model
    does not read, too few labelled texts) is shown on the page with what was typed."""
    require_csrf(request, me, csrf_token)
    access.batch_project(session, batch_id, me.user)
    typed = {"sample": sample, "seed": seed}
    try:
        size = int(sample) if sample.strip() else None
        draw = int(seed) if seed.strip() else 0
    except ValueError:
        return _page(request, session, me, batch_id, status_code=422, typed=typed,
                     refused=translator(page_language(request))("eff.bad_number"))
    try:
        done = evaluate_batch(session, runtime.blobs, batch_id, me.user, sample=size, seed=draw,
                              apart=True)  # the model off this worker's interpreter lock
    except Forbidden:
        raise
    except DatamillError as err:
        session.rollback()
        return _page(request, session, me, batch_id, status_code=err.status, typed=typed,
                     refused=error_in_page_language(request, err))
    return RedirectResponse(f"/batches/{batch_id}/effect?evaluation={done.id}", status_code=303)
