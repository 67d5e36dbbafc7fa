"""Shared pieces of the web routers: templates, the signed-in user, HTML errors, CSP."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DataError

from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.core.errors import DatamillError
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.web.auth import NotSignedIn, WebSession, check_csrf, signed_in
from datamill.web.i18n import LANG_COOKIE, LANGUAGE_NAMES, negotiate, t, translator

__all__ = [
    "CSP",
    "HtmlRoute",
    "SignedIn",
    "WebUser",
    "page_csp",
    "page_language",
    "render",
    "require_csrf",
    "templates",
]

log = logging.getLogger("datamill.web")
_HERE = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=str(_HERE / "templates"))
templates.env.globals["t"] = t
templates.env.globals["allowed"] = allowed
templates.env.globals["Action"] = Action
templates.env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def page_csp(request: Request) -> str:
    """:data:`CSP`, letting media and images come from the object store when blobs live there
    (the media routes then answer with a redirect to a signed URL)."""
    runtime = getattr(request.app.state, "runtime", None)
    settings = getattr(runtime, "settings", None)
    if settings is None or not str(settings.resolved_storage_url()).startswith(("s3://", "s3a://")):
        return CSP
    origin = "https:"
    if settings.s3_endpoint_url:
        parts = urlsplit(settings.s3_endpoint_url)
        origin = f"{parts.scheme}://{parts.netloc}"
    return (CSP.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")
            .replace("media-src 'self' blob:", f"media-src 'self' blob: {origin}")
            .replace("connect-src 'self'", f"connect-src 'self' {origin}"))


class SignedIn:
    """The user and CSRF token behind the session cookie."""

    def __init__(self, user: User, ws: WebSession) -> None:
        self.user = user
        self.csrf = ws.csrf
        self.web_session = ws


def _signed_in(request: Request, session: SessionDep, runtime: RuntimeDep) -> SignedIn:
    user, ws = signed_in(request, session, runtime.settings)
    return SignedIn(user, ws)


WebUser = Annotated[SignedIn, Depends(_signed_in)]


def require_csrf(request: Request, me: SignedIn, form_token: str | None = None) -> None:
    check_csrf(me.csrf, form_token or request.headers.get("x-csrf-token"))


def page_language(request: Request) -> str:
    """The ``lang`` cookie's language, else the best ``Accept-Language`` match, else English."""
    return negotiate(request.headers.get("accept-language"), request.cookies.get(LANG_COOKIE))


def render(
    request: Request, name: str, me: SignedIn | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    lang = page_language(request)
    context.update(me=me, user=me.user if me else None, csrf=me.csrf if me else "",
                   lang=lang, t=translator(lang))
    resp = templates.TemplateResponse(request, name, context, status_code=status_code)
    resp.headers["Vary"] = "Accept-Language, Cookie"
    resp.headers["Content-Security-Policy"] = page_csp(request)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    return resp


class HtmlRoute(APIRoute):
    """Pages answer errors with HTML (and a sign-in redirect), not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except NotSignedIn:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                nxt = quote(target if request.method == "GET" else "/", safe="/")
                return RedirectResponse(f"/login?next={nxt}", status_code=303)
            except DatamillError as exc:
                error_id = uuid.uuid4().hex
                log.info("page problem %s %s on %s: %s", error_id, exc.code, request.url.path,
                         exc.message)
                return render(
                    request, "error.html", None, status_code=exc.status, status=exc.status,
                    message=exc.message, error_id=error_id,
                )
            except (OverflowError, DataError):  # an id beyond what the database holds
                return render(
                    request, "error.html", None, status_code=404, status=404,
                    message=t("error.out_of_range", page_language(request)), error_id=uuid.uuid4().hex,
                )

        return route
