"""``datamill audit``: read the audit trail (who did what, a page at a time or every match as
CSV), verify the hash-chained, HMAC-anchored chain, write checkpoints."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from datamill.cli._common import (
    AsUser,
    Force,
    JsonOpt,
    acting_user,
    console,
    emit,
    fresh_output,
    get_runtime,
    handle_errors,
    json_text,
    out,
    styled,
)
from datamill.cli._words import say
from datamill.core.errors import DatamillError
from datamill.core.storable import digits

__all__ = ["BROKEN_EXIT", "app", "warn_if_broken"]

app = typer.Typer(help="The audit trail: list or export who did what, verify it, sign "
                  "checkpoints.",
                  no_args_is_help=True)
BROKEN_EXIT = 7  # the audit trail failed verification


def _render_report(report: dict[str, Any]) -> None:
    if report["ok"]:
        cp = report["latest_checkpoint"]
        anchored = say("audit.anchored", record=cp["record_id"]) if cp else ""
        out.print(styled((say("audit.intact"), "green"), say(
            "audit.intact_tail", records=report["records"], signed=report["signed"],
            anchored=anchored)), highlight=False)
        return
    out.print(styled((say("audit.broken"), "red"), say("audit.broken_tail",
                                                       records=report["records"])),
              highlight=False)
    for p in report["problems"]:
        out.print(f"  - {p['problem']}: {p['message']}", highlight=False)


@app.command("verify")
@handle_errors
def verify_cmd(
    as_user: AsUser,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check every record's hash and HMAC, the signed checkpoints and the journal of deleted
    records (exit 7 when broken): the audit trail's readers (admins, auditors, data-security
    officers), as GET /audit/verify. The check is recorded (audit.verified)."""
    from datamill.compliance.audit import verify_audit
    from datamill.compliance.audit_log import record_verification, require_audit_reader

    rt = get_runtime()
    with rt.session() as s:
        actor = acting_user(s, as_user)
        require_audit_reader(s, actor)
        found = verify_audit(s, rt.settings)
        record_verification(s, actor, found)  # the trail says who checked it
        report = found.to_dict()
    emit(report, as_json, _render_report)
    if not report["ok"]:
        raise typer.Exit(BROKEN_EXIT)


@app.command("checkpoint")
@handle_errors
def checkpoint_cmd(
    as_user: AsUser,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checkpoint as JSON.")] = False,
) -> None:
    """Sign the chain's current head, so that deleting any record up to it is detected: admins
    and data-security officers, as POST /audit/checkpoint."""
    from datamill.compliance.audit import write_checkpoint
    from datamill.compliance.permissions import authorize
    from datamill.compliance.roles import Action

    rt = get_runtime()
    with rt.session() as s:
        authorize(s, acting_user(s, as_user), Action.SIGN_AUDIT)
        cp = write_checkpoint(s, rt.settings)
        result = ({"record_id": cp.record_id, "record_count": cp.record_count, "at": cp.at}
                  if cp else {"record_id": None, "record_count": 0})
    emit(result, as_json, lambda r: out.print(
        say("audit.checkpoint", record=r["record_id"], count=r["record_count"])
        if r["record_id"] else say("audit.empty")))


def _render_records(page: dict[str, Any]) -> None:
    from rich.table import Table

    from datamill.business_clock import business_time
    from datamill.cli._common import cli_language
    from datamill.core.record_words import action_word, object_word

    lang = cli_language()
    table = Table(*(say(f"audit.col.{c}") for c in ("id", "at", "actor", "action", "object",
                                                       "project", "data")))
    for r in page["items"]:
        obj = object_word(r["object_type"], lang) + (
            f" #{r['object_id']}" if r["object_id"] is not None else "")
        word = action_word(r["action"], lang)
        table.add_row(str(r["id"]), business_time(datetime.fromisoformat(r["at"]),
                                                  seconds=True),
                      r["actor"] or say("audit.system"),
                      r["action"] if word == r["action"] else say("audit.action", word=word,
                                                                      code=r["action"]),
                      obj, "" if r["project_id"] is None else str(r["project_id"]),
                      json_text(r["data"], indent=None, sort_keys=True))
    out.print(table)
    shown = len(page["items"])
    first = page["offset"] + 1 if shown else 0
    more = (say("audit.older", before=page["next_before"]) if page["next_before"] is not None
            else "")
    out.print(say("audit.page", first=first, last=page["offset"] + shown,
                  total=page["total"], more=more), highlight=False)


Actor = Annotated[str | None, typer.Option(help="Username of the person who acted.")]
ActionPrefix = Annotated[str | None, typer.Option(
    help="Action prefix, e.g. 'annotation.' or 'security.export_'.")]
ObjectType = Annotated[str | None, typer.Option(help="Object type, e.g. 'project'.")]
ObjectId = Annotated[int | None, typer.Option(help="Object id.")]
Project = Annotated[str | None, typer.Option(help="Project id or name.")]
Since = Annotated[str | None, typer.Option(
    help="From (inclusive): ISO date or datetime; dates and naive times are on the business "
         "clock (DATAMILL_BUSINESS_TIMEZONE), as the table shows times.")]
Until = Annotated[str | None, typer.Option(help="To (inclusive; a date includes the whole day).")]


def _project_id(s: Any, project: str | None) -> int | None:
    if project is None:
        return None
    from datamill.production.projects import find_project

    return int(project) if digits(project) else int(find_project(s, project).id)


@app.command("list")
@handle_errors
def list_cmd(  # noqa: PLR0913 - one option per filter
    as_user: AsUser,
    actor: Actor = None,
    action: ActionPrefix = None,
    object_type: ObjectType = None,
    object_id: ObjectId = None,
    project: Project = None,
    since: Since = None,
    until: Until = None,
    before: Annotated[int | None, typer.Option(
        help="Only records below this id (the previous page's next_before).")] = None,
    limit: Annotated[int, typer.Option(help="Page size (at most 200).")] = 50,
    offset: Annotated[int, typer.Option(help="Rows to skip.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Who did what: audit records newest first, filtered (admins, auditors, data-security
    officers). Personal data in the records' data is masked."""
    from datamill.compliance.audit_log import AuditFilter, list_audit_records

    rt = get_runtime()
    with rt.session() as s:
        me = acting_user(s, as_user)
        filters = AuditFilter(actor=actor, action=action, object_type=object_type,
                              object_id=object_id, project_id=_project_id(s, project),
                              since=since, until=until, before=before)
        page = list_audit_records(s, me, filters, limit=limit, offset=offset).model_dump(
            mode="json")
    emit(page, as_json, _render_records)


@app.command("export")
@handle_errors
def export_cmd(  # noqa: PLR0913 - one option per filter
    as_user: AsUser,
    actor: Actor = None,
    action: ActionPrefix = None,
    object_type: ObjectType = None,
    object_id: ObjectId = None,
    project: Project = None,
    since: Since = None,
    until: Until = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the CSV here (default: standard output).")] = None,
    force: Force = False,
    as_json: JsonOpt = False,
) -> None:
    """Every record the filters match as CSV, newest first (at most 100,000; personal data
    masked), as the /audit page's download: the same readers, and the export is itself
    recorded (audit.exported). With --json: {"rows", "path"} when written to --output, else
    {"rows", "csv"}."""
    from datamill.compliance.audit_log import AuditFilter, audit_csv

    rt = get_runtime()
    # the file is written beside its place before the export's record commits (a file that
    # cannot be written: no record) and moved into place after (a record that cannot commit:
    # no file, so no export goes untraced)
    part = None if output is None else output.with_name(output.name + ".part")
    fresh_output(output, force, "--output")  # checked first: the move comes after the commit
    try:
        with rt.session() as s:
            me = acting_user(s, as_user)
            filters = AuditFilter(actor=actor, action=action, object_type=object_type,
                                  object_id=object_id, project_id=_project_id(s, project),
                                  since=since, until=until)
            text, rows = audit_csv(s, me, filters)
            if part is not None:
                part.write_text(text, encoding="utf-8")
    except BaseException:
        if part is not None:
            part.unlink(missing_ok=True)
        raise
    if output is not None and part is not None:
        part.replace(output)
        emit({"rows": rows, "path": str(output)}, as_json, lambda _r: out.print(
            say("audit.wrote", rows=rows, path=output), highlight=False))
    elif as_json:
        emit({"rows": rows, "csv": text}, as_json)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def warn_if_broken(rt: Any) -> None:
    """One line on stderr when the audit trail fails verification (start-up commands)."""
    from datamill.compliance.audit import verify_audit

    try:
        with rt.session() as s:
            report = verify_audit(s, rt.settings)
    except DatamillError as err:
        console.print(styled(("warning", "yellow"), ": cannot verify the audit trail: "
                             f"{err.message}"), highlight=False, soft_wrap=True)
        return
    if not report.ok:
        first = report.problems[0]["message"]
        console.print(styled(("warning", "yellow"), f": the audit trail is broken ({first}); "
                             "run `datamill audit verify --as USERNAME`"), highlight=False, soft_wrap=True)
    sys.stderr.flush()
