"""``datamill workforce`` reports: ``output-ratio`` (annotation-output ratio, 标产比) and
``throughput`` (per vendor), each also written as CSV with ``--csv``.

Registered on :data:`datamill.cli.workforce.app`; every command acts for ``--as USERNAME`` and
sees what the API shows that person.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import Force, emit, fresh_output, get_runtime, handle_errors, out
from datamill.cli._unit_words import unit_after
from datamill.cli._words import code, say
from datamill.cli.workforce import AsUser, JsonOpt, _actor, _day, _project_id, app
from datamill.core.shown_numbers import shown_money, shown_volume

__all__: list[str] = []

Project = Annotated[str | None, typer.Option("--project", help="Project id or name.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")]
CsvOpt = Annotated[Path | None, typer.Option("--csv", help="Also write the report as CSV.")]


def _report_project(s: Any, reader: Any, project: str | None) -> int | None:
    """The project ``--project`` names, as the reports name projects to ``reader``: the
    business reads every project's, but one classified above them is refused (Forbidden,
    which the CLI answers as a project never created, as for any project one may not see)."""
    if not project:
        return None
    from datamill.compliance.classification import require_visible

    pid = _project_id(s, project)
    require_visible(s, reader, pid)
    return pid


def _opt_day(value: str | None, field: str) -> date | None:
    return None if value is None else _day(value, field)


@app.command("output-ratio")
@handle_errors
def output_ratio_cmd(actor: AsUser, project: Project = None, date_from: FromOpt = None,
                     date_to: ToOpt = None, csv_path: CsvOpt = None,
                     force: Force = False, as_json: JsonOpt = False) -> None:
    """Annotation-output ratio (标产比) achieved: hours of work per unit of data, per project
    and stage, beside the ratio the approved budget used (self-test, agreement or plan)."""
    fresh_output(csv_path, force, "--csv")
    from datamill.output_ratios import BudgetedRatioRow, output_ratio_beside_budget
    from datamill.workforce.throughput import report_csv, report_scope

    with get_runtime().session() as s:
        reader = _actor(s, actor)
        report_scope(s, reader)
        rows = output_ratio_beside_budget(s, project_id=_report_project(s, reader, project),
                                          date_from=_opt_day(date_from, "from"),
                                          date_to=_opt_day(date_to, "to"), reader=reader)
    if csv_path is not None:
        csv_path.write_text(report_csv(rows, BudgetedRatioRow), encoding="utf-8")

    def render(rows: list[Any]) -> None:
        t = Table(*(say(f"wf.col.{c}") for c in ("project", "stage", "people", "items",
                                                   "volume", "work_hours", "ratio", "budgeted")))
        for r in rows:
            budgeted = ("-" if r.budgeted_ratio is None
                        else f"{r.budgeted_ratio} h/{r.unit} ({r.budgeted_source})")
            t.add_row(r.project, code("stage", r.stage), str(r.people), str(r.items),
                      f"{shown_volume(r.volume)} {unit_after(shown_volume(r.volume), r.unit)}",
                      shown_volume(r.work_hours),
                      "-" if r.ratio is None else f"{shown_volume(r.ratio)} h/{r.unit}",
                      budgeted)
        out.print(t)

    emit(rows, as_json, render)


@app.command("throughput")
@handle_errors
def throughput_cmd(actor: AsUser, project: Project = None, date_from: FromOpt = None,
                   date_to: ToOpt = None, csv_path: CsvOpt = None,
                   force: Force = False, as_json: JsonOpt = False) -> None:
    """Vendor throughput per vendor, project and stage (a vendor manager sees their own)."""
    fresh_output(csv_path, force, "--csv")
    from datamill.workforce.throughput import (
        VendorThroughputRow,
        report_csv,
        report_scope,
        vendor_throughput,
    )

    with get_runtime().session() as s:
        reader = _actor(s, actor)
        vendor = report_scope(s, reader, vendor_only=True)
        rows = vendor_throughput(s, project_id=_report_project(s, reader, project),
                                 vendor_id=vendor, date_from=_opt_day(date_from, "from"),
                                 date_to=_opt_day(date_to, "to"), reader=reader)
    if csv_path is not None:
        csv_path.write_text(report_csv(rows, VendorThroughputRow), encoding="utf-8")

    def render(rows: list[Any]) -> None:
        t = Table(*(say(f"wf.col.{c}") for c in ("vendor", "project", "stage", "people",
                                                   "volume", "work_hours", "per_hour",
                                                   "accepted", "rate")))
        for r in rows:
            t.add_row(say("wf.in_house") if r.vendor == "in-house" else r.vendor, r.project,
                      code("stage", r.stage), str(r.people),
                      f"{shown_volume(r.volume)} {unit_after(shown_volume(r.volume), r.unit)}",
                      shown_volume(r.work_hours),
                      "-" if r.per_work_hour is None else shown_volume(r.per_work_hour),
                      f"{shown_volume(r.accepted_volume)} "
                      f"{unit_after(shown_volume(r.accepted_volume), r.unit)}",
                      "-" if r.acceptance_rate is None else f"{r.acceptance_rate:.1%}")
        out.print(t)

    emit(rows, as_json, render)


@app.command("settlement-periods")
@handle_errors
def settlement_periods_cmd(
    actor: AsUser,
    vendor: Annotated[int | None, typer.Option("--vendor", help="Only this vendor's sheets.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The settlement periods (months), newest first: open, prepared, closed or reopened (by
    whom, when), their sheets the person sees (a vendor manager: their own vendor's) and totals,
    as GET /settlement-periods."""
    from datamill.settlement_periods import settlement_periods

    with get_runtime().session() as s:
        rows = settlement_periods(s, _actor(s, actor), vendor)

    def render(rows: list[Any]) -> None:
        # fits 80 columns; the fee, the tax and each sheet are in --json
        # the net is before the debt offsets (the debt sheets count theirs); paid is the cash
        t = Table(*(say(f"wf.col.{c}") for c in ("period", "status", "by", "sheets", "voided",
                                                   "amount", "net_before_offset", "paid")))
        for p in rows:  # by: who confirmed the close, or who reopened it
            who = p.closed_by or (p.reopened_by if p.status == "reopened" else None) or "-"
            x = p.totals
            t.add_row(p.period, code("status", p.status), who, str(x.sheets - x.voided),
                      str(x.voided), shown_money(x.amount), shown_money(x.net_payable),
                      shown_money(x.paid))
        out.print(t)

    emit(rows, as_json, render)
