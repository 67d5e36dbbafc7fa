"""``datamill workforce``: vendors, workers, qualification, prices, settlement sheets, hour points.

Commands act for a person given with ``--as USERNAME`` (the CLI runs on the server as an operator);
the workforce services apply the same rules as the API (business side vs. vendor manager).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import (
    Force,
    emit,
    fresh_output,
    get_runtime,
    handle_errors,
    json_time,
    out,
)
from datamill.cli._words import code, say
from datamill.core.shown_numbers import shown_money, shown_price, shown_volume

app = typer.Typer(
    help="Vendors, workers, qualification, prices, settlement and hour points.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting.")]


def _actor(s: Any, username: str) -> Any:
    from datamill.compliance.users import get_user

    return get_user(s, username)


def _worker_id(s: Any, worker: str) -> int:
    """A worker named by id or by username (``work assign`` takes a username too)."""
    from datamill.core.errors import NotFound
    from datamill.workforce.vendors import find_worker_of_user

    if worker.isascii() and worker.isdigit():
        return int(worker)
    found = find_worker_of_user(s, _actor(s, worker).id)
    if found is None:
        raise NotFound(f"{worker!r} is not registered as a worker: datamill workforce "
                       "worker-add first (datamill workforce workers lists them)",
                       username=worker, reason_code="cli_not_worker")
    return int(found.id)


def _project_id(s: Any, project: str) -> int:
    from datamill.production.projects import find_project

    return int(find_project(s, project).id)


def _day(value: str, field: str) -> date:
    from datamill.core.errors import InvalidInput

    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(f"{field} {value!r} is not a date (YYYY-MM-DD)", field=field) from err


@app.command("vendor-add")
@handle_errors
def vendor_add(
    name: str,
    kind: str,
    actor: AsUser,
    fee_rate: Annotated[str | None, typer.Option(
        help="Management fee rate as a fraction, 0.06 to 0.115 for a company or studio "
        "(default 0.08); an individual supplier charges none (default 0).")] = None,
    cycle: str = "weekly",
    agreement: Annotated[str | None, typer.Option(help="Framework agreement number")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a vendor (company, studio or individual) with its framework agreement."""
    from datamill.workforce.vendors import create_vendor

    with get_runtime().session() as s:
        v = create_vendor(
            s,
            _actor(s, actor),
            name=name,
            kind=kind,
            fee_rate=fee_rate,
            settlement_cycle=cycle,
            agreement_no=agreement,
        )
    emit(v, as_json, lambda v: out.print(say("wf.vendor_added", id=v.id, name=v.name),
                                         highlight=False))


@app.command("vendor-qualify")
@handle_errors
def vendor_qualify(vendor_id: int, note: str, actor: AsUser, revoke: bool = False,
                   as_json: JsonOpt = False) -> None:
    """Put a vendor on (or, with --revoke, take it off) the qualified-supplier list."""
    from datamill.workforce.vendors import set_vendor_qualified

    with get_runtime().session() as s:
        v = set_vendor_qualified(s, _actor(s, actor), vendor_id, not revoke, note)
        value = {"vendor_id": vendor_id, "name": v.name, "qualified": bool(v.qualified)}
    emit(value, as_json, lambda x: out.print(
        say("wf.vendor_qualified", name=x["name"],
            qualified=say("wf.yes") if x["qualified"] else say("wf.no")), highlight=False))


@app.command("vendor-agreement")
@handle_errors
def vendor_agreement(
    vendor_id: int,
    number: Annotated[str, typer.Argument(help="Framework agreement number")],
    actor: AsUser,
    signed_on: Annotated[str | None, typer.Option(help="Day signed, YYYY-MM-DD")] = None,
    as_json: JsonOpt = False,
) -> None:
    """File (or replace) a vendor's framework agreement (needed before it can be qualified)."""
    from datetime import date

    from datamill.core.errors import InvalidInput
    from datamill.workforce.vendors import record_agreement

    try:
        day = date.fromisoformat(signed_on) if signed_on else None
    except ValueError as err:
        raise InvalidInput(f"{signed_on!r} is not a date (YYYY-MM-DD)", field="signed_on") from err
    with get_runtime().session() as s:
        v = record_agreement(s, _actor(s, actor), vendor_id, number, day)
    emit(v, as_json, lambda v: out.print(say("wf.agreement", name=v.name,
                                             number=v.agreement_no), highlight=False))


@app.command("vendors")
@handle_errors
def vendors_cmd(actor: AsUser, as_json: JsonOpt = False) -> None:
    """List vendors (a vendor manager sees only their own)."""
    from datamill.workforce.sheet_print import fee_percent
    from datamill.workforce.vendors import list_vendors

    with get_runtime().session() as s:
        rows = list_vendors(s, _actor(s, actor))

    def render(rows: list[Any]) -> None:
        t = Table(*(say(f"wf.col.{c}") for c in ("id", "name", "kind", "fee", "cycle",
                                                   "qualified")))
        for v in rows:
            t.add_row(
                str(v.id), v.name, code("vkind", v.kind), fee_percent(v.fee_rate),
                code("vcycle", v.settlement_cycle),
                say("wf.yes") if v.qualified else say("wf.no")  # was True/False
            )
        out.print(t)

    emit(rows, as_json, render)


@app.command("worker-add")
@handle_errors
def worker_add(
    username: str,
    actor: AsUser,
    vendor: int | None = None,
    manager: bool = False,
    grade: str | None = None,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="BCP-47, repeatable")
    ] = None,
    modality: Annotated[list[str] | None, typer.Option("--modality", help="repeatable")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a user as an in-house worker (with --grade) or a vendor's worker (--vendor)."""
    from datamill.workforce.vendors import register_worker

    with get_runtime().session() as s:
        w = register_worker(
            s,
            _actor(s, actor),
            _actor(s, username),
            vendor_id=vendor,
            is_manager=manager,
            grade=grade,
            languages=language,
            modalities=modality,
        )
    emit(w, as_json, lambda w: out.print(
        say("wf.worker_registered", id=w.id, username=w.username), highlight=False))


@app.command("identity")
@handle_errors
def identity_cmd(
    worker: Annotated[str, typer.Argument(help="The worker's id or username")],
    document_ref: str, actor: AsUser, as_json: JsonOpt = False,
) -> None:
    """Record a completed identity check (a masked reference only, e.g. 'ID ****1234')."""
    from datamill.workforce.vendors import verify_identity

    with get_runtime().session() as s:
        worker_id = _worker_id(s, worker)
        w = verify_identity(s, _actor(s, actor), worker_id, document_ref)
        value = {"worker_id": worker_id, "username": w.username, "identity_verified": True}
    emit(value, as_json, lambda x: out.print(
        say("wf.identity_verified", username=x["username"]), highlight=False))


@app.command("grade-add")
@handle_errors
def grade_add(name: str, point_rate: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Add an in-house grade with the price of one hour point."""
    from datamill.workforce.vendors import create_grade

    with get_runtime().session() as s:
        create_grade(s, _actor(s, actor), name, point_rate)
    emit({"grade": name, "point_rate": point_rate}, as_json,
         lambda x: out.print(say("wf.grade_added", grade=x["grade"], rate=x["point_rate"]),
                              highlight=False))


@app.command("price-set")
@handle_errors
def price_set(
    half_year: str,
    stage: str,
    modality: str,
    language_group: str,
    unit: str,
    unit_price: str,
    actor: AsUser,
    vendor: int | None = None,
    reason: str | None = None,
    as_json: JsonOpt = False,
) -> None:
    """Append a unit price version; more than 10% off its reference needs --reason.

    LANGUAGE_GROUP is chinese, minority or foreign; UNIT is hour (per hour of audio), item
    (per item) or volume (per the modality's volume unit, e.g. 1,000 characters of text);
    UNIT_PRICE is in CNY per unit. HALF_YEAR is like 2026H1; STAGE a production stage
    (collect, annotate, review ...); MODALITY a registered one (speech.asr, image, text ...)."""
    from datamill.workforce.pricing import set_price

    with get_runtime().session() as s:
        p = set_price(
            s,
            _actor(s, actor),
            half_year=half_year,
            stage=stage,
            modality=modality,
            language_group=language_group,
            unit=unit,
            unit_price=unit_price,
            vendor_id=vendor,
            reason=reason,
        )
    emit(
        p,
        as_json,
        lambda p: out.print(say("wf.price", price=shown_price(p.unit_price),
                                unit=code("punit", p.unit))
                            + (say("wf.flagged") if p.flagged else ""), highlight=False),
    )


@app.command("hand")
@handle_errors
def hand_cmd(
    package_id: int, vendor_id: int, actor: AsUser,
    move: Annotated[bool, typer.Option(
        "--move", help="Take it back from the vendor it is handed to, even one that still "
        "qualifies (one off the list gives it up anyway).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Hand a work package to a qualified vendor with someone for its stage.

    The vendor's workers who may do that stage become members of its project, so they can
    claim it."""
    from datamill.workforce.assignment import hand_package_to_vendor

    with get_runtime().session() as s:
        p = hand_package_to_vendor(s, _actor(s, actor), package_id, vendor_id, move=move)
        value = {"package_id": package_id, "package": p.name, "vendor_id": vendor_id,
                 "tasks": p.tasks, "members_added": p.members_added}
    emit(value, as_json,
         lambda x: out.print(say("wf.handed", package=x["package"], vendor=x["vendor_id"]) + (
             say("wf.members_added", members=", ".join(x["members_added"]))
             if x["members_added"] else ""), highlight=False))


@app.command("assign")
@handle_errors
def assign_cmd(
    package_id: int,
    worker: Annotated[str, typer.Argument(help="The worker's id or username")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Assign a package to a worker (vendor wall, skills and qualification checked)."""
    from datamill.workforce.assignment import assign_package_to_worker

    with get_runtime().session() as s:
        worker_id = _worker_id(s, worker)
        p = assign_package_to_worker(s, _actor(s, actor), package_id, worker_id)
        value = {"package_id": package_id, "package": p.name, "worker_id": worker_id}
    emit(value, as_json, lambda x: out.print(say("wf.assigned", package=x["package"]),
                                             highlight=False))


@app.command("sheet-create")
@handle_errors
def sheet_create(
    vendor_id: int, period_start: str, actor: AsUser, as_json: JsonOpt = False
) -> None:
    """Draw up a vendor's acceptance-settlement sheet for the period starting PERIOD_START.

    The sheet takes everything accepted up to the period's end that is on no sheet yet
    (earlier weeks' unpaid work included). Run again while that sheet is still a draft, it
    redraws the draft with what was accepted since; a sheet the vendor has confirmed is never
    redrawn: later work goes on the next period's sheet.
    """
    from datamill.paid_once import draw_sheet

    with get_runtime().session() as s:  # never for work a data-service claim already pays
        sheet = draw_sheet(s, _actor(s, actor), vendor_id, _day(period_start, "PERIOD_START"))
    emit(
        sheet,
        as_json,
        _print_drawn,
    )


def _print_drawn(sheet: Any) -> None:
    """The drawn sheet's totals, then its deduction lines (pay recovered for work the customer
    refused), worded in the CLI's language."""
    from datamill.cli._common import cli_language
    from datamill.workforce.sheet_print import SHEET_CATALOGUES, SHEET_EN, line_description

    out.print(say("wf.sheet_drawn", number=sheet.number, amount=shown_money(sheet.amount),
                  fee=shown_money(sheet.fee), gross=shown_money(sheet.gross),
                  net=shown_money(sheet.net_payable + sheet.debt_offset)), highlight=False)
    for o in sheet.offsets:  # the vendor's debts taken off the net payable, after the tax
        out.print(say("wf.debt_offset", amount=shown_money(o.amount), sheet=o.debt_sheet,
                      net=shown_money(sheet.net_payable)), highlight=False)
    words = SHEET_CATALOGUES.get(cli_language(), SHEET_EN)
    for ln in sheet.lines:
        if ln.amount < 0 and ln.unit != "adjustment":
            text = line_description(ln.description, ln.stage, lambda k: words.get(k, k))
            out.print(f"  {shown_money(ln.amount)}  {text}", highlight=False)


@app.command("sheet-confirm")
@handle_errors
def sheet_confirm(sheet_id: int, actor: AsUser, vendor_side: bool = False,
                  as_json: JsonOpt = False) -> None:
    """Confirm a sheet: --vendor-side by the vendor's manager first, then by the business."""
    from datamill.workforce.settlement import confirm_sheet_by_business, confirm_sheet_by_vendor

    with get_runtime().session() as s:
        fn = confirm_sheet_by_vendor if vendor_side else confirm_sheet_by_business
        sheet = fn(s, _actor(s, actor), sheet_id)
        value = {"sheet_id": sheet_id, "number": sheet.number, "status": sheet.status}
    emit(value, as_json, lambda x: out.print(
        say("wf.sheet_status", number=x["number"], status=code("status", x["status"])),
        highlight=False))


@app.command("sheet-settle")
@handle_errors
def sheet_settle(sheet_id: int, reference: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Record the bank transfer that paid a confirmed sheet.

    Never one with a negative net payable: that is a recovery from the vendor."""
    from datamill.paid_once import pay_sheet

    with get_runtime().session() as s:  # paid only once the ledger booked its cost
        sheet = pay_sheet(s, _actor(s, actor), sheet_id, reference=reference)
        value = {"sheet_id": sheet_id, "number": sheet.number, "status": sheet.status,
                 "reference": reference}
    emit(value, as_json, lambda x: out.print(say("wf.sheet_settled", number=x["number"]),
                                             highlight=False))


@app.command("sheet-void")
@handle_errors
def sheet_void(
    sheet_id: int, actor: AsUser,
    reason: Annotated[str, typer.Option("--reason", help="Why the sheet is voided (required).")],
    as_json: JsonOpt = False,
) -> None:
    """Void a sheet drawn or confirmed but not paid: it stays, marked voided with the reason,
    and the work it covered is payable again (a new sheet or a claim). A paid sheet is refused:
    correct it instead."""
    from datamill.workforce.settlement import void_sheet

    with get_runtime().session() as s:
        sheet = void_sheet(s, _actor(s, actor), sheet_id, reason)
        value = {"sheet_id": sheet_id, "number": sheet.number, "status": sheet.status,
                 "void_reason": sheet.void_reason,
                 "voided_at": json_time(sheet.voided_at) if sheet.voided_at else None}
    emit(value, as_json, lambda x: out.print(
        say("wf.sheet_voided", number=x["number"], reason=x["void_reason"]), highlight=False))


@app.command("sheet-correct", context_settings={"ignore_unknown_options": True})
@handle_errors
def sheet_correct(  # noqa: PLR0913 - the correction's fields
    sheet_id: int,
    amount: Annotated[str, typer.Argument(help="The adjustment, + to pay more, - to deduct")],
    actor: AsUser,
    reason: Annotated[str, typer.Option("--reason", help="Why the sheet is corrected (required).")],
    stage: Annotated[str | None, typer.Option(
        help="The stage of the line corrected (when the sheet covers several)")] = None,
    project: Annotated[int | None, typer.Option(
        help="The project id of the line corrected (when the sheet covers several)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct a confirmed or paid sheet: a new draft sheet with one adjustment line, confirmed
    and paid as every sheet is, as POST /settlements/ID/corrections. A deduction never takes
    the line below zero; additions never add more than the sheet paid for the line (its
    accepted volume × price), and someone other than their maker confirms them."""
    from datamill.workforce.settlement import create_correction_sheet

    with get_runtime().session() as s:
        sheet = create_correction_sheet(s, _actor(s, actor), sheet_id, amount, reason,
                                        project_id=project, stage=stage)
    emit(sheet, as_json, lambda x: out.print(
        say("wf.sheet_corrected", number=x.number, status=code("status", x.status),
            amount=shown_money(x.amount), sheet=sheet_id, net=shown_money(x.net_payable)),
        highlight=False))


@app.command("sheet-export")
@handle_errors
def sheet_export(
    sheet_id: int, dest: Path, actor: AsUser,
    lang: Annotated[str, typer.Option(
        "--lang", help="Language of the printable HTML sheet: en or zh-CN.")] = "en",
    force: Force = False,
    as_json: JsonOpt = False,
) -> None:
    """Write a sheet as CSV (dest ending .csv) or printable HTML (anything else, in --lang),
    to a new file unless --force."""
    fresh_output(dest, force, "DEST")
    from datamill.workforce.settlement import sheet_csv, sheet_html
    from datamill.workforce.sheet_print import sheet_language

    code = sheet_language(lang)
    with get_runtime().session() as s:
        who = _actor(s, actor)
        text = (sheet_csv(s, who, sheet_id) if dest.suffix.lower() == ".csv"
                else sheet_html(s, who, sheet_id, code))
        dest.write_text(text, encoding="utf-8")
    emit({"sheet_id": sheet_id, "path": str(dest), "lang": code}, as_json,
         lambda x: out.print(say("wf.wrote", path=x["path"]), highlight=False))


@app.command("points")
@handle_errors
def points_cmd(
    worker: Annotated[str, typer.Argument(help="The worker's id or username")],
    project: Annotated[str, typer.Argument(help="The project's id or name")],
    month: str, points: str, actor: AsUser, as_json: JsonOpt = False,
) -> None:
    """Book an in-house person's hour points on a project for a month (cap: 8 × working days)."""
    from datamill.workforce.hour_points import book_points

    with get_runtime().session() as s:
        worker_id, project_id = _worker_id(s, worker), _project_id(s, project)
        row = book_points(s, _actor(s, actor), worker_id, project_id, month, points)
        value = {"worker_id": worker_id, "project_id": project_id, "month": month,
                 "points": str(row.points), "point_rate": str(row.point_rate),
                 "cost": str(row.cost)}
    emit(value, as_json,
         lambda x: out.print(say("wf.points", points=shown_volume(x["points"]),
                                 rate=shown_price(x["point_rate"]), cost=shown_money(x["cost"])),
                             highlight=False))


@app.command("working-days")
@handle_errors
def working_days_cmd(month: str, days: int, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Record a month's real working days (after public holidays): each person's hour points
    that month are capped at 8 × them (Monday to Friday until recorded). A count below what
    someone already booked that month is refused."""
    from datamill.workforce.hour_points import set_working_days, working_days_out

    with get_runtime().session() as s:
        set_working_days(s, _actor(s, actor), month, days)
        value = working_days_out(s, month).model_dump(mode="json")
    emit(value, as_json, lambda x: out.print(
        say("wf.working_days", month=x["month"], days=x["working_days"], cap=x["cap"])
        + (say("wf.working_days_sofar", cap_to_date=x["cap_to_date"], worked=x["worked_days"])
           if x["worked_days"] != x["working_days"] else ""), highlight=False))


# the commands on golden items and qualification, then the reports (registered in this order,
# the order ``--help`` lists them in)
from datamill.cli import workforce_qualification as _qualification  # noqa: E402, F401

# isort: split
from datamill.cli import workforce_reports as _reports  # noqa: E402, F401

# isort: split
# the commands on a worker's standing (deactivate, manager flag) and taking packages back
from datamill.cli import workforce_people as _people  # noqa: E402, F401
