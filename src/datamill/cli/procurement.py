"""``datamill workforce procurement``: annual budget, purchase requests and their approvals,
framework agreements, purchase orders and volume matching of settlement sheets.

Every command acts for ``--as USERNAME`` and is checked by the same services as the API.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import emit, get_runtime, handle_errors, out, styled
from datamill.cli._words import code, say
from datamill.core.errors import InvalidInput

app = typer.Typer(
    help="Procurement: annual budget, purchase requests (3 levels), agreements, orders.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting.")]
Reject = Annotated[bool, typer.Option("--reject", help="Reject instead of approving.")]
Reason = Annotated[str, typer.Option("--reason", help="Why (required to reject).")]


def _actor(s: Any, username: str) -> Any:
    from datamill.compliance.users import get_user

    return get_user(s, username)


def _table(*columns: str) -> Table:
    return Table(*(say(f"proc.col.{c}") for c in columns))


def _status(value: str) -> str:
    return code("proc_status", value)


def _role(value: str | None, *, none_word: bool = False) -> str:
    """An approval role (``dept_manager``) in the CLI's language; blank (or, with
    ``none_word``, the word for none) when no level is left."""
    if value is None:
        return say("proc.none") if none_word else ""
    return code("proc_role", value)


def _volume(shown: str, unit: str) -> str:
    """A quantity as printed (``shown``) and its price unit (a code: ``hour``) in words."""
    return f"{shown} {code('punit', unit)}"


def _request_table(rows: list[Any]) -> None:
    t = _table("id", "number", "quantity", "price", "amount", "flags", "status", "next")
    for r in rows:
        flags = say("proc.flag.sep").join(say(f"proc.flag.{f}") for f, on in (
            ("deviation", r.flagged), ("over", r.over_budget), ("backdated", r.backdated)) if on)
        t.add_row(str(r.id), r.number, _volume(f"{r.quantity:f}", r.unit), f"{r.unit_price:f}",
                  str(r.amount), styled((flags, "bold red")) if flags else "", _status(r.status),
                  _role(r.next_role))
    out.print(t)


@app.command("approver-add")
@handle_errors
def approver_add(username: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Give USERNAME the procurement approval role (the last level of a request)."""
    from datamill.compliance.users import get_user
    from datamill.workforce.procurement import register_procurement_approver

    with get_runtime().session() as s:
        user = get_user(s, username)
        register_procurement_approver(s, _actor(s, actor), user.id)
    emit({"username": username, "approval_role": "procurement"}, as_json,
         lambda v: out.print(say("proc.approver_added", username=v["username"])))


@app.command("budget-add")
@handle_errors
def budget_add(
    year: int, department: str, actor: AsUser,
    collection_qty: Annotated[str, typer.Option(help="Collection quantity")],
    collection_price: Annotated[str, typer.Option(help="Collection unit price")],
    labelling_qty: Annotated[str, typer.Option(help="Labelling quantity")],
    labelling_price: Annotated[str, typer.Option(help="Labelling unit price")],
    as_json: JsonOpt = False,
) -> None:
    """Submit a department's annual procurement budget (collection and labelling apart)."""
    from datamill.workforce.procurement import create_procurement_budget

    with get_runtime().session() as s:
        b = create_procurement_budget(
            s, _actor(s, actor), year=year, department=department,
            collection_quantity=collection_qty, collection_price=collection_price,
            labelling_quantity=labelling_qty, labelling_price=labelling_price)
    emit(b, as_json, lambda b: out.print(say(
        "proc.budget_added", id=b.id, year=b.year, department=b.department,
        collection=b.collection_amount, labelling=b.labelling_amount,
        next=_role(b.next_role, none_word=True))))


@app.command("budget-sign")
@handle_errors
def budget_sign(budget_id: int, actor: AsUser, reject: Reject = False, reason: Reason = "",
                as_json: JsonOpt = False) -> None:
    """Sign the next level of an annual budget (dept. manager, then Finance)."""
    from datamill.workforce.procurement import decide_budget

    with get_runtime().session() as s:
        b = decide_budget(s, _actor(s, actor), budget_id, "reject" if reject else "approve",
                          reason)
    emit(b, as_json, lambda b: out.print(say("proc.budget_signed", id=b.id, status=_status(b.status),
                                             next=_role(b.next_role, none_word=True))))


@app.command("budgets")
@handle_errors
def budgets(actor: AsUser, year: int | None = None, as_json: JsonOpt = False) -> None:
    """List annual procurement budgets."""
    from datamill.workforce.procurement import list_budgets

    with get_runtime().session() as s:
        rows = list_budgets(s, _actor(s, actor), year)

    def render(rows: list[Any]) -> None:
        t = _table("id", "year", "department", "collection", "labelling", "status", "next")
        for b in rows:
            t.add_row(str(b.id), str(b.year), b.department, str(b.collection_amount),
                      str(b.labelling_amount), _status(b.status), _role(b.next_role))
        out.print(t)

    emit(rows, as_json, render)


@app.command("request-add")
@handle_errors
def request_add(  # noqa: PLR0913 - the request's fields
    department: str, kind: str, stage: str, modality: str, language_group: str, unit: str,
    quantity: str, actor: AsUser,
    unit_price: Annotated[str | None, typer.Option(help="Default: the price system's")] = None,
    on: Annotated[str | None, typer.Option(
        help="The request's date (YYYY-MM-DD, default today) for the price lookup")] = None,
    project: int | None = None, vendor: int | None = None,
    reason: Annotated[str | None, typer.Option(help="Why the price is >10% off")] = None,
    note: str = "", as_json: JsonOpt = False,
    backdate_reason: Annotated[str | None, typer.Option(
        help="Why --on is more than 7 days before today")] = None,
) -> None:
    """Raise a purchase request; a price >10% off the price system needs --reason, a date more
    than 7 days back --backdate-reason."""
    from datamill.workforce.procurement import create_request

    day = _day(on)
    with get_runtime().session() as s:
        r = create_request(s, _actor(s, actor), department=department, kind=kind, stage=stage,
                           modality=modality, language_group=language_group, unit=unit,
                           quantity=quantity, unit_price=unit_price, on=day, project_id=project,
                           vendor_id=vendor, deviation_reason=reason, note=note,
                           backdate_reason=backdate_reason)
    emit(r, as_json, lambda r: _request_table([r]))


def _day(value: str | None, field: str = "--on") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(f"{field} {value!r} is not a date (YYYY-MM-DD)", field=field,
                           value=repr(value), reason_code="proc_date_form") from err


@app.command("request-sign")
@handle_errors
def request_sign(request_id: int, actor: AsUser, reject: Reject = False, reason: Reason = "",
                 as_json: JsonOpt = False) -> None:
    """Sign the next level: dept. manager → VP (→ finance head when over budget) → procurement."""
    from datamill.workforce.procurement import decide_request

    with get_runtime().session() as s:
        r = decide_request(s, _actor(s, actor), request_id, "reject" if reject else "approve",
                           reason)
    emit(r, as_json, lambda r: _request_table([r]))


@app.command("requests")
@handle_errors
def requests(actor: AsUser, status: str | None = None, flagged: bool = False,
             as_json: JsonOpt = False) -> None:
    """List purchase requests with their approval state."""
    from datamill.workforce.procurement import list_requests

    with get_runtime().session() as s:
        rows = list_requests(s, _actor(s, actor), status=status, flagged_only=flagged)
    emit(rows, as_json, _request_table)


@app.command("combine")
@handle_errors
def combine(request_ids: list[int], actor: AsUser, note: str = "",
            as_json: JsonOpt = False) -> None:
    """Combine similar unsigned requests into one."""
    from datamill.workforce.procurement import combine_requests

    with get_runtime().session() as s:
        r = combine_requests(s, _actor(s, actor), request_ids, note)
    emit(r, as_json, lambda r: _request_table([r]))


@app.command("agreement-add")
@handle_errors
def agreement_add(
    vendor_id: int, number: str, valid_from: str, valid_to: str, prices_file: Path,
    actor: AsUser, terms: str = "", settlement: str = "weekly", as_json: JsonOpt = False,
) -> None:
    """Record a framework agreement; PRICES_FILE is a JSON list of {stage, modality,
    language_group, unit, unit_price}."""
    from datamill.workforce.purchase_orders import create_agreement

    try:
        text = prices_file.read_text(encoding="utf-8")
    except OSError as err:
        why = str(err.strerror or err)
        raise InvalidInput(f"cannot read a price list from {prices_file}: {why}",
                           path=str(prices_file), why=why, reason_code="file_unreadable") from err
    try:
        prices = json.loads(text)
    except ValueError as err:
        raise InvalidInput(f"cannot read a price list from {prices_file}: {err}",
                           path=str(prices_file), detail=str(err)[:200],
                           reason_code="price_list_json") from err
    if not isinstance(prices, list) or not all(isinstance(p, dict) for p in prices):
        raise InvalidInput("the price list must be a JSON list of objects", field="prices",
                           path=str(prices_file), reason_code="price_list_shape")
    start, end = _day(valid_from, "VALID_FROM"), _day(valid_to, "VALID_TO")
    assert start is not None and end is not None
    with get_runtime().session() as s:
        a = create_agreement(s, _actor(s, actor), vendor_id=vendor_id, number=number,
                             valid_from=start, valid_to=end, prices=prices, terms=terms,
                             settlement_method=settlement)
    emit(a, as_json, lambda a: out.print(say("proc.agreement_added", id=a.id, number=a.number,
                                             status=_status(a.status))))


@app.command("agreement-approve")
@handle_errors
def agreement_approve(agreement_id: int, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Approve a framework agreement (once, by procurement)."""
    from datamill.workforce.purchase_orders import approve_agreement

    with get_runtime().session() as s:
        a = approve_agreement(s, _actor(s, actor), agreement_id)
    emit(a, as_json, lambda a: out.print(say("proc.agreement", number=a.number,
                                             status=_status(a.status))))


@app.command("agreements")
@handle_errors
def agreements(actor: AsUser, vendor: int | None = None, as_json: JsonOpt = False) -> None:
    """List framework agreements."""
    from datamill.workforce.purchase_orders import list_agreements

    with get_runtime().session() as s:
        rows = list_agreements(s, _actor(s, actor), vendor)

    def render(rows: list[Any]) -> None:
        t = _table("id", "number", "vendor", "from", "to", "prices", "status")
        for a in rows:
            t.add_row(str(a.id), a.number, str(a.vendor_id), str(a.valid_from),
                      str(a.valid_to), str(len(a.prices)), _status(a.status))
        out.print(t)

    emit(rows, as_json, render)


@app.command("order-add")
@handle_errors
def order_add(request_id: int, vendor: int, project: int, quantity: str, actor: AsUser,
              agreement: int | None = None, as_json: JsonOpt = False) -> None:
    """Place a purchase order with a qualified vendor against an approved request."""
    from datamill.workforce.purchase_orders import create_purchase_order

    with get_runtime().session() as s:
        po = create_purchase_order(s, _actor(s, actor), request_id=request_id, vendor_id=vendor,
                                   project_id=project, quantity=quantity, agreement_id=agreement)
    emit(po, as_json, lambda p: out.print(say(
        "proc.order_added", number=p.number, quantity=p.quantity,
        unit=code("punit", p.unit), price=p.unit_price,
        amount=p.amount)))


@app.command("orders")
@handle_errors
def orders(actor: AsUser, vendor: int | None = None, project: int | None = None,
           as_json: JsonOpt = False) -> None:
    """List purchase orders with the volume settled and remaining."""
    from datamill.workforce.purchase_orders import list_purchase_orders

    with get_runtime().session() as s:
        rows = list_purchase_orders(s, _actor(s, actor), vendor_id=vendor, project_id=project)

    def render(rows: list[Any]) -> None:
        t = _table("id", "number", "vendor", "project", "stage", "ordered", "settled",
                   "remaining")
        for p in rows:
            t.add_row(str(p.id), p.number, str(p.vendor_id), str(p.project_id),
                      code("stage", p.stage), _volume(str(p.quantity), p.unit),
                      str(p.settled_quantity), str(p.remaining_quantity))
        out.print(t)

    emit(rows, as_json, render)


@app.command("volume")
@handle_errors
def volume(sheet_id: int, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Match a settlement sheet's volume against the vendor's purchase orders."""
    from datamill.workforce.purchase_orders import check_sheet_volume

    with get_runtime().session() as s:
        rows = check_sheet_volume(s, _actor(s, actor), sheet_id)

    def render(rows: list[Any]) -> None:
        for v in rows:
            flag = (say("proc.vol.ok"), "green") if v.ok and v.price_ok else (
                (say("proc.vol.price_flag"), "bold yellow") if v.ok
                else (say("proc.vol.over_flag"), "bold red"))
            out.print(styled(flag, _volume_words(v)))

    emit(rows, as_json, render)


def _volume_words(v: Any) -> str:
    """A volume line's message in the CLI's language (English: the service's own)."""
    from datamill.cli._common import cli_language

    if cli_language() == "en":
        return str(v.message)
    unit = code("punit", v.unit)
    where = {"project": v.project_id, "stage": code("stage", v.stage) if v.stage else ""}
    if not v.has_purchase_order:
        said = say("proc.vol.no_order", **where)
    elif v.order_units and v.unit not in v.order_units:
        said = say("proc.vol.unit", **where, unit=unit, units=say("proc.flag.sep").join(
            code("punit", u) for u in v.order_units))
    elif not v.ok:
        said = say("proc.vol.over", **where, quantity=v.sheet_quantity, unit=unit,
                   left=max(v.remaining_before, 0), ordered=v.ordered_quantity,
                   settled=v.settled_before)
    else:
        said = say("proc.vol.within", **where, quantity=v.sheet_quantity, unit=unit,
                   remaining=v.remaining_before)
    if not v.price_ok:
        said += say("proc.vol.price", unit=unit,
                    paid=say("proc.flag.sep").join(map(str, v.sheet_unit_prices)),
                    orders=say("proc.flag.sep").join(map(str, v.order_unit_prices)))
    return said
