"""``datamill audit``: verify the hash-chained, HMAC-anchored audit trail; write checkpoints."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from datamill.cli._common import EXIT_CODES, console, emit, get_runtime, out
from datamill.core.errors import DatamillError

__all__ = ["BROKEN_EXIT", "app", "warn_if_broken"]

app = typer.Typer(help="The audit trail: verify it, sign checkpoints.", no_args_is_help=True)
BROKEN_EXIT = 7  # the audit trail failed verification


def _fail_json(err: DatamillError) -> None:
    emit({"ok": False, "error": err.to_dict()}, True)
    raise typer.Exit(EXIT_CODES.get(err.code, 1))


def _render_report(report: dict[str, Any]) -> None:
    if report["ok"]:
        cp = report["latest_checkpoint"]
        anchored = f"; latest signed checkpoint at #{cp['record_id']}" if cp else ""
        out.print(f"[green]audit trail intact[/green]: {report['records']} records, "
                  f"{report['signed']} signed{anchored}", highlight=False)
        return
    out.print(f"[red]audit trail BROKEN[/red]: {report['records']} records", highlight=False)
    for p in report["problems"]:
        out.print(f"  - {escape(p['problem'])}: {escape(p['message'])}", highlight=False)


@app.command("verify")
def verify_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check every record's hash and HMAC and the signed checkpoints (exit 7 when broken)."""
    from datamill.compliance.audit import verify_audit

    try:
        rt = get_runtime()
        with rt.session() as s:
            report = verify_audit(s, rt.settings).to_dict()
    except DatamillError as err:
        if as_json:
            _fail_json(err)
        console.print(f"[red]error[/red] ({err.code}): {escape(err.message)}", highlight=False)
        raise typer.Exit(EXIT_CODES.get(err.code, 1)) from None
    emit(report, as_json, _render_report)
    if not report["ok"]:
        raise typer.Exit(BROKEN_EXIT)


@app.command("checkpoint")
def checkpoint_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the checkpoint as JSON.")] = False,
) -> None:
    """Sign the chain's current head, so that deleting any record up to it is detected."""
    from datamill.compliance.audit import write_checkpoint

    try:
        rt = get_runtime()
        with rt.session() as s:
            cp = write_checkpoint(s, rt.settings)
            result = ({"record_id": cp.record_id, "record_count": cp.record_count, "at": cp.at}
                      if cp else {"record_id": None, "record_count": 0})
    except DatamillError as err:
        if as_json:
            _fail_json(err)
        console.print(f"[red]error[/red] ({err.code}): {escape(err.message)}", highlight=False)
        raise typer.Exit(EXIT_CODES.get(err.code, 1)) from None
    emit(result, as_json, lambda r: out.print(
        f"checkpoint at record #{r['record_id']} ({r['record_count']} records)"
        if r["record_id"] else "the audit trail is empty; nothing to sign"))


def warn_if_broken(rt: Any) -> None:
    """One line on stderr when the audit trail fails verification (start-up commands)."""
    from datamill.compliance.audit import verify_audit

    try:
        with rt.session() as s:
            report = verify_audit(s, rt.settings)
    except DatamillError as err:
        console.print(f"[yellow]warning[/yellow]: cannot verify the audit trail: "
                      f"{escape(err.message)}", highlight=False)
        return
    if not report.ok:
        first = report.problems[0]["message"]
        console.print(f"[yellow]warning[/yellow]: the audit trail is broken ({escape(first)}); "
                      "run `datamill audit verify`", highlight=False, soft_wrap=True)
    sys.stderr.flush()
