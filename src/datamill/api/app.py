"""The HTTP API's part of the app: problem details, body limit, and every router under
``/api/v1``. The composition root (:mod:`datamill.server`) builds the app and calls
:func:`install_api`; the web face is mounted there too, never from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi import FastAPI

from datamill.api.body_limit import BodySizeLimitMiddleware, LargerBody
from datamill.api.login_throttle import install_login_throttle
from datamill.api.problem import document_problems, install_problem_handlers

__all__ = ["API_PREFIX", "install_api"]

API_PREFIX = "/api/v1"


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
    install_hot_path(app, API_PREFIX)  # claim and submit without thread hops
