"""The users page: an admin lists the accounts and changes a person's role.

``PUT /api/v1/users/{id}/role`` and ``datamill user set-role`` on a page: the same service call
(:func:`~datamill.compliance.role_change.set_role`: audited, the open work the new role may not
do goes back to the pool, the last active admin keeps the role), the same permission
(``manage_users``: admins; anyone else gets the 403 page and changes nothing). A refusal
(the role the person already has, the last admin's demotion, an unknown role) is shown on the
page in its language (409), and nothing changes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.roles import Action, Role
from datamill.compliance.users import active_users, require
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.http_deps import SessionDep
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    error_in_page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
_ROLES = tuple(r.value for r in Role)


def _page(request: Request, session: Session, me: SignedIn, *, status_code: int = 200,
          error: str | None = None, changed: dict[str, object] | None = None) -> Response:
    """The page; ``changed``: the query of the redirect after a change (``changed``: the user's
    id, ``was``, ``tasks``, ``packages``), said above the table."""
    people = active_users(session, include_inactive=True)
    done = None
    person = next((p for p in people if p.id == (changed or {}).get("id")), None)
    if changed is not None and person is not None and changed["was"] in _ROLES:
        done = {"username": person.username, "role": person.role, "previous": changed["was"],
                "tasks": changed["tasks"], "packages": changed["packages"]}
    return render(request, "users.html", me, status_code=status_code, people=people,
                  roles=_ROLES, error=error, done=done)


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request, session: SessionDep, me: WebUser,
    changed: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    was: Annotated[str, Query(max_length=40)] = "",
    tasks: Annotated[int, Query(ge=0, le=10**9)] = 0,
    packages: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Response:
    """Every account (deactivated ones too) with its role and a form to change it; after a
    change (``changed``: the user's id) what it did."""
    require(session, me.user, Action.MANAGE_USERS)
    return _page(request, session, me, changed=None if changed is None else {
        "id": changed, "was": was, "tasks": tasks, "packages": packages})


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
