"""``datamill delivery``: export an accepted batch; record the customer's acceptance; move a
package (``relocate``).

``create`` and ``accept`` act for ``--as USERNAME`` and are checked and audited like the API's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from datamill.cli._common import (
    AsUser,
    acting_user,
    amount,
    emit,
    get_runtime,
    handle_errors,
    out,
    owning_project,
    printable,
    progress_bar,
)
from datamill.cli._unit_words import unit_after
from datamill.cli._words import code, count_items, say
from datamill.compliance.roles import Action
from datamill.production.schemas import DeliveryOut

app = typer.Typer(help="Deliveries and customer acceptance.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("create")
@handle_errors
def create_cmd(
    batch_id: int,
    user: AsUser,
    out_dir: Annotated[Path, typer.Option("--out", help="Where delivery packages go.")] = Path("deliveries"),
    fmt: Annotated[list[str] | None, typer.Option("--format", help="Export format, repeatable (default: the modality's formats that hold the project's work).")] = None,
    encrypt: Annotated[bool | None, typer.Option(
        "--encrypt/--no-encrypt", help="Write one encrypted archive (default: when a master "
        "key is configured); the customer gets it decrypted with 'datamill delivery "
        "download' (or GET /api/v1/deliveries/ID/package).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export an accepted batch with a sha256 manifest and a datasheet."""
    from datamill.ledger.customers import project_customer_language
    from datamill.production.delivery import deliver_batch

    rt = get_runtime()
    with rt.session() as s, progress_bar("exporting", None) as advance:
        project_id = owning_project(s, batch_id=batch_id)
        actor = acting_user(s, user, Action.DELIVER, project_id=project_id)
        d = deliver_batch(s, rt.blobs, batch_id, out_dir, formats=fmt, progress=advance,
                          actor_id=actor.id, encrypt=encrypt,
                          note_language=project_customer_language(s, project_id),
                          apart=True)  # no writer lock held while the package is built
    emit(d, as_json, lambda v: out.print(say(
        "delivery.created", id=v.id, items=count_items(v.delivered_items),
        volume=amount(v.delivered_volume),
        unit=unit_after(amount(v.delivered_volume), v.volume_unit), path=v.path)
        + (say("delivery.personal_data_released", items=count_items(v.personal_data_unmasked),
               by=(v.personal_data_release or {}).get("released_by"),
               reason=(v.personal_data_release or {}).get("reason"))
           if v.personal_data_unmasked else "")))


@app.command("accept")
@handle_errors
def accept_cmd(
    delivery_id: int,
    user: AsUser,
    items: Annotated[int | None, typer.Option(
        "--items", "--utterances", help="Accepted items (--utterances: the older name).")] = None,
    volume: Annotated[int | None, typer.Option(
        "--volume", "--duration-ms",
        help="Accepted volume in the modality's base unit: milliseconds of audio (speech, "
             "TTS), characters (text), images, dialogues (LLM), frames (point clouds); "
             "'delivery create' prints the delivered volume. Where every item counts one "
             "(images, dialogues, frames) it defaults to --items. --duration-ms: the older "
             "name.")] = None,
    note: str | None = None,
    accept_all: Annotated[bool, typer.Option(
        "--all", help="Everything delivered: its items and volume as the delivery recorded "
        "them (instead of --items and --volume).")] = False,
    refuse: Annotated[list[str] | None, typer.Option(
        "--refuse", help="A delivered item the customer refused, by its name in the package (its "
        "delivery key) or its external id (repeat it); "
        "the rest is accepted, the refused items go back to rework and are delivered again.",
    )] = None,
    on: Annotated[str | None, typer.Option(
        "--on", "--accepted-on", help="The day the customer's acceptance report was signed "
        "(YYYY-MM-DD; default: today): the revenue is recognised in its period.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the customer's acceptance report by accepted items and volume (or --all)."""
    from datamill.ledger.acceptance_dates import record_acceptance_on
    from datamill.production.delivery_acceptance import acceptance_day

    day = acceptance_day(on)
    with get_runtime().session() as s:
        actor = acting_user(s, user, Action.ACCEPT_DELIVERY,
                            project_id=owning_project(s, delivery_id=delivery_id))
        d = record_acceptance_on(s, delivery_id, accepted_items=items, accepted_volume=volume,
                              note=note, actor_id=actor.id, accept_all=accept_all,
                              refused_items=refuse, accepted_on=day)
    dated = say("delivery.accepted_dated", on=day) if day else ""
    emit(d, as_json, lambda v: out.print(say(
        "delivery.accepted", id=v.id, items=count_items(v.accepted_items or 0),
        volume=amount(v.accepted_volume),
        unit=unit_after(amount(v.accepted_volume), v.volume_unit), refused=_refused(v) + dated), highlight=False))


@app.command("reject")
@handle_errors
def reject_cmd(
    delivery_id: int,
    user: AsUser,
    reason: Annotated[str, typer.Option(help="The customer's reason (what was wrong).")],
    as_json: JsonOpt = False,
) -> None:
    """Record the customer's rejection of a whole delivery: nothing is accepted or paid; the
    batch's items go back to their annotators with the reason, to be batched and delivered
    again."""
    from datamill.production.delivery import reject_delivery

    with get_runtime().session() as s:
        actor = acting_user(s, user, Action.ACCEPT_DELIVERY,
                            project_id=owning_project(s, delivery_id=delivery_id))
        d = reject_delivery(s, delivery_id, reason=reason, actor_id=actor.id)
    emit(d, as_json, lambda v: out.print(
        say("delivery.rejected", id=v.id, items=count_items(v.delivered_items)),
        highlight=False))


@app.command("list")
@handle_errors
def list_cmd(
    project: Annotated[str, typer.Argument(help="Project name or id.")],
    user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """A project's deliveries: delivered, accepted (items and volume) or rejected."""
    from datamill.production.delivery import list_deliveries

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        me = acting_user(s, user, Action.ACCEPT_DELIVERY, project_id=pid)
        rows = [_as_shown(me, d) for d in list_deliveries(s, pid)]

    def show(rows: list[DeliveryOut]) -> None:
        for v in rows:
            took = (say("delivery.row_took", items=count_items(v.accepted_items or 0),
                        volume=amount(v.accepted_volume or 0),
                        unit=unit_after(amount(v.accepted_volume or 0), v.volume_unit))
                    if v.status == "accepted" else "")
            out.print(say("delivery.row", id=v.id, batch=v.batch_id,
                          status=code("status", v.status), items=count_items(v.delivered_items),
                          volume=amount(v.delivered_volume),
                          unit=unit_after(amount(v.delivered_volume), v.volume_unit), took=took,
                          where=_where(v)), highlight=False)
        if not rows:
            out.print(say("delivery.none"), highlight=False)

    emit(rows, as_json, show)


@app.command("show")
@handle_errors
def show_cmd(delivery_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """One delivery with its datasheet: the speakers, scoring conventions and the
    application-effect line (the run on the largest sample, its measure, seed and verdict);
    --json gives the whole datasheet (its effect_evaluation key)."""
    from datamill.production.delivery import get_delivery

    with get_runtime().session() as s:
        me = acting_user(s, user, Action.ACCEPT_DELIVERY,
                         project_id=owning_project(s, delivery_id=delivery_id))
        d = _as_shown(me, get_delivery(s, delivery_id))

    def show(v: DeliveryOut) -> None:
        from datamill.cli._datasheet import print_effect, print_scoring, print_speakers

        out.print(
            say("delivery.shown", id=v.id, batch=v.batch_id, status=code("status", v.status),
                items=count_items(v.delivered_items), volume=amount(v.delivered_volume),
                unit=unit_after(amount(v.delivered_volume), v.volume_unit), where=_where(v),
                refused=_refused(v))
            + (say("delivery.note", note=printable(v.acceptance_note))
               if v.acceptance_note else ""),
            highlight=False)
        print_speakers(v.datasheet)
        print_scoring(v.datasheet)
        print_effect(v.datasheet)

    emit(d, as_json, show)


def _as_shown(user: Any, d: DeliveryOut) -> DeliveryOut:
    """The delivery as the API shows it to ``user``: the customer is not told where the
    package lies on the server (``path``: None), whoever delivers is."""
    from datamill.compliance.roles import allowed

    return d if allowed(user.role, Action.DELIVER) else d.model_copy(update={"path": None})


def _where(d: DeliveryOut) -> str:
    return f" → {d.path}" if d.path else ""


def _refused(d: DeliveryOut) -> str:
    """The refused items by the external ids the customer named them with (20 at most)."""
    if not d.refused_items:
        return ""
    names = say("delivery.name_sep").join(printable(n) for n in d.refused_items[:20])
    more = (say("delivery.refused_more", more=len(d.refused_items) - 20)
            if len(d.refused_items) > 20 else "")  # noqa: PLR2004
    return say("delivery.refused", names=names, more=more)


@app.command("download")
@handle_errors
def download_cmd(
    delivery_id: int,
    user: AsUser,
    out_dir: Annotated[Path, typer.Option("--out", help="New (or empty) folder to write the "
                                          "package's files to.")],
    as_json: JsonOpt = False,
) -> None:
    """Get a delivery's package (the project's customer, or its manager): decrypted when it
    was written encrypted (no key needed), every file checked against manifest.json; audited."""
    from datamill.production.delivery_download import download_package

    rt = get_runtime()
    with rt.session() as s:
        actor = acting_user(s, user, Action.ACCEPT_DELIVERY,
                            project_id=owning_project(s, delivery_id=delivery_id))
        got = download_package(s, getattr(rt.blobs, "master", None), delivery_id, actor,
                               out_dir)
    emit(got, as_json, lambda v: out.print(say(
        "delivery.downloaded", id=delivery_id, files=v["files"], out=v["out"],
        decrypted=say("delivery.decrypted") if v["encrypted"] else ""), highlight=False))


def _project_id(session: Any, ref: str) -> int:
    from datamill.production.projects import find_project

    return int(find_project(session, ref).id)


@app.command("relocate")
@handle_errors
def relocate_cmd(
    package: Annotated[Path, typer.Argument(help="The delivery package's folder, where it lies now.")],
    old_root: Annotated[str | None, typer.Option(
        "--from", help="The folder it was written to (only for packages whose files name no "
                       "media file by absolute path, which would tell it).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Rewrite the absolute paths inside a package copied elsewhere (Kaldi wav.scp, JSONL and
    Parquet audio paths) to where it lies now, and update its manifest's sha256 sums. Needs no
    database: run it wherever the package is. A package whose files hold no absolute path
    (image, point-cloud and text packages) has nothing to relocate and is left as it is."""
    from datamill.core.errors import InvalidInput
    from datamill.production.delivery_relocate import relocate_package

    if not package.is_dir():  # also a link that loops, which resolve() cannot follow
        raise InvalidInput(f"{package} is not a folder: give the delivery package's folder",
                           path=str(package))
    report = relocate_package(package, old_root=old_root)
    emit(report, as_json, lambda r: out.print(
        say("delivery.nothing_to_relocate", path=r.new_root) if r.nothing_to_relocate else
        f"{r.replaced} paths in {len(r.files)} files now start with {r.new_root} "
        f"(were {r.old_root})", highlight=False))
