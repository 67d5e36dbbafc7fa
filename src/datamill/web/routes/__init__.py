"""The web face's routers and ``mount_web(app)``, which the app factory calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from datamill.web.routes import (
    audit,
    budget_plan,
    catalog,
    catalog_requests,
    collect,
    corpus,
    deliveries,
    effect,
    golden,
    imports,
    items,
    ledger,
    ledger_contracts,
    listen,
    media,
    pages,
    procurement,
    quality,
    ratio_tests,
    security,
    subjects,
    users,
    users_tokens,
    work,
    workforce,
)

__all__ = ["LARGE_BODIES", "ROUTERS", "mount_web"]

ROUTERS = (
    pages.router, work.router, work.api_router, quality.router, quality.api_router, media.router,
    workforce.router, golden.router, ledger.router, audit.router, security.router,
    procurement.router, budget_plan.router, ratio_tests.router, catalog.router,
    catalog_requests.router, corpus.router,
    collect.router, listen.router, deliveries.router, subjects.router, effect.router,
    imports.router, items.router, ledger_contracts.router, users.router,
    users_tokens.router,
)
#: the pages whose request bodies may pass the server's request limit (see
#: :class:`datamill.api.body_limit.BodySizeLimitMiddleware`): the data-import form's upload,
#: the workbenches' annotation documents
LARGE_BODIES = (*imports.LARGE_BODIES, *work.LARGE_BODIES)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _answer_head(routers: tuple[APIRouter, ...]) -> None:
    """Let every page (an HTML route) answer ``HEAD`` as ``GET`` without the body, as a plain
    Starlette route does: monitors and link checkers probe with ``HEAD``, and got 405 (h4
    trial). Downloads (a delivery's package or files, a CSV, an item's media) keep answering
    ``GET`` only: they are audited as handed out, and a probe hands out nothing."""
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.methods and "GET" in route.methods and \
                    _answer_class(route) is HTMLResponse:
                route.methods.add("HEAD")


def _answer_class(route: APIRoute) -> Any:
    answer = route.response_class
    return answer.value if isinstance(answer, DefaultPlaceholder) else answer


def mount_web(app: FastAPI) -> None:
    """Add the pages, their JSON endpoints and ``/static`` to ``app``; errors outside the API
    then answer HTML pages (call it after the API's problem handlers are installed)."""
    from datamill.http_deps import HideUnseenProjects
    from datamill.web.errors import install_page_errors

    install_page_errors(app)
    _answer_head(ROUTERS)
    # a project one may not see answers as a missing one, except on its books' pages: they
    # follow the books' reader rule, member or not, as the API's /ledger routes do
    books = (ledger.router, budget_plan.router, ratio_tests.router, ledger_contracts.router)
    for router in ROUTERS:
        app.include_router(router, dependencies=[] if router in books else [HideUnseenProjects])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
