"""The HTTP API's part of the app: problem details, body limit, and every router under
``/api/v1``. The composition root (:mod:`datamill.server`) builds the app and calls
:func:`install_api`; the web face is mounted there too, never from here.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

from fastapi import APIRouter, FastAPI, Request, Response, status
from fastapi.routing import APIRoute
from starlette.routing import Route

from datamill.api.body_limit import BodySizeLimitMiddleware, LargerBody
from datamill.api.login_throttle import install_login_throttle
from datamill.api.problem import document_problems, install_problem_handlers, localized_problem

__all__ = ["API_PREFIX", "install_api"]

API_PREFIX = "/api/v1"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def install_api(app: FastAPI, larger_bodies: Sequence[LargerBody] = ()) -> None:
    """Add the API's error handlers, body-size limit, routers and hot lane to ``app``;
    ``larger_bodies``: the other faces' routes that take bodies above the request limit (a
    whole path pattern, its limit and who may send one, see :class:`BodySizeLimitMiddleware`)."""
    from datamill.api.hot_path import install_hot_path
    from datamill.api.routers import ROUTERS
    from datamill.api.routers.collect import LARGE_BODIES, LARGE_BODY_CODES
    from datamill.api.routers.work import ANNOTATION_BODIES

    install_problem_handlers(app)
    document_problems(app)
    install_login_throttle(app)
    app.add_middleware(BodySizeLimitMiddleware,
                       larger=[*((re.escape(API_PREFIX) + path, limit, admit)
                                 for path, limit, admit in (*LARGE_BODIES, *ANNOTATION_BODIES)),
                               *larger_bodies],
                       codes=[(re.escape(API_PREFIX) + path, code)
                              for path, code in LARGE_BODY_CODES])
    from datamill.api.routers import ledger, procurement
    from datamill.http_deps import HideUnseenProjects

    books = (ledger.router, procurement.router)  # their {project_id}: a ledger project's id
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX,
                           dependencies=[] if router in books else [HideUnseenProjects])
    _refuse_shadowed_methods(app, ROUTERS)
    install_hot_path(app, API_PREFIX)  # first of all: claim and submit without thread hops


def _refuse_shadowed_methods(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Answer 405 where a fixed path is also read as a sibling's id.

    ``POST /procurement/requests/combination`` has a sibling ``GET
    /procurement/requests/{request_id}``: a ``GET`` on the fixed path reached the sibling and
    answered 422 "an id is a whole number" where 405 (with the fixed path's ``Allow``) is right
    (schemathesis' unsupported-method check). For each such path, a route placed first answers
    every method it lacks (``OPTIONS`` included: its ``Allow`` listed the sibling's ``GET``)
    with the same 405 problem every other path gives.
    """
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
    fixed: dict[str, set[str]] = {}
    for route in routes:
        if "{" not in route.path:
            fixed.setdefault(route.path, set()).update(route.methods or ())
    guards: list[Route] = []
    for path, allowed in fixed.items():
        if any("{" in r.path and r.path_regex.match(path) and set(r.methods or ()) - allowed
               for r in routes):
            guards.append(Route(API_PREFIX + path, _method_not_allowed(sorted(allowed)),
                                methods=sorted(_METHODS - allowed), include_in_schema=False))
    app.router.routes[:0] = guards


def _method_not_allowed(allowed: list[str]) -> Callable[[Request], Awaitable[Response]]:
    async def refuse(request: Request) -> Response:  # answered here: the 405 handler's Allow
        return localized_problem(                     # would count this route's methods
            request, status=status.HTTP_405_METHOD_NOT_ALLOWED, code="method_not_allowed",
            detail="Method Not Allowed", headers={"Allow": ", ".join(allowed)})

    return refuse
