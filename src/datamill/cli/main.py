"""The ``datamill`` Typer app: one sub-app per domain, plus ``demo`` and ``serve``."""

from __future__ import annotations

import shutil
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from datamill.cli import (
    aggregate,
    audit,
    catalog,
    collect,
    corpus,
    data,
    delivery,
    ledger,
    ledger_plan,
    ledger_ratio,
    procurement,
    project,
    quality,
    security,
    text,
    user,
    work,
    workforce,
)
from datamill.cli._common import (
    EXIT_HELP,
    MAX_WORKERS,
    JsonAwareGroup,
    console,
    emit,
    get_runtime,
    handle_errors,
    open_runtime,
    out,
    progress_bar,
    styled,
)

if TYPE_CHECKING:
    from datamill.config import Settings
    from datamill.runtime import Runtime

app = typer.Typer(
    name="datamill",
    help="datamill: design, collect, annotate, inspect and deliver AI training data.",
    epilog=EXIT_HELP,
    cls=JsonAwareGroup,
    no_args_is_help=True,
)
app.add_typer(project.app, name="project")
app.add_typer(data.app, name="data")
app.add_typer(work.app, name="work")
app.add_typer(quality.app, name="qc")
app.add_typer(aggregate.app, name="quality")
app.add_typer(delivery.app, name="delivery")
app.add_typer(user.app, name="user")
app.add_typer(ledger.app, name="ledger")
app.add_typer(workforce.app, name="workforce")
app.add_typer(audit.app, name="audit")
app.add_typer(security.app, name="security")
app.add_typer(text.app, name="text")
ledger.app.add_typer(ledger_plan.app, name="budget-plan")
ledger.app.add_typer(ledger_ratio.app, name="ratio-test")
workforce.app.add_typer(procurement.app, name="procurement")
app.add_typer(catalog.app, name="catalog")
app.add_typer(catalog.retention_app, name="retention")
app.add_typer(corpus.app, name="corpus")
app.add_typer(collect.app, name="collect")


def _print_version(value: bool) -> None:
    if value:
        from datamill import __version__

        typer.echo(f"datamill {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print datamill's version and exit.")] = False,
) -> None:
    """datamill: design, collect, annotate, inspect and deliver AI training data."""
    _workers_skip_the_script()


def _workers_skip_the_script() -> None:
    """A worker process (``spawn``: an import's probe, the checks' pool) runs its parent's
    main module again before its first job, unless that module is a package's ``__main__``.
    Run as the ``datamill`` console script, that module imports this CLI (Typer, Rich and
    every command module): 0.9 s of CPU a worker, two for each ``data import``, measured.
    No job is a function of the script (jobs are datamill modules' functions), so the script
    is named as ``datamill.__main__``, which ``multiprocessing`` does not run again in a
    worker (``python -m datamill`` needs nothing: it is that module)."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None \
            and getattr(main, "app", None) is app:
        main.__spec__ = ModuleSpec("datamill.__main__", None)


@app.command("serve")
@handle_errors
def serve_cmd(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(
        min=1, max=MAX_WORKERS, help="Server processes (PostgreSQL: one per core).")] = 1,
    tls_cert: Annotated[Path | None, typer.Option(
        "--tls-cert", help="PEM certificate: serve HTTPS (with --tls-key).")] = None,
    tls_key: Annotated[Path | None, typer.Option(
        "--tls-key", help="PEM private key of --tls-cert.")] = None,
    allow_plain_http: Annotated[bool, typer.Option(
        "--allow-plain-http",
        help="Serve plain HTTP on a --host other than loopback (only behind a TLS proxy on a "
             "trusted network).")] = False,
) -> None:
    """Run the HTTP API (and web UI) on loopback (127.0.0.1:8000).

    Another --host needs --tls-cert and --tls-key (or --allow-plain-http). SIGTERM lets the
    requests in flight finish; GET /healthz answers while the process runs, GET /readyz while
    it can reach its database.
    """
    from datamill.config import get_settings
    from datamill.server import check_audit_key, check_bind, check_settings, serve

    for path in (tls_cert, tls_key):
        if path is not None:
            path.open("rb").close()  # a missing or unreadable file: one line, before anything
    check_bind(host, tls=tls_cert is not None and tls_key is not None,
               plain_http=allow_plain_http)
    check_settings(get_settings())  # a guessable secret: refused before the database is opened
    rt = open_runtime()
    try:
        check_audit_key(rt)  # the wrong home for a signed trail: refused, not a new key
        audit.warn_if_broken(rt)
    finally:
        rt.close()
    _check_port_free(host, port)
    _hold_serving_lock(get_settings().home)  # held until this process ends: see demo --fresh
    try:
        serve(host=host, port=port, workers=workers,
              tls_cert=None if tls_cert is None else str(tls_cert),
              tls_key=None if tls_key is None else str(tls_key), plain_http=allow_plain_http)
    except SystemExit as stop:
        if stop.code == 3:  # uvicorn's "startup failed", which our exit codes call "not found"
            console.print("error: the server did not start (see the log above)")
            raise typer.Exit(1) from None
        raise


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port something already listens on, before the app starts (uvicorn would start
    it, log the bind error and exit 3, the CLI's "not found")."""
    import socket

    from datamill.core.errors import Conflict, InvalidInput  # the CLI's start stays light

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise InvalidInput(f"cannot listen on {host}: {error.strerror or error}") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            raise Conflict(
                f"cannot listen on {host}:{port}: {error.strerror or error}; stop what listens "
                "there or choose another --port"
            ) from None


@app.command("db-upgrade")
@handle_errors
def db_upgrade(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Bring the configured database to the latest schema (Alembic).

    A new home is started where there is none."""
    from datamill.config import get_settings
    from datamill.db.migrate import applied_between, schema_heads

    url = get_settings().resolved_database_url()
    before = schema_heads(url)
    get_runtime(start_home=True)
    after = schema_heads(url)
    applied = applied_between(url, before, after)

    def show(_v: object) -> None:
        from datamill.cli._words import say

        out.print(say("db.upgraded", n=len(applied), names=", ".join(applied)) if applied
                  else say("db.current"), highlight=False)

    emit({"schema": "latest", "applied": applied, "heads": after}, as_json, show)


@app.command("demo")
@handle_errors
def demo_cmd(
    full: Annotated[bool, typer.Option("--full", help="Run scripted people through to an accepted delivery.")] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Delete the demo's database and blobs first.")] = False,
    utterances: Annotated[int, typer.Option(help="Good recordings to synthesise.")] = 36,
    workdir: Annotated[Path | None, typer.Option(
        help="Where the demo's raw data and deliveries go (default: demo-data in DATAMILL_HOME).")] = None,
    modalities: Annotated[str, typer.Option(
        "--modalities",
        help="Comma-separated projects to build: speech, image, text, llm, pointcloud; with "
             "--full also collect (corpus design + browser collection) and tts.",
    )] = "speech,image,text,llm,pointcloud,collect,tts",
    business: Annotated[bool, typer.Option(
        "--business/--no-business", help="With --full: the catalog and the money story too.")] = True,
) -> None:
    """Build real projects: ASR from espeak-ng speech, rendered images, NER sentences, LLM
    preference pairs and rendered lidar frames; each is imported, checked, pre-annotated and
    packaged (with --full also a TTS corpus and a browser collection from a corpus design).

    With --full the scripted annotators, reviewers and inspectors take each to an accepted
    delivery (locations printed), then the catalog licenses datasets and the money story runs
    from contract to period close.
    """
    from datamill.config import get_settings
    from datamill.demo.more import (
        run_catalog,
        run_extra_projects,
        run_image_money,
        run_money,
        run_month_end,
        run_speech_design,
    )
    from datamill.demo.script import DEMO_PASSWORD

    chosen = {m.strip() for m in modalities.split(",") if m.strip()}
    unknown = chosen - {"speech", "image", "text", "llm", "pointcloud", "collect", "tts"}
    if unknown:
        raise typer.BadParameter(f"unknown demo project(s): {', '.join(sorted(unknown))}",
                                 param_hint="--modalities")
    settings = get_settings()
    # under the home, not the current folder: a newcomer's clone gets no stray demo-data/
    workdir = workdir if workdir is not None else settings.home / "demo-data"
    if fresh:
        _check_fresh_allowed(settings)
        shutil.rmtree(settings.home, ignore_errors=True)
        shutil.rmtree(workdir / "deliveries", ignore_errors=True)
    if not settings.home.exists() or not any(settings.home.iterdir()):
        # only a home the demo starts is marked: a demo run into an existing installation's
        # home never makes that home deletable by a later --fresh
        settings.home.mkdir(parents=True, exist_ok=True)
        (settings.home / DEMO_MARKER).write_text(
            "Made by `datamill demo`; `datamill demo --fresh` may delete this folder.\n",
            encoding="utf-8")
    rt = get_runtime()
    audit.warn_if_broken(rt)
    speech_id = _speech_demo(rt, workdir, utterances, full=full) if "speech" in chosen else None
    if full and business:
        run_money(rt, speech_id, out.print)
    results = run_extra_projects(rt, workdir.resolve(), full=full, modalities=chosen, say=out.print)
    from datamill.cli._words import say

    for slug, result in results:
        if full and result.delivery_path:
            out.print(styled((say("demo.delivered", project=slug), "bold green"),
                             f" {result.delivery_path}"))
        elif full:
            console.print(say("demo.not_accepted", project=slug), style="red")
            raise typer.Exit(1)
        if full and business and slug == "demo-image":
            run_image_money(rt, result.project_id, out.print)
    if full:
        for slug, path in run_speech_design(rt, workdir.resolve(), chosen, out.print).items():
            if path is None:
                console.print(say("demo.not_accepted", project=slug), style="red")
                raise typer.Exit(1)
            out.print(styled((say("demo.delivered", project=slug), "bold green"), f" {path}"))
    if full and business:
        run_catalog(rt, workdir.resolve(), out.print)
        run_month_end(rt, out.print)
    # the last lines say how to see it all: a full run ended on the month-end figures, with no
    # word of the users, their password or the web pages (h7)
    out.print(say("demo.users", password=repr(DEMO_PASSWORD),
                  more=say("demo.users_business" if full and business else "demo.users_end")),
              highlight=False)
    built = (["demo-asr-en"] if speech_id is not None else []) + [slug for slug, _ in results]
    if built and not full:  # a project this run built (--modalities may leave the speech one out)
        out.print(say("demo.next_work", project=built[0]), highlight=False)
    else:
        out.print(say("demo.next_serve"), highlight=False)


#: a file the demo leaves in its home: only such a home is deleted by ``demo --fresh``
DEMO_MARKER = "MADE-BY-DATAMILL-DEMO"
#: a file in the home that ``datamill serve`` holds a shared ``flock`` on while it runs
SERVING_LOCK = "serving.lock"
_serving_fds: list[int] = []  # the lock's descriptors, open for the life of the process


def _hold_serving_lock(home: Path) -> None:
    """Hold a shared lock on the home's :data:`SERVING_LOCK` for the rest of this process (a
    server's workers inherit it), so that ``demo --fresh`` can tell the home is in use. Nothing
    where ``fcntl`` is missing or the home cannot hold the file."""
    import os

    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Windows
        return
    try:
        fd = os.open(home / SERVING_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return
    fcntl.flock(fd, fcntl.LOCK_SH)
    _serving_fds.append(fd)


def _home_served(home: Path) -> bool:
    """Whether a running ``datamill serve`` holds the home's :data:`SERVING_LOCK`."""
    import os

    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Windows
        return False
    try:
        fd = os.open(home / SERVING_LOCK, os.O_RDWR)
    except OSError:  # no lock file: no server ever ran on this home
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the lock taken here
    return False


def _check_fresh_allowed(settings: Settings) -> None:
    """``demo --fresh`` deletes the home folder: refuse one the demo did not make (a real
    installation's database, keys and blobs), and a database configured elsewhere (it would
    keep its rows while the blobs they name were deleted)."""
    from datamill.core.errors import Conflict, InvalidInput  # the CLI's start stays light

    home = settings.home
    if settings.database_url or settings.storage_url:
        raise InvalidInput(
            "demo --fresh deletes the demo's home folder, but DATAMILL_DATABASE_URL or "
            "DATAMILL_STORAGE_URL points elsewhere; unset them to run the demo on its own "
            "SQLite home, or run it without --fresh", field="fresh")
    if home.exists() and any(home.iterdir()) and not (home / DEMO_MARKER).is_file():
        raise InvalidInput(
            f"demo --fresh would delete {home.resolve()}, which the demo did not make (no "
            f"{DEMO_MARKER} file in it); point DATAMILL_HOME at another folder, or delete it "
            "yourself if it is an old demo's", field="fresh")
    if _home_served(home):
        # deleted under a running server, the database lives on in its open files: its pages
        # would keep showing (and writing to) the old demo while the CLI sees the new one
        raise Conflict(
            f"demo --fresh would delete {home.resolve()}, which a running `datamill serve` is "
            "using; stop the server first, then start it again after the demo")


def _speech_demo(rt: Runtime, workdir: Path, utterances: int, *, full: bool) -> int:
    """The ASR project (demo-asr-en); with ``full`` through to an accepted delivery."""
    from datamill.assist.runner import preannotate_project, preannotation_accuracy
    from datamill.cli._words import code, count_items, say
    from datamill.demo.corpus import BAD_FILES, make_demo_corpus
    from datamill.demo.script import run_loop, setup_people_and_project
    from datamill.production.checking import run_checks
    from datamill.production.importing import import_source
    from datamill.production.projects import project_stats

    with progress_bar(say("demo.bar.synth"), utterances) as advance:
        manifest = make_demo_corpus(workdir, utterances, progress=advance)
    project_id = setup_people_and_project(rt)
    with rt.session() as s:
        with progress_bar(say("demo.bar.import"), utterances + len(BAD_FILES)) as advance:
            report = import_source(s, rt.blobs, project_id, manifest, progress=advance)
    out.print(say("demo.imported", imported=report.imported, rejected=report.rejected))
    for rej in report.rejections:
        out.print(say("demo.refused", what=rej["source"], reason=rej["reason"]), highlight=False)
    with rt.session() as s:
        with progress_bar(say("demo.bar.checks"), report.imported) as advance:
            summary = run_checks(s, rt.blobs, project_id, progress=advance)
    out.print(say("demo.checked", checked=summary.checked, passed=summary.passed,
                  rejected=summary.rejected))
    for rej in summary.rejections:
        out.print(say("demo.refused", what=rej["item"], reason="; ".join(rej["reasons"])),
                  highlight=False)
    with rt.session() as s:
        with progress_bar(say("demo.bar.preannotate"), summary.passed) as advance:
            pre = preannotate_project(s, rt.blobs, project_id, progress=advance)
    out.print(say("demo.preannotated", items=count_items(pre["items"]), model=pre["model"]),
              highlight=False)
    with rt.session() as s:
        acc = preannotation_accuracy(s, project_id)
    if acc["items"]:
        out.print(say("demo.accuracy", wer=f"{acc['word_error_rate']:.3f}",
                      accuracy=f"{acc['character_accuracy']:.3f}",
                      items=count_items(acc["items"])), highlight=False)
    if not full:
        from datamill.production.tasks import create_packages

        with rt.session() as s:
            pkgs = create_packages(s, project_id, "annotate")
            create_packages(s, project_id, "review")
        out.print(say("demo.packages_ready", project="demo-asr-en", n=len(pkgs)))
        return project_id
    result = run_loop(rt, project_id, (workdir / "deliveries").resolve())
    for step in result.steps:
        out.print(f"• {step}")
    with rt.session() as s:
        stats = project_stats(s, project_id)
    out.print(say("demo.project", project="demo-asr-en", counts=say("demo.sep").join(
        say("demo.count", n=n, status=code("item_status", status))
        for status, n in sorted(stats["by_status"].items()))), highlight=False)
    if result.delivery_path:
        out.print(styled((say("demo.delivered", project="demo-asr-en"), "bold green"),
                         f" {result.delivery_path}"))
        return project_id
    console.print(say("demo.not_accepted", project="demo-asr-en"), style="red")
    raise typer.Exit(1)
