"""Finance pages: a project's accounts (order, budget + approvals, budget vs actual, WIP,
revenue and margin) and the year's overview (margin by segment, months, journal CSV, pending
events). Readers: the ledger's (admins, project managers, finance and anyone holding a ledger
approval role, sales, auditors); a project's accounts only for those cleared for it, member or
not, as in the API and the CLI. Budget levels are signed by the holder of the next level's role
(checked again by the service).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action
from datamill.core.days import ISO_DAY, MAX_DAY, MIN_DAY
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.http_deps import SessionDep
from datamill.ledger.access import (
    hidden_books,
    require_budget_writer,
    require_cost_writer,
    require_ledger_access,
)
from datamill.ledger.assets import month_bounds
from datamill.ledger.billing import order_billing
from datamill.ledger.budgets import approve_budget, get_budget
from datamill.ledger.contracts import list_contracts
from datamill.ledger.costs import approve_over_budget_cost, get_cost
from datamill.ledger.events import sync_ledger
from datamill.ledger.finance import can_sign, finance_overview, readable_project_finance
from datamill.ledger.invoice_reversal import MAX_REASON, reverse_invoice
from datamill.ledger.journal import export_journal_csv
from datamill.ledger.line_reports import line_margin, line_report_csv, speech_cost_per_hour
from datamill.ledger.period_close import close_period, confirm_period, require_every_book
from datamill.ledger.period_reopen import period_state, reopen_period
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.quotes import readable_quote
from datamill.ledger.ratio_tests import list_ratio_tests
from datamill.ledger.receivables import issue_invoice
from datamill.ledger.recognition import record_final_acceptance
from datamill.ledger.schemas import QuoteOut
from datamill.ledger.settings import OVER_BUDGET_LEVEL_ROLES
from datamill.ledger.trace import contract_trace, trace_csv
from datamill.output_ratios import BudgetedRatioRow, output_ratio_beside_budget
from datamill.web.i18n import t, translator
from datamill.web.ledger_text import level_reason
from datamill.web.routes._common import (
    HtmlRoute,
    SignedIn,
    WebUser,
    code_label,
    error_in_page_language,
    page_language,
    render,
    require_csrf,
)
from datamill.workforce.throughput import (
    VendorThroughputRow,
    report_csv,
    report_scope,
    vendor_throughput,
)

__all__ = ["RATIO_DONE", "render_project_page", "router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
Year = Annotated[int | None, Query(ge=1990, le=2200)]
#: a download's first and last day, written YYYY-MM-DD (``?from=0`` was read as 1970-01-01)
DateFrom = Annotated[date, Query(alias="from", ge=MIN_DAY, le=MAX_DAY), ISO_DAY]
DateTo = Annotated[date, Query(alias="to", ge=MIN_DAY, le=MAX_DAY), ISO_DAY]
#: what the ratio section's forms did (``?ratio_ok=``), each worded ``fin.ratio.ok_<what>``
RATIO_DONE = ("started", "measured", "agreed", "applied")


def _require_finance(session: Session, user: User, *, write: bool = True) -> str | None:
    """The user's ledger approval role (or None); the same check as the API and the CLI."""
    return require_ledger_access(session, user, write=write)


def _year(year: int | None) -> int:
    return year or business_today().year


def _labels(request: Request) -> dict[str, str]:
    """Chart legends in the page's language."""
    lang = page_language(request)
    keys = ("budget", "actual", "revenue", "cost", "margin", "rd_expense", "wip_closing")
    return {k: t(f"fin.{k}", lang) for k in keys}


@router.get("/finance", response_class=HTMLResponse)
def overview_page(
    request: Request, session: SessionDep, me: WebUser, year: Year = None,
    synced: int | None = None,
) -> Response:
    role = _require_finance(session, me.user, write=False)
    # the reader's books only (projects above their clearance left out), as the API and CLI
    hidden = hidden_books(session, me.user)
    data = finance_overview(session, _year(year), hidden=hidden)
    start, end = date(data.year, 1, 1), date(data.year, 12, 31)
    tc = code_label(translator(page_language(request)))
    by_line = line_margin(session, start, end, hidden=hidden)
    chart: dict[str, Any] = {
        "bylines": [{"label": t(f"fin.line_{r.line}", page_language(request)),
                     "revenue": str(r.revenue), "cost": str(r.cost), "margin": str(r.margin)}
                    for r in by_line],
        "labels": _labels(request),
        "margin": [{"label": f"{tc('bline', m.business_line)} · {tc('offering', m.offering)} · "
                            f"{tc('region', m.region)} · {tc('ctype', m.customer_type)}",
                    "revenue": str(m.revenue), "cost": str(m.cost), "margin": str(m.margin)}
                   for m in data.margin],
        "monthly": [{"month": m.month, "revenue": str(m.revenue), "cost": str(m.cost),
                     "margin": str(m.margin)} for m in data.monthly],
    }
    ratios = output_ratio_beside_budget(session, date_from=start, date_to=end, reader=me.user)
    flows = vendor_throughput(session, date_from=start, date_to=end, reader=me.user)
    chart["ratio"] = [{"label": f"{r.project} · {tc('stage', r.stage)}", "value": str(r.ratio or 0)}
                      for r in ratios]
    in_house = t("gq.in_house", page_language(request))  # the vendor column's "in-house" code
    chart["throughput"] = [{"label": f"{in_house if r.vendor == 'in-house' else r.vendor} · "
                                     f"{r.project} · {tc('stage', r.stage)}",
                            "value": str(r.per_work_hour or 0),
                            "accepted": str(r.accepted_volume)} for r in flows]
    lang = page_language(request)
    chart["labels"].update({k: t(f"fin.{k}", lang) for k in ("ratio", "per_work_hour",
                                                               "accepted_volume")})
    return render(request, "ledger_overview.html", me, data=data, chart=chart,
                  approval_role=role, synced=synced, by_line=by_line, ratios=ratios, flows=flows,
                  speech=speech_cost_per_hour(session, start, end, hidden=hidden),
                  contracts=list_contracts(session), current_year=_year(None))


def _can_write_books(session: Session, user: User) -> bool:
    """Whether ``user`` writes the books (the forms that write show to them only)."""
    try:
        require_ledger_access(session, user, write=True)
    except Forbidden:
        return False
    return True


def render_project_page(  # noqa: PLR0913 - the page, its notices and a refused form's values
    request: Request, session: Session, me: SignedIn, project_id: int, year: int | None, *,
    signed: str | None = None, accepted: str | None = None, status_code: int = 200,
    sign_error: str | None = None, final_error: str | None = None,
    form: dict[str, str] | None = None, ratio_ok: str | None = None,
    ratio_error: str | None = None, cost_error: str | None = None,
    quote_margin: str | None = None, invoiced: str | None = None,
    invoice_error: str | None = None,
) -> Response:
    """The project's accounts page with its notices: a refused form's error and values, and its
    annotation-output ratio section (self-tests, agreed ratios, the apply button) with
    ``ratio_ok`` (what was done) or ``ratio_error`` (a refusal in the page's language)."""
    # the API's and the CLI's rule (require_project_reader): a reader of the books cleared for
    # the project, member or not
    data, role = readable_project_finance(session, me.user, project_id, _year(year))
    bva = data.budget_vs_actual
    tc = code_label(translator(page_language(request)))
    chart: dict[str, Any] = {
        "labels": _labels(request),
        "lines": [{"label": f"{tc('stage', ln.stage)} · {tc('category', ln.category)}",
                   "budget": str(ln.budget),
                   "actual": str(ln.actual)} for ln in bva.lines],
        "wip": [{"month": w.month, "closing": str(w.closing)} for w in data.wip],
    }
    quote, quote_error = _quote(session, me.user, data.budget, quote_margin)
    o = data.order
    can_final = (o is not None and o.acceptance_type in (1, 2) and o.offering == "custom"
                 and o.status == "open" and _can_write_books(session, me.user))
    billing = order_billing(session, o.id) if o is not None else None
    can_invoice = (o is not None and o.status != "cancelled"
                   and _can_write_books(session, me.user))
    return render(request, "ledger_project.html", me, status_code=status_code, data=data,
                  chart=chart, year=_year(year), approval_role=role,
                  can_sign=can_sign(session, me.user.id, data.budget), signed=signed,
                  tlevel=level_reason(translator(page_language(request))),
                  can_final=can_final, accepted=accepted, sign_error=sign_error,
                  final_error=final_error, form=form or {},
                  today=business_today().isoformat(),
                  ratio_tests=list_ratio_tests(session, me.user, data.ledger_project_id),
                  can_write=check(session, me.user, Action.LEDGER) is None,
                  # a reader of the books who is not on the project: no link to its dashboard (404)
                  can_view_project=check(session, me.user, Action.VIEW_PROJECT,
                                         project_id=data.production_project_id) is None,
                  ratio_ok=ratio_ok if ratio_ok in RATIO_DONE else None,
                  ratio_error=ratio_error,
                  # the over-budget costs' signers (VP in charge, then finance head)
                  can_sign_costs=role in OVER_BUDGET_LEVEL_ROLES.values(), cost_error=cost_error,
                  quote=quote, quote_error=quote_error, quote_margin=quote_margin or "",
                  billing=billing, can_invoice=can_invoice, invoiced=invoiced,
                  invoice_error=invoice_error)


def _quote(session: Session, user: User, budget: Any, margin: str | None,
           ) -> tuple[QuoteOut | None, bool]:
    """The cost-plus quote the page's form asked for (``margin`` a percentage, as people type
    it: ``35``), by the CLI's and the API's rule (:func:`~datamill.ledger.quotes.readable_quote`);
    ``(None, True)`` when the margin is not a percentage from 0 up to 100."""
    if budget is None or margin is None or not margin.strip():
        return None, False
    try:
        fraction = Decimal(margin.strip().removesuffix("%")) / 100
        return readable_quote(session, user, budget.id, fraction), False
    except (InvalidOperation, InvalidInput):
        return None, True


@router.get("/projects/{project_id}/finance", response_class=HTMLResponse)
def project_page(
    request: Request, project_id: int, session: SessionDep, me: WebUser, year: Year = None,
    signed: str | None = None, accepted: str | None = None,
    ratio_ok: Annotated[str | None, Query(max_length=16)] = None,
    quote_margin: Annotated[str | None, Query(max_length=16)] = None,
    invoiced: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return render_project_page(request, session, me, project_id, year, signed=signed,
                               accepted=accepted if accepted in ("recognised", "pending")
                               else None, ratio_ok=ratio_ok, quote_margin=quote_margin,
                               invoiced=invoiced)


@router.post("/projects/{project_id}/finance/final-acceptance")
def final_acceptance(  # noqa: PLR0913 - the form's fields
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    accepted_on: Annotated[str, Form(max_length=10)] = "",
    volume: Annotated[str, Form(max_length=40)] = "",
    year: Annotated[int | None, Form(ge=1990, le=2200)] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The customer's final acceptance report of the project's type 1/2 order:
    ``POST /api/v1/ledger/orders/{id}/final-acceptance``'s service call, by a writer of the
    books cleared for the project; a refusal shows on the page, the form as typed."""
    require_csrf(request, me, csrf_token)
    require_ledger_access(session, me.user, write=True)
    data, _role = readable_project_finance(session, me.user, project_id, _year(year))
    form = {"accepted_on": accepted_on.strip(), "volume": volume.strip()}
    try:
        if data.order is None:
            raise InvalidInput(f"project {data.name} has no performance order",
                               field="order")
        try:
            day = date.fromisoformat(form["accepted_on"])
        except ValueError as err:
            raise InvalidInput(f"the acceptance date {form['accepted_on']!r} is not a date "
                               "(YYYY-MM-DD)", field="accepted_on") from err
        with session.begin_nested():
            rec = record_final_acceptance(session, data.order.id, day,
                                          volume=form["volume"] or None, actor_id=me.user.id)
    except (Conflict, InvalidInput, NotFound) as exc:
        return render_project_page(request, session, me, project_id, year,
                                   status_code=409 if isinstance(exc, Conflict) else 422,
                                   final_error=error_in_page_language(request, exc), form=form)
    done = "recognised" if rec is not None else "pending"
    return RedirectResponse(f"/projects/{project_id}/finance?year={_year(year)}&accepted={done}",
                            status_code=303)


@router.post("/projects/{project_id}/finance/invoices")
def invoice(  # noqa: PLR0913 - the form's fields
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    number: Annotated[str, Form(max_length=64)] = "",
    issued_on: Annotated[str, Form(max_length=10)] = "",
    acceptance_id: Annotated[str, Form(max_length=20)] = "",
    amount: Annotated[str, Form(max_length=40)] = "",
    currency: Annotated[str, Form(max_length=3)] = "",
    year: Annotated[int | None, Form(ge=1990, le=2200)] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Invoice the project's order: ``POST /api/v1/ledger/orders/{id}/invoices``'s service
    call (an accepted delivery by its share unless an amount is typed; without one, an
    advance by amount), by a writer of the books cleared for the project; a refusal shows on
    the page in its language, the form as typed."""
    require_csrf(request, me, csrf_token)
    require_ledger_access(session, me.user, write=True)
    data, _role = readable_project_finance(session, me.user, project_id, _year(year))
    form = {"number": number.strip(), "issued_on": issued_on.strip(),
            "acceptance_id": acceptance_id.strip(), "amount": amount.strip(),
            "currency": currency.strip()}
    try:
        if data.order is None:
            raise InvalidInput(f"project {data.name} has no performance order", field="order")
        if not form["number"]:
            raise InvalidInput("the invoice needs its number", field="number")
        day = _invoice_day(form["issued_on"])
        acc = form["acceptance_id"]
        if acc and not (acc.isdecimal() and 0 < int(acc) < 2**63):
            raise InvalidInput(f"{acc!r} is not an acceptance id", field="acceptance_id")
        with session.begin_nested():
            issue_invoice(session, data.order.id, form["number"], issued_on=day,
                          amount=form["amount"] or None,
                          acceptance_id=int(acc) if acc else None, actor_id=me.user.id,
                          currency=form["currency"] or None)
    except (Conflict, InvalidInput, NotFound) as exc:
        return render_project_page(request, session, me, project_id, year,
                                   status_code=409 if isinstance(exc, Conflict) else 422,
                                   invoice_error=error_in_page_language(request, exc),
                                   form=form)
    return RedirectResponse(
        f"/projects/{project_id}/finance?year={_year(year)}&invoiced={url_quote(form['number'])}"
        "#invoices", status_code=303)


def _invoice_day(typed: str) -> date:
    """An invoice form's date as typed (YYYY-MM-DD), or a refusal naming the date field."""
    try:
        return date.fromisoformat(typed)
    except ValueError as err:
        raise InvalidInput(f"the invoice date {typed!r} is not a date (YYYY-MM-DD)",
                           field="issued_on") from err


@router.post("/projects/{project_id}/finance/invoices/{invoice_id}/reversal")
def invoice_reversal(  # noqa: PLR0913 - the form's fields
    request: Request, project_id: int, invoice_id: int,
    session: SessionDep, me: WebUser,
    number: Annotated[str, Form(max_length=64)] = "",
    issued_on: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=MAX_REASON)] = "",
    year: Annotated[int | None, Form(ge=1990, le=2200)] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Reverse one of the project's order's invoices by a red-letter invoice:
    ``POST /api/v1/ledger/invoices/{id}/reversal``'s service call, by a writer of the books
    cleared for the project; a refusal shows on the page in its language."""
    require_csrf(request, me, csrf_token)
    require_ledger_access(session, me.user, write=True)
    data, _role = readable_project_finance(session, me.user, project_id, _year(year))
    form = {"red_number": number.strip(), "red_on": issued_on.strip(), "red_reason": reason,
            "red_of": str(invoice_id)}
    try:
        if data.order is None or invoice_id not in {
                i.id for i in order_billing(session, data.order.id).invoices}:
            raise NotFound(f"invoice {invoice_id} is not an invoice of project {data.name}",
                           invoice_id=invoice_id)
        if not form["red_number"]:
            raise InvalidInput("the red-letter invoice needs its number", field="number")
        day = _invoice_day(form["red_on"])
        with session.begin_nested():
            red = reverse_invoice(session, invoice_id, form["red_number"], issued_on=day,
                                  reason=reason, actor_id=me.user.id)
    except (Conflict, InvalidInput, NotFound) as exc:
        return render_project_page(
            request, session, me, project_id, year, invoice_error=error_in_page_language(
                request, exc), form=form,
            status_code=409 if isinstance(exc, Conflict) else 404
            if isinstance(exc, NotFound) else 422)
    return RedirectResponse(
        f"/projects/{project_id}/finance?year={_year(year)}&invoiced={url_quote(red.number)}"
        "#invoices", status_code=303)


PeriodPath = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$")]


def _period_page(
    request: Request, session: Session, me: SignedIn, period: str, *, ok: str | None = None,
    error: str | None = None, status_code: int = 200, confirm: str | None = None,
) -> Response:
    """The period's state (run, closed, reopened: who, when, why) and its actions for who may
    take them: run (or run again) and confirm the close for a writer of the books, reopen for
    a finance lead or an admin; each is asked once more (``confirm``: ``run`` or ``close``)
    before it is done. The API's ``GET /ledger/periods/{period}`` rule (every book)."""
    _require_finance(session, me.user, write=False)
    require_every_book(session, me.user)
    state = period_state(session, me.user, period)
    last_day = month_bounds(period)[1]
    try:
        _require_finance(session, me.user)
        can_write = True
    except Forbidden:
        can_write = False
    report = _closing_report(state.run.report, state.run.project_names) if state.run else None
    chart = {"labels": {**_labels(request), **{k: t(f"fin.{k}", page_language(request))
                                               for k in ("opening", "incurred", "carried",
                                                         "closing")}},
             "period_wip": [{"project": w["project"], **{k: str(w[k]) for k in (
                 "opening", "incurred", "carried", "closing")}} for w in report["wip"]]
             if report else []}
    return render(request, "ledger_period.html", me, status_code=status_code, period=period,
                  row=state.run, can_reopen=state.can_reopen, report=report, chart=chart,
                  reopener=state.reopened_by_name or "", ok=ok, error=error,
                  can_write=can_write, preparer=state.prepared_by_name or "",
                  ended=last_day < business_today(), last_day=last_day,
                  confirm=confirm if can_write and confirm in PERIOD_STEPS else None)


def _closing_report(report: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    """The month's stored closing report as its page shows it (trial h1, round 3: the page
    showed only its status and digest, the figures a clerk reads were in the CLI's output
    alone): each project's WIP roll-forward by name, the margin by line, the cost per accepted
    unit and the receivables, amounts as Decimals (the report keeps them as strings)."""
    def dec(v: object) -> Decimal | None:
        return None if v is None else Decimal(str(v))

    def money(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{**r, **{k: dec(r.get(k)) for k in keys}} for r in rows]

    wip = [{**w, "project": names.get(int(w["project_id"]), f"#{w['project_id']}")}
           for w in money(report.get("wip", []), ("opening", "incurred", "carried", "closing"))]
    return {
        "wip": wip,
        "lines": money(report.get("line_margin", []),
                       ("revenue", "cost", "margin", "margin_pct")),
        "units": money(report.get("unit_costs", []),
                       ("volume", "revenue", "cost", "price_per_unit", "cost_per_unit")),
        "receivables": money(report.get("receivables", []),
                             ("receivable", "advances", "net", "ecl")),
        # realised exchange differences on the month's receipts (ledger.fx), and their total
        "fx": money(report.get("fx", []), ("settled", "cash", "fx_difference")),
        "fx_total": sum((Decimal(str(x["fx_difference"])) for x in report.get("fx", [])),
                        Decimal("0.00")),
        "depreciation": len(report.get("depreciation", [])),
        "impairment": len(report.get("impairment", [])),
    }


#: the period page's two steps of a close, each confirmed once more before it is done
PERIOD_STEPS = ("run", "close")
#: what the period page's forms did (``?ok=``), each worded ``fin.period.ok_<what>``
PERIOD_DONE = ("reopened", "run", "closed")


@router.get("/finance/periods/{period}", response_class=HTMLResponse)
def period_page(
    request: Request, period: PeriodPath, session: SessionDep, me: WebUser,
    ok: str | None = None, confirm: str | None = None,
) -> Response:
    return _period_page(request, session, me, period, confirm=confirm,
                        ok=f"fin.period.ok_{ok}" if ok in PERIOD_DONE else None)


def _period_step(
    request: Request, session: Session, me: SignedIn, period: str, step: str, confirmed: str,
    *, rerun: bool = False,
) -> Response:
    """Run (``run``) or confirm (``close``) the month end from its page: a writer of the books
    cleared for every one, as the API; the first post only asks again (the confirmation step),
    the confirmed one calls the service (which writes the audit record); a refusal shows on
    the period page in its language."""
    _require_finance(session, me.user)
    hidden = require_every_book(session, me.user)
    if confirmed != "1":
        return RedirectResponse(f"/finance/periods/{period}?confirm={step}", status_code=303)
    try:
        with session.begin_nested():
            if step == "run":
                close_period(session, period, actor_id=me.user.id, rerun=rerun, hidden=hidden)
            else:
                confirm_period(session, period, reviewer_id=me.user.id, hidden=hidden)
    except (Conflict, Forbidden, InvalidInput, NotFound) as exc:
        return _period_page(request, session, me, period,
                            error=error_in_page_language(request, exc),
                            status_code=403 if isinstance(exc, Forbidden) else 409)
    done = "run" if step == "run" else "closed"
    return RedirectResponse(f"/finance/periods/{period}?ok={done}", status_code=303)


@router.post("/finance/periods/{period}/run")
def period_run(
    request: Request, period: PeriodPath, session: SessionDep, me: WebUser,
    confirmed: Annotated[str, Form(max_length=1)] = "",
    rerun: Annotated[str, Form(max_length=1)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Run the month end (``POST /ledger/periods/{period}/close``; ``rerun=1`` runs a prepared
    or reopened month again), after its confirmation step."""
    require_csrf(request, me, csrf_token)
    return _period_step(request, session, me, period, "run", confirmed, rerun=rerun == "1")


@router.post("/finance/periods/{period}/confirm")
def period_confirm(
    request: Request, period: PeriodPath, session: SessionDep, me: WebUser,
    confirmed: Annotated[str, Form(max_length=1)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Confirm the prepared month: it is closed (``POST /ledger/periods/{period}/confirm``;
    a second person, not who ran or reopened it), after its confirmation step."""
    require_csrf(request, me, csrf_token)
    return _period_step(request, session, me, period, "close", confirmed)


@router.post("/finance/periods/{period}/reopen")
def period_reopen(
    request: Request, period: PeriodPath, session: SessionDep, me: WebUser,
    reason: Annotated[str, Form(max_length=2000)] = "", csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Reopen the closed period with a reason: ``POST /ledger/periods/{period}/reopen``'s
    service call; a refusal shows on the period page."""
    require_csrf(request, me, csrf_token)
    _require_finance(session, me.user)
    require_every_book(session, me.user)
    try:
        with session.begin_nested():
            reopen_period(session, me.user, period, reason)
    except (Conflict, InvalidInput, NotFound) as exc:
        return _period_page(request, session, me, period,
                            error=error_in_page_language(request, exc), status_code=409)
    return RedirectResponse(f"/finance/periods/{period}?ok=reopened", status_code=303)


@router.post("/finance/budgets/{budget_id}/decision")
def budget_decision(
    request: Request, budget_id: int, session: SessionDep, me: WebUser,
    decision: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=2000)] = "",
    year: Annotated[int | None, Form(ge=1990, le=2200)] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Sign (approve or reject) the budget's next level as the signed-in approver."""
    require_csrf(request, me, csrf_token)
    # the API's and the CLI's rule: the approver is cleared for the budget's project
    require_budget_writer(session, me.user, budget_id)
    try:
        with session.begin_nested():
            budget = approve_budget(session, budget_id, me.user.id, decision=decision,
                                    reason=reason.strip())
    except (Conflict, InvalidInput) as exc:  # e.g. a rejection without its reason: the form
        # shows again, with what was typed and the refusal (an own approval stays a 403)
        project = ledger_project_row(session, get_budget(session, budget_id).project_id)
        return render_project_page(request, session, me, project.production_project_id, year,
                                   status_code=409 if isinstance(exc, Conflict) else 422,
                                   sign_error=error_in_page_language(request, exc),
                                   form={"reason": reason})
    project = ledger_project_row(session, budget.project_id)
    return RedirectResponse(
        f"/projects/{project.production_project_id}/finance?year={_year(year)}&signed={decision}",
        status_code=303)


@router.post("/finance/costs/{cost_id}/decision")
def cost_decision(
    request: Request, cost_id: int, session: SessionDep, me: WebUser,
    decision: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=2000)] = "",
    year: Annotated[int | None, Form(ge=1990, le=2200)] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Sign (approve or reject) an over-budget cost's next level (VP in charge, then finance
    head) as the signed-in approver: ``POST /ledger/costs/{id}/approvals`` and ``datamill
    ledger cost-approve`` (the page had no way to); a refusal shows on the project's page."""
    require_csrf(request, me, csrf_token)
    require_cost_writer(session, me.user, cost_id)  # the API's rule: cleared for the project
    try:
        with session.begin_nested():
            cost = approve_over_budget_cost(session, cost_id, me.user.id, decision=decision,
                                            reason=reason.strip())
    except (Conflict, Forbidden, InvalidInput) as exc:
        pid = ledger_project_row(session, get_cost(session, cost_id).project_id).production_project_id
        return render_project_page(request, session, me, pid, year,
                                   status_code=403 if isinstance(exc, Forbidden) else 409,
                                   cost_error=error_in_page_language(request, exc))
    project = ledger_project_row(session, cost.project_id)
    return RedirectResponse(
        f"/projects/{project.production_project_id}/finance?year={_year(year)}&signed={decision}",
        status_code=303)


@router.post("/finance/sync")
def sync(
    request: Request, session: SessionDep, me: WebUser, csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Book every pending event (workforce costs, then acceptances) and show what is left."""
    require_csrf(request, me, csrf_token)
    _require_finance(session, me.user)
    run = sync_ledger(session, actor_id=me.user.id, hidden=hidden_books(session, me.user))
    return RedirectResponse(f"/finance?synced={len(run.costs.booked)}", status_code=303)


@router.get("/finance/journal.csv")
def journal_csv(
    session: SessionDep, me: WebUser,
    date_from: DateFrom, date_to: DateTo,
) -> Response:
    """The double-entry journal of ``[from, to]`` as a CSV download."""
    _require_finance(session, me.user, write=False)
    if date_to < date_from:
        raise InvalidInput("the journal period ends before it starts", field="to")
    text = export_journal_csv(session, date_from, date_to,
                              hidden=hidden_books(session, me.user))
    name = f"journal-{date_from.isoformat()}-{date_to.isoformat()}.csv"
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-Type-Options": "nosniff"})


def _csv(text: str, name: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Content-Type-Options": "nosniff"})


@router.get("/finance/lines.csv")
def lines_csv(
    session: SessionDep, me: WebUser,
    date_from: DateFrom, date_to: DateTo,
) -> Response:
    """Margin by line and the speech cost per hour as a CSV download."""
    _require_finance(session, me.user, write=False)
    if date_to < date_from:
        raise InvalidInput("the period ends before it starts", field="to")
    return _csv(line_report_csv(session, date_from, date_to,
                                hidden=hidden_books(session, me.user)),
                f"lines-{date_from.isoformat()}-{date_to.isoformat()}.csv")


@router.get("/finance/output-ratio.csv")
def output_ratio_csv(
    session: SessionDep, me: WebUser,
    date_from: DateFrom, date_to: DateTo,
) -> Response:
    """The annotation-output ratio achieved per project and stage as a CSV download (readers:
    report_scope's, as GET /reports/output-ratio and 'datamill workforce output-ratio')."""
    report_scope(session, me.user)
    rows = output_ratio_beside_budget(session, date_from=date_from, date_to=date_to,
                                      reader=me.user)
    return _csv(report_csv(rows, BudgetedRatioRow),
                f"output-ratio-{date_from.isoformat()}-{date_to.isoformat()}.csv")


@router.get("/finance/throughput.csv")
def throughput_csv(
    session: SessionDep, me: WebUser,
    date_from: DateFrom, date_to: DateTo,
) -> Response:
    """Vendor throughput per vendor, project and stage as a CSV download (readers and a vendor
    manager's own rows: report_scope's, as GET /reports/vendor-throughput and the CLI)."""
    vendor = report_scope(session, me.user, vendor_only=True)
    rows = vendor_throughput(session, vendor_id=vendor, date_from=date_from, date_to=date_to,
                             reader=me.user)
    return _csv(report_csv(rows, VendorThroughputRow),
                f"throughput-{date_from.isoformat()}-{date_to.isoformat()}.csv")


@router.get("/finance/contracts/{contract_id}/trace", response_class=HTMLResponse)
def trace_page(
    request: Request, contract_id: int,
    session: SessionDep, me: WebUser,
) -> Response:
    """The auditor's trace of one contract: order → project → delivery → acceptance →
    invoice → payment, and the revenue recognised."""
    _require_finance(session, me.user, write=False)
    return render(request, "ledger_trace.html", me, data=contract_trace(
        session, contract_id, hidden_books(session, me.user)))


@router.get("/finance/contracts/{contract_id}/trace.csv")
def trace_download(
    contract_id: int, session: SessionDep, me: WebUser,
) -> Response:
    _require_finance(session, me.user, write=False)  # a read, as the trace page and the API
    return _csv(trace_csv(session, contract_id, hidden_books(session, me.user)),
                f"trace-contract-{contract_id}.csv")
