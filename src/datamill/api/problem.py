"""RFC 9457 problem details for every error the API returns.

Every problem carries a stable ``code`` and an ``error_id`` that is also written to the log, so a
user can quote it and an operator can find the matching log line. Tracebacks never reach clients.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from datamill.api.params import ID_DOC
from datamill.core.errors import DatamillError
from datamill.core.problem_type import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from datamill.core.storable import MAX_STORED_ID, digits, driver_refusal
from datamill.http_deps import told_caller
from datamill.modalities.parse_problems import request_error
from datamill.modalities.problem_words import (
    LANGUAGES,
    MAX_PROBLEMS,
    PAGE_LANG_COOKIE,
    problem_language,
    word_error,
)

__all__ = [
    "PROBLEM_BASE",
    "PROBLEM_MEDIA_TYPE",
    "caller_language",
    "document_problems",
    "install_problem_handlers",
    "localized_problem",
    "problem_response",
    "problem_responses",
]

_RESERVED = frozenset({"type", "title", "status", "detail", "instance", "code", "error_id"})
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    408: "request_timeout",
    429: "too_many_requests",
}

log = logging.getLogger("datamill.api")

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": (
        "An RFC 9457 problem; further members carry details. A refused annotation (422 "
        "invalid_input) lists ``problems``: one record per problem with a stable ``code``, the "
        "English ``message`` (naming the ``field`` path), ``detail`` (the sentence for people "
        "in the Accept-Language language, en or zh-CN, objects counted from 1), ``object`` and "
        "``number`` (an object's index from 0 and from 1) where the problem is an object's, "
        "and the values the sentence names; with zh-CN, ``detail`` is worded too and "
        "``message_en`` keeps the English. A request that does not match the endpoint's "
        "schema lists ``errors`` (``field``, ``message``, pydantic's ``type``)."),
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "description": "A stable machine-readable code"},
        "error_id": {"type": "string", "description": "Quoted in the server log"},
        "problems": {
            "type": "array",
            "description": "A refused annotation's problems, one coded record each",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "description": "A stable reason code"},
                    "message": {"type": "string", "description": "English, naming the field"},
                    "detail": {"type": "string", "description": "For people, in the "
                               "Accept-Language language (en or zh-CN)"},
                    "field": {"type": "string"},
                    "object": {"type": "integer", "description": "The object's index from 0"},
                    "number": {"type": "integer", "description": "The same, from 1"},
                },
                "required": ["code", "message", "detail"],
                "additionalProperties": True,
            },
        },
        "message_en": {"type": "string", "description": "The English detail, when "
                       "``detail`` is in another language"},
    },
    "required": ["type", "title", "status", "detail", "code", "error_id"],
    "additionalProperties": True,
}
#: service errors worded generically in the caller's language (the refusals a client meets
#: before any input is judged; a conflict or invalid input keeps its precise English sentence)
_GENERIC_CODES = frozenset({"unauthorized", "forbidden", "not_found"})
_WRITES = frozenset({"post", "put", "patch", "delete"})
_WHEN = {
    401: "Missing, invalid or revoked credentials",
    403: "Your role or project membership does not allow this",
    404: "A referenced object does not exist",
    408: "The request body came too slowly (the connection is closed)",
    409: "The request conflicts with the current state",
    413: "The request body is too large",
    422: "The request is invalid (path, query or body)",
    429: "Too many refused attempts (see the detail for which limit): wait the Retry-After seconds",
    400: "The server could not read the request as HTTP/1.1 (answered before the API sees it)",
    414: "The URL is over 64 KB (answered before the API sees it)",
    431: "The request line and headers are over 64 KB together (answered before the API sees it)",
}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _safe(value: Any) -> Any:
    try:
        return jsonable_encoder(value)
    except (TypeError, ValueError):
        return str(value)


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    detail: str,
    error_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response; ``extra`` members never override the standard ones."""
    body: dict[str, Any] = {k: _safe(v) for k, v in (extra or {}).items() if k not in _RESERVED}
    body.update(
        type=PROBLEM_BASE + code,
        title=_title(status),
        status=status,
        detail=detail,
        instance=request.url.path,
        code=code,
        error_id=error_id or uuid.uuid4().hex,
    )
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {})
    )


async def _datamill_error(request: Request, exc: Exception) -> JSONResponse:
    exc = cast("DatamillError", exc)
    error_id = uuid.uuid4().hex
    log.info(
        "problem %s %s on %s %s: %s",
        error_id,
        exc.code,
        request.method,
        request.url.path,
        exc.message,
    )
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    exc = told_caller(request, exc)  # logged whole above; said as the caller may hear it
    detail, extra = _worded(request, exc.message, exc.details)
    if exc.code in _GENERIC_CODES and "message_en" not in extra:
        # no coded wording: the generic sentence of its kind, the English kept in message_en
        detail, more = _generic(request, exc.code, exc.message)
        extra = {**extra, **more}
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        detail=detail,
        error_id=error_id,
        extra=extra,
        headers=headers,
    )


def caller_language(request: Request) -> str:
    """The language to word an answer in for this request's caller (en or zh-CN): see
    :func:`_caller_language`."""
    return _caller_language(request)


def _caller_language(request: Request) -> str:
    """en or zh-CN: for the pages' own endpoints the ``lang`` cookie when set (trial 13: a
    refused draft save answered English on a Chinese page), else the customer's language as
    the page has it; elsewhere ``Accept-Language`` when sent (the caller's own choice), else
    the language of the customer organisation a customer account speaks for (``ledger
    customer-language``), else English."""
    preferred = getattr(request.state, "preferred_language", None)
    if request.url.path.startswith("/web/"):
        chosen = request.cookies.get(PAGE_LANG_COOKIE) or preferred
        if chosen:
            return problem_language(chosen)
    header = request.headers.get("accept-language")
    if not (header or "").strip() and preferred:
        return problem_language(preferred)
    return problem_language(header)


def _worded(
    request: Request, message: str, details: Mapping[str, Any]
) -> tuple[str, Mapping[str, Any]]:
    """A service error worded for the caller in the ``Accept-Language`` language (en or
    zh-CN) by the one registry of the coded refusals
    (:func:`datamill.modalities.problem_words.word_error`): a modality's ``problems`` each gain
    their ``detail`` (objects counted from 1), an error with a ``reason_code`` reads in Chinese
    with ``message_en`` keeping the English line. Other errors, and refusals a page has worded
    already (in its own language: ``message_en`` set), pass unchanged."""
    return word_error(message, details, _caller_language(request))


def _generic(
    request: Request, code: str, detail: str, **values: object
) -> tuple[str, dict[str, Any]]:
    """A generic answer (the framework's, or an error outside the coded refusals) in the
    ``Accept-Language`` language: in English ``detail`` as it is; in Chinese the catalogue's
    sentence for ``code`` (``http.<code>``, naming ``values``) with ``message_en`` keeping the
    English, as :func:`_worded` does. Status, code and the other members stay as they are."""
    lang = _caller_language(request)
    said = LANGUAGES.get(lang, {}).get(f"http.{code}") if lang != "en" else None
    if said is None:
        return detail, {}
    for name, value in values.items():
        said = said.replace("{" + name + "}", f"{value:,}" if isinstance(value, int) else
                            str(value))
    return said, {"message_en": detail}


def localized_problem(
    request: Request, *, status: int, code: str, detail: str,
    extra: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
    error_id: str | None = None, **values: object,
) -> JSONResponse:
    """:func:`problem_response` with ``detail`` in the caller's language (see :func:`_generic`)."""
    error_id = error_id or uuid.uuid4().hex
    said, more = _generic(request, code, detail, error_id=error_id, **values)
    return problem_response(request, status=status, code=code, detail=said, error_id=error_id,
                            extra={**(extra or {}), **more}, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    exc = cast("RequestValidationError", exc)
    raw = exc.errors()
    more = max(0, len(raw) - MAX_PROBLEMS)  # a list of 5,000 bad values: 100 and a count
    lang = _caller_language(request)
    # each in the caller's language (en, zh-CN; pydantic's English kept in message_en), and a
    # body typed with full-width quotes says so
    errors = [request_error(e, exc.body, lang) for e in raw[:MAX_PROBLEMS]]
    detail = "; ".join(f"{e['field']}: {e.get('message_en', e['message'])}"
                       for e in errors) or "invalid request"
    if more:
        detail += f"; and {more} more errors"
    error_id = uuid.uuid4().hex
    log.info(
        "problem %s invalid_input on %s %s: %s", error_id, request.method, request.url.path, detail
    )
    extra = {"errors": errors, **({"errors_more": more} if more else {})}
    if lang == "en" or not errors:
        return localized_problem(request, status=422, code="invalid_input", detail=detail,
                                 error_id=error_id, extra=extra)
    table = LANGUAGES[lang]
    said = list(dict.fromkeys(e["message"] for e in errors))  # each names its field
    if more:
        said.append(table["prob.more"].format(more=more))
    return problem_response(
        request, status=422, code="invalid_input", error_id=error_id,
        detail=table["http.invalid_input_said"].format(problems=table["prob.list_sep"].join(said)),
        extra={**extra, "message_en": detail})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    exc = cast("StarletteHTTPException", exc)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError | RecursionError):
        # FastAPI's answer to a body it could not decode (bytes that are not UTF-8, or JSON
        # nested deeper than the decoder goes): invalid input like any malformed JSON, and the
        # documented 422 rather than an undocumented 400
        error_id = uuid.uuid4().hex
        log.info("problem %s invalid_input on %s %s: undecodable body (%s)", error_id,
                 request.method, request.url.path, type(exc.__cause__).__name__)
        why = ("JSON nested too deeply to read" if isinstance(exc.__cause__, RecursionError)
               else "not JSON text in UTF-8")
        return localized_problem(
            request, status=422, code="invalid_input",
            detail=f"body: the request body is {why}", error_id=error_id,
            extra={"errors": [{"field": "body", "message": why, "type": "json_invalid"}]},
        )
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:  # noqa: PLR2004 - every method of the path, not one route's
        headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
    return localized_problem(
        request,
        status=exc.status_code,
        code=code,
        detail=detail,
        headers=headers,
        retry_after=(headers or {}).get("Retry-After", "?"),
    )


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> list[str]:
    """The methods some route answers at this request's path. Starlette's 405 names only the
    methods of the first route matching the path (``Allow: POST`` for ``/auth/token``, whose
    DELETE is another route): schemathesis ST205 on 30 operations (round h7)."""
    from starlette.routing import Match

    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    """A write the database refused (a unique or reference rule): the request conflicts."""
    error_id = uuid.uuid4().hex
    log.info(
        "problem %s conflict on %s %s: %s",
        error_id,
        request.method,
        request.url.path,
        getattr(exc, "orig", exc),
    )
    return localized_problem(
        request,
        status=409,
        code="conflict",
        detail="the request conflicts with existing data (it would duplicate a record or refer "
        "to one that does not exist)",
        error_id=error_id,
    )


async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
    """A number the database cannot hold: an id in the path beyond what its column stores
    (PostgreSQL's ids are 32-bit, SQLite's 64-bit, the API's documented range is 1..2^63-1)
    names no record, so 404 as for any unknown id; any other such number is invalid input.

    Only the server's "numeric value out of range" is a number: psycopg raises DataError with
    no SQLSTATE of its own for text PostgreSQL cannot take (a NUL character), which was
    answered "a number ... too large" (the services refuse such text first, naming the field;
    one that slips through is still invalid input, named as text)."""
    refused = driver_refusal(exc)
    if refused == "nul":
        log.info("problem NUL text on %s %s: %s", request.method, request.url.path, exc)
        return localized_problem(
            request, status=422, code="invalid_input",
            detail="a text in the request contains a NUL character (U+0000): control "
            "characters are not allowed")
    if isinstance(exc, DataError) and refused is None:
        return await _unexpected(request, exc)
    big = [f"{name} {value}" for name, value in request.path_params.items()
           if (isinstance(value, int) and value > MAX_STORED_ID)
           or (isinstance(value, str) and digits(value) and int(value) > MAX_STORED_ID)]
    log.info("problem out of range on %s %s: %s", request.method, request.url.path, exc)
    if big:
        return localized_problem(request, status=404, code="not_found",
                                 detail=f"no record with {', '.join(big)}: no such id was "
                                 "ever given out")
    if isinstance(exc, OverflowError):  # not a stored number: a fault of ours
        return await _unexpected(request, exc)
    return localized_problem(request, status=422, code="invalid_input",
                             detail="a number in the request is too large for the database")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    error_id = uuid.uuid4().hex
    log.error(
        "internal error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc
    )
    return localized_problem(
        request,
        status=500,
        code="internal_error",
        detail=f"an unexpected error occurred; quote error id {error_id} when reporting it",
        error_id=error_id,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries documenting problem+json answers with these statuses."""
    return {
        status: {
            "description": _WHEN.get(status, _title(status)),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }
        for status in statuses
    }


def _statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The problems an operation can answer, from its shape: auth, parameters, body, method."""
    params = operation.get("parameters", [])
    has_body = "requestBody" in operation
    statuses = [400, 414, 431]  # any request, from the server (datamill.http_protocol)
    if operation.get("security"):
        statuses += [401, 403]
    if has_body or any(p.get("in") == "path" or p.get("description") == ID_DOC
                       for p in params):  # an id in the query names a row too (?vendor_id=)
        statuses.append(404)
    if method in _WRITES:
        statuses += [408, 409, 413]
    if params or has_body:
        statuses.append(422)
    return statuses


def document_problems(app: FastAPI) -> None:
    """Document in the OpenAPI schema the problem+json answers of every operation.

    Added to each operation unless declared already: 401/403 when it needs a token, 404 when it
    addresses objects, 408/409/413 for writes, 422 when it takes input (FastAPI's own 422 shape is
    replaced: datamill answers validation errors with a problem too).
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = _PROBLEM_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                responses = operation.setdefault("responses", {})
                for status, doc in problem_responses(*_statuses(method, operation)).items():
                    content = responses.get(str(status), {}).get("content", {})
                    if PROBLEM_MEDIA_TYPE not in content or "application/json" in content:
                        responses[str(status)] = doc
                operation["responses"] = dict(sorted(responses.items()))
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_problem_handlers(app: FastAPI) -> None:
    """Map DatamillError, validation errors, HTTP errors, database conflicts and anything else
    to problems."""
    app.add_exception_handler(DatamillError, _datamill_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(Exception, _unexpected)
