"""API request dependencies: the caller behind a bearer token, and permissions (the runtime and
the per-request session come from :mod:`datamill.http_deps`, shared with the web face)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from datamill.api.params import MAX_ID
from datamill.catalog.access import customer_language
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action
from datamill.compliance.users import user_for_token
from datamill.core.errors import InvalidInput, Unauthorized
from datamill.db.session import reads_first
from datamill.http_deps import (
    RuntimeDep,
    SessionDep,
    get_runtime,
    get_session,
    remember_caller,
)

__all__ = [
    "CurrentUser",
    "Require",
    "RuntimeDep",
    "SessionDep",
    "get_current_user",
    "get_runtime",
    "get_session",
]


_bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/v1/auth/token")


def get_current_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user behind ``Authorization: Bearer <token>``; 401 problem when missing or invalid."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    with reads_first(session):  # on SQLite the token lookup takes no writer lock
        return user_for_token(session, credentials.credentials)


def _caller(
    request: Request, session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """:func:`get_current_user`, kept on the request for
    :func:`~datamill.http_deps.hide_unseen_projects`."""
    user = get_current_user(session, credentials)
    remember_caller(request, user)
    # a customer account's refusals read in its organisation's language where the request
    # names none (problem.py's _caller_language)
    request.state.preferred_language = customer_language(session, user)
    return user


CurrentUser = Annotated[User, Depends(_caller)]


class Require:
    """Dependency: the permission matrix must let the caller do ``action`` (and each of
    ``also``), via :func:`datamill.compliance.permissions.authorize`.

    On routes with a ``{project_id}`` path parameter it also checks that the project exists (404)
    and that the caller is a member (403); the routers' :func:`~datamill.http_deps.hide_unseen_projects`
    turns a refusal on a project the caller may not see into the missing project's 404, so
    project ids cannot be probed. Where ``{project_id}`` names something else that
    belongs to a production project (a ledger project), ``project_of(session, id)`` resolves it
    (raising NotFound). Routes addressing a task, batch, inspection or delivery repeat the
    membership check in the handler once the project is known
    (``require(session, user, action, project_id)``).
    """

    def __init__(
        self, action: Action, *also: Action,
        project_of: Callable[[Session, int], int] | None = None,
    ) -> None:
        self.action = action
        self.actions = (action, *also)  # every one must be allowed
        self.project_of = project_of

    def __call__(self, request: Request, session: SessionDep, user: CurrentUser) -> User:
        return self.check(session, user, request.path_params.get("project_id"))

    def check(self, session: Session, user: User, raw: str | None) -> User:
        """The check itself, for the route's ``{project_id}`` text ``raw`` (None: none)."""
        project_id: int | None = None
        if raw is not None:
            from datamill.production.projects import get_project

            try:
                project_id = int(raw)
            except ValueError as err:  # path validation normally catches this first
                raise InvalidInput(
                    f"project id {raw!r} is not a number", field="project_id"
                ) from err
            if not 1 <= project_id <= MAX_ID:  # dependencies run before path validation
                raise InvalidInput(
                    f"project id {raw} is out of range: ids are 1..{MAX_ID}", field="project_id"
                )
            if self.project_of is not None:
                project_id = self.project_of(session, project_id)
            else:
                get_project(session, project_id)  # NotFound → 404 before membership → 403
        for action in self.actions:  # a refusal on an unseen project: the router's
            authorize(session, user, action, project_id=project_id)  # hide_unseen_projects
        return user
