"""``datamill audit``: verify the hash-chained, HMAC-anchored audit trail; write checkpoints."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from datamill.cli._common import console, emit, get_runtime, handle_errors, out, styled
from datamill.core.errors import DatamillError

__all__ = ["BROKEN_EXIT", "app", "warn_if_broken"]

app = typer.Typer(help="The audit trail: verify it, sign checkpoints.", no_args_is_help=True)
BROKEN_EXIT = 7  # the audit trail failed verification


def _render_report(report: dict[str, Any]) -> None:
    if report["ok"]:
        cp = report["latest_checkpoint"]
        anchored = f"; latest signed checkpoint at #{cp['record_id']}" if cp else ""
        out.print(styled(("audit trail intact", "green"), f": {report['records']} records, "
                         f"{report['signed']} signed{anchored}"), highlight=False)
        return
    out.print(styled(("audit trail BROKEN", "red"), f": {report['records']} records"),
              highlight=False)
    for p in report["problems"]:
        out.print(f"  - {p['problem']}: {p['message']}", highlight=False)


@app.command("verify")
@handle_errors
def verify_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check every record's hash and HMAC and the signed checkpoints (exit 7 when broken)."""
    from datamill.compliance.audit import verify_audit

    rt = get_runtime()
    with rt.session() as s:
        report = verify_audit(s, rt.settings).to_dict()
    emit(report, as_json, _render_report)
    if not report["ok"]:
        raise typer.Exit(BROKEN_EXIT)


@app.command("checkpoint")
@handle_errors
def checkpoint_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the checkpoint as JSON.")] = False,
) -> None:
    """Sign the chain's current head, so that deleting any record up to it is detected."""
    from datamill.compliance.audit import write_checkpoint

    rt = get_runtime()
    with rt.session() as s:
        cp = write_checkpoint(s, rt.settings)
        result = ({"record_id": cp.record_id, "record_count": cp.record_count, "at": cp.at}
                  if cp else {"record_id": None, "record_count": 0})
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
        console.print(styled(("warning", "yellow"), ": cannot verify the audit trail: "
                             f"{err.message}"), highlight=False, soft_wrap=True)
        return
    if not report.ok:
        first = report.problems[0]["message"]
        console.print(styled(("warning", "yellow"), f": the audit trail is broken ({first}); "
                             "run `datamill audit verify`"), highlight=False, soft_wrap=True)
    sys.stderr.flush()
