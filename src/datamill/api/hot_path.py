"""The annotator's two hot calls, claim the next task and submit it, on the event loop itself.

FastAPI runs each synchronous dependency of a route in its own worker thread: a claim paid four
thread hops (the session opened, the bearer token looked up, the endpoint, the session closed),
a submit five, plus the dependency solver and a walk over every route: a fifth to a third of
the app's CPU for a claim + submit cycle on this project's 2-core machine (bench/README.md,
"third round"). A floor of annotators does little but these two calls, so they get a lane of
their own.

:class:`HotRoute` sits first in the app's routes and matches only
``POST {API_PREFIX}/projects/{id}/tasks/next`` and ``POST {API_PREFIX}/tasks/{id}/annotations``.
For a request that is plainly well formed (an id in range, a known ``stage``, a bearer token, a
JSON body the route's own pydantic model accepts) it calls **the same functions** the FastAPI
route is made of: :func:`datamill.http_deps` runtime's session, the bearer-token dependency
:func:`~datamill.api.deps.get_current_user`, the route's permission dependency and its endpoint
function, all in one call on the event loop's thread (no thread hop at all; in one worker
thread when another session of this process is open, see :mod:`datamill.db.loop_gate`, or when
the ``hot_lane_threaded`` setting asks for it), with the session committed or rolled back exactly as the
session dependency does. Errors those functions raise (401, 403, 404, 409 ...) go to the app's
exception handlers as from any route. Anything else (a malformed id, an unknown stage, no token,
a body the model refuses, another content type) is handed, body and all, to the FastAPI route,
so every error answer stays the one the API documents: the OpenAPI document is unchanged, and a
test sends the same requests down both lanes and compares the answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, URLPath
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from datamill.api.body_limit import replaying
from datamill.api.deps import Require, get_current_user, get_runtime
from datamill.api.params import MAX_ID
from datamill.api.routers import work
from datamill.db.loop_gate import LoopWouldWait, loop_gate
from datamill.db.session import reads_first

__all__ = ["SLOW_LANE", "HotRoute", "install_hot_path"]

#: Scope key set on a request handed to the FastAPI route (the hot route then never matches it).
SLOW_LANE = "datamill.slow_lane"

_STAGES: dict[str, work.Stage] = {"annotate": "annotate", "review": "review"}
_ANNOTATOR: Require = get_args(work.Annotator)[1].dependency  # the submit route's permission


def _bearer(scope: Scope) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, read as FastAPI's
    ``HTTPBearer`` reads it (else None: the slow lane)."""
    scheme, token = get_authorization_scheme_param(Headers(scope=scope).get("authorization"))
    return token if scheme.lower() == "bearer" and token else None


def _json_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip().lower() == b"application/json")
    return False


def _id(text: str) -> int | None:
    value = int(text)  # the pattern matched digits only
    return value if 1 <= value <= MAX_ID and str(value) == text else None


class HotRoute(BaseRoute):
    """The hot lane for claim and submit (see the module's description); ``fallback`` is the
    app's router, which serves whatever the lane hands back."""

    def __init__(self, prefix: str, fallback: Callable[[Scope, Receive, Send], Awaitable[None]]):
        self.claim = re.compile(re.escape(prefix) + r"/projects/([0-9]{1,19})/tasks/next")
        self.submit = re.compile(re.escape(prefix) + r"/tasks/([0-9]{1,19})/annotations")
        self.fallback = fallback

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get(SLOW_LANE):
            return Match.NONE, {}
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        for kind, pattern, param in (("claim", self.claim, "project_id"),
                                     ("submit", self.submit, "task_id")):
            m = pattern.fullmatch(path)
            if m:  # path_params as the FastAPI route names them (error handlers read them)
                return Match.FULL, {"datamill.hot": (kind, m.group(1)),
                                    "path_params": {param: m.group(1)}}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)  # unnamed: url_for finds the FastAPI routes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind, raw_id = scope["datamill.hot"]
        body: bytes | None = b""
        if kind == "submit":
            body = await _read_body(receive)
        if body is None:  # gone before the whole body came (or cut off at the body limit)
            return
        answer = _plan(scope, kind, raw_id, body)
        if answer is None:
            await self.fallback({**scope, SLOW_LANE: True}, replaying(body, receive), send)
            return
        runtime = await get_runtime(Request(scope))
        gate = None if runtime.settings.hot_lane_threaded else loop_gate(runtime.engine)
        if gate is None:
            response: Response = await run_in_threadpool(answer, runtime)
        else:
            with gate.alone() as inline:
                if inline:  # a few ms of CPU: a thread hop costs more than it lets run
                    try:
                        response = answer(runtime)
                    except LoopWouldWait:  # rolled back, nothing written
                        inline = False
            if not inline:  # a worker thread's session is open (it may need this loop), or
                response = await run_in_threadpool(answer, runtime)  # a long wait is ahead
        await response(scope, receive, send)


def _plan(scope: Scope, kind: str, raw_id: str, body: bytes) -> Callable[[Any], Response] | None:
    """What the hot lane runs in its worker thread, or None for the FastAPI route."""
    ident = _id(raw_id)
    token = _bearer(scope)
    if ident is None or token is None:
        return None
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    if kind == "claim":
        query = scope.get("query_string", b"").decode("latin-1")
        stage: work.Stage = "annotate"
        if query:
            key, eq, value = query.partition("=")
            if key != "stage" or not eq or value not in _STAGES:
                return None
            stage = _STAGES[value]

        def claim(runtime: Any) -> Response:
            with runtime.session() as session:
                user = get_current_user(session, credentials)
                response: Response = work.next_task_endpoint(ident, session, user, stage)
                return response

        return claim
    if not _json_body(scope):
        return None
    try:  # as FastAPI reads a JSON body: json.loads, then the model in Python mode
        submitted = work.AnnotationSubmit.model_validate(json.loads(body))
    except (ValueError, ValidationError, RecursionError):  # JSONDecodeError, UnicodeDecodeError
        return None  # (and nesting too deep for the decoder: the route answers 422)

    def submit(runtime: Any) -> Response:
        with runtime.session() as session:
            with reads_first(session):  # the token and the submit's reads: one read transaction
                user = get_current_user(session, credentials)
                _ANNOTATOR.check(session, user, None)
                prepared = work.read_submission(ident, submitted, session, user)
            return work.write_submission(ident, submitted, session, user, prepared)

    return submit


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when the client went away before sending it all (or
    the body-size limit cut it off there): a part of a body is never taken for the whole (a
    JSON document padded past the limit would be submitted, then answered 413)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def install_hot_path(app: FastAPI, prefix: str) -> None:
    """Put the hot lane first among ``app``'s routes."""
    app.router.routes.insert(0, HotRoute(prefix, app.router))
