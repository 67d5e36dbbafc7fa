"""The PM's golden-items and qualification page for one project.

Golden rate (share of annotate claims served as silent checks), the qualification test's
definition and revisions (answers keyed by utterance name or item id, one per line), whether the
project requires qualification, and each worker's running accuracy. Every write goes through the
workforce services, which check the role and project membership (403 page) and refuse bad input
(shown on the page, nothing written).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.http_deps import SessionDep
from datamill.modalities.base import acceptance_metrics_for, selectable_metrics
from datamill.modalities.registry import get_modality
from datamill.production.projects import get_project
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    error_in_page_language,
    render,
    require_csrf,
)
from datamill.workforce import golden, qualification, retakes

__all__ = ["router"]

router = APIRouter(prefix="/workforce/projects", route_class=HtmlRoute, include_in_schema=False)
_OK = {"rate": "gq.ok.rate", "test": "gq.ok.test", "required": "gq.ok.required",
       "grant": "gq.ok.grant"}


def _page(
    request: Request, session: Session, me: SignedIn, project_id: int, *,
    ok: str | None = None, error: str | None = None, status_code: int = 200,
    answers: str | None = None,
) -> Response:
    qualification.require_project_manager(session, me.user, project_id,
                                           "manage golden items and qualification")
    test = qualification.get_qualification_test(session, project_id)
    project = get_project(session, project_id)
    # the metrics a test may score by: the modality's acceptance metrics (and the test's own)
    # (those the project is judged by first: a new test's select starts on them)
    plugin = get_modality(project.modality)
    metrics = list(dict.fromkeys([*acceptance_metrics_for(plugin, project.spec.get("acceptance")),
                                  *selectable_metrics(plugin)]))
    if test is not None and test.metric not in metrics:
        metrics.append(test.metric)
    return render(
        request, "workforce_golden.html", me, status_code=status_code,
        project=project,
        metrics=metrics,
        rate=golden.golden_rate(session, project_id), test=test,
        required=qualification.qualification_required(session, project_id),
        rows=golden.project_accuracy(session, me.user, project_id),
        max_rate=golden.MAX_GOLDEN_RATE, answers=answers or "",
        ok=_OK.get(ok or ""), error=error,
    )


def _refused(request: Request, session: Session, call: object) -> str | None:
    try:
        with session.begin_nested():
            call()  # type: ignore[operator]
    except Forbidden:
        raise
    except (Conflict, InvalidInput, NotFound) as exc:
        return error_in_page_language(request, exc)  # the page's language, as the API words it
    return None


def _done(project_id: int, ok: str) -> Response:
    return RedirectResponse(f"/workforce/projects/{project_id}/golden?ok={ok}", status_code=303)


@router.get("/{project_id}/golden", response_class=HTMLResponse)
def golden_page(
    request: Request, project_id: int, session: SessionDep, me: WebUser, ok: str | None = None
) -> Response:
    return _page(request, session, me, project_id, ok=ok)


@router.post("/{project_id}/golden/rate", response_class=HTMLResponse)
def set_rate(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    rate: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    refused = _refused(request, session, lambda: golden.set_golden_rate(session, me.user, project_id, rate))
    if refused is not None:
        return _page(request, session, me, project_id, error=refused, status_code=409)
    return _done(project_id, "rate")


def _parse_answers(text: str) -> dict[str, str]:
    """One ``reference<TAB or =>answer`` per line (reference: utterance name or item id)."""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        sep = "\t" if "\t" in line else "="
        ref, found, answer = line.partition(sep)
        if not found or not ref.strip() or not answer.strip():
            raise InvalidInput(f"line {n}: write 'utterance = answer'", field="answers")
        out[ref.strip()] = answer.strip()
    return out


@router.post("/{project_id}/golden/test", response_class=HTMLResponse)
def set_test(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    answers: Annotated[str, Form()], threshold: Annotated[str, Form()],
    metric: Annotated[str, Form()] = "",  # empty: the project's first acceptance metric
    max_attempts: Annotated[str, Form()] = "",  # empty: the test's (3 for a new one)
    cooldown_minutes: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)

    def define() -> None:
        by_id = qualification.golden_answers_by_reference(
            session, project_id, _parse_answers(answers)
        )
        qualification.define_qualification_test(
            session, me.user, project_id, by_id, pass_threshold=threshold, metric=metric or None,
            max_attempts=max_attempts.strip() or None,
            cooldown_minutes=cooldown_minutes.strip() or None,
        )

    refused = _refused(request, session, define)
    if refused is not None:
        return _page(request, session, me, project_id, error=refused, status_code=409,
                     answers=answers)
    return _done(project_id, "test")


@router.post("/{project_id}/golden/grant", response_class=HTMLResponse)
def grant_attempt(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    worker_id: Annotated[int, Form(ge=1, le=2**63 - 1)], csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Grant a worker one more qualification attempt (lifting a cool-down)."""
    require_csrf(request, me, csrf_token)
    refused = _refused(request, session, lambda: retakes.grant_attempt(session, me.user, project_id,
                                                              worker_id))
    if refused is not None:
        return _page(request, session, me, project_id, error=refused, status_code=409)
    return _done(project_id, "grant")


@router.post("/{project_id}/golden/required", response_class=HTMLResponse)
def set_required(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    required: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    qualification.set_qualification_required(session, me.user, project_id, required == "on")
    return _done(project_id, "required")
