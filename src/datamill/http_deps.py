"""Request dependencies shared by the HTTP faces (API and web): the runtime and one session
per request.

``SessionDep`` is a unit of work: committed when the endpoint returns, rolled back when it
raises, and closed **before** the response is sent (``scope="function"``), so a client never sees
a success that was not committed. The API adds bearer-token callers (``datamill.api.deps``), the
web signed-in people (``datamill.web.routes._common``); neither face imports the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from datamill.core.errors import DatamillError, Forbidden, NotFound
from datamill.core.storable import MAX_ID, digits
from datamill.runtime import Runtime

if TYPE_CHECKING:
    from datamill.compliance.models import User
    from datamill.config import Settings


__all__ = [
    "SESSION_COOKIE",
    "RuntimeDep",
    "SessionDep",
    "cookie_session_token",
    "get_runtime",
    "get_session",
    "hide_unseen_projects",
    "refuse_unit_of_work",
    "remember_caller",
    "session_cookie_serializer",
    "told_caller",
    "unseen_project_refusal",
]

def told_caller(request: Request, error: DatamillError) -> DatamillError:
    """``error`` as the signed-in caller may hear it
    (:func:`datamill.compliance.file_whereabouts.told_role`): a refusal naming where an item's
    file lies on the server goes whole to those who may manage projects; anyone else hears that
    the file cannot be read now. The log keeps the whole refusal under the same error id. A
    request with no signed-in caller hears no path either."""
    from datamill.compliance.file_whereabouts import told_role

    role: str | None = getattr(request.state, "caller_role", None)
    return told_role(role or "", _retention_told(request, error))


def _retention_told(request: Request, error: DatamillError) -> DatamillError:
    """A missing file the retention run deleted is said so (404, its certificate), not as a
    storage failure to restore from a backup (:mod:`datamill.catalog.retention_gone`)."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if error.code != "blob_missing" or runtime is None:
        return error
    from datamill.catalog.retention_gone import retention_deleted

    with runtime.session() as session:
        return retention_deleted(session, error) or error


async def get_runtime(request: Request) -> Runtime:
    """The app's runtime (``async``: a plain attribute read needs no worker thread)."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:  # lifespan not run yet (or failed): nothing to serve with
        raise RuntimeError("the datamill runtime is not started")
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep, request: Request) -> Iterator[Session]:
    with runtime.session() as session:
        yield session
        if getattr(request.state, REFUSED, False):
            # A page answered a refusal with its error page (``web.routes._common.HtmlRoute``
            # catches the error, so none reaches this generator): its unit of work is undone
            # as the API's is. Before, a web form refused after a write committed that write
            # (a review refused 409 left its task taken, with no review recorded).
            session.rollback()


REFUSED = "datamill_refused"
"""``request.state`` flag a face sets when it answers an error itself: :func:`get_session`
then rolls the request's unit of work back instead of committing it."""


def refuse_unit_of_work(request: Request) -> None:
    """Mark the request refused: its session is rolled back, not committed (see
    :func:`get_session`)."""
    setattr(request.state, REFUSED, True)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def remember_caller(request: Request, user: User) -> None:
    """Keep the signed-in caller for :func:`hide_unseen_projects` (the faces' user
    dependencies call it)."""
    request.state.caller = user
    # the role as plain text: the user row is detached (and expired, after a rollback) by the
    # time an error handler asks (:func:`told_caller`)
    request.state.caller_role = user.role


def hide_unseen_projects(request: Request, session: SessionDep) -> Iterator[None]:
    """Dependency for routes naming a production project in their path (``{project_id}``): a
    refusal (Forbidden) on a project the caller may not see — no member of it, or not cleared
    for it (:func:`datamill.compliance.access.sees_project`) — answers as the project were
    missing: the NotFound of an id never given out, word for word, so that project ids cannot
    be probed. Whoever sees the project still hears why they are refused (403). Covers the
    checks made in the handlers and the services they call, not only the route's permission
    dependency. A face that answers errors inside the route (the web's pages) asks
    :func:`unseen_project_refusal` instead, before the refusal reaches here."""
    request.state.project_session = session
    try:
        yield
    except Forbidden:
        missing = unseen_project_refusal(request)
        if missing is not None:
            raise missing from None
        raise
    finally:
        request.state.project_session = None


def unseen_project_refusal(request: Request) -> NotFound | None:
    """The NotFound of a missing project when the route's ``{project_id}`` names a project the
    signed-in caller may not see (see :func:`hide_unseen_projects`, which must guard the route),
    else None."""
    raw = request.path_params.get("project_id")
    user: User | None = getattr(request.state, "caller", None)
    session: Session | None = getattr(request.state, "project_session", None)
    if user is None or session is None or not isinstance(raw, str) or not digits(raw) \
            or not 1 <= int(raw) <= MAX_ID:
        return None
    from datamill.compliance.access import hide_unseen_project

    try:
        hide_unseen_project(session, user, int(raw))
    except NotFound as missing:
        return missing
    return None


HideUnseenProjects = Depends(hide_unseen_projects, scope="function")
"""The dependency :func:`hide_unseen_projects` (a router's ``dependencies``)."""


#: the web sign-in cookie (``datamill.web.auth``): an opaque session token, signed
SESSION_COOKIE = "datamill_session"


def session_cookie_serializer(settings: Settings) -> URLSafeTimedSerializer:
    """What signs and reads the web sign-in cookie (secret: ``compliance.keys``)."""
    from datamill.compliance.keys import session_secret

    return URLSafeTimedSerializer(session_secret(settings), salt="datamill.web.session")


def cookie_session_token(request: Request, settings: Settings) -> str | None:
    """The session token in the request's sign-in cookie (None: no cookie, a bad signature,
    an expired or malformed one). Both faces read it: the pages to sign people in, the API
    where a browser's request carries it (a transfer-link download)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data: Any = session_cookie_serializer(settings).loads(
            raw, max_age=settings.session_hours * 3600)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str) or not data["sid"]:
        return None
    return str(data["sid"])
