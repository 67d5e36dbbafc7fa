"""The composition root: the FastAPI app built from the API and the web face, and ``serve()``
(what ``datamill serve`` runs).

``create_app(runtime)`` serves an existing runtime (tests, embedding); ``create_app()`` builds
``Runtime.from_settings()`` at startup and disposes of it at shutdown. The app refuses to start
with a known or short session secret (in every environment); with none configured it generates
one into ``DATAMILL_HOME`` on first start (``compliance.keys``). Only this module knows both
faces: ``datamill.api`` and ``datamill.web`` never import each other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from datamill.config import Settings, get_settings
from datamill.runtime import Runtime

__all__ = ["check_settings", "create_app", "serve", "served_app", "settle_heap"]


def settle_heap() -> None:
    """Move everything alive now (modules, routes, schemas, mappers: ~200k objects) out of the
    cyclic garbage collector's sight (``gc.freeze``), once a served app has started.

    Each full collection otherwise walks the whole startup heap (≈ 50-200 ms on a small VM),
    which landed on whichever request happened to allocate at that moment: the p99 of a claim.
    Objects created later are collected as usual. Only for served processes (``serve()``, a
    bench's server child), never in tests that build many apps.
    """
    import gc

    gc.collect()
    gc.freeze()


def check_settings(settings: Settings) -> None:
    """Refuse guessable secrets; create the session secret and audit key files if missing."""
    from datamill.compliance.keys import WeakSecret, audit_key, session_secret

    try:
        session_secret(settings)
        audit_key(settings)
    except WeakSecret as err:
        raise RuntimeError(err.message) from err


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The HTTP API and the web UI over ``runtime`` (or over one built from the settings)."""
    from datamill import __version__
    from datamill.api.app import API_PREFIX, install_api
    from datamill.web.routes import mount_web

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
        if app.state.settle_heap:
            settle_heap()
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
    app.state.settle_heap = False
    install_api(app)
    mount_web(app)
    return app


HTTP_PROTOCOL = "datamill.http_protocol:NoDelayHTTPProtocol"  # TCP_NODELAY (see that module)


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run the app with uvicorn (loopback by default).

    ``workers`` > 1 starts that many processes (each builds its runtime at startup); worth it on
    PostgreSQL. On SQLite, processes queue on the database's own lock instead of datamill's
    in-process one.
    """
    import uvicorn

    check_settings(get_settings())  # fail before binding the port
    if workers > 1:
        uvicorn.run("datamill.server:served_app", factory=True, host=host, port=port,
                    workers=workers, proxy_headers=False, http=HTTP_PROTOCOL)
        return
    uvicorn.run(served_app(), host=host, port=port, proxy_headers=False, http=HTTP_PROTOCOL)


def served_app() -> FastAPI:
    """``create_app()`` for a server process (``serve``): it settles its heap once started."""
    app = create_app()
    app.state.settle_heap = True
    return app
