"""The listener's page: hear a clip the prompt check was unsure about, read its prompt, answer
"reads the prompt" or "does not" (with an optional note). Services decide; this only translates.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from datamill.compliance.access import seen_task
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.http_deps import SessionDep
from datamill.production.projects import get_project
from datamill.production.speech.prompt_check import (
    answer_listen_task,
    claim_listen_task,
    held_listen_task,
    require_listening,
)
from datamill.web.routes._common import HtmlRoute, WebUser, render, require_csrf

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_DONE = {"passed": "listen.ok.passed", "rejected": "listen.ok.rejected"}


@router.get("/projects/{project_id}/listen", response_class=HTMLResponse)
def listen_page(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    done: str | None = None, none: str | None = None,
) -> Response:
    """The clip you hold (a GET claims nothing; the button below claims the next one); 404
    for a project whose modality has no listening stage."""
    require_listening(session, project_id)
    project = get_project(session, project_id)
    require(session, me.user, Action.ANNOTATE, project_id)
    task = held_listen_task(session, me.user, project_id)
    return render(request, "listen.html", me, project=project, task=task,
                  done=_DONE.get(done or ""), none=done == "none" or none == "1",
                  media_url=f"/web/api/items/{task.item_id}/media" if task else None)


@router.post("/projects/{project_id}/listen/next", response_class=HTMLResponse)
def listen_next(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Claim the next clip waiting for a listener."""
    require_csrf(request, me, csrf_token)
    require_listening(session, project_id)
    require(session, me.user, Action.ANNOTATE, project_id)
    task = claim_listen_task(session, me.user, project_id)
    suffix = "" if task is not None else "?done=none"
    return RedirectResponse(f"/projects/{project_id}/listen{suffix}", status_code=303)


@router.post("/listen/{task_id}", response_class=HTMLResponse)
def listen_answer(
    request: Request, task_id: int, session: SessionDep, me: WebUser,
    answer: Annotated[str, Form()], note: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    task = seen_task(session, me.user, task_id)
    require(session, me.user, Action.ANNOTATE, task.project_id)
    out = answer_listen_task(session, me.user, task_id, reads_prompt=answer == "reads",
                             note=note or None)
    # straight on to the next clip: the listener keeps going until none is left
    nxt = claim_listen_task(session, me.user, task.project_id)
    done = out.item_status if nxt is not None else f"{out.item_status}&none=1"
    return RedirectResponse(f"/projects/{task.project_id}/listen?done={done}",
                            status_code=303)
