"""Sign-in, each role's home page, claiming the next task, and the project dashboard."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from datamill.api import _queries as api_q
from datamill.api.deps import RuntimeDep, SessionDep
from datamill.compliance.roles import Action, Role
from datamill.compliance.users import authenticate, require
from datamill.core.errors import InvalidInput, Unauthorized
from datamill.production.models import Task
from datamill.production.projects import get_project, list_projects
from datamill.production.tasks import claim_next_task, list_tasks_for_user, task_view
from datamill.web import _queries as wq
from datamill.web.auth import LOGIN_CSRF_COOKIE, check_csrf, clear_session, start_session
from datamill.web.routes._common import HtmlRoute, WebUser, render, require_csrf

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths (never ``//host`` or a scheme) are followed after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", failed: bool = False) -> Response:  # noqa: A002
    token = secrets.token_urlsafe(32)
    resp = render(request, "login.html", None, next=_safe_next(next), failed=failed,
                  login_csrf=token)
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                    path="/")
    return resp


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    check_csrf(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token)
    try:
        user = authenticate(session, username, password)
    except Unauthorized:
        return RedirectResponse(f"/login?failed=1&next={_safe_next(next)}", status_code=303)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    start_session(resp, runtime.settings, user)
    return resp


@router.post("/logout")
def logout(request: Request, me: WebUser, csrf_token: Annotated[str, Form()] = "") -> Response:
    require_csrf(request, me, csrf_token)
    resp = RedirectResponse("/login", status_code=303)
    clear_session(resp)
    return resp


def _projects(session: Any, user: Any) -> list[Any]:
    return list_projects(session, api_q.member_project_ids(session, user))


def _review_waiting(session: Any, project_id: int) -> int:
    return int(session.scalar(
        select(func.count()).select_from(Task).where(
            Task.project_id == project_id, Task.stage == "review", Task.status == "open",
            Task.active_claims < Task.overlap,
        )
    ) or 0)


def _work_rows(session: Any, me: WebUser, stage: str) -> list[dict[str, Any]]:
    out = []
    for p in _projects(session, me.user):
        tasks = []
        for row in list_tasks_for_user(session, me.user, p.id):
            if row["stage"] != stage:
                continue
            view = task_view(session, session.get(Task, row["task_id"]), me.user.id)
            tasks.append({**row, "external_id": view.external_id, "reason": view.return_reason})
        out.append({"project": p, "tasks": tasks,
                    "waiting": _review_waiting(session, p.id) if stage == "review" else None})
    return out


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, me: WebUser, empty: int | None = None) -> Response:
    role = me.user.role
    if role == Role.ANNOTATOR:
        return render(request, "home_work.html", me, stage="annotate", heading="home.my_tasks",
                      rows=_work_rows(session, me, "annotate"), empty=empty)
    if role == Role.REVIEWER:
        return render(request, "home_work.html", me, stage="review",
                      heading="home.review_queue", rows=_work_rows(session, me, "review"),
                      empty=empty)
    if role == Role.INSPECTOR:
        rows = [{"project": p, "batches": wq.batches_for_inspection(session, p.id)}
                for p in _projects(session, me.user)]
        return render(request, "home_inspector.html", me, rows=rows)
    return render(request, "home_projects.html", me, projects=_projects(session, me.user))


@router.post("/projects/{project_id}/next")
def next_task(
    request: Request,
    project_id: int,
    session: SessionDep,
    me: WebUser,
    stage: Annotated[str, Form()] = "annotate",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, me, csrf_token)
    if stage not in ("annotate", "review"):
        raise InvalidInput(f"unknown stage {stage!r}")
    get_project(session, project_id)
    require(session, me.user, api_q.stage_action(stage), project_id)
    task = claim_next_task(session, me.user, project_id, stage)
    if task is None:
        return RedirectResponse(f"/?empty={project_id}", status_code=303)
    return RedirectResponse(_task_url(task.id, stage), status_code=303)


def _task_url(task_id: int, stage: str) -> str:
    return f"/review/{task_id}" if stage == "review" else f"/tasks/{task_id}"


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def dashboard(request: Request, project_id: int, session: SessionDep, me: WebUser) -> Response:
    project = get_project(session, project_id)
    require(session, me.user, Action.VIEW_PROJECT, project_id)
    return render(request, "dashboard.html", me, project=project,
                  data=wq.dashboard(session, project_id))
