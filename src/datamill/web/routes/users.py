"""The users page: an admin lists the accounts, creates one, changes a person's role, and
deactivates or reactivates a person (their API tokens: :mod:`.users_tokens`).

What ``POST /api/v1/users``, ``PUT /api/v1/users/{id}/role`` and ``datamill user create``,
``set-role``, ``deactivate``, ``reactivate`` do, on a page: the same service calls
(:func:`~datamill.compliance.users.create_user`,
:func:`~datamill.compliance.role_change.set_role`,
:func:`~datamill.compliance.users.deactivate_user`,
:func:`~datamill.compliance.users.reactivate_user`: audited, the open work goes back to the pool,
the last active admin keeps the role and stays active), the same permission (``manage_users``:
admins; anyone else gets the 403 page and changes nothing). A deactivation asks once more
(``?confirm=<id>``) before it is done, and the page refuses an admin's own deactivation (they
would be signed out mid-page; another admin does it). A refusal (a name taken, a weak password,
the last admin, the role already held...) is shown on the page in its language (409) with what
to do, and nothing changes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.roles import Action, Role
from datamill.compliance.users import active_users, require
from datamill.core.errors import Conflict, DatamillError, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.http_deps import SessionDep
from datamill.web.i18n import t, translator
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    code_label,
    error_in_page_language,
    page_language,
    render,
    require_csrf,
)

__all__ = ["refusal_words", "router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_ROLES = tuple(r.value for r in Role)
#: the service refusals the page words itself, with what to do (``users.refused.<code>``)
_WORDED = frozenset({"user_exists", "username_invalid", "password_short", "password_blank",
                     "password_guessed", "role_unknown", "last_admin"})
#: what the page's forms did (``?ok=``), each worded ``users.ok.<what>``
_DONE = ("created", "deactivated", "reactivated")
Count = Annotated[int, Query(ge=0, le=10**9)]


def refusal_words(request: Request, error: DatamillError) -> str:
    """A service refusal for the page: the page's own sentence (with what to do) for the codes
    it words, else the one registry's sentence in the page's language."""
    lang = page_language(request)
    code = error.details.get("reason_code")
    if code in _WORDED:
        return t(f"users.refused.{code}", lang).format(**error.details)
    if error.details.get("field") == "display_name":  # uncoded in the service
        return t("users.refused.display_name", lang)
    return error_in_page_language(request, error)


def said(request: Request, key: str, **values: Any) -> str:
    """The catalogue's ``key`` in the page's language, filled with ``values``."""
    return t(key, page_language(request)).format(**values)


def _page(request: Request, session: Session, me: SignedIn, *, status_code: int = 200,
          error: str | None = None, changed: dict[str, object] | None = None,
          notice: str | None = None, confirm: int | None = None,
          form: dict[str, str] | None = None) -> Response:
    """The page; ``changed``: the query of the redirect after a role change (``changed``: the
    user's id, ``was``, ``tasks``, ``packages``), said above the table; ``notice``: what another
    form did; ``confirm``: the user whose deactivation is asked once more; ``form``: the create
    form's values to show again after a refusal (never the password)."""
    people = active_users(session, include_inactive=True)
    done = None
    person = next((p for p in people if p.id == (changed or {}).get("id")), None)
    if changed is not None and person is not None and changed["was"] in _ROLES:
        done = {"username": person.username, "role": person.role, "previous": changed["was"],
                "tasks": changed["tasks"], "packages": changed["packages"]}
    asked = next((p for p in people if p.id == confirm and p.is_active), None)
    return render(request, "users.html", me, status_code=status_code, people=people,
                  roles=_ROLES, error=error, done=done, notice=notice, confirm=asked,
                  form=form or {"role": Role.ANNOTATOR.value})


def _notice(request: Request, session: Session, ok: str, who: int | None,
            counts: dict[str, int]) -> str | None:
    """What ``ok`` (a form of the page) did to user ``who``, in the page's language."""
    if ok not in _DONE or who is None:
        return None
    person = next((p for p in active_users(session, include_inactive=True) if p.id == who), None)
    if person is None:
        return None
    lang = page_language(request)
    role = code_label(translator(lang))("role", person.role)
    return said(request, f"users.ok.{ok}", username=person.username, role=role, **counts)


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request, session: SessionDep, me: WebUser,
    changed: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    was: Annotated[str, Query(max_length=40)] = "",
    tasks: Count = 0, packages: Count = 0, sessions: Count = 0, tokens: Count = 0,
    ok: Annotated[str, Query(max_length=20)] = "",
    who: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    confirm: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    """Every account (deactivated ones too) with its role, a form to change it, a button to
    deactivate or reactivate the person and a link to their API tokens; the create form below.
    After a change (``changed``: the user's id) or another form (``ok``, ``who``) what it did;
    ``confirm``: the user whose deactivation is asked once more."""
    require(session, me.user, Action.MANAGE_USERS)
    notice = _notice(request, session, ok, who, {"tasks": tasks, "packages": packages,
                                                 "sessions": sessions, "tokens": tokens})
    return _page(request, session, me, notice=notice, confirm=confirm,
                 changed=None if changed is None else {
                     "id": changed, "was": was, "tasks": tasks, "packages": packages})


@router.post("/users")
def create_user_form(
    request: Request, session: SessionDep, me: WebUser,
    username: Annotated[str, Form(max_length=200)] = "",
    display_name: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form(max_length=40)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    password_again: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Create an account (``POST /api/v1/users``' service call, audited ``user.created``): the
    password typed twice; a refusal keeps what was typed (the password excepted)."""
    from datamill.compliance.users import create_user

    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.MANAGE_USERS)
    kept = {"username": username, "display_name": display_name, "role": role}
    if password != password_again:
        return _page(request, session, me, status_code=409, form=kept,
                     error=said(request, "users.refused.password_mismatch"))
    try:
        with session.begin_nested():
            made = create_user(session, username.strip(), password, role,
                               display_name=display_name.strip(), actor_id=me.user.id)
    except (Conflict, InvalidInput) as exc:
        return _page(request, session, me, status_code=409, form=kept,
                     error=refusal_words(request, exc))
    return RedirectResponse(f"/users?ok=created&who={made.id}", status_code=303)


@router.post("/users/{user_id}/role")
def set_role_form(
    request: Request, user_id: int, session: SessionDep, me: WebUser,
    role: Annotated[str, Form(max_length=40)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Give the user ``role``: ``PUT /api/v1/users/{id}/role``'s service call; a user that
    does not exist answers 404."""
    from datamill.compliance.role_change import set_role

    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.MANAGE_USERS)
    target = get_or_raise(session, User, user_id, "user")
    try:
        with session.begin_nested():
            out = set_role(session, target, role, actor_id=me.user.id)
    except (Conflict, InvalidInput) as exc:
        return _page(request, session, me, status_code=409,
                     error=error_in_page_language(request, exc))
    return RedirectResponse(
        f"/users?changed={user_id}&was={out['previous_role']}&tasks={out['released_tasks']}"
        f"&packages={out['unassigned_packages']}", status_code=303)


@router.post("/users/{user_id}/deactivate")
def deactivate_form(
    request: Request, user_id: int, session: SessionDep, me: WebUser,
    confirmed: Annotated[str, Form(max_length=1)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Deactivate the user (``datamill user deactivate``'s service call, audited): the first
    post only asks again (``?confirm=<id>``), the confirmed one deactivates. Refused: one's own
    account, an account already deactivated, the last active admin."""
    from datamill.compliance.users import deactivate_user

    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.MANAGE_USERS)
    target = get_or_raise(session, User, user_id, "user")
    refused = None
    if target.id == me.user.id:
        refused = said(request, "users.refused.self")
    elif not target.is_active:
        refused = said(request, "users.refused.already_inactive", username=target.username)
    if refused is not None:
        return _page(request, session, me, status_code=409, error=refused)
    if confirmed != "1":
        return RedirectResponse(f"/users?confirm={user_id}#confirm", status_code=303)
    try:
        with session.begin_nested():
            done = deactivate_user(session, target, actor_id=me.user.id)
    except Conflict as exc:
        return _page(request, session, me, status_code=409, error=refusal_words(request, exc))
    return RedirectResponse(
        f"/users?ok=deactivated&who={user_id}&sessions={done['sessions']}"
        f"&tokens={done['tokens']}&tasks={done['released_tasks']}"
        f"&packages={done['unassigned_packages']}", status_code=303)


@router.post("/users/{user_id}/reactivate")
def reactivate_form(
    request: Request, user_id: int, session: SessionDep, me: WebUser,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Let a deactivated user sign in again (``datamill user reactivate``'s service call,
    audited); an active one is refused."""
    from datamill.compliance.users import reactivate_user

    require_csrf(request, me, csrf_token)
    require(session, me.user, Action.MANAGE_USERS)
    target = get_or_raise(session, User, user_id, "user")
    if target.is_active:
        return _page(request, session, me, status_code=409, error=said(
            request, "users.refused.already_active", username=target.username))
    with session.begin_nested():
        reactivate_user(session, target, actor_id=me.user.id)
    return RedirectResponse(f"/users?ok=reactivated&who={user_id}", status_code=303)
