"""Shared pieces of the web routers: templates, the signed-in user, HTML errors, CSP."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from datamill.business_clock import business_day, business_time
from datamill.catalog.access import customer_language
from datamill.catalog.inbox import customer_inbox
from datamill.catalog.staff_inbox import INBOX_ROLES
from datamill.compliance.models import User
from datamill.compliance.permissions import Scope, role_scope
from datamill.compliance.roles import Action, allowed
from datamill.config import business_timezone
from datamill.core.errors import DatamillError, Forbidden, InvalidInput
from datamill.core.flags import text_flag
from datamill.core.shown_numbers import (
    shown_money,
    shown_percent,
    shown_price,
    shown_rate,
    shown_volume,
)
from datamill.core.storable import driver_refusal
from datamill.http_deps import (
    RuntimeDep,
    SessionDep,
    cookie_session_token,
    refuse_unit_of_work,
    remember_caller,
    told_caller,
    unseen_project_refusal,
)
from datamill.modalities.problem_words import word_error, word_refusal
from datamill.web.auth import NotSignedIn, WebSession, check_csrf, signed_in
from datamill.web.check_text import (
    check_sentence,
    coded_sentence,
    inspection_reason,
    return_reason,
    review_reason,
)
from datamill.web.i18n import LANG_COOKIE, LANGUAGE_NAMES, negotiate, t, translator
from datamill.web.i18n_image import EN_IMAGE
from datamill.web.text_spans import span_layout, version_words
from datamill.workforce.policies import managed_vendor_id

__all__ = [
    "CSP",
    "JSON_PREFIXES",
    "FormFlag",
    "HtmlRoute",
    "SignedIn",
    "Viewer",
    "WebUser",
    "admitted_by_session",
    "business_timezone_name",
    "code_label",
    "error_in_page_language",
    "error_page",
    "package_label",
    "page_csp",
    "page_language",
    "problems_in_page_language",
    "render",
    "require_csrf",
    "templates",
    "utc_iso",
    "wants_html",
]

log = logging.getLogger("datamill.web")
_HERE = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=str(_HERE / "templates"))
templates.env.globals["t"] = t
templates.env.globals["volume"] = shown_volume  # one rule for a volume's places, every face
templates.env.globals["shown_money"] = shown_money  # money: 2 places, every face
templates.env.globals["shown_price"] = shown_price  # a price per unit: as stored (2-4 places)
templates.env.globals["shown_rate"] = shown_rate  # a tax rate: its exact percentage
templates.env.globals["shown_percent"] = shown_percent  # a share: 2 places, every face
templates.env.globals["allowed"] = allowed
templates.env.globals["Action"] = Action
templates.env.globals["role_scope"] = role_scope
templates.env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
#: the image workbench's strings, handed to it in the page's language (image/workbench.html)
templates.env.globals["IMAGE_STRING_KEYS"] = tuple(EN_IMAGE)
#: every span of a text annotation, nested ones too, for the text pages (text/review.html)
templates.env.globals["span_layout"] = span_layout
templates.env.globals["version_words"] = version_words


def when(at: datetime | None, *, seconds: bool = False) -> str:
    """A stored (UTC) moment on the business's clock, its offset named:
    ``2026-12-01 03:00 UTC+08:00`` ('' for None). Pages show business time, as the days the
    books hang on are business days (:mod:`datamill.business_clock`)."""
    return "" if at is None else business_time(at, seconds=seconds)


def utc_iso(at: datetime) -> str:
    """``at`` (aware, or naive UTC as SQLite hands it back) as an ISO string with its UTC
    offset, for the pages' JavaScript to show with ``when`` (``static/common.js``)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def business_timezone_name() -> str:
    """The IANA name of the business's time zone, handed to the pages' JavaScript
    (``<html data-business-timezone>``) so that a moment it shows reads as :func:`when` writes
    it (``static/common.js``: ``when``)."""
    return business_timezone().key


templates.env.globals["when"] = when
templates.env.globals["utc_iso"] = utc_iso
templates.env.globals["business_day"] = business_day
templates.env.globals["business_timezone_name"] = business_timezone_name

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

    def __init__(self, user: User, ws: WebSession, manages: int | None = None) -> None:
        self.user = user
        self.csrf = ws.csrf
        self.web_session = ws
        #: the vendor this person manages (the navigation links its page), or None
        self.manages = manages


def _managed_vendor(session: Session, user: User) -> int | None:
    """The vendor the navigation links as "My vendor": asked only of people who do not see
    every vendor (a vendor's manager is a worker record, whatever the base role)."""
    if role_scope(user.role, Action.VIEW_WORKFORCE) is Scope.ANY:
        return None
    return managed_vendor_id(session, user)


def _signed_in(request: Request, session: SessionDep, runtime: RuntimeDep) -> SignedIn:
    user, ws = signed_in(request, session, runtime.settings)
    manages = _managed_vendor(session, user)
    request.state.viewer = Viewer(user.id, user.username, user.role, ws.csrf, manages)
    # a customer's people read in their organisation's language where the browser chose none
    request.state.preferred_language = customer_language(session, user)
    if user.role in INBOX_ROLES:  # the navigation's count of unread notices
        request.state.inbox_unread = customer_inbox(session, user).unread
    remember_caller(request, user)
    return SignedIn(user, ws, manages)


WebUser = Annotated[SignedIn, Depends(_signed_in)]


def require_csrf(request: Request, me: SignedIn, form_token: str | None = None) -> None:
    check_csrf(me.csrf, form_token or request.headers.get("x-csrf-token"))


def page_language(request: Request) -> str:
    """The ``lang`` cookie's language (the reader's own choice), else the language of the
    customer a signed-in customer account acts for, else the best ``Accept-Language`` match,
    else English."""
    chosen = request.cookies.get(LANG_COOKIE) or getattr(request.state, "preferred_language",
                                                         None)
    return negotiate(request.headers.get("accept-language"), chosen)


def code_label(tr: Callable[[str], str]) -> Callable[..., str]:
    """``tc(kind, code)`` for templates: the catalogue's ``<kind>.<code>`` (a status, role,
    verdict...) in the page's language, else the code itself; empty for None. Given the number
    it follows as shown (``tc('unit', 'hours', volume(v))``), a shown "1" takes the catalogue's
    ``<kind>.<code>.one`` where there is one: "1 hour", "1.5 hours"."""

    def label(kind: str, code: object, shown: object = None) -> str:
        if code is None or code == "":
            return ""
        key = f"{kind}.{code}"
        if shown is not None and str(shown) == "1" and tr(f"{key}.one") != f"{key}.one":
            key = f"{key}.one"
        text = tr(key)
        if text == key and kind == "modality" and "." in str(code):
            # a sub-kind no catalogue names (a bought set's text.dialogue): its family's word,
            # the code beside it; English pages show the code as it is
            family = str(code).split(".", 1)[0]
            word = tr(f"modality.{family}")
            if word not in (f"modality.{family}", family):
                return f"{word}{tr('sp.lparen_after')}{code}{tr('sp.rparen')}"
        return str(code) if text == key else text

    return label


def counted(tr: Callable[[str], str]) -> Callable[[str, float], str]:
    """``tn(key, n)`` for templates: the catalogue's ``<key>.one`` for a count of one (when the
    language has it), else ``<key>``, its ``{n}`` filled (``%g``): "1 speaker", "2 speakers"."""

    def sentence(key: str, n: float) -> str:
        one = f"{key}.one"
        text = tr(one) if n == 1 and tr(one) != one else tr(key)
        return text.replace("{n}", f"{n:g}")

    return sentence


def package_label(tc: Callable[[str, object], str], lang: str) -> Callable[[str, str], str]:
    """``tpkg(name, stage)`` for templates: a work package's generated name (``annotate-0003``,
    ``production.tasks``) with its stage in the page's language (``标注-0003``); English pages
    and names given by hand show the name itself."""

    def label(name: str, stage: str) -> str:
        number = name.removeprefix(f"{stage}-")
        if lang == "en" or number == name or not number.isdigit():
            return name
        return f"{tc('stage', stage)}-{number}"

    return label


def source_label(tc: Callable[[str, object], str]) -> Callable[[object], str]:
    """``tsrc(ref)`` for templates: a ledger cost's ``source_ref`` (``claim:REC-7``,
    ``settlement:WF-2026-0001:3:annotate``) with its kind and stage in the page's language
    (报销单 REC-7, 结算单 WF-2026-0001 · 3 · 标注); a reference written by hand as itself."""

    def label(ref: object) -> str:
        if ref is None or ref == "":
            return ""
        prefix, _, rest = str(ref).partition(":")
        kind = tc("fin.src", prefix)
        if not rest or kind == prefix:
            return str(ref)
        parts = []
        for part in rest.split(":"):
            word = tc("stage", part)
            parts.append(tc("fin.src", part) if word == part else word)
        return f"{kind} {' · '.join(parts)}"

    return label


def render(
    request: Request, name: str, me: SignedIn | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    lang = page_language(request)
    tr = translator(lang)
    tc = code_label(tr)
    viewer = context.get("user")
    context.update(me=me, user=me.user if me else viewer,
                   nav_vendor=me.manages if me else getattr(viewer, "manages", None),
                   nav_inbox=getattr(request.state, "inbox_unread", None),
                   csrf=me.csrf if me else context.get("csrf", ""), lang=lang, t=tr,
                   tc=tc, tpkg=package_label(tc, lang), tcheck=check_sentence(tr, lang),
                   treason=inspection_reason(tr, lang), trev=review_reason(tr),
                   treturn=return_reason(tr, lang), tcoded=coded_sentence(tr, lang),
                   tsrc=source_label(tc), tn=counted(tr))
    resp = templates.TemplateResponse(request, name, context, status_code=status_code)
    resp.headers["Vary"] = "Accept-Language, Cookie"
    resp.headers["Content-Security-Policy"] = page_csp(request)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    return resp


@contextlib.contextmanager
def problems_in_page_language(request: Request) -> Iterator[None]:
    """Around a workbench's submit: a modality's refusal (``InvalidInput`` with ``problems``,
    each coded) reaches the page worded for people in its language, English too (the
    catalogue's sentences, objects counted from 1 as the page's list counts them): ``detail``
    and each problem's ``detail``; ``message_en`` keeps the modality's English line."""
    try:
        yield
    except InvalidInput as err:
        worded = word_refusal(err.details, page_language(request))
        if worded is not None:
            listed, said = worded
            err.details = {**listed, "message_en": err.message}
            err.message = said
            err.args = (said,)
        raise


#: paths whose errors stay problem+json (the API and the pages' own JSON endpoints)
JSON_PREFIXES = ("/api/", "/web/api/")


def wants_html(request: Request) -> bool:
    """Whether an error on this request is answered with the HTML error page: every path outside
    the API and the pages' JSON endpoints, unless the client asks for JSON only."""
    path = request.url.path
    if path == "/api" or path.startswith(JSON_PREFIXES):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "json" not in accept


@dataclass(frozen=True)
class Viewer:
    """What the navigation needs of the signed-in person, kept on ``request.state`` when the
    page's dependencies sign them in (their ORM row may be gone with a rolled-back session)."""

    id: int
    username: str
    role: str
    csrf: str
    manages: int | None = None


def _viewer(request: Request) -> Viewer | None:
    """The signed-in person for an error page's navigation.

    A page that signed them in left a :class:`Viewer` on ``request.state``. A URL that matched
    no route ran no dependency, so a session of its own may read the cookie; anywhere else the
    failed request may still hold its session (SQLite's writer lock), so nobody is shown.
    """
    seen = getattr(request.state, "viewer", None)
    if isinstance(seen, Viewer):
        return seen
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None or "endpoint" in request.scope:
        return None
    try:
        with runtime.session() as session:
            user, ws = signed_in(request, session, runtime.settings)
            # the page is worded in the customer's language, as the pages it did not find
            request.state.preferred_language = customer_language(session, user)
            return Viewer(user.id, user.username, user.role, ws.csrf,
                          _managed_vendor(session, user))
    except NotSignedIn:
        return None
    except Exception:  # noqa: BLE001 - an error page must render even when this fails
        log.debug("no viewer for the error page on %s", request.url.path, exc_info=True)
        return None


def _known(key: str, lang: str) -> str | None:
    """The catalogue's text for ``key`` in ``lang``, or None where the catalogue has none."""
    text = t(key, lang)
    return None if text == key else text


def _domain_message(error: DatamillError, lang: str) -> tuple[str, str | None]:
    """A service error's sentence for a page in ``lang``: (text, the English original when the
    text is a translation or the English stands in for one). English pages show the service's
    own sentence. Other languages word the coded refusals from the one registry the API and
    the CLI word them from too (:func:`~datamill.modalities.problem_words.word_error`: a
    ``reason_code``, the refused action named in the language, or a modality's problems) and
    otherwise show the English sentence, marked as English."""
    if lang == "en":
        return error.message, None
    said, details = word_error(error.message, error.details, lang)
    return said, str(details.get("message_en", error.message))


def error_in_page_language(request: Request, error: DatamillError) -> str:
    """A service error's sentence for a form's inline refusal, in the page's language where
    the one registry words it, else the service's English sentence (see
    :func:`_domain_message`)."""
    return _domain_message(told_caller(request, error), page_language(request))[0]


def error_page(
    request: Request, status: int, message: str | None = None, code: str | None = None,
    error: DatamillError | None = None,
) -> HTMLResponse:
    """The HTML error page, inside ``base.html`` with the signed-in person's navigation.

    Its heading says in the page's language what kind of error it is (``error.code.<code>``,
    else ``error.status.<status>``), then what that kind generally means
    (``error.explain.<code>``); ``message`` is the detail, shown below it. A service ``error``
    gives its own sentence, in the page's language where the catalogue words it (see
    :func:`_domain_message`), else in English, marked so.
    """
    viewer = _viewer(request)  # first: a customer's language words the page too
    lang = page_language(request)
    heading = next((t(k, lang) for k in (f"error.code.{code}", f"error.status.{status}")
                    if t(k, lang) != k), t("error.title", lang))
    explain = _known(f"error.explain.{code}", lang) if code else None
    original: str | None = None
    if error is not None:
        message, original = _domain_message(error, lang)
    return render(request, "error.html", None, status_code=status, status=status,
                  heading=heading, explain=explain, message=message,
                  english=original is not None and original == message, original=original,
                  error_id=uuid.uuid4().hex, user=viewer, csrf=viewer.csrf if viewer else "")


class HtmlRoute(APIRoute):
    """Pages answer errors with HTML (and a sign-in redirect), not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except (NotSignedIn, DatamillError, OverflowError, DataError) as exc:
                # answered here with a page, so no error reaches the request's session: it is
                # told to roll back what the request wrote (``http_deps.get_session``)
                refuse_unit_of_work(request)
                return _refusal_page(request, exc)

        return route


def _refusal_page(request: Request, exc: Exception) -> Response:
    """The page answering an error a page route raised (:class:`HtmlRoute`)."""
    if isinstance(exc, NotSignedIn):
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        nxt = quote(target if request.method == "GET" else "/", safe="/")
        return RedirectResponse(f"/login?next={nxt}", status_code=303)
    if isinstance(exc, DatamillError):
        if isinstance(exc, Forbidden):  # a project one may not see: as a missing one
            exc = unseen_project_refusal(request) or exc
        log.info("page problem %s on %s: %s", exc.code, request.url.path, exc.message)
        exc = told_caller(request, exc)
        return error_page(request, exc.status, exc.message, exc.code, error=exc)
    # OverflowError, DataError: an id beyond what the database holds
    if driver_refusal(exc) == "nul":  # not a number: text PostgreSQL cannot take
        return error_page(request, 422, t("error.text_nul", page_language(request)),
                          "invalid_input")
    return error_page(request, 404, t("error.out_of_range", page_language(request)),
                      "not_found")


def admitted_by_session(request: Request,
                        may: Callable[[Session, User], bool] = lambda _s, _u: True) -> bool:
    """Whether the request comes from a live web session whose person ``may`` send it: the
    body-size limit's ``admit`` for a route whose bodies pass the request limit (asked before
    the body is read, so a stranger's large body is never buffered)."""
    from datamill.compliance.sessions import lookup_session

    runtime = getattr(request.app.state, "runtime", None)
    token = None if runtime is None else cookie_session_token(request, runtime.settings)
    if runtime is None or token is None:
        return False
    with runtime.session() as session:
        grant = lookup_session(session, token)
        return grant is not None and may(session, grant.user)


def _form_flag(value: object) -> object:
    return text_flag(value, "a box is ticked with true (its form sends that); yes, on and 1 "
                            "are not read as ticked")


FormFlag = Annotated[bool, Form(), BeforeValidator(_form_flag)]
"""A ticked box of a form whose checkbox sends ``value="true"``: ``true`` or ``false`` only, as
the API's flags (lax parsing read ``confirm=yes`` on the subject-erasure form, ``1`` or ``on``,
as ticked)."""
