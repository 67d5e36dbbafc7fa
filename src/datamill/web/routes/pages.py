"""Sign-in, each role's home page, claiming the next task, and the project dashboard."""

from __future__ import annotations

import secrets
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, unquote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from datamill.collection.quotas import quota_progress
from datamill.collection.staff import count_subjects
from datamill.compliance import access
from datamill.compliance.login_throttle import SignInThrottled, app_throttle, sign_in
from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.users import require
from datamill.core.errors import DatamillError, InvalidInput, NotFound, Unauthorized
from datamill.db.lookup import get_or_raise
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.ledger.projects import ledger_project_id_for
from datamill.production import dashboard as wq
from datamill.production.media import media_type_of
from datamill.production.projects import get_project, list_projects
from datamill.production.quota_words import quota_cell_words
from datamill.production.tasks import (
    assign_package,
    claim_next_task,
    create_packages,
    get_task,
    home_tasks_for_user,
    task_view,
)
from datamill.web.auth import (
    LOGIN_CSRF_COOKIE,
    check_csrf,
    clear_session,
    end_web_session,
    secure_cookies,
    start_session,
)
from datamill.web.i18n import CATALOGUES, LANG_COOKIE
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    error_in_page_language,
    page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.svg"


#: the name typed into a refused sign-in, shown in the form again (path ``/login``, 5 minutes)
LOGIN_NAME_COOKIE = "datamill_login_name"


def _safe_next(target: str | None) -> str:
    """Only same-site paths (never ``//host`` or a scheme) are followed after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for ``/favicon.ico`` whatever the page links: the same SVG as ``/static``."""
    return FileResponse(FAVICON, media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, runtime: RuntimeDep, next: str = "/", failed: bool = False,  # noqa: A002
    wait: Annotated[int, Query(ge=0, le=86_400)] = 0,
    limit: Literal["account", "address"] = "address",
) -> Response:
    token = secrets.token_urlsafe(32)
    typed = unquote(request.cookies.get(LOGIN_NAME_COOKIE, ""))[:80] if failed or wait else ""
    resp = render(request, "login.html", None, next=_safe_next(next), failed=failed,
                  wait=wait, limit=limit, login_csrf=token, typed_name=typed)
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                    secure=secure_cookies(request, runtime.settings), path="/")
    if LOGIN_NAME_COOKIE in request.cookies:  # shown once
        resp.delete_cookie(LOGIN_NAME_COOKIE, path="/login")
    return resp


def _refused(request: Request, runtime: Any, target: str, username: str) -> Response:
    """Back to the sign-in form, which keeps the name typed (trial h8: a wrong password emptied
    it). The name rides in a five-minute cookie for ``/login`` alone, never in the address,
    where a password typed into the name field would reach logs and history."""
    resp = RedirectResponse(target, status_code=303)
    resp.set_cookie(LOGIN_NAME_COOKIE, quote(username[:80], safe=""), max_age=300,
                    httponly=True, samesite="strict",
                    secure=secure_cookies(request, runtime.settings), path="/login")
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
    throttle = app_throttle(request.app.state)  # the API's token sign-in counts here too
    client = request.client.host if request.client is not None else ""
    try:
        user = sign_in(session, throttle, client, username, password, via="web",
                       settings=runtime.settings)
    except SignInThrottled as err:  # before the password is checked: no sooner for a right one
        return _refused(request, runtime,
                        f"/login?wait={err.wait_s}&limit={err.limit}&next={_safe_next(next)}",
                        username)
    except Unauthorized:
        return _refused(request, runtime, f"/login?failed=1&next={_safe_next(next)}", username)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    start_session(request, resp, session, runtime.settings, user)
    return resp


@router.get("/lang/{code}")
def choose_language(code: str, next: str = "/") -> Response:  # noqa: A002
    """Remember a language choice in the ``lang`` cookie (it beats ``Accept-Language``); the
    code is matched regardless of case (``zh-cn``). A language with no catalogue (``/lang/fr``)
    goes back to ``next`` in the language the page had: it answered a 422 page whose language
    links pointed back at ``/lang/fr``."""
    resp = RedirectResponse(_safe_next(next), status_code=303)
    known = {c.lower(): c for c in CATALOGUES}.get(code.lower())
    if known is not None:
        resp.set_cookie(LANG_COOKIE, known, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return resp


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, me: WebUser, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    require_csrf(request, me, csrf_token)
    end_web_session(session, me.web_session, me.user,
                    request.client.host if request.client is not None else "")
    resp = RedirectResponse("/login", status_code=303)
    clear_session(resp)
    return resp


def _projects(session: Any, user: Any) -> list[Any]:
    return list_projects(session, access.member_project_ids(session, user))


def _work_rows(session: Any, me: WebUser, stage: str) -> list[dict[str, Any]]:
    out = []
    for p in _projects(session, me.user):
        tasks = []
        rows, earlier = home_tasks_for_user(session, me.user, p.id, stage)
        for row in rows:
            view = task_view(session, get_task(session, row["task_id"]), me.user.id)
            tasks.append({**row, "external_id": view.external_id, "reason": view.return_reason,
                          "reason_code": view.return_code, "reason_params": view.return_params})
        out.append({"project": p, "tasks": tasks, "earlier": earlier,
                    "waiting": wq.review_waiting(session, p.id) if stage == "review" else None})
    return out


def _home_kind(role: str) -> str:
    """Which home page a role gets, decided by the permission matrix (not by role names):
    whoever annotates (or reviews, or inspects) without managing projects gets their work;
    a vendor's manager without the business side's reach gets their vendor's page; whoever
    keeps the books without working in projects (finance) the finance overview; everyone
    else the list of their projects."""
    manages = allowed(role, Action.MANAGE_PROJECT) or allowed(role, Action.VIEW_PROJECT)
    if allowed(role, Action.ANNOTATE) and not manages:
        return "annotate"  # annotators and a vendor's workers
    if allowed(role, Action.REVIEW) and not manages:
        return "review"
    if allowed(role, Action.INSPECT) and not allowed(role, Action.MANAGE_PROJECT):
        return "inspect"
    if allowed(role, Action.MANAGE_VENDOR) and not allowed(role, Action.MANAGE_WORKFORCE):
        return "vendor"
    if allowed(role, Action.LEDGER) and not manages and not allowed(role, Action.CREATE_PROJECT):
        return "finance"  # their home was an empty project list ("not a member of any project")
    return "projects"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, me: WebUser, empty: int | None = None) -> Response:
    kind = _home_kind(me.user.role)
    if kind == "annotate":
        return render(request, "home_work.html", me, stage="annotate", heading="home.my_tasks",
                      rows=_work_rows(session, me, "annotate"), empty=empty)
    if kind == "review":
        return render(request, "home_work.html", me, stage="review",
                      heading="home.review_queue", rows=_work_rows(session, me, "review"),
                      empty=empty)
    if kind == "inspect":
        rows = [{"project": p, "batches": wq.batches_for_inspection(session, p.id)}
                for p in _projects(session, me.user)]
        return render(request, "home_inspector.html", me, rows=rows)
    if kind == "vendor" and me.manages is not None:
        return RedirectResponse(f"/workforce/vendors/{me.manages}", status_code=303)
    if kind == "finance":
        return RedirectResponse("/finance", status_code=303)
    # a project's dashboard is linked only to those who may open it
    # (its customer opens the project's basics and deliveries)
    # an empty list: whoever sees every project reads that there is none, and whoever may
    # create one how (no page creates a project; trial h8)
    return render(request, "home_projects.html", me, projects=_projects(session, me.user),
                  can_open=allowed(me.user.role, Action.VIEW_PROJECT)
                  or access.sees_project_basics_only(me.user),
                  sees_all=access.member_project_ids(session, me.user) is None,
                  can_create=allowed(me.user.role, Action.CREATE_PROJECT))


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
    require(session, me.user, access.stage_action(stage), project_id)
    task = claim_next_task(session, me.user, project_id, stage)
    if task is None:
        return RedirectResponse(f"/?empty={project_id}", status_code=303)
    return RedirectResponse(_task_url(task.id, stage), status_code=303)


def _task_url(task_id: int, stage: str) -> str:
    return f"/review/{task_id}" if stage == "review" else f"/tasks/{task_id}"


def _dashboard(
    request: Request, session: Any, me: SignedIn, project_id: int, status_code: int = 200,
    agreement_round: str = "current", **panel: Any,
) -> HTMLResponse:
    project = get_project(session, project_id)
    require(session, me.user, Action.VIEW_PROJECT, project_id)
    pm = None
    if allowed(me.user.role, Action.MANAGE_PROJECT):
        pm = wq.package_panel(session, project, access.list_members(session, project_id))
    agreement = wq.agreement_panel(session, project_id, int(project.spec.get("overlap", 1)),
                                   agreement_round)
    data = wq.dashboard(session, project_id)
    for f in data["worst_files"]:  # an audio file plays on the page; any other opens
        f["media_type"] = media_type_of(f.get("filename"))
    # the batch table shows the metrics this project's acceptance is judged by
    metrics = [k for k, v in (project.spec.get("acceptance") or {}).items() if v is not None]
    return render(request, "dashboard.html", me, status_code=status_code, project=project,
                  data=data, pm=pm, agreement=agreement, metrics=metrics,
                  has_accounts=ledger_project_id_for(session, project_id) is not None,
                  quotas=quota_progress(session, project_id),
                  tcell=partial(quota_cell_words, page_language(request)),
                  subjects=count_subjects(session, project_id) if pm is not None else 0, **panel)


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def dashboard(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    made: int | None = None, assigned: int | None = None,
    agreement_round: Literal["current", "first"] = "current",
) -> Response:
    if access.sees_project_basics_only(me.user):  # its customer: basics and deliveries only
        project = get_project(session, project_id)
        access.require_project_basics(session, me.user, project_id)
        return render(request, "project_customer.html", me,
                      project=access.project_basics(me.user, project))
    return _dashboard(request, session, me, project_id, made=made, assigned=assigned,
                      agreement_round=agreement_round)


def _panel_error(
    request: Request, session: Any, me: SignedIn, project_id: int, exc: DatamillError
) -> HTMLResponse:
    """The dashboard again, the panel showing why the PM's action was refused (nothing kept)."""
    session.rollback()
    return _dashboard(request, session, me, project_id, status_code=exc.status,
                      pm_error=error_in_page_language(request, exc))


@router.post("/projects/{project_id}/packages")
def create_packages_form(
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    stage: Annotated[str, Form(max_length=32)] = "annotate",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The PM groups a stage's unpackaged tasks into packages (``create_packages``)."""
    require_csrf(request, me, csrf_token)
    get_project(session, project_id)
    require(session, me.user, Action.MANAGE_PROJECT, project_id)
    try:
        made = create_packages(session, project_id, stage, actor_id=me.user.id)
    except DatamillError as exc:
        return _panel_error(request, session, me, project_id, exc)
    return RedirectResponse(f"/projects/{project_id}?made={len(made)}#packages", status_code=303)


@router.post("/packages/{package_id}/assign")
def assign_package_form(
    request: Request, package_id: int, session: SessionDep, me: WebUser,
    user_id: Annotated[int, Form()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The PM hands a package to one member (``assign_package``)."""
    require_csrf(request, me, csrf_token)
    pkg = access.package_row(session, package_id, me.user)
    project_id = pkg.project_id
    require(session, me.user, Action.MANAGE_PROJECT, project_id)
    try:
        try:
            assignee = get_or_raise(session, User, user_id, "user")
        except NotFound:
            raise InvalidInput(f"no user with id {user_id}", field="user_id") from None
        assign_package(session, package_id, assignee, actor_id=me.user.id)
    except DatamillError as exc:
        return _panel_error(request, session, me, project_id, exc)
    return RedirectResponse(f"/projects/{project_id}?assigned={package_id}#packages",
                            status_code=303)
