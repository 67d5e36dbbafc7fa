"""What an operator relies on in ``datamill serve``: probes for the load balancer, an access
log without credentials, and no plain HTTP beyond loopback unless asked for."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill import server
from datamill.cli.main import app as cli
from datamill.config import get_settings
from datamill.db.session import make_engine
from datamill.runtime import Runtime
from datamill.server import RedactSecrets, check_bind, create_app


def test_healthz_and_readyz_answer_without_a_token(sqlite_runtime: Runtime) -> None:
    with TestClient(create_app(sqlite_runtime)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_readyz_is_503_while_the_database_does_not_answer(sqlite_runtime: Runtime) -> None:
    down = make_engine("postgresql+psycopg://someone:pw@127.0.0.1:1/nowhere",
                       connect_args={"connect_timeout": 2})
    cut_off = replace(sqlite_runtime, engine=down)
    with TestClient(create_app(cut_off)) as client:
        assert client.get("/healthz").status_code == 200  # the process itself is alive
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "reason": "database"}
    down.dispose()


def test_the_access_log_never_shows_credentials_in_urls(sqlite_runtime: Runtime,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(create_app(sqlite_runtime)):  # startup installs the filter
        access = logging.getLogger("uvicorn.access")
        assert any(isinstance(f, RedactSecrets) for f in access.filters)
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            for path in ("/collect/Zq8-subject-token", "/api/v1/catalog/transfers/3/download"
                         "?expires=99&signature=9f86d081884c", "/x?X-Amz-Signature=abc&ok=1"):
                access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", path, "1.1", 200)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Zq8-subject-token" not in logged and "9f86d081884c" not in logged
    assert "abc" not in logged and "ok=1" in logged
    assert '"GET /collect/*** HTTP/1.1" 200' in logged and "&signature=***" in logged


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("DATAMILL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATAMILL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_serve_refuses_plain_http_beyond_loopback(home: Path) -> None:
    for host in ("0.0.0.0", "::"):  # noqa: S104 - the point
        result = CliRunner().invoke(cli, ["serve", "--host", host, "--port", "1"])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error (invalid_input): --host {host} would serve "
                                        "passwords and session cookies over plain HTTP")
        assert "--tls-cert" in result.stderr and result.stderr.count("\n") == 1
    assert not home.exists()  # refused before anything was opened


def test_loopback_tls_or_an_explicit_choice_may_serve() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        check_bind(host, tls=False, plain_http=False)
    check_bind("0.0.0.0", tls=True, plain_http=False)  # noqa: S104
    check_bind("0.0.0.0", tls=False, plain_http=True)  # noqa: S104


def test_a_missing_tls_file_is_one_line(home: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--tls-cert",  # noqa: S104
                                      str(home / "cert.pem"), "--tls-key", str(home / "k.pem")])
    assert result.exit_code == 2 and "cert.pem: No such file or directory" in result.stderr


def test_a_guessable_secret_is_one_line_before_anything_starts(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMILL_SECRET_KEY", "changeme")
    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error (weak_secret): DATAMILL_SECRET_KEY is a known")
    assert result.stderr.count("\n") == 1 and "changeme" not in result.stderr
    assert not (home / "datamill.db").exists()


def test_the_collector_is_off_while_the_app_is_built_and_as_it_was_after(
        sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """``create_app`` builds the app (imports, 400 routes and their models) with the cyclic
    collector off, which walked the whole heap 4 times in a server's start (0.4 s of CPU), and
    leaves it on or off as it found it."""
    seen: list[bool] = []
    build = server._build_app
    monkeypatch.setattr(server, "_build_app",
                        lambda runtime: seen.append(gc.isenabled()) or build(runtime))
    was = gc.isenabled()
    try:
        gc.enable()
        create_app(sqlite_runtime)
        assert gc.isenabled()
        gc.disable()
        create_app(sqlite_runtime)
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False]


def test_a_worker_busy_in_a_long_decode_is_not_killed_as_hung(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve --workers 2``: uvicorn's supervisor pings each worker and SIGKILLs one that does
    not answer in ``timeout_worker_healthcheck`` seconds (its default 5). PocketSphinx holds
    the GIL for a whole recording (7.2 s for 3 s of audio on a loaded machine), so an
    application-effect evaluation of 12 recordings had its worker killed after 7 s, the
    connection dropped with every other request of that worker (h1, PostgreSQL). The
    supervisor now waits :data:`server.WORKER_HEALTHCHECK_S`. (uvicorn's own ``run`` is what
    is replaced here: the options ``serve`` hands it are read, nothing is served.)"""
    import uvicorn

    handed: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: handed.update(options))
    server.serve(port=1, workers=2)
    handed.pop("factory")
    config = uvicorn.Config("datamill.server:served_app", **handed)  # type: ignore[arg-type]
    assert config.workers == 2
    assert config.timeout_worker_healthcheck >= 600  # a decode of minutes is not a hang
