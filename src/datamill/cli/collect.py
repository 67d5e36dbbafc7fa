"""``datamill collect``: collection from people — speaker quotas, prompts, consent texts,
invitation links, subjects and re-recording requests. Writes act for ``--as USERNAME`` and are
checked by the collection services, like the API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import (
    acting_user,
    cli_language,
    emit,
    get_runtime,
    handle_errors,
    out,
    styled,
)
from datamill.cli._words import code, say, say_count

__all__ = ["ENCODING_HELP", "app", "read_text_file"]

app = typer.Typer(help="Collection: speaker quotas, prompts, consent texts, invitation links, "
                  "re-recording.", no_args_is_help=True)
prompts_app = typer.Typer(help="The project's prompt list.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting.")]
ProjectArg = Annotated[str, typer.Argument(help="Project id or name.")]
ENCODING_HELP = ("The file's encoding (UTF-8 with or without BOM by default; gbk, gb18030, "
                 "big5 for files from Chinese Windows editors).")
EncodingOpt = Annotated[str, typer.Option("--encoding", help=ENCODING_HELP)]


def _pid(s: Any, project: str) -> int:
    from datamill.production.projects import find_project

    return int(find_project(s, project).id)


def read_text_file(path: Path, encoding: str = "utf-8", field: str = "file") -> str:
    """The file's text; UTF-8 may start with a byte-order mark. Text in another encoding (a
    Chinese Windows editor saves GBK) is refused with the option that reads it."""
    import codecs

    from datamill.core.errors import InvalidInput

    try:
        codec = codecs.lookup(encoding).name
    except LookupError as err:
        raise InvalidInput(f"unknown encoding {encoding!r} (e.g. utf-8, gbk, gb18030, big5)",
                           field="encoding") from err
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"cannot read {path}: {err.strerror or err}", field=field,
                           path=str(path), reason_code="file_unreadable",
                           why=str(err.strerror or err)) from err
    try:
        return raw.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as err:
        hint = ""
        if codec == "utf-8":
            try:
                raw.decode("gb18030")
                hint = "; it reads as GBK/GB18030: pass --encoding gbk or save it as UTF-8"
            except UnicodeDecodeError:
                hint = "; save it as UTF-8 or name its encoding with --encoding"
        raise InvalidInput(f"{path} is not {encoding} text (byte {raw[err.start]:#04x} at offset"
                           f" {err.start}){hint}", field=field, path=str(path)) from err


def _line(text: str) -> Any:
    return lambda _v: out.print(text, highlight=False)


@app.command("quotas")
@handle_errors
def quotas_cmd(project: ProjectArg, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Progress of every speaker-quota cell: targets, accepted, in progress, fill (the
    least-filled target, each target's own beside it), full (every target met)."""
    from datamill.collection.quotas import quota_progress
    from datamill.compliance.roles import Action
    from datamill.production.quota_words import quota_cell_words

    with get_runtime().session() as s:
        pid = _pid(s, project)
        acting_user(s, as_user, Action.VIEW_PROJECT, project_id=pid, project_ref=project)  # as the API checks
        result = quota_progress(s, pid)

    def render(r: dict[str, Any]) -> None:
        if not r["configured"]:
            out.print(say("collect.no_quotas"), highlight=False)
            return
        table = Table(*(say(f"collect.col.{c}") for c in
                        ("cell", "target", "accepted", "in_progress", "fill", "state")))
        sep = say("collect.sep")
        for c in r["cells"]:
            units = [k for k, v in c["targets"].items() if v]

            def amounts(values: dict[str, float], units: list[str] = units) -> str:
                return sep.join(say_count(f"collect.amount.{k}", values[k]) for k in units)

            state = (styled((say("collect.full"), "red")) if c["full"]
                     else styled((say("collect.open"), "green")))
            # the least-filled target's share, then each target's own when there are several
            fill = f"{c['fill']:.0%}" if len(units) < 2 else say(
                "collect.fill_parts", fill=f"{c['fill']:.0%}", parts=sep.join(
                    say("collect.fill_part", unit=code("unit", k), share=f"{c['progress'][k]:.0%}")
                    for k in units))
            label = quota_cell_words(cli_language(), c["dimensions"], c.get("name"))
            table.add_row(label, amounts(c["targets"]), amounts(c["accepted"]),
                          amounts(c["in_progress"]), fill, state)
        out.print(table)

    emit(result, as_json, render)


@prompts_app.command("add")
@handle_errors
def prompts_add(
    project: ProjectArg,
    file: Annotated[Path, typer.Option("--file", help="Text, one prompt a line.")],
    as_user: AsUser,
    encoding: EncodingOpt = "utf-8",
    as_json: JsonOpt = False,
) -> None:
    """Append prompts from a file (blank lines and prompts already listed are skipped)."""
    from datamill.collection.staff import add_prompts

    lines = read_text_file(file, encoding).splitlines()
    with get_runtime().session() as s:
        result = add_prompts(s, acting_user(s, as_user), _pid(s, project), lines)
    emit(result, as_json, _line(say("collect.prompts_added", added=result["added"],
                                    skipped=result["skipped"], total=result["total"])))


@prompts_app.command("list")
@handle_errors
def prompts_list(project: ProjectArg, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """The prompt list in order."""
    from datamill.collection.staff import list_prompts

    with get_runtime().session() as s:
        rows = list_prompts(s, acting_user(s, as_user), _pid(s, project))

    def render(rs: list[dict[str, Any]]) -> None:
        for r in rs:
            out.print(f"{r['position']:>4}  {r['text']}", highlight=False)

    emit(rows, as_json, render)


@app.command("consent-text")
@handle_errors
def consent_text(
    project: ProjectArg,
    file: Annotated[Path, typer.Option("--file", help="The consent text.")],
    as_user: AsUser,
    encoding: EncodingOpt = "utf-8",
    as_json: JsonOpt = False,
) -> None:
    """Add the next version of the project's consent text."""
    from datamill.collection.staff import set_consent_text

    text = read_text_file(file, encoding)
    with get_runtime().session() as s:
        result = set_consent_text(s, acting_user(s, as_user), _pid(s, project), text)
    emit(result, as_json, _line(say("collect.consent_saved", version=result["version"])))


@app.command("invite")
@handle_errors
def invite_cmd(
    project: ProjectArg,
    subject: Annotated[str, typer.Argument(help="The subject's id (their speaker id).")],
    as_user: AsUser,
    days: Annotated[int | None, typer.Option(help="Days the link lives.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """An invitation link for one subject (shown once: send it to them)."""
    from datamill.collection.staff import create_invite

    with get_runtime().session() as s:
        result = create_invite(s, acting_user(s, as_user), _pid(s, project), subject, days=days)
    emit(result, as_json, _line(say("collect.invited", id=result["id"],
                                    subject=result["subject_id"], path=result["path"],
                                    until=f"{result['expires_at']:%Y-%m-%d %H:%M}")))


@app.command("revoke")
@handle_errors
def revoke_cmd(
    invite_id: Annotated[str, typer.Argument(
        metavar="INVITE_ID", show_default=False,
        help="The invitation's number, as datamill collect invites PROJECT lists it (not a"
             " project or subject).")],
    as_user: AsUser, as_json: JsonOpt = False,
) -> None:
    """Revoke an invitation link by its id (datamill collect invites PROJECT lists them)."""
    from datamill.collection.staff import revoke_invite
    from datamill.core.errors import InvalidInput

    if not invite_id.strip().isdecimal() or not 1 <= int(invite_id) <= 2**31 - 1:
        raise InvalidInput(f"{invite_id!r} is not an invitation id: pass the number `datamill"
                           " collect invites PROJECT` lists (revoke takes no project or"
                           " subject)", field="invite_id")
    with get_runtime().session() as s:
        result = revoke_invite(s, acting_user(s, as_user), int(invite_id))
    emit(result, as_json, _line(say("collect.invite_revoked", id=invite_id)))


@app.command("invites")
@handle_errors
def invites_cmd(project: ProjectArg, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Every invitation of the project and its state."""
    from datamill.collection.staff import list_invites

    with get_runtime().session() as s:
        rows = list_invites(s, acting_user(s, as_user), _pid(s, project))

    def render(rs: list[dict[str, Any]]) -> None:
        for r in rs:
            out.print(say("collect.invite_row", id=f"{r['id']:>4}", subject=r["subject_id"],
                          state=code("invite_state", r["state"]),
                          until=f"{r['expires_at']:%Y-%m-%d}"), highlight=False)

    emit(rows, as_json, render)


@app.command("reset-demographics")
@handle_errors
def reset_demographics_cmd(
    project: ProjectArg,
    subject: Annotated[str, typer.Argument(help="The subject's id (their speaker id).")],
    as_user: AsUser, as_json: JsonOpt = False,
) -> None:
    """Clear a subject's demographics so they answer again on their page (answers once sent,
    a quota refusal included, are fixed; only a subject with no recording may be reset)."""
    from datamill.collection.staff import reset_demographics

    with get_runtime().session() as s:
        result = reset_demographics(s, acting_user(s, as_user), _pid(s, project), subject)
    emit(result, as_json, _line(say("collect.reset", subject=result["subject_id"],
                                    previous=result["previous"] or say("collect.none"))))


@app.command("subjects")
@handle_errors
def subjects_cmd(project: ProjectArg, as_user: AsUser, as_json: JsonOpt = False) -> None:
    """Subjects: demographics, consent version signed (or withdrawn), recordings (current
    takes, and the earlier takes a re-recording retired), open re-record requests."""
    from datamill.collection.staff import list_subjects

    with get_runtime().session() as s:
        rows = list_subjects(s, acting_user(s, as_user), _pid(s, project))

    def render(rs: list[dict[str, Any]]) -> None:
        for r in rs:
            consent = (say("collect.consent", version=r["consent_version"])
                       if r["consent_id"] else say("collect.no_consent"))
            if r["consent_withdrawn_at"]:
                consent = say("collect.withdrawn", date=f"{r['consent_withdrawn_at']:%Y-%m-%d}")
            retired = (say("collect.retired_takes", current=r["current_takes"],
                           retired=r["retired_takes"]) if r["retired_takes"] else "")
            out.print(say("collect.subject_row", subject=r["subject_id"], consent=consent,
                          recordings=r["recordings"], rerecords=r["open_rerecords"],
                          retired=retired), highlight=False)
            for p in r["rerecorded"]:
                earlier = say("collect.sep").join(
                    say("collect.take", attempt=t["attempt"], item=t["item_id"])
                    for t in p["retired"])
                out.print(say("collect.rerecorded", position=p["position"],
                              attempt=p["current_attempt"], item=p["current_item_id"],
                              earlier=earlier),
                          highlight=False, soft_wrap=True)  # one line, however long

    emit(rows, as_json, render)


@app.command("rerecord")
@handle_errors
def rerecord_cmd(
    item_id: Annotated[int, typer.Argument(help="The collected item.", min=1)],
    reason: Annotated[str, typer.Option("--reason", help="What is wrong with the recording.")],
    as_user: AsUser,
    source: Annotated[str, typer.Option(help="review, inspection or manual.")] = "review",
    as_json: JsonOpt = False,
) -> None:
    """Ask the subject to record an item's prompt again (shown on their collection page)."""
    from datamill.collection.staff import request_rerecord

    with get_runtime().session() as s:
        result = request_rerecord(s, acting_user(s, as_user), item_id, reason, source=source)
    emit(result, as_json, _line(say("collect.rerecord", id=result["id"], item=item_id)))
