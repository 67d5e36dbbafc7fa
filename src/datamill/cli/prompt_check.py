"""``datamill qc`` commands of the read-speech prompt check: calibrate its two thresholds per
project and answer the listener's tasks. Writes act for ``--as USERNAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import (
    AsUser,
    NothingToDo,
    acting_user,
    emit,
    get_runtime,
    handle_errors,
    out,
    styled,
)
from datamill.cli._words import code, say
from datamill.compliance.roles import Action

__all__ = ["register"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _render_calibration(v: Any) -> None:
    out.print(
        f"calibration {v.id} of project {v.project_id} by {v.created_by or '-'} at "
        f"{v.created_at:%Y-%m-%d %H:%M} UTC: reject below {v.reject_below:.3f}, pass from "
        f"{v.pass_from:.3f} (sample {v.n_good} good, {v.n_bad} bad; reject margin "
        f"{v.report['reject_margin']:.2f})"
    )
    r = v.report
    t = Table("label", "pass", "listen", "reject")
    for label in ("good", "bad"):
        c = r["confusion"][label]
        t.add_row(label, str(c["pass"]), str(c["listen"]), str(c["reject"]))
    out.print(t)
    out.print(
        f"on the sample: false rejects {r['false_reject_rate']:.1%} (target ≤ "
        f"{v.max_false_reject:.1%}), caught {r['catch_rate']:.1%} (target ≥ {v.min_catch:.1%}), "
        f"good clips to a listener {r['good_listen_rate']:.1%}"
    )


def calibrate_cmd(
    project: str,
    labels: Annotated[Path, typer.Argument(help="CSV: label (good|bad) and item (external id), "
                                                 "or file (beside the CSV) and prompt")],
    user: AsUser,
    max_false_reject: Annotated[float, typer.Option(help="Most good clips rejected")] = 0.01,
    min_catch: Annotated[float, typer.Option(help="Least bad clips stopped")] = 0.95,
    reject_margin: Annotated[float | None, typer.Option(
        help="Lower the reject threshold by this much (default: automatic; 0: none)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Calibrate the prompt check's thresholds from labelled clips and store the report."""
    from datamill.production.projects import find_project
    from datamill.production.speech.prompt_check import calibrate_prompt_check, read_labels

    clips = read_labels(labels)
    rt = get_runtime()
    with rt.session() as s:
        pid = find_project(s, project).id
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=pid, project_ref=project)
        v = calibrate_prompt_check(s, rt.blobs, actor, pid, clips,
                                   max_false_reject=max_false_reject, min_catch=min_catch,
                                   reject_margin=reject_margin, folder=labels.parent)
    emit(v, as_json, _render_calibration)


def show_cmd(project: str, as_json: JsonOpt = False) -> None:
    """The project's prompt-check calibrations, newest (in force) first."""
    from datamill.production.projects import find_project
    from datamill.production.speech.prompt_check import list_calibrations

    with get_runtime().session() as s:
        rows = list_calibrations(s, find_project(s, project).id)

    def render(vs: Any) -> None:
        if not vs:
            out.print("no calibration: the spec's prompt_check or the defaults apply")
        for v in vs:
            _render_calibration(v)

    emit(rows, as_json, render)


def _render_task(v: Any) -> None:
    out.print(say("listen.task", task=v.task_id, item=v.external_id,
                  seconds=f"{(v.duration_ms or 0) / 1000:.1f}"))
    out.print(say("listen.prompt", prompt=v.prompt or ""))
    if v.doubtful_words:
        out.print(say("listen.doubtful", words=say("listen.word_sep").join(v.doubtful_words)))


def listen_next_cmd(project: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """Claim the next clip waiting for a listener (or the one you hold)."""
    from datamill.production.projects import find_project
    from datamill.production.speech.prompt_check import claim_listen_task

    with get_runtime().session() as s:
        pid = find_project(s, project).id
        actor = acting_user(s, user, Action.ANNOTATE, project_id=pid, project_ref=project)
        v = claim_listen_task(s, actor, pid)
    if v is None:  # exit 10, like ``work next``
        raise NothingToDo("no clip is waiting for a listener", said=say("listen.nothing_left"),
                          task=None)
    emit(v, as_json, _render_task)


def listen_cmd(
    task_id: int,
    user: AsUser,
    reads: Annotated[bool, typer.Option("--reads/--does-not-read",
                                        help="Whether the clip reads its prompt")],
    note: Annotated[str | None, typer.Option(help="What you heard")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a listen task you hold: the item passes on to annotation or is rejected."""
    from datamill.production.speech.prompt_check import answer_listen_task
    from datamill.production.tasks import get_task

    with get_runtime().session() as s:
        task = get_task(s, task_id)
        actor = acting_user(s, user, Action.ANNOTATE, project_id=task.project_id)
        v = answer_listen_task(s, actor, task_id, reads_prompt=reads, note=note)

    def render(a: Any) -> None:
        colour = "green" if a.reads_prompt else "red"
        out.print(styled((code("item_status", a.item_status), colour),
                         say("listen.answered", item=a.external_id)))
        for r in a.reasons:
            out.print(f"  - {r}")

    emit(v, as_json, render)


def register(app: typer.Typer) -> None:
    """Add the commands to ``datamill qc``."""
    app.command("calibrate-prompt-check")(handle_errors(calibrate_cmd))
    app.command("prompt-check")(handle_errors(show_cmd))
    app.command("listen-next")(handle_errors(listen_next_cmd))
    app.command("listen")(handle_errors(listen_cmd))
