"""Contract to cash over HTTP: contract approvals and changes, invoices, receipts,
receivables, the auditor's trace, fixed assets, period-end runs and the line report.

Routes are added to :data:`datamill.api.routers.ledger.router` (same prefix, same
``require_ledger_access`` check); contract approvals are further checked against the caller's
ledger approval role, and the period confirmation against who ran it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query, Response, status
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from datamill.api.deps import CurrentUser, SessionDep
from datamill.api.params import ISO_DAY, MAX_DAY, MIN_DAY, NOTE, Day, Flag, Id, IdRef
from datamill.api.routers.ledger import DateFrom, DateTo, LedgerUser, router
from datamill.api.schemas import media_response
from datamill.business_clock import business_today
from datamill.catalog.access import require_statement_reader
from datamill.core.money import MAX_AMOUNT
from datamill.ledger import (
    assets,
    contract_views,
    contracts,
    customers,
    invoice_reversal,
    line_reports,
    orders,
    period_close,
    period_reopen,
    receivables,
    statements,
    trace,
)
from datamill.ledger.access import (
    NOTHING_HIDDEN,
    hidden_books,
    require_contract_canceller,
    require_contract_drafter,
    require_credit_grader,
    require_customer_registrar,
    require_ledger_project_writer,
)
from datamill.ledger.schemas import ContractOut, CustomerOut, OrderOut

__all__: list[str] = []

Amount = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, description="CNY or contract "
                                                                          "currency, ≤ 10^12")]
Number = Annotated[str, Field(min_length=1, max_length=64)]
#: the amount's currency: the order's (the default) or CNY; the books keep CNY
Currency = Annotated[str | None, Field(min_length=3, max_length=3,
                                       description="ISO 4217: the order's currency or CNY")]
Reason = Annotated[str, Field(min_length=1, max_length=4000), NOTE]
Period = Annotated[str, Path(pattern=r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$",
                             description="A month, YYYY-MM")]


class ContractDraftIn(BaseModel):
    number: Number
    customer_id: IdRef
    amount: Amount
    kind: str = Field(default="custom", max_length=32)
    currency: str = Field(default="CNY", max_length=3)


class ContractApprovalIn(BaseModel):
    step: str = Field(description="price or signing", max_length=16)
    decision: str = Field(default="approve", max_length=16)
    reason: Annotated[str, Field(max_length=4000), NOTE] = ""


class SignIn(BaseModel):
    signed_on: Day


class AmendIn(BaseModel):
    amount: Amount
    reason: Reason
    on: Day


class CancelIn(BaseModel):
    on: Day
    reason: Reason


class InvoiceIn(BaseModel):
    number: Number
    issued_on: Day
    amount: Amount | None = None
    acceptance_id: IdRef | None = None
    currency: Currency = None


class ReceiptIn(BaseModel):
    reference: Number
    received_on: Day
    amount: Amount
    invoice_id: IdRef | None = None
    currency: Currency = None
    #: foreign cash: the day's rate it came in at (CNY per unit); the difference from the
    #: order's rate is booked as a realised exchange gain or loss (ledger.fx)
    fx_rate: Decimal | None = Field(default=None, gt=0, le=1000)


class AssetIn(BaseModel):
    code: Number
    name: str = Field(min_length=1, max_length=200)
    annual_depreciation: Amount
    project_id: IdRef
    in_use_from: Day
    in_use_to: Day | None = None
    stage: str = Field(default="equipment", min_length=1, max_length=32)


class PeriodRunIn(BaseModel):
    rerun: Flag = False


class PeriodReopenIn(BaseModel):
    """Why the closed period is reopened (required, written)."""

    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]


class LineReportOut(BaseModel):
    lines: list[line_reports.LineMarginRow]
    speech: line_reports.SpeechUnitOut


@router.post("/ledger/contracts/drafts", status_code=status.HTTP_201_CREATED)
def draft_contract_endpoint(
    body: ContractDraftIn, session: SessionDep, user: CurrentUser
) -> ContractOut:
    """Draft a contract; it needs a price-reasonableness and a signing approval, then signing.
    Sales may draft (``draft_contract``); the approvals are two other people's."""
    require_contract_drafter(session, user)
    return contracts.draft_contract(session, body.number, customer_id=body.customer_id,
                                    amount=body.amount, kind=body.kind, currency=body.currency,
                                    actor_id=user.id)


class CreditGradeIn(BaseModel):
    grade: str = Field(description="special, 1, 2, 3 or 4", max_length=16)
    reason: Annotated[str, Field(min_length=1, max_length=customers.MAX_REASON), NOTE]


@router.get("/ledger/contracts")
def contracts_endpoint(
    session: SessionDep, user: LedgerUser,
    status: Annotated[str | None, Query(max_length=32, description="draft, price_approved, "
                                        "signing_approved, signed, rejected or cancelled")] = None,
) -> list[contract_views.ContractRow]:
    """Every contract (of ``status`` if given), newest first, with its customer's name and
    credit grade (the web's contracts page, ``datamill ledger contracts``)."""
    return contract_views.contract_rows(session, status=status)


@router.get("/ledger/contracts/{contract_id}/history")
def contract_history_endpoint(
    contract_id: Id, session: SessionDep, user: LedgerUser
) -> list[contract_views.ContractEventOut]:
    """Who did what to the contract, when (UTC), from the audit trail: drafted, each approval
    or rejection (of its amendment and cancellation requests too), signed, cancelled."""
    contracts.contract_row(session, contract_id)  # a missing contract is a 404, not []
    return contract_views.contract_history(session, contract_id)


@router.post("/ledger/customers/{customer_id}/credit-grade")
def credit_grade_endpoint(
    customer_id: Id, body: CreditGradeIn, session: SessionDep, user: CurrentUser
) -> CustomerOut:
    """Change the customer's credit grade (its credit limit and term), with the reason,
    audited: finance's (``ledger``); sales are refused (``credit_grade_finance``)."""
    require_credit_grader(session, user)
    return customers.change_credit_grade(session, customer_id, body.grade, reason=body.reason,
                                         actor_id=user.id)


class CustomerLanguageIn(BaseModel):
    language: str | None = Field(description="en or zh-CN; null (or none): each reader's "
                                 "browser decides", max_length=16)


@router.put("/ledger/customers/{customer_id}/language")
def customer_language_endpoint(
    customer_id: Id, body: CustomerLanguageIn, session: SessionDep, user: CurrentUser
) -> CustomerOut:
    """Set the language the customer's people read datamill in (their pages follow it where
    their browser chose none): whoever registers customers (sales, finance), audited."""
    require_customer_registrar(session, user)
    return customers.set_customer_language(session, customer_id, body.language,
                                           actor_id=user.id)


@router.get("/ledger/customers/{customer_id}/statement")
def customer_statement_endpoint(
    customer_id: Id, session: SessionDep, user: CurrentUser
) -> statements.StatementOut:
    """The customer's invoices and receipts with what is still open: its own customer
    accounts read it (another organisation's is 404), as readers of the books do; no cost,
    margin or credit figure is in it."""
    own = require_statement_reader(session, user, customer_id)
    return statements.customer_statement(
        session, customer_id, NOTHING_HIDDEN if own else hidden_books(session, user))


@router.get("/ledger/contracts/{contract_id}")
def contract_endpoint(
    contract_id: Id, session: SessionDep, user: LedgerUser
) -> contracts.ContractDetailOut:
    """The contract, its orders and the remainder under its amount, approvals and changes;
    orders whose project is classified above the caller's clearance are left out (counted in
    ``hidden_orders``), as on every face."""
    return contracts.contract_detail(session, contract_id, hidden_books(session, user))


@router.post("/ledger/contracts/{contract_id}/approvals")
def approve_contract_endpoint(
    contract_id: Id, body: ContractApprovalIn, session: SessionDep, user: LedgerUser
) -> ContractOut:
    return contracts.approve_contract(session, contract_id, user.id, body.step,
                                      decision=body.decision, reason=body.reason)


@router.post("/ledger/contracts/{contract_id}/sign")
def sign_contract_endpoint(
    contract_id: Id, body: SignIn, session: SessionDep, user: LedgerUser
) -> ContractOut:
    return contracts.sign_contract(session, contract_id, body.signed_on, actor_id=user.id)


@router.post("/ledger/contracts/{contract_id}/amendments")
def amend_contract_endpoint(
    contract_id: Id, body: AmendIn, session: SessionDep, user: CurrentUser
) -> ContractOut:
    """Ask for a new amount: ``pending_amount`` until two other people sign its price and
    signing approvals (``POST .../approvals``); ``amount`` stays the approved one. Sales may
    ask (``draft_contract``)."""
    require_contract_drafter(session, user)
    return contracts.amend_contract(session, contract_id, body.amount, reason=body.reason,
                                    on=body.on, actor_id=user.id)


@router.post("/ledger/contracts/{contract_id}/cancel")
def cancel_contract_endpoint(
    contract_id: Id, body: CancelIn, session: SessionDep, user: CurrentUser
) -> ContractOut:
    """Cancel: a signed contract's cancellation is asked for (``pending_cancellation``; the
    contract stays signed) until two other people sign its price and signing approvals
    (``POST .../approvals``), which cancels it and writes its unfinished projects' WIP off in
    full; a contract never signed is cancelled at once (by its drafter or finance only,
    ``contract_cancel_writer``). Sales may ask (``draft_contract``)."""
    require_contract_canceller(session, user, contract_id)
    return contracts.cancel_contract(session, contract_id, on=body.on, reason=body.reason,
                                     actor_id=user.id)


@router.get("/ledger/contracts/{contract_id}/trace")
def trace_endpoint(contract_id: Id, session: SessionDep, user: LedgerUser) -> trace.TraceOut:
    """The auditor's trace: order → project → delivery → acceptance → invoice → payment."""
    return trace.contract_trace(session, contract_id, hidden_books(session, user))


@router.get("/ledger/contracts/{contract_id}/trace.csv", response_class=Response,
            responses=media_response("The trace, one row per link", "text/csv"))
def trace_csv_endpoint(contract_id: Id, session: SessionDep, user: LedgerUser) -> Any:
    return PlainTextResponse(trace.trace_csv(session, contract_id, hidden_books(session, user)),
                             media_type="text/csv")


class OrderAmendIn(BaseModel):
    total_volume: Decimal = Field(gt=0)
    reason: Reason


@router.post("/ledger/orders/{order_id}/amendments")
def order_amend_endpoint(
    order_id: Id, body: OrderAmendIn, session: SessionDep, user: LedgerUser
) -> OrderOut:
    """Change an open order's total volume, with the reason (audited)."""
    return orders.amend_order_volume(session, order_id, body.total_volume, reason=body.reason,
                                     actor_id=user.id)


@router.post("/ledger/orders/{order_id}/invoices", status_code=status.HTTP_201_CREATED)
def invoice_endpoint(
    order_id: Id, body: InvoiceIn, session: SessionDep, user: LedgerUser
) -> receivables.InvoiceOut:
    """Invoice an order (never revenue by itself)."""
    return receivables.issue_invoice(session, order_id, body.number, issued_on=body.issued_on,
                                     amount=body.amount, acceptance_id=body.acceptance_id,
                                     actor_id=user.id, currency=body.currency)


class InvoiceReversalIn(BaseModel):
    number: Number
    issued_on: Day
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]


@router.post("/ledger/invoices/{invoice_id}/reversal", status_code=status.HTTP_201_CREATED)
def invoice_reversal_endpoint(
    invoice_id: Id, body: InvoiceReversalIn, session: SessionDep, user: LedgerUser
) -> receivables.InvoiceOut:
    """Reverse an invoice issued in error, in full, by a red-letter invoice (its figures
    negated) with the reason; the order may then be invoiced again."""
    return invoice_reversal.reverse_invoice(session, invoice_id, body.number,
                                            issued_on=body.issued_on, reason=body.reason,
                                            actor_id=user.id)


class ReceiptReversalIn(BaseModel):
    reference: Number
    received_on: Day
    reason: Annotated[str, Field(min_length=1, max_length=2000), NOTE]


@router.post("/ledger/receipts/{receipt_id}/reversal", status_code=status.HTTP_201_CREATED)
def receipt_reversal_endpoint(
    receipt_id: Id, body: ReceiptReversalIn, session: SessionDep, user: LedgerUser
) -> receivables.ReceiptOut:
    """Reverse a receipt recorded in error, in full, by a reversing receipt (its figures
    negated) with the reason."""
    from datamill.ledger.receipt_reversal import reverse_receipt

    return reverse_receipt(session, receipt_id, body.reference, received_on=body.received_on,
                           reason=body.reason, actor_id=user.id)


@router.post("/ledger/orders/{order_id}/receipts", status_code=status.HTTP_201_CREATED)
def receipt_endpoint(
    order_id: Id, body: ReceiptIn, session: SessionDep, user: LedgerUser
) -> receivables.ReceiptOut:
    """Cash received on an order (incl. VAT); an advance until it falls due."""
    return receivables.record_receipt(session, order_id, body.reference,
                                      received_on=body.received_on, amount=body.amount,
                                      invoice_id=body.invoice_id, actor_id=user.id,
                                      currency=body.currency, fx_rate=body.fx_rate)


@router.get("/ledger/receivables")
def receivables_endpoint(
    session: SessionDep, user: LedgerUser,
    as_of: Annotated[date | None, Query(ge=MIN_DAY, le=MAX_DAY,
                                        description="Day to age on (default today)"),
                     ISO_DAY] = None,
) -> list[receivables.CustomerReceivableOut]:
    """Receivables and advances net per customer, ageing and expected credit loss, as of
    ``as_of`` (today when not given, as the CLI); the orders of projects classified above the
    caller's clearance are left out of a customer's figures and counted in its
    ``hidden_orders``, as on every face."""
    return receivables.receivables(session, as_of or business_today(),
                                   hidden_books(session, user))


@router.post("/ledger/assets", status_code=status.HTTP_201_CREATED)
def asset_endpoint(body: AssetIn, session: SessionDep, user: LedgerUser) -> assets.AssetOut:
    """Register a fixed asset in use on a ledger project (depreciated at each period close);
    like other project writes, by a writer of the books cleared for the project, member or not
    (the CLI's rule)."""
    require_ledger_project_writer(session, user, body.project_id)
    return assets.register_asset(session, body.code, name=body.name,
                                 annual_depreciation=body.annual_depreciation,
                                 project_id=body.project_id, in_use_from=body.in_use_from,
                                 in_use_to=body.in_use_to, stage=body.stage, actor_id=user.id)


@router.post("/ledger/periods/{period}/close")
def close_period_endpoint(
    period: Period, body: PeriodRunIn, session: SessionDep, user: LedgerUser
) -> period_close.PeriodCloseOut:
    """Month end: depreciation, impairment, WIP roll-forward, reports (409 when already run
    unless ``rerun``); by a user cleared for every project with books (403 otherwise: the
    report covers them all, ``period_close.require_every_book``), as every period read."""
    hidden = period_close.require_every_book(session, user)
    return period_close.close_period(session, period, actor_id=user.id, rerun=body.rerun,
                                     hidden=hidden)


@router.post("/ledger/periods/{period}/confirm")
def confirm_period_endpoint(
    period: Period, session: SessionDep, user: LedgerUser
) -> period_close.PeriodCloseOut:
    """The reviewer (not the person who ran it) confirms the period; it is then closed. The
    reviewer is cleared for every project with books, as who runs it."""
    hidden = period_close.require_every_book(session, user)
    return period_close.confirm_period(session, period, reviewer_id=user.id, hidden=hidden)


@router.post("/ledger/periods/{period}/reopen")
def reopen_period_endpoint(
    period: Period, body: PeriodReopenIn, session: SessionDep, user: LedgerUser
) -> period_close.PeriodCloseOut:
    """Reopen the latest closed period, with a reason (a finance lead or an admin, cleared for
    every project with books): it takes postings again and is run and confirmed anew. Refused
    (409 ``later_period_run``) when a later period was run, as ``period_reopen`` explains."""
    period_close.require_every_book(session, user)
    return period_reopen.reopen_period(session, user, period, body.reason)


@router.get("/ledger/periods/{period}")
def period_endpoint(
    period: Period, session: SessionDep, user: LedgerUser
) -> period_close.PeriodCloseOut:
    """The period's report, for a user cleared for every project with books (403 otherwise),
    as who runs and confirms it."""
    period_close.require_every_book(session, user)
    return period_close.get_period(session, period, reader_id=user.id)


@router.get("/ledger/reports/lines")
def lines_endpoint(
    session: SessionDep, user: LedgerUser, date_from: DateFrom, date_to: DateTo
) -> LineReportOut:
    """Margin by line (custom / catalog / services) and the speech cost per hour."""
    hidden = hidden_books(session, user)  # the caller's books only, as on every face
    return LineReportOut(
        lines=line_reports.line_margin(session, date_from, date_to, hidden=hidden),
        speech=line_reports.speech_cost_per_hour(session, date_from, date_to, hidden=hidden))


@router.get("/ledger/reports/lines.csv", response_class=Response,
            responses=media_response("Margin by line and speech cost per hour", "text/csv"))
def lines_csv_endpoint(
    session: SessionDep, user: LedgerUser, date_from: DateFrom, date_to: DateTo
) -> Any:
    return PlainTextResponse(line_reports.line_report_csv(session, date_from, date_to,
                                                          hidden=hidden_books(session, user)),
                             media_type="text/csv")
