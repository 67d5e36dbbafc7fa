"""``datamill workforce`` commands on a worker's standing and on packages handed to vendors:
``workers``, ``take-back``, ``worker-set``, ``worker-deactivate``, ``worker-manager`` and ``worker-move``.

Registered on :data:`datamill.cli.workforce.app`; every command acts for ``--as USERNAME`` and
is checked like the API (the business side, or a vendor manager on their own vendor's people);
every change is audited.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from datamill.cli._common import emit, get_runtime, handle_errors, out
from datamill.cli._words import say
from datamill.cli.workforce import AsUser, JsonOpt, _actor, _worker_id, app

__all__: list[str] = []

WorkerArg = Annotated[str, typer.Argument(help="The worker's id or username")]


@app.command("workers")
@handle_errors
def workers_cmd(
    actor: AsUser,
    vendor: Annotated[int | None, typer.Option(
        "--vendor", help="Only this vendor's workers (a vendor manager sees only their own).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List registered workers with their ids, vendor, grade and languages.

    The ids and usernames listed are what the other workforce commands take."""
    from rich.table import Table

    from datamill.workforce.vendors import list_workers

    with get_runtime().session() as s:
        rows = list_workers(s, _actor(s, actor), vendor)

    def render(rows: list[Any]) -> None:
        t = Table(*(say(f"wf.col.{c}") for c in (
            "id", "username", "vendor", "manager", "grade", "languages", "identity", "active")))
        for w in rows:
            t.add_row(str(w.id), w.username, say("wf.in_house") if w.vendor_id is None else
                      str(w.vendor_id), say("wf.yes") if w.is_manager else "", w.grade or "",
                      ", ".join(w.languages) or say("wf.none"), say("wf.checked")
                      if w.identity_verified else "", say("wf.yes") if w.active else say("wf.no"))
        out.print(t)

    emit(rows, as_json, render)


@app.command("take-back")
@handle_errors
def take_back_cmd(
    package_id: int, actor: AsUser,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Take a package back from its vendor: the vendor's people's holds on its open tasks are
    released (submitted work stays) and it is in-house work again."""
    from datamill.workforce.assignment import take_back_package

    with get_runtime().session() as s:
        p = take_back_package(s, _actor(s, actor), package_id, reason)
    emit(p, as_json, lambda p: out.print(
        say("wf.taken_back", package=p.name, n=len(p.released_tasks)),
        highlight=False))


@app.command("worker-set")
@handle_errors
def worker_set_cmd(
    worker: WorkerArg, actor: AsUser,
    language: Annotated[list[str] | None, typer.Option(
        "--language", help="BCP-47, repeatable: replaces the worker's languages")] = None,
    modality: Annotated[list[str] | None, typer.Option(
        "--modality", help="Repeatable: replaces the worker's modalities")] = None,
    domain: Annotated[list[str] | None, typer.Option(
        "--domain", help="Repeatable: replaces the worker's expert domains")] = None,
    device: Annotated[list[str] | None, typer.Option(
        "--device", help="Repeatable: replaces the worker's devices")] = None,
    grade: Annotated[str | None, typer.Option(help="In-house grade (hour points).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a registered worker's languages, modalities, domains, devices or grade (what is
    not given stays): e.g. a worker registered without --language gets one here."""
    from datamill.workforce.people import set_worker_profile

    with get_runtime().session() as s:
        w = set_worker_profile(s, _actor(s, actor), _worker_id(s, worker), languages=language,
                               modalities=modality, domains=domain, devices=device, grade=grade)
    emit(w, as_json, lambda w: out.print(
        say("wf.worker_set", id=w.id, username=w.username, languages=", ".join(w.languages) or "-",
            modalities=", ".join(w.modalities) or "-", grade=w.grade or "-"),
        highlight=False))


@app.command("worker-deactivate")
@handle_errors
def worker_deactivate_cmd(
    worker: WorkerArg, actor: AsUser,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    reactivate: Annotated[bool, typer.Option(
        "--reactivate", help="Put the worker back to work instead.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Deactivate a worker (their task holds are released and the packages assigned to them go
    back to the pool), or with --reactivate put them back to work."""
    from datamill.workforce.people import set_worker_active

    with get_runtime().session() as s:
        w = set_worker_active(s, _actor(s, actor), _worker_id(s, worker), reactivate, reason)
    emit(w, as_json, lambda w: out.print(
        say("wf.reactivated" if w.active else "wf.deactivated", id=w.id, username=w.username),
        highlight=False))


@app.command("worker-manager")
@handle_errors
def worker_manager_cmd(
    worker: WorkerArg, actor: AsUser,
    drop: Annotated[bool, typer.Option(
        "--drop", help="Drop the vendor-manager flag instead of setting it.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Name a vendor's worker its manager, or with --drop take the flag away (a vendor manager
    may drop it within their own vendor; only the business names managers)."""
    from datamill.workforce.people import set_worker_manager

    with get_runtime().session() as s:
        w = set_worker_manager(s, _actor(s, actor), _worker_id(s, worker), not drop)
    emit(w, as_json, lambda w: out.print(
        say("wf.manager_now" if w.is_manager else "wf.manager_no_longer", id=w.id,
            username=w.username, vendor=w.vendor_id), highlight=False))


@app.command("worker-move")
@handle_errors
def worker_move_cmd(
    worker: WorkerArg, actor: AsUser,
    vendor: Annotated[int | None, typer.Option(help="The vendor to move them to.")] = None,
    in_house: Annotated[bool, typer.Option("--in-house", help="Move them in-house.")] = False,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Move a worker to another vendor (--vendor N) or in-house (--in-house): what they held
    goes back to its pool and a manager flag is dropped (procurement, project managers)."""
    from datamill.core.errors import InvalidInput
    from datamill.workforce.people import move_worker

    if (vendor is None) == (not in_house):
        raise InvalidInput("say where to: --vendor N or --in-house (one of them)",
                           field="vendor")
    with get_runtime().session() as s:
        w = move_worker(s, _actor(s, actor), _worker_id(s, worker), vendor, reason)
    emit(w, as_json, lambda w: out.print(
        say("wf.moved_in_house", id=w.id, username=w.username) if w.vendor_id is None else
        say("wf.moved_to_vendor", id=w.id, username=w.username, vendor=w.vendor_id),
        highlight=False))
