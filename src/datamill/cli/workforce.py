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

from datamill.cli._common import Force, emit, fresh_output, get_runtime, handle_errors, out

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
        raise NotFound(f"{worker!r} is not registered as a worker: `datamill workforce "
                       "worker-add` first", username=worker)
    return int(found.id)


@app.command("vendor-add")
@handle_errors
def vendor_add(
    name: str,
    kind: str,
    actor: AsUser,
    fee_rate: str = "0.08",
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
    emit(v, as_json, lambda v: out.print(f"vendor {v.id} {v.name!r} added (not yet qualified)"))


@app.command("vendor-qualify")
@handle_errors
def vendor_qualify(vendor_id: int, note: str, actor: AsUser, revoke: bool = False,
                   as_json: JsonOpt = False) -> None:
    """Put a vendor on (or, with --revoke, take it off) the qualified-supplier list."""
    from datamill.workforce.vendors import set_vendor_qualified

    with get_runtime().session() as s:
        v = set_vendor_qualified(s, _actor(s, actor), vendor_id, not revoke, note)
        value = {"vendor_id": vendor_id, "name": v.name, "qualified": bool(v.qualified)}
    emit(value, as_json, lambda x: out.print(f"vendor {x['name']!r} qualified: {x['qualified']}"))


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
    emit(v, as_json, lambda v: out.print(
        f"vendor {v.name!r}: framework agreement {v.agreement_no} on file"))


@app.command("vendors")
@handle_errors
def vendors_cmd(actor: AsUser, as_json: JsonOpt = False) -> None:
    """List vendors (a vendor manager sees only their own)."""
    from datamill.workforce.vendors import list_vendors

    with get_runtime().session() as s:
        rows = list_vendors(s, _actor(s, actor))

    def render(rows: list[Any]) -> None:
        t = Table("id", "name", "kind", "fee", "cycle", "qualified")
        for v in rows:
            t.add_row(
                str(v.id), v.name, v.kind, str(v.fee_rate), v.settlement_cycle, str(v.qualified)
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
    emit(w, as_json, lambda w: out.print(f"worker {w.id} ({w.username}) registered"))


@app.command("identity")
@handle_errors
def identity_cmd(worker_id: int, document_ref: str, actor: AsUser,
                 as_json: JsonOpt = False) -> None:
    """Record a completed identity check (a masked reference only, e.g. 'ID ****1234')."""
    from datamill.workforce.vendors import verify_identity

    with get_runtime().session() as s:
        w = verify_identity(s, _actor(s, actor), worker_id, document_ref)
        value = {"worker_id": worker_id, "username": w.username, "identity_verified": True}
    emit(value, as_json, lambda x: out.print(f"identity of {x['username']} verified"))


@app.command("grade-add")
@handle_errors
def grade_add(name: str, point_rate: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Add an in-house grade with the price of one hour point."""
    from datamill.workforce.vendors import create_grade

    with get_runtime().session() as s:
        create_grade(s, _actor(s, actor), name, point_rate)
    emit({"grade": name, "point_rate": point_rate}, as_json,
         lambda x: out.print(f"grade {x['grade']} at {x['point_rate']} per point"))


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
    """Append a unit price version; more than 10% off its reference needs --reason."""
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
        lambda p: out.print(f"price {p.unit_price}/{p.unit}" + (" [FLAGGED]" if p.flagged else "")),
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
    """Hand a work package to a qualified vendor with someone for its stage."""
    from datamill.workforce.assignment import hand_package_to_vendor

    with get_runtime().session() as s:
        p = hand_package_to_vendor(s, _actor(s, actor), package_id, vendor_id, move=move)
        value = {"package_id": package_id, "package": p.name, "vendor_id": vendor_id,
                 "tasks": p.tasks}
    emit(value, as_json,
         lambda x: out.print(f"package {x['package']} handed to vendor {x['vendor_id']}"))


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
    emit(value, as_json, lambda x: out.print(f"package {x['package']} assigned"))


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
    from datamill.workforce.settlement import create_settlement_sheet

    with get_runtime().session() as s:
        sheet = create_settlement_sheet(
            s, _actor(s, actor), vendor_id, _day(period_start, "PERIOD_START")
        )
    emit(
        sheet,
        as_json,
        lambda x: out.print(
            f"sheet {x.number}: amount {x.amount} + fee {x.fee} "
            f"= {x.gross}; net payable {x.net_payable}"
        ),
    )


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
    emit(value, as_json, lambda x: out.print(f"sheet {x['number']} is {x['status']}"))


@app.command("sheet-settle")
@handle_errors
def sheet_settle(sheet_id: int, reference: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Record the bank transfer that paid a confirmed sheet (never one with a negative net
    payable: that is a recovery from the vendor)."""
    from datamill.workforce.settlement import settle_sheet

    with get_runtime().session() as s:
        sheet = settle_sheet(s, _actor(s, actor), sheet_id, reference=reference)
        value = {"sheet_id": sheet_id, "number": sheet.number, "status": sheet.status,
                 "reference": reference}
    emit(value, as_json, lambda x: out.print(f"sheet {x['number']} settled"))


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
         lambda x: out.print(f"wrote {x['path']}"))


@app.command("points")
@handle_errors
def points_cmd(worker_id: int, project_id: int, month: str, points: str, actor: AsUser,
               as_json: JsonOpt = False) -> None:
    """Book an in-house person's hour points on a project for a month (cap: 8 × working days)."""
    from datamill.workforce.hour_points import book_points

    with get_runtime().session() as s:
        row = book_points(s, _actor(s, actor), worker_id, project_id, month, points)
        value = {"worker_id": worker_id, "project_id": project_id, "month": month,
                 "points": str(row.points), "point_rate": str(row.point_rate),
                 "cost": str(row.cost)}
    emit(value, as_json,
         lambda x: out.print(f"{x['points']} points × {x['point_rate']} = {x['cost']}"))


# --- golden items and qualification (the PM's controls) -------------------------------------

qualification_app = typer.Typer(
    help="A project's qualification test: define or revise it, show it, require it.",
    no_args_is_help=True,
)
app.add_typer(qualification_app, name="qualification")


def _project_id(s: Any, project: str) -> int:
    from datamill.production.projects import find_project

    return int(find_project(s, project).id)


def _show_test(t: Any) -> None:
    if t is None:
        out.print("no qualification test yet")
        return
    out.print(
        f"qualification test of project {t.project_id} (revision {t.revision}): {t.metric} "
        f">= {t.pass_threshold}, {len(t.golden_item_ids)} golden items; "
        f"required: {'yes' if t.required else 'no'}; {t.max_attempts} attempts a worker"
        + (f", {t.cooldown_minutes} minutes apart" if t.cooldown_minutes else "")
    )


def _read_answers(path: Path, what: str) -> dict[str, str]:
    """A JSON object of answers (strings) keyed by utterance name or item id."""
    import json

    from datamill.core.errors import InvalidInput

    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidInput(f"cannot read {what} from {path}: {err}") from err
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        raise InvalidInput(f"{path} must hold a JSON object of answers (strings)")
    return answers


@app.command("golden-rate")
@handle_errors
def golden_rate_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    rate: Annotated[str | None, typer.Argument(help="New rate 0-0.5 (omit to show).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or set the share of annotate claims served as silent golden checks."""
    from datamill.workforce.golden import golden_rate, set_golden_rate
    from datamill.workforce.qualification import require_project_manager

    with get_runtime().session() as s:
        pid, who = _project_id(s, project), _actor(s, actor)
        if rate is None:
            require_project_manager(s, who, pid, "see golden rates")
            value = golden_rate(s, pid)
        else:
            value = set_golden_rate(s, who, pid, rate)
    emit({"project_id": pid, "golden_rate": str(value)}, as_json,
         lambda v: out.print(f"golden rate of project {pid}: {v['golden_rate']}"))


@qualification_app.command("set")
@handle_errors
def qualification_set(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    golden: Annotated[Path, typer.Option(
        help="JSON object: item id or utterance name -> known answer.")],
    threshold: Annotated[str, typer.Option(help="Pass threshold in (0, 1], e.g. 0.95.")],
    actor: AsUser,
    metric: str = "character_accuracy",
    max_attempts: Annotated[int | None, typer.Option(
        help="Attempts a worker may make (default 3; a revision without it keeps the "
             "test's); a manager may grant more.")] = None,
    cooldown_minutes: Annotated[int | None, typer.Option(
        help="Minutes between two attempts of one worker (default 0: none).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Define the qualification test, or revise it (its owner or an admin)."""
    from datamill.workforce.qualification import (
        define_qualification_test,
        golden_answers_by_reference,
    )

    answers = _read_answers(golden, "golden answers")
    with get_runtime().session() as s:
        pid = _project_id(s, project)
        by_id = golden_answers_by_reference(s, pid, answers)
        t = define_qualification_test(s, _actor(s, actor), pid, by_id, pass_threshold=threshold,
                                      metric=metric, max_attempts=max_attempts,
                                      cooldown_minutes=cooldown_minutes)
    emit(t, as_json, _show_test)


@qualification_app.command("show")
@handle_errors
def qualification_show(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Show the test (golden item ids, never the answers) and whether it is required."""
    from datamill.workforce.qualification import (
        get_qualification_test,
        qualification_required,
        require_project_manager,
    )

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        require_project_manager(s, _actor(s, actor), pid, "see qualification tests")
        t = get_qualification_test(s, pid)
        required = qualification_required(s, pid)
    if t is None:
        emit({"project_id": pid, "test": None, "required": required}, as_json,
             lambda v: out.print(f"no qualification test yet; required: {'yes' if required else 'no'}"))
        return
    emit(t, as_json, _show_test)


@qualification_app.command("require")
@handle_errors
def qualification_require(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    off: Annotated[bool, typer.Option("--off", help="Stop requiring it.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Require a passed qualification test before anyone takes the project's annotate tasks."""
    from datamill.workforce.qualification import set_qualification_required

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        required = set_qualification_required(s, _actor(s, actor), pid, not off)
    emit({"project_id": pid, "required": required}, as_json,
         lambda v: out.print(f"project {pid} requires qualification: {'yes' if required else 'no'}"))


@qualification_app.command("questions")
@handle_errors
def qualification_questions_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """The items the test asks about (never their answers), for the worker taking it."""
    from datamill.workforce.qualification import qualification_questions

    with get_runtime().session() as s:
        rows = qualification_questions(s, _actor(s, actor), _project_id(s, project))

    def render(rows: list[Any]) -> None:
        t = Table("item", "name", "file", "prompt", "withheld")
        for q in rows:
            t.add_row(str(q.item_id), q.external_id, q.filename, q.prompt or "-",
                      ", ".join(q.withheld) or "-")
        out.print(t)
        out.print("each item's file: GET <server>/api/v1/projects/<id>/qualification-test/"
                  "questions/<item>/media (the 'media' of --json); a field that would give "
                  "the answer away (e.g. a read-speech prompt) is withheld")
        out.print('answer every one: a JSON file {"<name or item id>": "<answer>", ...} for '
                  "`datamill workforce qualification take`")

    emit(rows, as_json, render)


@qualification_app.command("take")
@handle_errors
def qualification_take(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    answers: Annotated[Path, typer.Option(
        help="JSON object: item id or name -> your answer, one for every question.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Take the qualification test (a registered worker): your answers are scored at once."""
    from datamill.workforce.qualification import (
        get_qualification_test,
        golden_answers_by_reference,
        take_qualification_test,
    )

    given = _read_answers(answers, "answers")
    with get_runtime().session() as s:
        pid = _project_id(s, project)
        attempt = take_qualification_test(s, _actor(s, actor), pid,
                                          golden_answers_by_reference(s, pid, given))
        test = get_qualification_test(s, pid)
        value = {**attempt.model_dump(mode="json"), "project_id": pid,
                 "pass_threshold": str(test.pass_threshold) if test else None,
                 "metric": test.metric if test else None}
    emit(value, as_json, lambda v: out.print(
        f"{'passed' if v['passed'] else 'not passed'}: {v['metric']} {v['score']} "
        f"(pass at {v['pass_threshold']}); attempt {v['attempts_used']}, "
        f"{v['attempts_left']} left"))


@qualification_app.command("grant")
@handle_errors
def qualification_grant(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    worker: Annotated[int, typer.Argument(help="The worker's id.")],
    actor: AsUser,
    note: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Grant a worker one more attempt at the test, lifting a cool-down (the project's
    manager, or the worker's vendor manager)."""
    from datamill.workforce.retakes import grant_attempt

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        got = grant_attempt(s, _actor(s, actor), pid, worker, note)
    value = {"project_id": pid, "worker_id": worker, "attempts_used": got.attempts_used,
             "attempts_allowed": got.attempts_allowed, "attempts_left": got.attempts_left}
    emit(value, as_json, lambda v: out.print(
        f"worker {worker}: {v['attempts_used']} of {v['attempts_allowed']} attempts used, "
        f"{v['attempts_left']} left"))


@qualification_app.command("results")
@handle_errors
def qualification_results(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    worker: Annotated[int | None, typer.Option(help="Only this worker's attempts.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Qualification attempts: a worker sees their own, a vendor manager their workers'."""
    from datamill.workforce.qualification import list_attempts

    with get_runtime().session() as s:
        rows = list_attempts(s, _actor(s, actor), _project_id(s, project), worker)

    def render(rows: list[Any]) -> None:
        if not rows:
            out.print("no attempts yet")
            return
        t = Table("attempt", "worker", "user", "vendor", "score", "result", "revision", "at")
        for r in rows:
            t.add_row(str(r.id), str(r.worker_id), r.username, r.vendor or "in-house",
                      f"{r.score} ({r.metric} >= {r.pass_threshold})",
                      "passed" if r.passed else "not passed", str(r.test_revision),
                      r.created_at.strftime("%Y-%m-%d %H:%M"))
        out.print(t)

    emit(rows, as_json, render)


golden_app = typer.Typer(
    help="Golden (known-answer) items: add them with their answers, list, remove.",
    no_args_is_help=True,
)
app.add_typer(golden_app, name="golden")


def _item_ids(s: Any, pid: int, refs: list[str]) -> list[int]:
    from datamill.workforce.qualification import golden_answers_by_reference

    return list(golden_answers_by_reference(s, pid, dict.fromkeys(refs, "")))


@golden_app.command("add")
@handle_errors
def golden_add(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    answers: Annotated[Path | None, typer.Option(
        help="JSON object: item name or id -> known answer; these items (checked, not yet "
             "worked on) leave production.")] = None,
    item: Annotated[list[str] | None, typer.Option(
        "--item", help="An accepted item (name or id) whose annotation is the answer; "
                       "repeatable.")] = None,
    threshold: Annotated[str | None, typer.Option(
        help="Pass threshold of the qualification test (needed to define it).")] = None,
    metric: Annotated[str | None, typer.Option(help="The test's metric.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Make items golden with their known answers (a new revision of the test)."""
    from datamill.workforce.golden import add_golden_items
    from datamill.workforce.qualification import golden_answers_by_reference

    given = _read_answers(answers, "known answers") if answers is not None else {}
    with get_runtime().session() as s:
        pid = _project_id(s, project)
        t = add_golden_items(
            s, _actor(s, actor), pid,
            answers=golden_answers_by_reference(s, pid, given) if given else None,
            accepted=_item_ids(s, pid, item or []), pass_threshold=threshold, metric=metric)
    emit(t, as_json, _show_test)


@golden_app.command("list")
@handle_errors
def golden_list(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """The golden items with their answers; production: no = never production volume."""
    from datamill.workforce.golden import list_golden_items

    with get_runtime().session() as s:
        rows = list_golden_items(s, _actor(s, actor), _project_id(s, project))

    def render(rows: list[Any]) -> None:
        t = Table("item", "name", "status", "production", "checks", "accuracy", "answer")
        for g in rows:
            answer = g.answer if len(g.answer) <= 60 else g.answer[:60] + " …"  # noqa: PLR2004
            t.add_row(str(g.item_id), g.external_id, g.status, "yes" if g.production else "no",
                      str(g.answered), "-" if g.accuracy is None else str(g.accuracy), answer)
        out.print(t)

    emit(rows, as_json, render)


@golden_app.command("remove")
@handle_errors
def golden_remove(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    items: Annotated[list[str], typer.Argument(help="Golden items (name or id).")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Take items out of the golden set; one set aside returns to production."""
    from datamill.workforce.golden import remove_golden_items

    with get_runtime().session() as s:
        pid = _project_id(s, project)
        t = remove_golden_items(s, _actor(s, actor), pid, _item_ids(s, pid, items))
    emit(t, as_json, _show_test)


@app.command("accuracy")
@handle_errors
def accuracy_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    actor: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Each worker's running accuracy on golden checks and qualification standing."""
    from datamill.workforce.golden import project_accuracy

    with get_runtime().session() as s:
        rows = project_accuracy(s, _actor(s, actor), _project_id(s, project))

    def render(rows: list[Any]) -> None:
        t = Table("worker", "user", "vendor", "golden answered", "accuracy", "qualification")
        for r in rows:
            qual = "passed" if r.qualified else ("failed" if r.qualification_score is not None else "-")
            score = f" ({r.qualification_score})" if r.qualification_score is not None else ""
            t.add_row(str(r.worker_id), r.username, r.vendor or "in-house", str(r.answered),
                      "-" if r.accuracy is None else str(r.accuracy), qual + score)
        out.print(t)

    emit(rows, as_json, render)


Project = Annotated[str | None, typer.Option("--project", help="Project id or name.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")]
CsvOpt = Annotated[Path | None, typer.Option("--csv", help="Also write the report as CSV.")]


def _opt_day(value: str | None, field: str) -> date | None:
    return None if value is None else _day(value, field)


def _day(value: str, field: str) -> date:
    from datamill.core.errors import InvalidInput

    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(f"{field} {value!r} is not a date (YYYY-MM-DD)", field=field) from err


@app.command("output-ratio")
@handle_errors
def output_ratio_cmd(actor: AsUser, project: Project = None, date_from: FromOpt = None,
                     date_to: ToOpt = None, csv_path: CsvOpt = None,
                     force: Force = False, as_json: JsonOpt = False) -> None:
    """Annotation-output ratio (标产比) achieved: hours of work per unit of data, per project
    and stage."""
    fresh_output(csv_path, force, "--csv")
    from datamill.workforce.throughput import (
        OutputRatioRow,
        output_ratio_report,
        report_csv,
        report_scope,
    )

    with get_runtime().session() as s:
        reader = _actor(s, actor)
        report_scope(s, reader)
        rows = output_ratio_report(s, project_id=_project_id(s, project) if project else None,
                                   date_from=_opt_day(date_from, "from"),
                                   date_to=_opt_day(date_to, "to"), reader=reader)
    if csv_path is not None:
        csv_path.write_text(report_csv(rows, OutputRatioRow), encoding="utf-8")

    def render(rows: list[Any]) -> None:
        t = Table("project", "stage", "people", "items", "volume", "work hours", "ratio")
        for r in rows:
            t.add_row(r.project, r.stage, str(r.people), str(r.items), f"{r.volume} {r.unit}",
                      str(r.work_hours), "-" if r.ratio is None else f"{r.ratio} h/{r.unit}")
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
        rows = vendor_throughput(s, project_id=_project_id(s, project) if project else None,
                                 vendor_id=vendor, date_from=_opt_day(date_from, "from"),
                                 date_to=_opt_day(date_to, "to"), reader=reader)
    if csv_path is not None:
        csv_path.write_text(report_csv(rows, VendorThroughputRow), encoding="utf-8")

    def render(rows: list[Any]) -> None:
        t = Table("vendor", "project", "stage", "people", "volume", "work hours", "per hour",
                  "accepted", "rate")
        for r in rows:
            t.add_row(r.vendor, r.project, r.stage, str(r.people), f"{r.volume} {r.unit}",
                      str(r.work_hours), "-" if r.per_work_hour is None else str(r.per_work_hour),
                      f"{r.accepted_volume} {r.unit}",
                      "-" if r.acceptance_rate is None else str(r.acceptance_rate))
        out.print(t)

    emit(rows, as_json, render)


# the commands on a worker's standing (deactivate, manager flag) and taking packages back
from datamill.cli import workforce_people as _people  # noqa: E402, F401
