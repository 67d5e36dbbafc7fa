"""``datamill delivery``: export an accepted batch; record the customer's acceptance.

Both act for ``--as USERNAME`` and are checked and audited like the API's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from datamill.cli._common import (
    AsUser,
    acting_user,
    emit,
    get_runtime,
    handle_errors,
    out,
    owning_project,
    progress_bar,
)
from datamill.compliance.roles import Action

app = typer.Typer(help="Deliveries and customer acceptance.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("create")
@handle_errors
def create_cmd(
    batch_id: int,
    user: AsUser,
    out_dir: Annotated[Path, typer.Option("--out", help="Where delivery packages go.")] = Path("deliveries"),
    fmt: Annotated[list[str] | None, typer.Option("--format", help="kaldi, textgrid, hf (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export an accepted batch with a sha256 manifest and a datasheet."""
    from datamill.production.delivery import deliver_batch

    rt = get_runtime()
    with rt.session() as s, progress_bar("exporting", None) as advance:
        actor = acting_user(s, user, Action.DELIVER, project_id=owning_project(s, batch_id=batch_id))
        d = deliver_batch(s, rt.blobs, batch_id, out_dir, formats=fmt, progress=advance,
                          actor_id=actor.id)
    emit(d, as_json, lambda v: out.print(
        f"delivery {v.id}: {v.delivered_utterances} utterances, {v.delivered_hours:.4f} h → {v.path}"))


@app.command("accept")
@handle_errors
def accept_cmd(
    delivery_id: int,
    user: AsUser,
    utterances: Annotated[int, typer.Option(help="Accepted utterances.")],
    duration_ms: Annotated[int, typer.Option(help="Accepted duration in ms.")],
    note: str | None = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the customer's acceptance report by accepted volume."""
    from datamill.production.delivery import record_acceptance

    with get_runtime().session() as s:
        actor = acting_user(s, user, Action.DELIVER,
                            project_id=owning_project(s, delivery_id=delivery_id))
        d = record_acceptance(s, delivery_id, accepted_duration_ms=duration_ms,
                              accepted_utterances=utterances, note=note, actor_id=actor.id)
    emit(d, as_json, lambda v: out.print(
        f"delivery {v.id} accepted: {v.accepted_utterances} utterances, {v.accepted_duration_ms} ms"))
