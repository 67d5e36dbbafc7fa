"""``datamill ledger`` contract-to-cash commands: contract approvals and changes, invoices,
receipts, receivables, the auditor's trace, fixed assets and the period-end run.

Registered on :data:`datamill.cli.ledger.app`; every command takes ``--as USERNAME`` and is
checked like the API (reads: whoever may read the books); every write is audited.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from datamill.business_clock import business_today
from datamill.cli._common import Force, emit, fresh_output, get_runtime, handle_errors, out
from datamill.cli._unit_words import unit_after
from datamill.cli._words import code, say, say_count
from datamill.cli.ledger import AsUser, JsonOpt, _actor, _day, _dec, _reader, _writer, app
from datamill.core.shown_numbers import shown_money, shown_price, shown_volume

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from datamill.compliance.models import User

__all__: list[str] = []


def _contract_line(c: Any) -> str:
    """``contract K1 signed amount 90000.00`` (+ the amendment or the cancellation awaiting
    its approvals)."""
    line = say("ledger.contract_line", number=c.number, status=code("status", c.status),
               amount=shown_money(c.amount))
    if c.pending_amount is not None:
        line += say("ledger.contract_amendment_waits", amount=shown_money(c.pending_amount))
    if c.pending_cancellation is not None:
        line += say("ledger.contract_cancellation_waits", on=c.pending_cancellation)
    return line


def _request_words(r: Any) -> dict[str, str]:
    """A contract change request's status, approvals so far and reason, in the CLI's
    language (``price approved by ap-vp``; ``价格审批已批准（ap-vp）``)."""
    signed = say("ledger.req_sep").join(
        say("ledger.req_approval", step=say(f"astep.{a.step}"),
            decision=say(f"decision.{a.decision}"), approver=a.approver) for a in r.approvals)
    return {"status": code("status", r.status), "reason": r.reason,
            "signed": say("ledger.req_signed", approvals=signed) if signed else ""}


def _hidden(orders: int) -> str:
    """"(2 orders of projects above your clearance left out)", in the CLI's language."""
    return say("ledger.hidden_orders", orders=say_count("ledger.n_orders", orders)).strip()


def _drafter(s: Any, username: str,
             rule: Callable[[Session, User], None] | None = None) -> int:
    """The acting person's id, once they may draft contracts (sales too, as in the API), or
    pass ``rule`` (the canceller's rule on one contract)."""
    from datamill.compliance.users import get_user
    from datamill.ledger.access import require_contract_drafter

    acting = get_user(s, username)
    (rule or require_contract_drafter)(s, acting)
    return int(acting.id)


@app.command("contract-draft")
@handle_errors
def contract_draft(number: str, customer_id: int, amount: str, user: AsUser,
                   kind: str = "custom", currency: str = "CNY", as_json: JsonOpt = False) -> None:
    """Draft a contract (amount excl. VAT); it then needs price and signing approvals by two
    other people. Sales may draft."""
    from datamill.ledger.contracts import draft_contract

    with get_runtime().session() as s:
        c = draft_contract(s, number, customer_id=customer_id, amount=_dec(amount, "amount"),
                           kind=kind, currency=currency, actor_id=_drafter(s, user))
    emit(c, as_json, lambda c: out.print(say("ledger.contract_drafted", id=c.id,
                                             number=c.number), highlight=False))


@app.command("contract-approve")
@handle_errors
def contract_approve(contract_id: int, step: str, user: AsUser, reject: bool = False,
                     reason: str = "", as_json: JsonOpt = False) -> None:
    """Sign the contract's price (reasonableness) or signing approval."""
    from datamill.ledger.contracts import approve_contract

    with get_runtime().session() as s:
        c = approve_contract(s, contract_id, _actor(s, user), step,
                             decision="reject" if reject else "approve", reason=reason)
    emit(c, as_json, lambda c: out.print(_contract_line(c)))


@app.command("contract-sign")
@handle_errors
def contract_sign(contract_id: int, user: AsUser, signed_on: str = "",
                  as_json: JsonOpt = False) -> None:
    """Record the signature of an approved contract."""
    from datamill.ledger.contracts import sign_contract

    with get_runtime().session() as s:
        c = sign_contract(s, contract_id, _day(signed_on) if signed_on else business_today(),
                          actor_id=_actor(s, user))
    emit(c, as_json, lambda c: out.print(say("ledger.contract_signed", number=c.number,
                                             on=c.signed_on), highlight=False))


@app.command("contract-amend")
@handle_errors
def contract_amend(contract_id: int, amount: str, user: AsUser,
                   reason: Annotated[str, typer.Option(help="Why the amount changes.")],
                   on: str = "", as_json: JsonOpt = False) -> None:
    """Ask to change a signed contract's amount, with the reason: the new amount waits for the
    contract's price and signing approvals (contract-approve ID price / signing) before it
    takes effect."""
    from datamill.ledger.contracts import amend_contract

    with get_runtime().session() as s:
        c = amend_contract(s, contract_id, _dec(amount, "amount"), reason=reason,
                           on=_day(on) if on else business_today(), actor_id=_drafter(s, user))
    emit(c, as_json, lambda c: out.print(_contract_line(c)))


@app.command("order-amend")
@handle_errors
def order_amend(order_id: int, total_volume: str, user: AsUser,
                reason: Annotated[str, typer.Option(help="Why the volume changes.")],
                as_json: JsonOpt = False) -> None:
    """Change an open order's total volume, with the reason (then ledger sync takes the
    acceptances that were set aside for exceeding it)."""
    from datamill.ledger.orders import amend_order_volume

    with get_runtime().session() as s:
        o = amend_order_volume(s, order_id, _dec(total_volume, "total_volume"), reason=reason,
                               actor_id=_actor(s, user))
    emit(o, as_json, lambda o: out.print(say(
        "sw.order_volume", number=o.number, volume=o.total_volume,
        unit=unit_after(o.total_volume, o.volume_unit))))


@app.command("contract-cancel")
@handle_errors
def contract_cancel(contract_id: int, user: AsUser,
                    reason: Annotated[str, typer.Option(help="Why it is cancelled.")],
                    on: str = "", as_json: JsonOpt = False) -> None:
    """Cancel a contract: a signed one is asked for, and cancelled once two other people sign
    its price and signing approvals (contract-approve ID price / signing); its unfinished
    projects' WIP is then written off in full. One never signed is cancelled at once."""
    from datamill.ledger.access import require_contract_canceller
    from datamill.ledger.contracts import cancel_contract

    with get_runtime().session() as s:
        acting = _drafter(s, user, lambda s, u: require_contract_canceller(s, u, contract_id))
        c = cancel_contract(s, contract_id, on=_day(on) if on else business_today(),
                            reason=reason, actor_id=acting)
    emit(c, as_json, lambda c: out.print(
        say("ledger.contract_cancelled", number=c.number) if c.status == "cancelled"
        else _contract_line(c), highlight=False))


@app.command("contract-show")
@handle_errors
def contract_show(
    contract: Annotated[str, typer.Argument(help="Contract id or number (e.g. K-2026-001).")],
    user: AsUser, as_json: JsonOpt = False,
) -> None:
    """A contract with its orders, the remainder, approvals and changes (orders whose project
    is classified above the reader's clearance left out and counted, as in the API)."""
    from datamill.core.errors import NotFound
    from datamill.ledger.access import hidden_books
    from datamill.ledger.contracts import contract_detail
    from datamill.ledger.trace import contract_id

    with get_runtime().session() as s:
        reader = _reader(s, user)
        cid = contract_id(s, contract)
        if cid is None:
            raise NotFound(f"no contract {contract!r}", contract=contract,
                           reason_code="contract_unknown")
        d = contract_detail(s, cid, hidden_books(s, reader))

    def show(d: Any) -> None:
        k = d.contract
        out.print(say("ledger.contract_detail", number=k.number, customer=d.customer,
                      status=code("status", k.status), amount=shown_money(k.amount),
                      currency=k.currency, in_orders=shown_money(d.orders_total),
                      remainder=shown_money(d.remainder) if d.remainder is not None
                      else say("ledger.not_shown")), highlight=False)
        for o in d.orders:
            out.print(say("ledger.contract_order", number=o.number,
                          amount=shown_money(o.amount), currency=o.currency,
                          status=code("status", o.status)), highlight=False)
        if d.hidden_orders:
            out.print("  " + _hidden(d.hidden_orders), highlight=False)
        for r in d.amendment_requests:
            out.print(say("ledger.req_amend", old=r.old_amount, new=r.new_amount,
                          **_request_words(r)), highlight=False)
        for r in d.cancellation_requests:
            out.print(say("ledger.req_cancel", on=r.changed_on, **_request_words(r)),
                      highlight=False)

    emit(d, as_json, show)


@app.command("contracts")
@handle_errors
def contracts_cmd(user: AsUser, status: Annotated[str | None, typer.Option(
        help="Only contracts in this status: draft, price_approved, signing_approved, signed, "
             "rejected or cancelled.")] = None, as_json: JsonOpt = False) -> None:
    """Every contract, newest first: customer, status, amount and signed date (the web's
    contracts page, GET /ledger/contracts)."""
    from datamill.ledger.contract_views import contract_rows

    with get_runtime().session() as s:
        _reader(s, user)
        rows = contract_rows(s, status=status)

    def show(rows: Any) -> None:
        for k in rows:
            out.print(say("ledger.contract_row", id=k.id, number=k.number,
                          customer=k.customer, grade=k.credit_grade,
                          status=code("status", k.status),
                          amount=shown_money(k.amount), currency=k.currency,
                          signed=k.signed_on or "–"), highlight=False)
        if not rows:
            out.print(say("ledger.no_contracts"))

    emit(rows, as_json, show)


@app.command("contract-history")
@handle_errors
def contract_history_cmd(contract_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Who did what to a contract, when (business time), from the audit trail: drafted, each
    approval or rejection (of its amendment and cancellation requests too), signed, cancelled."""
    from datamill.business_clock import business_time
    from datamill.cli._common import cli_language
    from datamill.core.contract_step_words import contract_event_word
    from datamill.ledger.contract_views import contract_history
    from datamill.ledger.contracts import contract_row

    with get_runtime().session() as s:
        _reader(s, user)
        contract_row(s, contract_id)
        rows = contract_history(s, contract_id)

    lang = cli_language()

    def show(rows: Any) -> None:
        for e in rows:
            out.print(say("ledger.history_line", at=business_time(e.at), actor=e.actor or "-",
                          what=contract_event_word(e.action, lang), code=e.action)
                      + (say("ledger.history_reason", reason=e.reason) if e.reason else ""),
                      highlight=False)
        if not rows:
            out.print(say("ledger.no_history"))

    emit(rows, as_json, show)


@app.command("customers")
@handle_errors
def customers_cmd(user: AsUser, as_json: JsonOpt = False) -> None:
    """Every customer with its type, country and credit grade (GET /ledger/customers)."""
    from datamill.ledger.orders import list_customers

    with get_runtime().session() as s:
        _reader(s, user)
        rows = list_customers(s)

    def show(rows: Any) -> None:
        for c in rows:
            out.print(say("ledger.customer_row", id=c.id, name=c.name,
                          type=code("ctype", c.customer_type),
                          country=c.country, grade=c.credit_grade), highlight=False)
        if not rows:
            out.print(say("ledger.no_customers"))

    emit(rows, as_json, show)


@app.command("customer-grade")
@handle_errors
def customer_grade(customer_id: int, grade: str, user: AsUser,
                   reason: Annotated[str, typer.Option(help="Why the grade changes.")],
                   as_json: JsonOpt = False) -> None:
    """Change a customer's credit grade (special, 1, 2, 3 or 4: its credit limit and term),
    with the reason, audited. Finance's: sales are refused."""
    from datamill.compliance.users import get_user
    from datamill.ledger.access import require_credit_grader
    from datamill.ledger.customers import change_credit_grade

    with get_runtime().session() as s:
        acting = get_user(s, user)
        require_credit_grader(s, acting)
        c = change_credit_grade(s, customer_id, grade, reason=reason, actor_id=acting.id)
    emit(c, as_json, lambda c: out.print(say("ledger.customer_grade", id=c.id, name=c.name,
                                             grade=c.credit_grade), highlight=False))


@app.command("customer-language")
@handle_errors
def customer_language(customer_id: int, language: str, user: AsUser,
                      as_json: JsonOpt = False) -> None:
    """Set the language a customer's people read datamill in: en, zh-CN, or none (each
    reader's browser decides). Their pages follow it where their browser chose none."""
    from datamill.compliance.users import get_user
    from datamill.ledger.access import require_customer_registrar
    from datamill.ledger.customers import set_customer_language

    with get_runtime().session() as s:
        acting = get_user(s, user)
        require_customer_registrar(s, acting)
        c = set_customer_language(s, customer_id, language, actor_id=acting.id)
    emit(c, as_json, lambda c: out.print(say("sw.customer_language", id=c.id, name=c.name,
                                             language=c.language or say("sw.no_language"))))


@app.command("statement")
@handle_errors
def statement_cmd(customer_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """A customer's invoices and receipts with what is still open (CNY): the customer's own
    accounts read it, as readers of the books do."""
    from datamill.catalog.access import require_statement_reader
    from datamill.compliance.users import get_user
    from datamill.ledger.access import NOTHING_HIDDEN, hidden_books
    from datamill.ledger.statements import customer_statement

    with get_runtime().session() as s:
        acting = get_user(s, user)
        own = require_statement_reader(s, acting, customer_id)
        st = customer_statement(s, customer_id,
                                NOTHING_HIDDEN if own else hidden_books(s, acting))

    def show(st: Any) -> None:
        out.print(say("ledger.statement", customer=st.customer_name,
                      invoiced=shown_money(st.invoiced_total),
                      received=shown_money(st.received_total),
                      open=shown_money(st.open_total)), highlight=False)
        for i in st.invoices:
            out.print(say("ledger.statement_invoice", number=i.number, on=i.issued_on,
                          order=st.orders[i.order_id], amount=shown_money(i.amount),
                          vat=shown_money(i.vat), total=shown_money(i.total)), highlight=False)
        for r in st.receipts:
            out.print(say("ledger.statement_receipt", reference=r.reference, on=r.received_on,
                          order=st.orders[r.order_id], amount=shown_money(r.amount)),
                      highlight=False)

    emit(st, as_json, show)


@app.command("invoice")
@handle_errors
def invoice_cmd(order_id: int, number: str, issued_on: str, user: AsUser,
                amount: str | None = None, acceptance_id: int | None = None,
                currency: str | None = None, as_json: JsonOpt = False) -> None:
    """Invoice an order (amount excl. VAT): with --acceptance-id, that accepted delivery's
    share unless --amount says otherwise; without it an advance, whose --amount is required.
    The amount is in the order's currency unless --currency CNY; the books keep CNY at the
    order's fx rate. An invoice never creates revenue."""
    from datamill.ledger.receivables import issue_invoice

    with get_runtime().session() as s:
        i = issue_invoice(s, order_id, number, issued_on=_day(issued_on),
                          amount=_dec(amount, "amount") if amount else None,
                          acceptance_id=acceptance_id, actor_id=_actor(s, user),
                          currency=currency)
    emit(i, as_json, lambda i: out.print(
        say("ledger.invoice", number=i.number, amount=shown_money(i.amount),
            vat=shown_money(i.vat))
        + (say("ledger.in_currency", amount=shown_money(i.currency_amount, i.currency),
               currency=i.currency, fx_rate=i.fx_rate) if i.currency != "CNY" else "")
        + (say("ledger.advance_applied", share=shown_money(i.share),
               applied=shown_money(i.advance_applied)) if i.advance_applied else "")
        + (say("ledger.prepaid_applied", applied=shown_money(i.prepaid_applied),
               payable=shown_money(i.payable)) if i.prepaid_applied else ""),
        highlight=False))


@app.command("invoice-reverse")
@handle_errors
def invoice_reverse_cmd(invoice_id: int, number: str, issued_on: str, user: AsUser,
                        reason: Annotated[str, typer.Option(help="Why it is reversed.")],
                        as_json: JsonOpt = False) -> None:
    """Reverse an invoice issued in error, in full, by red-letter invoice NUMBER (its figures
    negated), with the reason; the order may then be invoiced again."""
    from datamill.ledger.invoice_reversal import reverse_invoice

    with get_runtime().session() as s:
        i = reverse_invoice(s, invoice_id, number, issued_on=_day(issued_on), reason=reason,
                            actor_id=_actor(s, user))
    emit(i, as_json, lambda i: out.print(
        say("ledger.invoice_reversed", number=i.number, amount=shown_money(i.amount),
            vat=shown_money(i.vat)), highlight=False))


@app.command("receipt")
@handle_errors
def receipt_cmd(order_id: int, reference: str, received_on: str, amount: str, user: AsUser,
                invoice_id: int | None = None, currency: str | None = None,
                fx_rate: Annotated[str | None, typer.Option(
                    "--fx-rate", help="Foreign cash: the day's rate it came in at (CNY per "
                    "unit); the difference from the order's rate is booked as a realised "
                    "exchange gain or loss.")] = None,
                as_json: JsonOpt = False) -> None:
    """Record cash received on an order (incl. VAT); before acceptance it is an advance.
    The amount is in the order's currency unless --currency CNY; the books keep CNY."""
    from datamill.ledger.receivables import record_receipt

    with get_runtime().session() as s:
        r = record_receipt(s, order_id, reference, received_on=_day(received_on),
                           amount=_dec(amount, "amount"), invoice_id=invoice_id,
                           actor_id=_actor(s, user), currency=currency, fx_rate=fx_rate)
    emit(r, as_json, lambda r: out.print(
        say("ledger.receipt", reference=r.reference, amount=shown_money(r.amount))
        + (say("ledger.in_currency", amount=shown_money(r.currency_amount, r.currency),
               currency=r.currency, fx_rate=r.fx_rate) if r.currency != "CNY" else "")
        + (say("ledger.fx_difference", cash=shown_money(r.cash),
               difference=shown_money(r.fx_difference)) if r.fx_difference else ""),
        highlight=False))


@app.command("receipt-reverse")
@handle_errors
def receipt_reverse_cmd(receipt_id: int, reference: str, received_on: str, user: AsUser,
                        reason: Annotated[str, typer.Option(help="Why it is reversed.")],
                        as_json: JsonOpt = False) -> None:
    """Reverse a receipt recorded in error, in full, by reversing receipt REFERENCE (its
    figures negated), with the reason."""
    from datamill.ledger.receipt_reversal import reverse_receipt

    with get_runtime().session() as s:
        r = reverse_receipt(s, receipt_id, reference, received_on=_day(received_on),
                            reason=reason, actor_id=_actor(s, user))
    emit(r, as_json, lambda r: out.print("\n".join([
        say("ledger.receipt", reference=r.reference, amount=shown_money(r.amount)),
        *(say("ledger.receipt_unapplied", invoice=k, amount=shown_money(v))
          for k, v in r.prepaid_unapplied.items())]), highlight=False))


@app.command("receivables")
@handle_errors
def receivables_cmd(user: AsUser, as_of: str = "", as_json: JsonOpt = False) -> None:
    """Receivables and advances net per customer, ageing and expected credit loss (the orders
    of projects classified above the reader's clearance left out and counted, as in the API)."""
    from datamill.ledger.access import hidden_books
    from datamill.ledger.receivables import receivables

    with get_runtime().session() as s:
        hidden = hidden_books(s, _reader(s, user))
        rows = receivables(s, _day(as_of) if as_of else business_today(), hidden)

    def show(rows: Any) -> None:
        for c in rows:
            out.print(say("ledger.receivable", customer=c.customer, grade=c.credit_grade,
                          net=shown_money(c.net), receivable=shown_money(c.receivable),
                          advances=shown_money(c.advances), ecl=shown_money(c.ecl))
                      + (" " + _hidden(c.hidden_orders) if c.hidden_orders else ""),
                      highlight=False)
        if not rows:
            out.print(say("ledger.no_customers"))

    emit(rows, as_json, show)


@app.command("trace")
@handle_errors
def trace_cmd(contract: str, user: AsUser, as_json: JsonOpt = False,
              csv_out: Annotated[Path | None, typer.Option("--csv", help="Write CSV here.")] = None,
              force: Force = False) -> None:
    """The auditor's trace of a contract (id or number): order → project → delivery →
    acceptance → invoice → payment, with the revenue recognised (the orders of projects
    classified above the reader's clearance left out and counted, as in the API)."""
    from datamill.core.errors import NotFound
    from datamill.ledger.access import hidden_books
    from datamill.ledger.trace import contract_id, contract_trace, trace_csv

    fresh_output(csv_out, force, "--csv")
    with get_runtime().session() as s:
        reader = _reader(s, user)
        cid = contract_id(s, contract)
        if cid is None:
            raise NotFound(f"no contract {contract!r}", contract=contract,
                           reason_code="contract_unknown")
        hidden = hidden_books(s, reader)
        t = contract_trace(s, cid, hidden)
        text = trace_csv(s, cid, hidden) if csv_out else ""
    if csv_out:
        csv_out.write_text(text, encoding="utf-8")

    def show(t: Any) -> None:
        k = t.contract.contract
        out.print(say("ledger.trace_contract", number=k.number, customer=t.contract.customer,
                      status=code("status", k.status), amount=shown_money(k.amount)),
                  highlight=False)
        for o in t.orders:
            p = o.project
            out.print(say("ledger.trace_order", number=o.order.number,
                          amount=shown_money(o.order.amount_cny),
                          status=code("status", o.order.status),
                          project=say("ledger.trace_project", name=p.name) if p
                          else say("ledger.trace_no_project"),
                          deliveries=say_count("ledger.n_deliveries", len(o.deliveries)),
                          acceptances=say_count("ledger.n_acceptances", len(o.acceptances)),
                          revenue=shown_money(o.revenue), invoiced=shown_money(o.invoiced),
                          received=shown_money(o.received)), highlight=False)
        if t.hidden_orders:
            out.print("  " + _hidden(t.hidden_orders), highlight=False)
        for g in t.gap_codes:  # worded in the CLI's language from their codes, as the page
            out.print(say("ledger.trace_gap", gap=say(f"ledger.gap.{g.code}", **g.params)),
                      highlight=False)
        out.print(say("ledger.trace_complete") if t.complete
                  else say_count("ledger.trace_gaps", len(t.gaps)), highlight=False)

    emit(t, as_json, show)


@app.command("asset-add")
@handle_errors
def asset_add(code: str, name: str, annual_depreciation: str, project_id: int, in_use_from: str,
              user: AsUser, in_use_to: str = "", stage: str = "equipment",
              as_json: JsonOpt = False) -> None:
    """Register a fixed asset in use on a project (depreciated monthly at period close)."""
    from datamill.ledger.assets import register_asset

    with get_runtime().session() as s:
        a = register_asset(s, code, name=name,
                           annual_depreciation=_dec(annual_depreciation, "annual_depreciation"),
                           project_id=project_id, in_use_from=_day(in_use_from),
                           in_use_to=_day(in_use_to) if in_use_to else None, stage=stage,
                           actor_id=_writer(s, user, project_id))
    emit(a, as_json, lambda a: out.print(say("ledger.asset", code=a.code,
                                             project=a.project_id), highlight=False))


def _report_folder(folder: Path | None) -> Path | None:
    """Make sure the reports can go into ``folder``; the topmost folder this made, if any."""
    from datamill.core.errors import InvalidInput

    if folder is None:
        return None
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"--output-dir {folder} is a file, not a folder", field="output_dir")
    top = None if folder.exists() else folder
    while top is not None and not top.parent.exists():
        top = top.parent
    folder.mkdir(parents=True, exist_ok=True)
    return top


@app.command("period-close")
@handle_errors
def period_close_cmd(
    period: str, user: AsUser, rerun: bool = False, as_json: JsonOpt = False,
    output_dir: Annotated[Path | None, typer.Option(help="Write period-close-YYYY-MM.json, "
                                                         ".txt and .html here.")] = None,
) -> None:
    """Month end: depreciation, impairment test, WIP roll-forward and reports (idempotent;
    a period already run needs --rerun, which must give the identical result). By a person
    cleared for every project with books, as the API (the report covers them all)."""
    from datamill.ledger.access import acting_ledger_user
    from datamill.ledger.period_close import (
        close_period,
        require_every_book,
        summary_html,
        summary_text,
    )

    made = _report_folder(output_dir)  # one that cannot be written fails before the books change
    try:
        with get_runtime().session() as s:
            person = acting_ledger_user(s, user)
            r = close_period(s, period, actor_id=person.id, rerun=rerun,
                             hidden=require_every_book(s, person))
    except BaseException:
        if made is not None and not any(p.is_file() for p in made.rglob("*")):
            shutil.rmtree(made)  # the close failed: leave no trace of it
        raise
    if output_dir is not None:
        (output_dir / f"period-close-{period}.json").write_text(
            json.dumps(r.model_dump(mode="json"), indent=2, sort_keys=True), encoding="utf-8")
        (output_dir / f"period-close-{period}.txt").write_text(summary_text(r),
                                                               encoding="utf-8")
        (output_dir / f"period-close-{period}.html").write_text(summary_html(r),
                                                                encoding="utf-8")
    from datamill.cli._common import cli_language
    from datamill.cli._words_ledger import PERIOD_SUMMARY_ZH_CN

    words = PERIOD_SUMMARY_ZH_CN if cli_language() == "zh-CN" else None  # the files: English
    emit(r, as_json, lambda r: out.print(
        summary_text(r.model_copy(update={"status": code("status", r.status)}), words), end="",
        highlight=False))


@app.command("period-confirm")
@handle_errors
def period_confirm_cmd(period: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """The reviewer's step: a second person confirms a prepared period (it is then closed);
    cleared for every project with books, as the API."""
    from datamill.ledger.access import acting_ledger_user
    from datamill.ledger.period_close import confirm_period, require_every_book

    with get_runtime().session() as s:
        person = acting_ledger_user(s, user)
        r = confirm_period(s, period, reviewer_id=person.id,
                           hidden=require_every_book(s, person))
    emit(r, as_json, lambda r: out.print(say("ledger.period_status", period=r.period,
                                             status=code("status", r.status)),
                                         highlight=False))


@app.command("period-reopen")
@handle_errors
def period_reopen_cmd(
    period: str, user: AsUser,
    reason: Annotated[str, typer.Option("--reason", help="Why the period is reopened "
                                                         "(required).")],
    as_json: JsonOpt = False,
) -> None:
    """Reopen the latest closed period (a finance lead or an admin, with a reason): it takes
    postings again, and is run (period-close --rerun) and confirmed by a second person anew.
    Refused when a later period was run."""
    from datamill.ledger.access import acting_ledger_user
    from datamill.ledger.period_close import require_every_book
    from datamill.ledger.period_reopen import reopen_period

    with get_runtime().session() as s:
        person = acting_ledger_user(s, user)
        require_every_book(s, person)
        r = reopen_period(s, person, period, reason)
    emit(r, as_json, lambda r: out.print(say("sw.period_reopened", period=r.period,
                                             reason=r.reopen_reason)))


@app.command("line-report")
@handle_errors
def line_report_cmd(date_from: str, date_to: str, user: AsUser, as_json: JsonOpt = False,
                    csv_out: Annotated[Path | None, typer.Option("--csv")] = None,
                    force: Force = False) -> None:
    """Margin by line (custom / catalog / services) and the speech cost per hour."""
    fresh_output(csv_out, force, "--csv")
    from datamill.ledger.access import hidden_books
    from datamill.ledger.line_reports import line_margin, line_report_csv, speech_cost_per_hour

    start, end = _day(date_from), _day(date_to)
    with get_runtime().session() as s:
        hidden = hidden_books(s, _reader(s, user))  # the reader's books only, as the API
        data = {"lines": line_margin(s, start, end, hidden=hidden),
                "speech": speech_cost_per_hour(s, start, end, hidden=hidden)}
        if csv_out:
            csv_out.write_text(line_report_csv(s, start, end, hidden=hidden), encoding="utf-8")

    def show(d: Any) -> None:
        for r in d["lines"]:
            out.print(say("ledger.lines", line=r.line, revenue=shown_money(r.revenue),
                          cost=shown_money(r.cost), margin=shown_money(r.margin)),
                      highlight=False)
        out.print(say("ledger.speech_cost", hours=shown_volume(d["speech"].hours),
                      cost=shown_price(d["speech"].cost_per_hour)), highlight=False)

    emit(data, as_json, show)
