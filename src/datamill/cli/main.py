"""The ``datamill`` Typer app: one sub-app per domain, plus ``demo`` and ``serve``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from datamill.cli import (
    audit,
    data,
    delivery,
    ledger,
    ledger_plan,
    procurement,
    project,
    quality,
    security,
    user,
    work,
    workforce,
)
from datamill.cli._common import (
    EXIT_HELP,
    JsonAwareGroup,
    console,
    get_runtime,
    handle_errors,
    out,
    progress_bar,
    styled,
)

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
app.add_typer(delivery.app, name="delivery")
app.add_typer(user.app, name="user")
app.add_typer(ledger.app, name="ledger")
app.add_typer(workforce.app, name="workforce")
app.add_typer(audit.app, name="audit")
app.add_typer(security.app, name="security")
ledger.app.add_typer(ledger_plan.app, name="budget-plan")
workforce.app.add_typer(procurement.app, name="procurement")


@app.command("serve")
def serve_cmd(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (PostgreSQL: one per core).")] = 1,
) -> None:
    """Run the HTTP API (and web UI) on loopback."""
    from datamill.runtime import Runtime
    from datamill.server import serve

    rt = Runtime.from_settings()
    try:
        audit.warn_if_broken(rt)
    finally:
        rt.close()
    serve(host=host, port=port, workers=workers)


@app.command("db-upgrade")
@handle_errors
def db_upgrade() -> None:
    """Bring the configured database to the latest schema (Alembic)."""
    get_runtime()
    out.print("database is at the latest schema")


@app.command("demo")
@handle_errors
def demo_cmd(
    full: Annotated[bool, typer.Option("--full", help="Run scripted people through to an accepted delivery.")] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Delete the demo's database and blobs first.")] = False,
    utterances: Annotated[int, typer.Option(help="Good recordings to synthesise.")] = 36,
    workdir: Annotated[Path, typer.Option(help="Where the demo's raw audio and deliveries go.")] = Path("demo-data"),
) -> None:
    """Build a real ASR project from espeak-ng speech: import, check, pre-annotate, package.

    With ``--full`` the scripted annotators, reviewer and inspector take it to an accepted
    delivery, and the export's location is printed.
    """
    from datamill.assist.runner import preannotate_project, preannotation_accuracy
    from datamill.config import get_settings
    from datamill.demo.corpus import BAD_FILES, make_demo_corpus
    from datamill.demo.script import DEMO_PASSWORD, run_loop, setup_people_and_project
    from datamill.production.checking import run_checks
    from datamill.production.importing import import_source
    from datamill.production.projects import project_stats

    settings = get_settings()
    if fresh:
        shutil.rmtree(settings.home, ignore_errors=True)
        shutil.rmtree(workdir / "deliveries", ignore_errors=True)
    with progress_bar("synthesising speech (espeak-ng)", utterances) as advance:
        manifest = make_demo_corpus(workdir, utterances, progress=advance)
    rt = get_runtime()
    audit.warn_if_broken(rt)
    project_id = setup_people_and_project(rt)
    with rt.session() as s:
        with progress_bar("importing", utterances + len(BAD_FILES)) as advance:
            report = import_source(s, rt.blobs, project_id, manifest, progress=advance)
    out.print(f"imported {report.imported} files, {report.rejected} rejected at import:")
    for rej in report.rejections:
        out.print(f"  - {rej['source']}: {rej['reason']}")
    with rt.session() as s:
        with progress_bar("automatic checks", report.imported) as advance:
            summary = run_checks(s, rt.blobs, project_id, progress=advance)
    out.print(f"checked {summary.checked}: {summary.passed} passed, {summary.rejected} set aside:")
    for rej in summary.rejections:
        out.print(f"  - {rej['item']}: {'; '.join(rej['reasons'])}")
    with rt.session() as s:
        with progress_bar("pre-annotating (pocketsphinx)", summary.passed) as advance:
            pre = preannotate_project(s, rt.blobs, project_id, progress=advance)
    out.print(f"pre-annotated {pre['items']} items with {pre['model']}")
    with rt.session() as s:
        acc = preannotation_accuracy(s, project_id)
    if acc["items"]:
        out.print(f"pre-annotation vs prompts: WER {acc['word_error_rate']:.3f}, "
                  f"character accuracy {acc['character_accuracy']:.3f} over {acc['items']} items")
    if not full:
        from datamill.production.tasks import create_packages

        with rt.session() as s:
            pkgs = create_packages(s, project_id, "annotate")
            create_packages(s, project_id, "review")
        out.print(f"{len(pkgs)} annotation packages are ready. Users (password {DEMO_PASSWORD!r}): "
                  "admin, pm, alice, bob (annotators), rita (reviewer), ivan (inspector).")
        out.print("Next: datamill work next demo-asr-en --as alice   or   datamill serve")
        return
    result = run_loop(rt, project_id, (workdir / "deliveries").resolve())
    for step in result.steps:
        out.print(f"• {step}")
    with rt.session() as s:
        stats = project_stats(s, project_id)
    out.print(f"project demo-asr-en: {stats['by_status']}")
    if result.delivery_path:
        out.print(styled(("delivery written to", "bold green"), f" {result.delivery_path}"))
    else:
        console.print("the batch was not accepted; see the inspection above", style="red")
        raise typer.Exit(1)
