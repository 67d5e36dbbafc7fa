"""HTML error pages for every path outside the API: unknown URLs, wrong methods, malformed
path parameters and unexpected failures answer the ``error.html`` page (with the navigation)
instead of problem+json. The API's paths (and the pages' own ``/web/api`` JSON endpoints) keep
the handlers the API installed, which this module wraps."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from datamill.web.routes._common import error_page, page_language, wants_html
from datamill.web.routes.imports import LARGE_BODIES as IMPORT_BODIES

__all__ = ["install_page_errors"]

log = logging.getLogger("datamill.web")
#: the data-import form's path, whose 413 page says what an import takes
_IMPORT_FORM = re.compile("|".join(pattern for pattern, _, _ in IMPORT_BODIES))
Handler = Callable[[Request, Exception], Awaitable[Response] | Response]
#: the form problems a page lists (a form has a few fields; the rest are counted)
_MAX_SHOWN = 10


def _wrap(fallback: Handler | None, status_of: Callable[[Exception], int],
          message_of: Callable[[Request, Exception], str | None]) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        if fallback is not None and not wants_html(request):
            answer = fallback(request, exc)
            return await answer if isinstance(answer, Awaitable) else answer
        status = status_of(exc)
        if status >= 500:  # noqa: PLR2004 - server errors are logged with their traceback
            log.error("page error on %s %s", request.method, request.url.path, exc_info=exc)
        resp = error_page(request, status, message_of(request, exc))
        if isinstance(exc, StarletteHTTPException) and exc.headers:
            resp.headers.update(exc.headers)
        return resp

    return handle


def _http_message(request: Request, exc: Exception) -> str | None:
    from datamill.web.i18n import t

    status = getattr(exc, "status_code", 500)
    return t("error.no_page", page_language(request)) if status == 404 else None  # noqa: PLR2004


def _form_problems(request: Request, exc: Exception) -> str | None:
    """What was wrong with a form's fields (a number that is not one, a value out of range, a
    field missing), each naming its field, in the page's language: the page said only
    "Invalid input"."""
    from datamill.modalities.parse_problems import request_error
    from datamill.modalities.problem_words import LANGUAGES

    if not isinstance(exc, RequestValidationError):
        return None
    lang = page_language(request)
    table = LANGUAGES.get(lang, LANGUAGES["en"])
    raw = exc.errors()
    said: list[str] = []
    for error in raw[:_MAX_SHOWN]:
        error = _labelled(request.url.path, error, lang)  # the field as the form shows it
        entry = request_error(error, exc.body, lang)
        field = entry["field"].removeprefix("body.").removeprefix("query.")
        line = entry["message"] if lang != "en" else f"{field}: {entry['message']}"
        if line not in said:
            said.append(line)
    if len(raw) > _MAX_SHOWN:
        said.append(table["prob.more"].format(more=len(raw) - _MAX_SHOWN))
    return table["prob.list_sep"].join(said) or None


def _labelled(path: str, error: Any, lang: str) -> Any:
    """``error`` with its field's name replaced by the visible label of the form posting to
    ``path`` (:func:`datamill.web.form_labels.label_key`), in ``lang``; as it was when the form
    shows no label for it."""
    from datamill.web.form_labels import label_key
    from datamill.web.i18n import t

    loc = tuple(error.get("loc", ()))
    if len(loc) != 2 or loc[0] not in ("body", "query") or not isinstance(loc[1], str):  # noqa: PLR2004
        return error
    key = label_key(path, loc[1])
    label = t(key, lang).strip().rstrip(":：") if key is not None else ""
    # a label with a number in it ("Segment {n}") names one of several boxes, not the field;
    # a field with no label keeps its name, as a form's ("offset", not "query.offset")
    return {**error, "loc": ("body", label if label and "{" not in label else loc[1])}


def _body_limit_page(request: Request, limit: int) -> Response | None:
    """The page for a request body over the server's limit (a form too large), in the page's
    language; None for the API's requests (they keep the 413 problem)."""
    from datamill.web.i18n import t

    if not wants_html(request):
        return None
    key = "imp.too_large_sent" if _IMPORT_FORM.fullmatch(request.url.path) else (
        "error.body_too_large")
    message = t(key, page_language(request)).replace("{limit}", f"{limit:,}")
    return error_page(request, 413, message)


def install_page_errors(app: FastAPI) -> None:
    """Answer errors outside the API with HTML pages; call after the API's handlers are in."""
    app.state.body_limit_page = _body_limit_page  # read by the API's body-size limit
    handlers = app.exception_handlers
    app.add_exception_handler(StarletteHTTPException, _wrap(
        handlers.get(StarletteHTTPException), lambda e: getattr(e, "status_code", 500),
        _http_message))
    app.add_exception_handler(RequestValidationError, _wrap(
        handlers.get(RequestValidationError), lambda e: 422, _form_problems))
    app.add_exception_handler(Exception, _wrap(
        handlers.get(Exception), lambda e: 500, lambda r, e: None))
