"""The composition root: the FastAPI app built from the API and the web face, and ``serve()``
(what ``datamill serve`` runs).

``create_app(runtime)`` serves an existing runtime (tests, embedding); ``create_app()`` builds
``Runtime.from_settings()`` at startup and disposes of it at shutdown. The app refuses to start
with a known or short session secret (in every environment); with none configured it generates
one into ``DATAMILL_HOME`` on first start (``compliance.keys``). Only this module knows both
faces: ``datamill.api`` and ``datamill.web`` never import each other.
"""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from datamill.config import Settings, get_settings
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime

__all__ = ["RedactSecrets", "UnsafeSettings", "check_audit_key", "check_settings", "create_app",
           "proxy_options",
           "serve", "served_app", "settle_heap"]

#: query parameters whose values are credentials (transfer-link and presigned-URL signatures,
#: tokens): the access log shows ``***`` instead
_SECRET_PARAMS = re.compile(
    r"(?i)([?&](?:signature|sig|token|access_token|api_key|password|x-amz-signature|"
    r"x-amz-credential|x-amz-security-token)=)[^&#\s]*")
#: paths that carry a capability: a collection subject's invitation link
_SECRET_PATHS = re.compile(r"^(/collect/)[^/?#]+")


def redact_url(path: str) -> str:
    """``path`` (with its query) as it may be logged: credentials replaced by ``***``."""
    return _SECRET_PATHS.sub(r"\1***", _SECRET_PARAMS.sub(r"\1***", path))


class RedactSecrets(logging.Filter):
    """Keeps credentials in URLs (a subject's ``/collect/<token>`` link, a transfer link's
    ``signature``, a token in a query) out of uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):  # noqa: PLR2004 - uvicorn's (client, method, path, ...)
            record.args = (*args[:2], redact_url(args[2]), *args[3:])
        return True


def install_log_redaction() -> None:
    """Add :class:`RedactSecrets` to uvicorn's access logger (once; after uvicorn configured
    its logging, so in each server process's startup)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in access.filters):
        access.addFilter(RedactSecrets())


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


class UnsafeSettings(InvalidInput, RuntimeError):
    """The server will not start on these settings (a guessable secret): one line for the CLI
    (exit 2), a failed startup for uvicorn."""

    code = "weak_secret"


def check_settings(settings: Settings) -> None:
    """Refuse a server database without ``DATAMILL_HOME`` (``Settings.check_home``) and
    guessable secrets; create the session secret file if missing. The audit key file is
    checked when there, and created (by :func:`check_audit_key`) only once the database is
    open: a database whose trail is signed never gets a new one."""
    from datamill.compliance.keys import WeakSecret, session_secret, stored_audit_key

    settings.check_home()
    try:
        session_secret(settings)
        stored_audit_key(settings)
    except WeakSecret as err:
        raise UnsafeSettings(err.message) from None


def check_audit_key(runtime: Runtime) -> None:
    """The audit key for the runtime's database: read, or created for a trail nobody signed
    yet; ``AuditKeyMissing`` (the wrong home folder, most likely) for a signed trail whose key
    is not there."""
    from datamill.compliance.audit import trail_key

    with runtime.session() as session:
        trail_key(session, runtime.settings)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the app is built (the API and web modules
    imported, their 400 routes and models made): everything made then lives as long as the
    process, yet each collection walked it all again, 0.3-0.5 s of a server start's 2.9 s of
    CPU. Back on after (unless it was off already); nothing is freed later than it would be."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The HTTP API and the web UI over ``runtime`` (or over one built from the settings)."""
    with _collector_paused():
        return _build_app(runtime)


def _build_app(runtime: Runtime | None) -> FastAPI:
    from datamill import __version__
    from datamill.api.app import API_PREFIX, install_api
    from datamill.web.routes import LARGE_BODIES, mount_web

    if runtime is not None:
        check_settings(runtime.settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_log_redaction()
        if runtime is not None:
            yield
            return
        settings = get_settings()
        check_settings(settings)
        built = await run_in_threadpool(Runtime.from_settings, settings)
        try:
            await run_in_threadpool(check_audit_key, built)
        except BaseException:
            built.close()
            raise
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
    _install_probes(app)
    install_api(app, larger_bodies=LARGE_BODIES)
    mount_web(app)
    return app


def _install_probes(app: FastAPI) -> None:
    """``GET /healthz`` (the process answers) and ``GET /readyz`` (its runtime is built and the
    database answers a query: 200, else 503), for load balancers and orchestrators; neither
    needs a token nor says more than ``ready`` or what is not. ``HEAD`` answers as ``GET``
    without the body (monitors often probe with it)."""

    @app.api_route("/healthz", methods=["GET", "HEAD"], include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.api_route("/readyz", methods=["GET", "HEAD"], include_in_schema=False)
    def readyz(request: Request) -> JSONResponse:
        from sqlalchemy import text

        built: Runtime | None = request.app.state.runtime
        if built is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        try:
            with built.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "do not send traffic here"
            logging.getLogger("datamill.server").warning("readiness: the database does not answer")
            return JSONResponse({"status": "unavailable", "reason": "database"}, status_code=503)
        return JSONResponse({"status": "ready"})


HTTP_PROTOCOL = "datamill.http_protocol:NoDelayHTTPProtocol"  # TCP_NODELAY (see that module)


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback one (``127.0.0.1``, ``::1``,
    ``localhost``); ``0.0.0.0``, ``::`` and a LAN address are not. A name that does not
    resolve raises ``OSError``."""
    import ipaddress
    import socket

    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback
                               for info in infos)


def check_bind(host: str, *, tls: bool, plain_http: bool) -> None:
    """Refuse to serve plain HTTP beyond this machine unless told to: passwords, tokens and
    session cookies would cross the network in clear."""
    try:
        local = is_loopback(host)
    except OSError as error:
        raise InvalidInput(f"cannot listen on {host}: {error.strerror or error}",
                           field="host") from None
    if tls or plain_http or local:
        return
    raise InvalidInput(
        f"--host {host} would serve passwords and session cookies over plain HTTP to the "
        "network: give --tls-cert and --tls-key, or keep the default 127.0.0.1 behind a TLS "
        "proxy on this machine (--allow-plain-http only for a TLS proxy on another machine of "
        "a trusted network)", field="host")


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, *,
          tls_cert: str | None = None, tls_key: str | None = None,
          plain_http: bool = False) -> None:
    """Run the app with uvicorn (loopback by default; another host needs TLS or
    ``plain_http``).

    ``workers`` > 1 starts that many processes (each builds its runtime at startup); worth it on
    PostgreSQL. On SQLite, processes queue on the database's own lock instead of datamill's
    in-process one. SIGTERM stops taking connections, lets the requests in flight finish, then
    exits.
    """
    import uvicorn

    if (tls_cert is None) != (tls_key is None):
        raise InvalidInput("give both --tls-cert and --tls-key, or neither", field="tls")
    check_bind(host, tls=tls_cert is not None, plain_http=plain_http)
    settings = get_settings()
    check_settings(settings)  # fail before binding the port
    proxies = proxy_options(settings)
    if workers > 1:
        uvicorn.run("datamill.server:served_app", factory=True, host=host, port=port,
                    workers=workers, http=HTTP_PROTOCOL, ssl_certfile=tls_cert,
                    ssl_keyfile=tls_key, **proxies, **supervisor_options(uvicorn.Config))
        return
    uvicorn.run(served_app(), host=host, port=port, http=HTTP_PROTOCOL,
                ssl_certfile=tls_cert, ssl_keyfile=tls_key, **proxies)


#: How long uvicorn's supervisor of ``--workers N`` waits for a worker process to answer its
#: health ping before it kills the process as hung (uvicorn's default: 5 s). A request that
#: decodes speech runs PocketSphinx, which holds the GIL for a whole recording (``process_raw``
#: with ``full_utt``: 7.2 s for 3 s of audio on a loaded machine), so the worker's answering
#: thread could not run: the supervisor SIGKILLed the worker in the middle of an application-
#: effect evaluation (``POST /batches/{id}/effect-evaluations``, sample 12: the connection
#: dropped after 7 s) with every other request it was serving (h1, PostgreSQL, ``--workers 2``).
WORKER_HEALTHCHECK_S = 600


def supervisor_options(config: Any) -> dict[str, Any]:
    """The options of uvicorn's multi-process supervisor that ``config`` (``uvicorn.Config``)
    takes: :data:`WORKER_HEALTHCHECK_S` where its uvicorn has the health check (0.30 and
    later releases differ), nothing where it has none."""
    import inspect  # noqa: PLC0415 - only when serving

    if "timeout_worker_healthcheck" in inspect.signature(config).parameters:
        return {"timeout_worker_healthcheck": WORKER_HEALTHCHECK_S}
    return {}


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy options: the client's address and scheme are read from
    ``X-Forwarded-For`` / ``-Proto`` when the connection comes from a trusted proxy
    (``DATAMILL_TRUSTED_PROXIES``; with ``DATAMILL_ENV=prod`` and none named, the loopback: the
    TLS proxy on this machine the README asks for). Behind a proxy every request came from
    127.0.0.1, so one guesser's 30 refused passwords throttled everyone's sign-in for 15
    minutes, and 10 for one username locked that person out (h4 trial)."""
    named = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not named and settings.env == "prod":
        named = ["127.0.0.1", "::1"]
    if not named:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": named}


def served_app() -> FastAPI:
    """``create_app()`` for a server process (``serve``): it settles its heap once started."""
    app = create_app()
    app.state.settle_heap = True
    return app
