"""The ledger over HTTP: customers, contracts, orders, projects, budgets, costs, recognition,
final accounts, reports and the journal export. Callers pass ``require_ledger_access`` (admins,
project managers, ledger approvers); approvals are further checked by the service against the
caller's ledger approval role. One project's books are written under
``access.require_project_writer`` (cleared for the project, member or not), as in the CLI
(opening a production project's books, ``access.project_to_open``: one above the caller's
clearance answers as a missing project), and reports over several projects leave out the books above the caller's clearance
(``access.hidden_books``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from datamill import paid_once
from datamill.api.deps import CurrentUser, SessionDep
from datamill.api.params import ISO_DAY, MAX_DAY, MIN_DAY, Day, Flag, Id, IdRef, Year
from datamill.api.schemas import media_response
from datamill.compliance.models import User
from datamill.core.money import MAX_AMOUNT
from datamill.ledger import (
    budgets,
    cost_reversal,
    costs,
    events,
    final_accounts,
    orders,
    projects,
    quotes,
    ratio_tests,
    recognition,
    reports,
)
from datamill.ledger.access import (
    hidden_books,
    project_to_open,
    require_budget_writer,
    require_cost_writer,
    require_customer_registrar,
    require_event_writer,
    require_ledger_access,
    require_ledger_project_writer,
)
from datamill.ledger.final_accounts import FinalReviewOut
from datamill.ledger.journal import export_journal_csv
from datamill.ledger.schemas import (
    AcceptanceRunOut,
    BudgetLineIn,
    BudgetOut,
    BudgetVsActualOut,
    ContractOut,
    CostOut,
    CustomerOut,
    EventProblemOut,
    MarginRow,
    MonthRow,
    OrderOut,
    ProjectOut,
    QuoteOut,
    RecognitionOut,
    SyncOut,
    WipRow,
)
from datamill.ledger.vat import VatPoint, vat_points

__all__ = ["router"]

router = APIRouter(tags=["ledger"])


def _ledger_user(request: Request, user: CurrentUser, session: SessionDep) -> User:
    # the same check as the web pages and the CLI; reading needs only VIEW_LEDGER
    require_ledger_access(session, user, write=request.method not in ("GET", "HEAD"))
    return user


LedgerUser = Annotated[User, Depends(_ledger_user)]


def _project_writer(project_id: Id, session: SessionDep, user: CurrentUser) -> User:
    # the one rule of the CLI and the services: a writer of the books cleared for the project
    require_ledger_project_writer(session, user, project_id)
    return user


LedgerProjectWriter = Annotated[User, Depends(_project_writer)]
"""A writer of the books (``ledger``) cleared for the production project behind
``{project_id}``, member or not (:func:`~datamill.ledger.access.require_project_writer`)."""


class CustomerIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    customer_type: str
    country: str
    #: finance's (credit limit and term, §6.7); left out, the default grade applies
    credit_grade: str | None = None


class ContractIn(BaseModel):
    number: str = Field(min_length=1, max_length=64)
    customer_id: IdRef
    kind: str = "custom"
    currency: str = "CNY"
    signed_on: Day
    amount: Decimal | None = Field(default=None, gt=0, le=MAX_AMOUNT,
                                   description="Excl. VAT; caps the sum of its orders")


class OrderIn(BaseModel):
    number: str = Field(min_length=1, max_length=64)
    business_line: str
    offering: str
    amount: Decimal
    #: the contract's currency when left out
    currency: str | None = None
    total_volume: Decimal
    #: left out: the business line's own (speech hours, vision images, language kchars; else
    #: items)
    volume_unit: str | None = Field(
        default=None, description="Left out: the business line's own unit (speech hours, "
                                  "vision images, language kchars, otherwise items)")
    acceptance_type: int
    fx_rate: Decimal | None = None
    #: left out: the setting's (DATAMILL_SERVICE_VAT_RATE 6 %, a product licence's
    #: DATAMILL_CATALOG_VAT_RATE 13 %), as the CLI
    vat_rate: Decimal | None = None


class ProjectIn(BaseModel):
    production_project_id: IdRef
    order_id: IdRef | None = None
    is_major: Flag = False


class ApprovalIn(BaseModel):
    decision: str = "approve"
    reason: str = ""


class CostIn(BaseModel):
    """A cost typed in by a person. A ``data_service`` claim names a qualified vendor as
    ``supplier`` and gives ``quantity`` and ``unit_price``: ``amount`` is their product to the
    fen (left out: computed; given: checked)."""

    stage: str
    category: str
    amount: Decimal | None = None
    source_ref: str = Field(min_length=1, max_length=200)
    incurred_on: Day
    supplier: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    over_budget_reason: str | None = None


class EventBookIn(BaseModel):
    over_budget_reason: str = Field(min_length=1)


class CloseIn(BaseModel):
    closed_on: Day


class FinalAcceptanceIn(BaseModel):
    accepted_on: Day
    volume: Decimal | None = Field(default=None, gt=0)


class FinalAcceptanceOut(BaseModel):
    order_id: int
    recognition: RecognitionOut | None


@router.post("/ledger/customers", status_code=status.HTTP_201_CREATED)
def create_customer_endpoint(body: CustomerIn, session: SessionDep,
                             user: CurrentUser) -> CustomerOut:
    # sales register customers too; naming a credit grade is finance's (the CLI's rule)
    require_customer_registrar(session, user, body.credit_grade)
    return orders.create_customer(session, body.name, customer_type=body.customer_type,
                                  country=body.country, credit_grade=body.credit_grade,
                                  actor_id=user.id)


@router.get("/ledger/customers")
def list_customers_endpoint(session: SessionDep, user: LedgerUser) -> list[CustomerOut]:
    return orders.list_customers(session)


@router.post("/ledger/contracts", status_code=status.HTTP_201_CREATED)
def create_contract_endpoint(body: ContractIn, session: SessionDep, user: LedgerUser) -> ContractOut:
    """Record a contract signed outside datamill: ``pending_record`` until a second person
    with a signing approval role confirms it (POST .../contracts/{id}/approvals, step
    ``signing``); orders are split off it only then."""
    from datamill.ledger.contracts import record_signed_contract

    return record_signed_contract(session, body.number, customer_id=body.customer_id,
                                  kind=body.kind, currency=body.currency,
                                  signed_on=body.signed_on, amount=body.amount,
                                  actor_id=user.id)


@router.post("/ledger/contracts/{contract_id}/orders", status_code=status.HTTP_201_CREATED)
def create_order_endpoint(
    contract_id: Id, body: OrderIn, session: SessionDep, user: LedgerUser
) -> OrderOut:
    return orders.create_order(
        session, contract_id, body.number, business_line=body.business_line,
        offering=body.offering, amount=body.amount, currency=body.currency,
        total_volume=body.total_volume, volume_unit=body.volume_unit,
        acceptance_type=body.acceptance_type, fx_rate=body.fx_rate, vat_rate=body.vat_rate,
        actor_id=user.id)


@router.post("/ledger/projects", status_code=status.HTTP_201_CREATED)
def open_project_endpoint(body: ProjectIn, session: SessionDep, user: LedgerUser) -> ProjectOut:
    # the writer rule on the production project (cleared for it, member or not; one above the
    # caller's clearance answers as missing), as the CLI
    project_to_open(session, user, body.production_project_id)
    return projects.open_ledger_project(session, body.production_project_id,
                                        order_id=body.order_id, is_major=body.is_major,
                                        actor_id=user.id)


@router.post("/ledger/projects/{project_id}/budgets", status_code=status.HTTP_201_CREATED)
def create_budget_endpoint(
    project_id: Id, body: list[BudgetLineIn], session: SessionDep, user: LedgerProjectWriter
) -> BudgetOut:
    return budgets.create_budget(session, project_id, body, actor_id=user.id)


@router.post("/ledger/budgets/{budget_id}/submit")
def submit_budget_endpoint(budget_id: Id, session: SessionDep, user: LedgerUser) -> BudgetOut:
    require_budget_writer(session, user, budget_id)  # cleared for the budget's project
    return budgets.submit_budget(session, budget_id, actor_id=user.id)


@router.post("/ledger/budgets/{budget_id}/approvals")
def approve_budget_endpoint(
    budget_id: Id, body: ApprovalIn, session: SessionDep, user: CurrentUser
) -> BudgetOut:
    """Sign the next level as the caller (their ledger approval role must match the level;
    cleared for the budget's project, as on every face)."""
    require_budget_writer(session, user, budget_id)
    return budgets.approve_budget(session, budget_id, user.id, decision=body.decision,
                                  reason=body.reason)


@router.post("/ledger/projects/{project_id}/costs", status_code=status.HTTP_201_CREATED)
def post_cost_endpoint(
    project_id: Id, body: CostIn, session: SessionDep, user: LedgerProjectWriter
) -> CostOut:
    """Book a cost typed in by a person (a claim): checked against its budget line; a
    data-service claim names a registered, qualified vendor (422 ``supplier_not_vendor``, 409
    ``supplier_not_qualified``) and quantity × unit price, and is refused (409
    ``paid_by_sheet``) for work a settlement sheet of its supplier already pays."""
    return paid_once.post_claim(
        session, project_id, body.stage, body.category, body.amount, body.source_ref,
        incurred_on=body.incurred_on, supplier=body.supplier, quantity=body.quantity,
        unit_price=body.unit_price, over_budget_reason=body.over_budget_reason,
        actor_id=user.id)


@router.post("/ledger/costs/{cost_id}/approvals")
def approve_cost_endpoint(
    cost_id: Id, body: ApprovalIn, session: SessionDep, user: CurrentUser
) -> CostOut:
    require_cost_writer(session, user, cost_id)  # the approver is cleared for the cost's project
    return costs.approve_over_budget_cost(session, cost_id, user.id, decision=body.decision,
                                          reason=body.reason)


class ReversalIn(BaseModel):
    reason: str


@router.post("/ledger/costs/{cost_id}/reversal", status_code=status.HTTP_201_CREATED)
def reverse_cost_endpoint(
    cost_id: Id, body: ReversalIn, session: SessionDep, user: CurrentUser
) -> CostOut:
    require_cost_writer(session, user, cost_id)  # the writer is cleared for the cost's project
    return cost_reversal.reverse_cost(session, cost_id, reason=body.reason, actor_id=user.id)


@router.post("/ledger/recognition/run")
def run_recognition_endpoint(session: SessionDep, user: LedgerUser) -> AcceptanceRunOut:
    return recognition.process_acceptance_events(session, actor_id=user.id)


@router.post("/ledger/sync")
def sync_endpoint(session: SessionDep, user: LedgerUser) -> SyncOut:
    """Process every pending event: workforce costs, then customer acceptances (never refused:
    what cannot be booked stays pending and is listed in ``problems``); what it tells back
    leaves out the books above the caller's clearance, as every face."""
    return events.sync_ledger(session, actor_id=user.id, hidden=hidden_books(session, user))


@router.get("/ledger/events/problems")
def event_problems_endpoint(session: SessionDep, user: LedgerUser) -> list[EventProblemOut]:
    """The events the ledger could not book yet, without those of projects classified above
    the caller's clearance (as on the finance page and in ``datamill ledger event-problems``)."""
    return events.list_event_problems(session, hidden_books(session, user))


@router.post("/ledger/events/{event_id}/book", status_code=status.HTTP_201_CREATED)
def book_event_endpoint(
    event_id: Id, body: EventBookIn, session: SessionDep, user: LedgerUser
) -> CostOut:
    """Book a pending over-budget cost event with its reason (it then awaits approval); by a
    writer cleared for the event's project."""
    require_event_writer(session, user, event_id)
    return events.book_cost_event(session, event_id, over_budget_reason=body.over_budget_reason,
                                  actor_id=user.id)


class FinalReviewIn(BaseModel):
    note: str = Field(default="", max_length=2000)


@router.post("/ledger/projects/{project_id}/final-review", status_code=status.HTTP_201_CREATED)
def final_review_endpoint(
    project_id: Id, body: FinalReviewIn, session: SessionDep, user: LedgerProjectWriter
) -> FinalReviewOut:
    """The finance reviewer's check before final accounts (nothing pending; who reviewed)."""
    return final_accounts.review_final_accounts(session, project_id, reviewer_id=user.id,
                                                note=body.note)


@router.post("/ledger/orders/{order_id}/final-acceptance", status_code=status.HTTP_201_CREATED)
def final_acceptance_endpoint(
    order_id: Id, body: FinalAcceptanceIn, session: SessionDep, user: LedgerUser
) -> FinalAcceptanceOut:
    """The customer's final acceptance report of a type 1/2 order (once); the recognition when
    final accounts are already complete, else null (it follows at the close)."""
    rec = recognition.record_final_acceptance(session, order_id, body.accepted_on,
                                              volume=body.volume, actor_id=user.id)
    return FinalAcceptanceOut(order_id=order_id, recognition=rec)


@router.post("/ledger/projects/{project_id}/close")
def close_project_endpoint(
    project_id: Id, body: CloseIn, session: SessionDep, user: LedgerProjectWriter
) -> ProjectOut:
    return recognition.close_project(session, project_id, body.closed_on, actor_id=user.id)


@router.get("/ledger/projects/{project_id}/budget-vs-actual")
def budget_vs_actual_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser
) -> BudgetVsActualOut:
    """Approved budget lines against posted spend, per stage and category, for readers of the
    books (admins, project managers, finance, ledger approvers, sales, auditors) cleared for
    the project, member or not: 403 for anyone else, as on the project's finance page and in
    ``datamill ledger budget-vs-actual``."""
    return reports.readable_budget_vs_actual(session, user, project_id)


@router.get("/ledger/budgets/{budget_id}/quote")
def quote_endpoint(
    budget_id: Id, session: SessionDep, user: CurrentUser,
    margin: Annotated[Decimal, Query(description=(
        "Guidance gross margin as a fraction in [0, 1) (0.35 for 35 %); 422 "
        "guidance_margin_range otherwise"))],
    vat_rate: Annotated[Decimal | None, Query(description=(
        "Output VAT as a fraction (default: DATAMILL_SERVICE_VAT_RATE, 0.06)"))] = None,
) -> QuoteOut:
    """Cost-plus price (成本加成) from any version of a budget and a guidance margin: price
    excl. VAT = budget total / (1 − margin), VAT and the price incl. VAT, as ``datamill
    ledger quote``. It tells the budget's total, so only readers of the books cleared for the
    budget's project may ask (403 otherwise; a budget that does not exist is 404)."""
    return quotes.readable_quote(session, user, budget_id, margin, vat_rate=vat_rate)


class SelfTestIn(BaseModel):
    item_ids: list[IdRef] = Field(min_length=1, max_length=ratio_tests.MAX_SAMPLE)
    worker_ids: list[IdRef] = Field(min_length=1, max_length=100)
    stage: str = Field("annotate", min_length=1, max_length=32)


class AgreedRatioIn(BaseModel):
    ratio: Decimal = Field(gt=0, le=MAX_AMOUNT, decimal_places=4)
    note: str = Field(min_length=1, max_length=2000)
    stage: str = Field("annotate", min_length=1, max_length=32)
    unit: str | None = Field(None, min_length=1, max_length=16)


class ApplyRatioIn(BaseModel):
    budget_id: IdRef | None = None
    collection_stage: str = Field("collect", min_length=1, max_length=32)


@router.post("/ledger/projects/{project_id}/ratio-tests", status_code=status.HTTP_201_CREATED)
def start_self_test_endpoint(
    project_id: Id, body: SelfTestIn, session: SessionDep, user: CurrentUser
) -> ratio_tests.RatioTestOut:
    """Open a pre-start self-test (试标): the sample's items, annotated at ``stage`` by the named
    in-house workers through the ordinary claims (writers of the books, as every face)."""
    return ratio_tests.start_self_test(session, user, project_id, item_ids=body.item_ids,
                                       worker_ids=body.worker_ids, stage=body.stage)


@router.post("/ledger/projects/{project_id}/agreed-ratio", status_code=status.HTTP_201_CREATED)
def agreed_ratio_endpoint(
    project_id: Id, body: AgreedRatioIn, session: SessionDep, user: CurrentUser
) -> ratio_tests.RatioTestOut:
    """Record an annotation-output ratio agreed with the customer, with a note."""
    return ratio_tests.record_agreed_ratio(session, user, project_id, ratio=body.ratio,
                                           note=body.note, stage=body.stage, unit=body.unit)


@router.get("/ledger/projects/{project_id}/ratio-tests")
def list_ratio_tests_endpoint(
    project_id: Id, session: SessionDep, user: CurrentUser
) -> list[ratio_tests.RatioTestOut]:
    return ratio_tests.list_ratio_tests(session, user, project_id)


@router.post("/ledger/ratio-tests/{test_id}/measure")
def measure_self_test_endpoint(
    test_id: Id, session: SessionDep, user: CurrentUser
) -> ratio_tests.RatioTestOut:
    """Measure a running self-test from the time its workers' submissions recorded (409
    ``no_timed_work`` while none did)."""
    return ratio_tests.measure_self_test(session, user, test_id)


@router.post("/ledger/ratio-tests/{test_id}/apply")
def apply_ratio_endpoint(
    test_id: Id, body: ApplyRatioIn, session: SessionDep, user: CurrentUser
) -> BudgetOut:
    """Set the draft budget's annotation line from the ratio (409 ``budget_not_draft`` for a
    submitted or approved budget, which is never changed)."""
    return ratio_tests.apply_ratio(session, user, test_id, budget_id=body.budget_id,
                                   collection_stage=body.collection_stage)


DateFrom = Annotated[date, Query(alias="from", ge=MIN_DAY, le=MAX_DAY), ISO_DAY]
DateTo = Annotated[date, Query(alias="to", ge=MIN_DAY, le=MAX_DAY), ISO_DAY]


@router.get("/ledger/reports/margin")
def margin_endpoint(
    session: SessionDep, user: LedgerUser, date_from: DateFrom, date_to: DateTo
) -> list[MarginRow]:
    """Margin by segment, without the books of projects classified above the caller's
    clearance (as every report over several projects, on every face)."""
    return reports.margin_report(session, date_from, date_to,
                                 hidden=hidden_books(session, user))


@router.get("/ledger/reports/wip")
def wip_endpoint(
    session: SessionDep, user: LedgerUser, date_from: DateFrom, date_to: DateTo
) -> list[WipRow]:
    return reports.wip_rollforward(session, date_from, date_to,
                                   hidden=hidden_books(session, user))


@router.get("/ledger/reports/vat")
def vat_endpoint(
    session: SessionDep, user: LedgerUser, date_from: DateFrom, date_to: DateTo
) -> list[VatPoint]:
    """Output VAT falling due in the range, by tax point (recognition, invoice, advance)."""
    return vat_points(session, date_from, date_to,
                      hidden_orders=hidden_books(session, user).orders)


@router.get("/ledger/reports/monthly/{year}")
def monthly_endpoint(year: Year, session: SessionDep, user: LedgerUser) -> list[MonthRow]:
    return reports.monthly_summary(session, year, hidden=hidden_books(session, user))


@router.get(
    "/ledger/journal.csv",
    response_class=Response,
    responses=media_response("The journal entries as CSV", "text/csv"),
)
def journal_endpoint(
    session: SessionDep, user: LedgerUser, date_from: DateFrom, date_to: DateTo
) -> Any:
    return PlainTextResponse(export_journal_csv(session, date_from, date_to,
                                                hidden=hidden_books(session, user)),
                             media_type="text/csv")


# contract-to-cash routes register themselves on this router
from datamill.api.routers import ledger_c2c as _c2c  # noqa: E402, F401
