"""The app factory and ``serve()`` (what ``datamill serve`` runs).

``create_app(runtime)`` serves an existing runtime (tests, embedding); ``create_app()`` builds
``Runtime.from_settings()`` at startup and disposes of it at shutdown. The app refuses to start
with a known or short session secret (in every environment); with none configured it generates
one into ``DATAMILL_HOME`` on first start (``compliance.keys``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from datamill.api.body_limit import BodySizeLimitMiddleware
from datamill.api.problem import document_problems, install_problem_handlers
from datamill.config import Settings, get_settings
from datamill.runtime import Runtime

__all__ = ["API_PREFIX", "check_settings", "create_app", "serve"]

API_PREFIX = "/api/v1"


def check_settings(settings: Settings) -> None:
    """Refuse guessable secrets; create the session secret and audit key files if missing."""
    from datamill.compliance.keys import WeakSecret, audit_key, session_secret

    try:
        session_secret(settings)
        audit_key(settings)
    except WeakSecret as err:
        raise RuntimeError(err.message) from err


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The HTTP API over ``runtime`` (or over one built from the settings at startup)."""
    from datamill import __version__
    from datamill.api.routers import DOMAIN_ROUTERS, ROUTERS

    if runtime is not None:
        check_settings(runtime.settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime is not None:
            yield
            return
        settings = get_settings()
        check_settings(settings)
        built = await run_in_threadpool(Runtime.from_settings, settings)
        app.state.runtime = built
        try:
            yield
        finally:
            app.state.runtime = None
            built.close()

    app = FastAPI(
        title="datamill",
        version=__version__,
        description="AI training data factory: import, check, annotate, review, inspect, deliver.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_problem_handlers(app)
    document_problems(app)
    app.add_middleware(BodySizeLimitMiddleware)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    for router in DOMAIN_ROUTERS:
        app.include_router(router)
    from datamill.web.routes import mount_web

    mount_web(app)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run the API with uvicorn (loopback by default).

    ``workers`` > 1 starts that many processes (each builds its runtime at startup); worth it on
    PostgreSQL. On SQLite, processes queue on the database's own lock instead of datamill's
    in-process one.
    """
    import uvicorn

    check_settings(get_settings())  # fail before binding the port
    if workers > 1:
        uvicorn.run("datamill.api.app:create_app", factory=True, host=host, port=port,
                    workers=workers, proxy_headers=False)
        return
    uvicorn.run(create_app(), host=host, port=port, proxy_headers=False)
