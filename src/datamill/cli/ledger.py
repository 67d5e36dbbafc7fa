"""``datamill ledger``: customers, contracts, orders, budgets, costs, recognition, reports.

Thin over ``datamill.ledger`` services; money arguments are decimal strings (never floats).
Every command acts for a person named with ``--as USERNAME`` (the CLI runs on the server as an
operator): checked by the same ``require_ledger_access`` as the API and the web pages (reads:
whoever may read the books, auditors too), and every write is audited under that person like
an API call. A write to one project's books (cost, budget, close, asset, budget plan, opening the
books, the final review, and the writes through a budget or an event: submit, approve, book)
asks the API's ``require_project_writer`` (cleared for the project, member or not; opening
the books of a project above one's clearance answers as a missing project, exit 3, as the API);
reports over several projects leave out the books above the reader's clearance (``hidden_books``).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from datamill.business_clock import business_today
from datamill.cli._common import Force, emit, fresh_output, get_runtime, handle_errors, out
from datamill.cli._words import code, say, say_count
from datamill.core.errors import InvalidInput
from datamill.core.shown_numbers import shown_money, shown_percent, shown_rate

app = typer.Typer(help="Contracts, orders, budgets, costs, revenue, WIP and finance export.",
                  no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting (required).")]


def _dec(value: str, field: str) -> Decimal:
    """A finite decimal; money fields are then checked by the services' one money validator
    (:func:`datamill.core.money.parse_money`: at most two places, within 10^12)."""
    from datamill.core.money import parse_decimal

    return parse_decimal(value, field)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD)") from err


def _actor(s: Any, username: str) -> int:
    """The acting person's id, once they pass the ledger's access check (as in the API)."""
    from datamill.ledger.access import acting_ledger_user

    return int(acting_ledger_user(s, username).id)


def _writer(s: Any, username: str, record_id: int, record: str = "ledger project") -> int:
    """The acting person's id, once they may write the books of the project behind ``record``
    ``record_id`` (a ledger project, a budget, a cost or a cost event):
    a writer of the books cleared for the project, member or not (the API's rule)."""
    from datamill.ledger import access

    check = {"ledger project": access.require_ledger_project_writer,
             "budget": access.require_budget_writer, "cost": access.require_cost_writer,
             "event": access.require_event_writer}[record]
    return int(access.acting_writer(s, username, check, record_id).id)


def _reader(s: Any, username: str) -> Any:
    """The person a read of the books acts for: refused unless the matrix lets them read the
    ledger (as ``GET /ledger/...``: auditors may, annotators may not)."""
    from datamill.ledger.access import acting_ledger_user

    return acting_ledger_user(s, username, write=False)


@app.command("customer-add")
@handle_errors
def customer_add(name: str, customer_type: str, country: str, user: AsUser,
                 credit_grade: Annotated[str | None, typer.Option(
                     help="special, 1, 2, 3 or 4 (finance only; default 3)")] = None,
                 as_json: JsonOpt = False) -> None:
    """Register a customer. CUSTOMER_TYPE is one of big_tech, ai_company, research_institute,
    other; COUNTRY the ISO 3166 alpha-2 code of its registered location (CN, US ...); the
    credit grade one of special, 1, 2, 3, 4. Sales may register customers; the credit grade
    is finance's (left out, the default 3 applies)."""
    from datamill.compliance.users import get_user
    from datamill.ledger.access import require_customer_registrar
    from datamill.ledger.orders import create_customer

    with get_runtime().session() as s:
        acting = get_user(s, user)
        require_customer_registrar(s, acting, credit_grade)
        c = create_customer(s, name, customer_type=customer_type, country=country,
                            credit_grade=credit_grade, actor_id=acting.id)
    emit(c, as_json, lambda c: out.print(say("ledger.customer", id=c.id, name=c.name),
                                         highlight=False))


@app.command("contract-add")
@handle_errors
def contract_add(number: str, customer_id: int, user: AsUser, kind: str = "custom",
                 currency: str = "CNY", signed_on: str = "", amount: str | None = None,
                 as_json: JsonOpt = False) -> None:
    """Record a contract signed outside datamill (amount excl. VAT caps its orders). It waits
    as pending_record until a second person with a signing approval role (VP, CFO, president)
    confirms it: contract-approve ID signing --as THEM; orders are split off it only then. The
    controlled path is contract-draft → contract-approve price/signing → contract-sign."""
    from datamill.ledger.contracts import record_signed_contract

    with get_runtime().session() as s:
        c = record_signed_contract(
            s, number, customer_id=customer_id, kind=kind, currency=currency,
            signed_on=_day(signed_on) if signed_on else business_today(),
            amount=_dec(amount, "amount") if amount else None, actor_id=_actor(s, user))
    emit(c, as_json, lambda c: out.print(
        say("ledger.contract_recorded", id=c.id, number=c.number, currency=c.currency,
            status=code("status", c.status)), highlight=False))


@app.command("order-add")
@handle_errors
def order_add(  # noqa: PLR0913
    contract_id: int, number: str, business_line: str, offering: str, amount: str,
    total_volume: str, user: AsUser, volume_unit: str | None = None, acceptance_type: int = 1,
    currency: Annotated[str | None, typer.Option(
        help="The contract's currency (the default); another is refused.")] = None,
    fx_rate: str | None = None,
    vat_rate: Annotated[str | None, typer.Option(
        help="Output VAT as a fraction (default: DATAMILL_SERVICE_VAT_RATE, 0.06, for custom "
             "work; DATAMILL_CATALOG_VAT_RATE, 0.13, for a product licence).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a performance order (amount excl. VAT, in the contract currency). BUSINESS_LINE is
    one of speech, vision, language, application_service; OFFERING custom or product_licence;
    acceptance type 1 (one delivery, one acceptance), 2 (batches, one final acceptance) or 3
    (each batch accepted on its own). The volume unit is hours, utterances, items, images,
    databases, licences or an installed modality's own unit (dialogues, frames, kchars); left
    out, the business line's own (speech hours, vision images, language kchars, else items)."""
    from datamill.ledger.orders import create_order

    with get_runtime().session() as s:
        o = create_order(s, contract_id, number, business_line=business_line, offering=offering,
                         amount=_dec(amount, "amount"), currency=currency,
                         total_volume=_dec(total_volume, "total_volume"),
                         volume_unit=volume_unit, acceptance_type=acceptance_type,
                         fx_rate=_dec(fx_rate, "fx_rate") if fx_rate else None,
                         vat_rate=None if vat_rate is None else _dec(vat_rate, "vat_rate"),
                         actor_id=_actor(s, user))
    emit(o, as_json, lambda o: out.print(
        say("ledger.order", id=o.id, number=o.number, amount=shown_money(o.amount_cny),
            vat_rate=shown_rate(o.vat_rate)), highlight=False))


@app.command("project-open")
@handle_errors
def project_open(production_project: str, user: AsUser, order_id: int | None = None,
                 major: bool = False, as_json: JsonOpt = False) -> None:
    """Open the ledger accounts of a production project (by id or name) for its order."""
    from datamill.ledger.access import acting_ledger_user, project_to_open
    from datamill.ledger.projects import open_ledger_project

    with get_runtime().session() as s:
        actor = acting_ledger_user(s, user)
        # the API's rule: cleared for the project, member or not; above: as a missing one
        pid = project_to_open(s, actor, production_project)
        p = open_ledger_project(s, pid, order_id=order_id, is_major=major, actor_id=actor.id)
    emit(p, as_json, lambda p: out.print(say("ledger.project_opened", id=p.id,
                                             type=p.project_type), highlight=False))


@app.command("approver")
@handle_errors
def approver_cmd(username: str, approval_role: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """Give a user a ledger approval role (dept_manager, vp, finance_reviewer, …); admins only."""
    from datamill.compliance.roles import Action
    from datamill.compliance.users import get_user, require
    from datamill.ledger.budgets import register_approver

    with get_runtime().session() as s:
        actor = get_user(s, user)
        require(s, actor, Action.MANAGE_USERS)  # granting an approval role opens the books
        register_approver(s, get_user(s, username).id, approval_role, actor_id=actor.id)
    emit({"username": username, "approval_role": approval_role}, as_json,
         lambda _v: out.print(say("ledger.approver", username=username,
                                  role=code("approval_role", approval_role)),
                              highlight=False))


@app.command("budget-create")
@handle_errors
def budget_create(project_id: int, lines_file: Path, user: AsUser,
                  as_json: JsonOpt = False) -> None:
    """Create a draft budget from a JSON list of lines (stage, category, quantity, unit_price).

    Each line's category is data_service, labour, equipment or other; unit (default hours) is
    what quantity counts; one line per stage and category."""
    from datamill.ledger.budgets import create_budget

    try:
        lines = json.loads(lines_file.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, ValueError) as err:  # ValueError: not JSON, or not UTF-8 text
        raise InvalidInput(f"cannot read budget lines from {lines_file}: {err}") from err
    with get_runtime().session() as s:
        b = create_budget(s, project_id, lines, actor_id=_writer(s, user, project_id))
    emit(b, as_json, lambda b: out.print(say("ledger.budget", id=b.id, version=b.version,
                                             total=shown_money(b.total)), highlight=False))


@app.command("budget-submit")
@handle_errors
def budget_submit(budget_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Submit a draft budget for approval."""
    from datamill.ledger.budgets import submit_budget

    with get_runtime().session() as s:
        b = submit_budget(s, budget_id, actor_id=_writer(s, user, budget_id, "budget"))
    emit(b, as_json, lambda b: out.print(say("ledger.budget_submitted", id=b.id,
                                             levels=b.required_levels,
                                             role=code("approval_role", b.next_role)),
                                         highlight=False))


@app.command("budget-approve")
@handle_errors
def budget_approve(budget_id: int, user: AsUser, reject: bool = False, reason: str = "",
                   as_json: JsonOpt = False) -> None:
    """Sign the next approval level of a budget (as the holder of that level's role)."""
    from datamill.ledger.budgets import approve_budget

    with get_runtime().session() as s:
        b = approve_budget(s, budget_id, _writer(s, user, budget_id, "budget"),
                           decision="reject" if reject else "approve", reason=reason)
    emit(b, as_json, lambda b: out.print(say(
        "ledger.budget_signed", id=b.id, signed=b.approved_levels, levels=b.required_levels,
        role=code("approval_role", b.next_role)) if b.status == "submitted" and b.next_role
        else say("ledger.budget_status", id=b.id, status=code("status", b.status)),
        highlight=False))


@app.command("cost-post")
@handle_errors
def cost_post(project_id: int, stage: str, category: str, amount: str, source_ref: str,
              incurred_on: str, user: AsUser, supplier: str | None = None,
              quantity: str | None = None, unit_price: str | None = None,
              over_budget_reason: str | None = None, as_json: JsonOpt = False) -> None:
    """Book a cost to a project stage (checked against its budget line). A data-service claim
    names a qualified vendor (--supplier, as registered) and gives --quantity and --unit-price
    (AMOUNT must be their product to the fen); it is refused for work a settlement sheet of its
    supplier already pays."""
    from datamill.paid_once import post_claim

    with get_runtime().session() as s:
        c = post_claim(s, project_id, stage, category, _dec(amount, "amount"), source_ref,
                       incurred_on=_day(incurred_on), supplier=supplier,
                       quantity=None if quantity is None else _dec(quantity, "quantity"),
                       unit_price=None if unit_price is None else _dec(unit_price,
                                                                         "unit_price"),
                       over_budget_reason=over_budget_reason,
                       actor_id=_writer(s, user, project_id))
    emit(c, as_json, lambda c: out.print(_cost_line(c)))


def _cost_line(c: Any) -> str:
    """A cost as the commands that book or sign it print it, in the CLI's language; one that
    waits for its over-budget signatures says whose and how (it printed ``pending_approval``
    alone, in English, and no command signed it)."""
    if c.status == "pending_approval":
        return say("ledger.cost_pending", id=c.id, amount=shown_money(c.amount))
    return say("ledger.cost_status", id=c.id, amount=shown_money(c.amount),
               status=code("status", c.status))


@app.command("cost-approve")
@handle_errors
def cost_approve(cost_id: int, user: AsUser, reject: bool = False, reason: str = "",
                 as_json: JsonOpt = False) -> None:
    """Sign an over-budget cost: the VP in charge, then the finance head (--reject refuses it;
    never the person who posted it), as POST /ledger/costs/ID/approvals."""
    from datamill.ledger.costs import approve_over_budget_cost

    with get_runtime().session() as s:
        c = approve_over_budget_cost(s, cost_id, _writer(s, user, cost_id, "cost"),
                                     decision="reject" if reject else "approve", reason=reason)
    emit(c, as_json, lambda c: out.print(_cost_line(c)))


@app.command("cost-reverse")
@handle_errors
def cost_reverse(cost_id: int, reason: Annotated[str, typer.Option()], user: AsUser,
                 as_json: JsonOpt = False) -> None:
    """Reverse a posted cost: a negative entry linked to it (once; into an open period)."""
    from datamill.ledger.cost_reversal import reverse_cost

    with get_runtime().session() as s:
        c = reverse_cost(s, cost_id, reason=reason, actor_id=_writer(s, user, cost_id, "cost"))
    emit(c, as_json, lambda c: out.print(say("ledger.cost_reversed", id=c.id,
                                             amount=shown_money(c.amount), reversed=cost_id,
                                             on=c.incurred_on), highlight=False))


@app.command("recognise")
@handle_errors
def recognise_cmd(user: AsUser, as_json: JsonOpt = False) -> None:
    """Process new delivery acceptances into revenue and carried cost."""
    from datamill.ledger.recognition import process_acceptance_events

    with get_runtime().session() as s:
        r = process_acceptance_events(s, actor_id=_actor(s, user))
    emit(r, as_json, lambda r: out.print(say("ledger.recognised", acceptances=say_count(
        "ledger.n_acceptances", r.acceptances), recognitions=say_count(
        "ledger.n_recognitions", len(r.recognitions))),
                                         highlight=False))


@app.command("review-final")
@handle_errors
def review_final_cmd(project_id: int, user: AsUser, note: str = "",
                     as_json: JsonOpt = False) -> None:
    """The finance reviewer checks a project before its final accounts (refused while its
    domain events are pending); the close then needs this review, by another person."""
    from datamill.ledger.final_accounts import review_final_accounts

    with get_runtime().session() as s:
        r = review_final_accounts(s, project_id, reviewer_id=_writer(s, user, project_id),
                                  note=note)
    emit(r, as_json, lambda r: out.print(say("ledger.final_reviewed", project=r.project_id,
                                             reviewer=r.reviewer, role=r.reviewer_role),
                                         highlight=False))


@app.command("close")
@handle_errors
def close_cmd(project_id: int, closed_on: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """Final accounts: lock the project; recognise a type 1/2 order once it is also finally
    accepted (refused for a type-1 order accepted in part only: ledger final-accept or
    order-amend first), carry a type-3 project's remaining WIP."""
    from datamill.ledger.recognition import close_project

    with get_runtime().session() as s:
        p = close_project(s, project_id, _day(closed_on), actor_id=_writer(s, user, project_id))
    emit(p, as_json, lambda p: out.print(say("ledger.closed", id=p.id, on=p.closed_on),
                                         highlight=False))


@app.command("final-accept")
@handle_errors
def final_accept_cmd(
    order_id: int, user: AsUser,
    on: Annotated[str | None, typer.Option(help="Acceptance date YYYY-MM-DD (default today).")]
    = None,
    volume: Annotated[str | None, typer.Option(
        help="Volume the report accepts (default: what the deliveries accepted, or the whole "
             "order when none was)."
    )] = None,
    as_json: JsonOpt = False,
) -> None:
    """The customer's final acceptance report of a type 1/2 order (once): revenue = accepted
    volume / order volume × the order amount, recognised once final accounts are complete."""
    from datamill.ledger.recognition import record_final_acceptance

    with get_runtime().session() as s:
        r = record_final_acceptance(
            s, order_id, _day(on) if on else business_today(),
            volume=_dec(volume, "volume") if volume is not None else None,
            actor_id=_actor(s, user))
    emit({"order_id": order_id, "recognition": r}, as_json, lambda v: out.print(
        say("ledger.final_accepted", order=order_id, revenue=shown_money(r.revenue),
            cost=shown_money(r.cost), on=r.recognised_on) if r
        else say("ledger.final_accepted_later", order=order_id), highlight=False))


@app.command("quote")
@handle_errors
def quote_cmd(budget_id: int, margin: str, user: AsUser,
              vat_rate: Annotated[str | None, typer.Option(
                  help="Output VAT as a fraction (default: DATAMILL_SERVICE_VAT_RATE, 0.06).")]
              = None, as_json: JsonOpt = False) -> None:
    """Cost-plus price from a budget and a guidance margin."""
    from datamill.cli._common import acting_user
    from datamill.ledger.quotes import readable_quote

    with get_runtime().session() as s:
        # a read of the budget's project: its books' readers, cleared for it (readable_quote)
        q = readable_quote(s, acting_user(s, user), budget_id, _dec(margin, "margin"),
                           vat_rate=None if vat_rate is None else _dec(vat_rate, "vat_rate"))
    emit(q, as_json, lambda q: out.print(
        say("ledger.quote", price=shown_money(q.price_excl_vat), vat=shown_money(q.vat),
            rate=shown_rate(q.vat_rate), total=shown_money(q.price_incl_vat)), highlight=False))


@app.command("budget-vs-actual")
@handle_errors
def budget_vs_actual_cmd(project_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """A ledger project's approved budget against posted spend, per stage and category, with
    the spend held awaiting over-budget approval as pending (as GET
    /ledger/projects/{id}/budget-vs-actual; readers of the books cleared for the project)."""
    from rich.table import Column, Table

    from datamill.cli._common import acting_user
    from datamill.ledger.reports import readable_budget_vs_actual

    with get_runtime().session() as s:
        # the rule is readable_budget_vs_actual's, as for the API and the finance page
        bva = readable_budget_vs_actual(s, acting_user(s, user), project_id)

    def render(b: Any) -> None:
        t = Table(*(say(f"ledger.col.{c}") for c in ("stage", "category")),
                  *(Column(say(f"ledger.col.{c}"), justify="right")
                    for c in ("budget", "actual", "variance", "pending")),
                  title=say("ledger.bva_title", project=_project_label(b)))
        for ln in b.lines:
            t.add_row(code("stage", ln.stage), code("category", ln.category),
                      *(shown_money(v) for v in (ln.budget, ln.actual, ln.variance, ln.pending)))
        out.print(t)
        out.print(say("ledger.bva_totals", budget=shown_money(b.budget_total),
                      actual=shown_money(b.actual_total), spent=_cell("spent_pct", b.spent_pct),
                      pending=shown_money(b.pending_total)), highlight=False)

    emit(bva, as_json, render)


#: each report's columns for people: (the header's word key under ``ledger.col.``, field);
#: money shows to the cent (:func:`~datamill.core.shown_numbers.shown_money`), a price per
#: unit as stored, volumes as every face shows them
_REPORT_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "margin": [("line", "business_line"), ("offering", "offering"), ("region", "region"),
               ("customer_type", "customer_type"), ("revenue", "revenue"), ("cost", "cost"),
               ("margin", "margin"), ("margin_pct", "margin_pct")],
    "wip": [("project", "project"), ("opening", "opening"), ("incurred", "incurred"),
            ("carried", "carried"), ("closing", "closing"),
            ("estimated_cost", "estimated_total_cost"), ("spent_pct", "spent_pct")],
    "units": [("order", "order_number"), ("accepted_hours", "accepted_hours"),
              ("revenue", "revenue"), ("cost", "cost"), ("price_per_hour", "price_per_hour"),
              ("cost_per_hour", "cost_per_hour")],
    "monthly": [("month", "month"), ("revenue", "revenue"), ("cost", "cost"),
                ("margin", "margin"), ("rd_expense", "rd_expense"),
                ("closing_wip", "wip_closing")],
    "vat": [("tax_point", "on"), ("order", "order_number"), ("trigger", "trigger"),
            ("source", "source_id"), ("rate", "vat_rate"), ("base", "base"), ("vat", "vat")],
}
_TEXT_FIELDS = {"project", "business_line", "offering", "region", "customer_type", "month",
                "order_number", "trigger", "on", "source_id"}
#: a report's segment codes and the word kind each is worded by (``code``)
_SEGMENT_KINDS = {"business_line": "bline", "offering": "offering", "region": "region",
                  "customer_type": "ctype"}
#: fields that are no money: a price per unit, a rate, a volume
_PRICE_FIELDS = {"price_per_hour", "cost_per_hour"}
_VOLUME_FIELDS = {"accepted_hours"}
#: the columns each report adds up under its table
_REPORT_TOTALS = {"margin": ("revenue", "cost", "margin"), "wip": ("incurred", "carried"),
                  "units": ("accepted_hours", "revenue", "cost"),
                  "monthly": ("revenue", "cost", "margin", "rd_expense"), "vat": ("base", "vat")}


def _project_label(row: Any) -> str:
    """A ledger report's project for people: the production project's name, then the ledger
    project's id (the id the ledger commands take)."""
    if row.project_name:
        return say("ledger.project_label", name=row.project_name, id=row.project_id)
    return say("ledger.project_label_id", id=row.project_id)


def _value(row: Any, field: str) -> Any:
    """A report row's ``field``; ``project`` is the project as people know it: the production
    project's name, with the ledger project's id (the id the ledger commands take)."""
    if field == "project":
        return f"{row.project_name} ({row.project_id})" if row.project_name else row.project_id
    return getattr(row, field)


def _cell(field: str, value: Any) -> str:
    """A report's figure as every face shows it: money to the cent, a price per unit as
    stored, a volume to at most 4 places, a share as a percentage, a rate as one."""
    from datamill.core.shown_numbers import shown_price, shown_volume

    if value is None:
        return "–"
    if field.endswith("_pct"):
        return shown_percent(value)
    if field == "vat_rate":
        return shown_rate(value)
    if field == "trigger":
        return say(f"ledger.trigger.{value}")
    if field in _SEGMENT_KINDS:  # a code: worded in the CLI's language, as on the pages
        return code(_SEGMENT_KINDS[field], str(value))
    if field in _TEXT_FIELDS or not isinstance(value, Decimal | int):
        return str(value)
    if field in _PRICE_FIELDS:
        return shown_price(value)
    if field in _VOLUME_FIELDS:
        return shown_volume(value)
    return shown_money(value)


def _render_report(kind: str, start: date, end: date, rows: list[Any]) -> None:
    """A report as a table for people, with its totals (``--json`` prints the rows)."""
    from rich.table import Table

    period = str(start.year) if kind == "monthly" else \
        say("ledger.report_period", start=start, end=end)
    name = say(f"ledger.report.{kind}")
    if not rows:
        out.print(say("ledger.report_empty", kind=name, period=period), highlight=False)
        return
    columns = _REPORT_COLUMNS[kind]
    t = Table(title=say("ledger.report_title", kind=name, period=period))
    for key, field in columns:  # figures stay whole; a narrow terminal folds the words
        text = field in _TEXT_FIELDS
        t.add_column(say(f"ledger.col.{key}"), justify="left" if text else "right",
                     no_wrap=not text, overflow="fold" if text else "ellipsis")
    for row in rows:
        t.add_row(*(_cell(field, _value(row, field)) for _, field in columns))
    out.print(t)
    labels = {field: say(f"ledger.col.{key}") for key, field in columns}
    out.print(say("ledger.totals_sep").join(
        f"{labels[f]} {_cell(f, sum((getattr(r, f) for r in rows), Decimal(0)))}"
        for f in _REPORT_TOTALS[kind]), highlight=False)


@app.command("report")
@handle_errors
def report_cmd(kind: str, date_from: str, date_to: str, user: AsUser,
               as_json: JsonOpt = False) -> None:
    """Report as a table (with --json: the rows): margin, wip, units (per audio hour), monthly
    (year of date_from) or vat (output VAT by tax point)."""
    from datamill.ledger import reports
    from datamill.ledger.access import hidden_books

    start, end = _day(date_from), _day(date_to)
    with get_runtime().session() as s:
        # without the books of projects above the reader's clearance, as the API and the web
        hidden = hidden_books(s, _reader(s, user))
        if kind != "monthly":  # monthly takes date_from's year only
            reports.check_range(start, end)
        if kind == "margin":
            data: list[Any] = list(reports.margin_report(s, start, end, hidden=hidden))
        elif kind == "wip":
            data = list(reports.wip_rollforward(s, start, end, hidden=hidden))
        elif kind == "units":
            data = list(reports.unit_economics(s, start, end, hidden=hidden))
        elif kind == "monthly":
            data = list(reports.monthly_summary(s, start.year, hidden=hidden))
        elif kind == "vat":
            from datamill.ledger.vat import vat_points

            data = list(vat_points(s, start, end, hidden_orders=hidden.orders))
        else:
            raise InvalidInput(f"unknown report {kind!r}; available: margin, wip, units, "
                               "monthly, vat")
    emit(data, as_json, lambda rows: _render_report(kind, start, end, rows))


@app.command("journal")
@handle_errors
def journal_cmd(date_from: str, date_to: str, output: Path, user: AsUser,
                accounts: Annotated[Path | None, typer.Option(help="key,code,name CSV")] = None,
                force: Force = False, as_json: JsonOpt = False) -> None:
    """Export the double-entry journal as CSV (to a new file unless --force)."""
    fresh_output(output, force, "OUTPUT")
    from datamill.ledger.access import hidden_books
    from datamill.ledger.journal import export_journal_csv, load_account_map

    mapping = load_account_map(accounts) if accounts else None
    with get_runtime().session() as s:
        hidden = hidden_books(s, _reader(s, user))  # the reader's books only, as the API
        text = export_journal_csv(s, _day(date_from), _day(date_to), mapping, hidden=hidden)
    output.write_text(text, encoding="utf-8")
    lines = text.count(chr(10)) - 1
    emit({"path": str(output), "lines": lines}, as_json,
         lambda _v: out.print(say("ledger.journal_written", lines=lines, path=output),
                              highlight=False))


@app.command("sync")
@handle_errors
def sync_cmd(user: AsUser, as_json: JsonOpt = False) -> None:
    """Process every pending event: workforce costs first, then customer acceptances (what it
    tells back leaves out the books above the person's clearance, as the API)."""
    from datamill.ledger.access import acting_ledger_user, hidden_books
    from datamill.ledger.events import sync_ledger

    with get_runtime().session() as s:
        person = acting_ledger_user(s, user)
        r = sync_ledger(s, actor_id=person.id, hidden=hidden_books(s, person))

    def show(r: Any) -> None:
        taken = r.acceptances.acceptances if r.acceptances else 0
        recognised = len(r.acceptances.recognitions) if r.acceptances else 0
        out.print(say("ledger.synced", costs=say_count("ledger.n_costs", len(r.costs.booked)),
                      skipped=r.costs.skipped,
                      acceptances=say_count("ledger.n_acceptances", taken),
                      recognitions=say_count("ledger.n_recognitions", recognised)),
                  highlight=False)
        if r.acceptance_problem:
            out.print(say("ledger.acceptances_pending", problem=r.acceptance_problem),
                      highlight=False)
        for p in r.problems:
            out.print(say("ledger.pending_event", id=p.event_id, type=p.event_type,
                          reason=p.reason), highlight=False)

    emit(r, as_json, show)


@app.command("event-problems")
@handle_errors
def event_problems_cmd(user: AsUser, as_json: JsonOpt = False) -> None:
    """Events the ledger could not book yet, with the reason (they stay pending); those of
    projects classified above the reader's clearance left out, as the API."""
    from datamill.ledger.access import hidden_books
    from datamill.ledger.events import list_event_problems

    with get_runtime().session() as s:
        rows = list_event_problems(s, hidden_books(s, _reader(s, user)))

    from datamill.cli._common import cli_language
    from datamill.modalities.problem_words import word_reason

    lang = cli_language()

    def show(rows: Any) -> None:
        for p in rows:  # the reason as the finance page words it, else as stored
            reason = word_reason({**p.reason_params, "reason_code": p.reason_code}, lang) \
                if p.reason_code and lang != "en" else None
            project = say("ledger.event_project", name=p.project_name, id=p.project_id) \
                if p.project_name else say("ledger.event_project_id", id=p.project_id)
            amount = f" {shown_money(p.amount)}" if p.amount else ""
            out.print(say("ledger.event_problem", id=p.event_id,
                          type=code("event", p.event_type), project=project, amount=amount,
                          reason=reason or p.reason), highlight=False)
        if not rows:
            out.print(say("ledger.no_problems"))

    emit(rows, as_json, show)


@app.command("event-book")
@handle_errors
def event_book_cmd(event_id: int, over_budget_reason: Annotated[str, typer.Option()],
                   user: AsUser, as_json: JsonOpt = False) -> None:
    """Book a pending over-budget cost event with its reason (then it awaits approval)."""
    from datamill.ledger.events import book_cost_event

    with get_runtime().session() as s:
        c = book_cost_event(s, event_id, over_budget_reason=over_budget_reason,
                            actor_id=_writer(s, user, event_id, "event"))
    emit(c, as_json, lambda c: out.print(_cost_line(c)))


# contract-to-cash commands register themselves on this app
from datamill.cli import ledger_c2c as _c2c  # noqa: E402, F401
