"""Pydantic views of ledger objects returned across face boundaries (Decimal money)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from datamill.core.money import MAX_AMOUNT, Cents

__all__ = [
    "AcceptanceRunOut",
    "BudgetIn",
    "BudgetLineIn",
    "BudgetLineOut",
    "BudgetOut",
    "BudgetVsActualLine",
    "BudgetVsActualOut",
    "ContractOut",
    "CostEventRunOut",
    "CostOut",
    "CustomerOut",
    "EventProblemOut",
    "ImpairmentOut",
    "JournalLine",
    "MarginRow",
    "MonthRow",
    "OrderOut",
    "ProjectOut",
    "QuoteOut",
    "RecognitionOut",
    "SyncOut",
    "UnitEconomicsRow",
    "WipRow",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CustomerOut(_Out):
    id: int
    name: str
    customer_type: str
    country: str
    credit_grade: str
    language: str | None = None


class ContractOut(_Out):
    id: int
    number: str
    customer_id: int
    kind: str
    currency: str
    signed_on: date | None
    status: str
    amount: Decimal | None = None
    #: the amount an amendment awaiting its approvals asks for (the services fill it in);
    #: ``amount`` is the approved one, which orders are split under
    pending_amount: Decimal | None = None
    #: the date a cancellation awaiting its price and signing approvals cancels the contract
    #: on (the services fill it in; None: none pending); ``status`` stays ``signed`` meanwhile
    pending_cancellation: date | None = None


class OrderOut(_Out):
    id: int
    contract_id: int
    number: str
    business_line: str
    offering: str
    currency: str
    amount: Decimal
    fx_rate: Decimal
    amount_cny: Decimal
    vat_rate: Decimal
    total_volume: Decimal
    volume_unit: str
    acceptance_type: int
    status: str
    final_accepted_on: date | None


class ProjectOut(_Out):
    id: int
    production_project_id: int
    order_id: int | None
    project_type: str
    is_major: bool
    status: str
    closed_on: date | None


class BudgetLineIn(BaseModel):
    """One stage's line: ``quantity`` × ``unit_price`` (use the helpers for collection/annotation)."""

    stage: str = Field(min_length=1, max_length=32)
    category: str
    # bounded and at most 4 places (as stored): 1e30 crashed the rounding, 0.00004 was
    # silently stored as 0.0000
    quantity: Decimal = Field(ge=0, le=MAX_AMOUNT, decimal_places=4)
    unit: str = Field("hours", max_length=16)
    unit_price: Decimal = Field(ge=0, le=MAX_AMOUNT, decimal_places=4)
    description: str = ""
    #: the annotation-output ratio (标产比) an annotation line's hours come from, if any
    output_ratio: Decimal | None = Field(None, ge=0, le=MAX_AMOUNT, decimal_places=4)


class BudgetIn(BaseModel):
    lines: list[BudgetLineIn] = Field(min_length=1)


class BudgetLineOut(_Out):
    id: int
    stage: str
    category: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    description: str
    output_ratio: Decimal | None = None
    ratio_test_id: int | None = None


class BudgetOut(BaseModel):
    id: int
    project_id: int
    version: int
    status: str
    total: Decimal
    required_levels: int
    level_reasons: list[str]
    approved_levels: int
    next_role: str | None
    budgeted_margin: Decimal | None
    lines: list[BudgetLineOut]


class CostOut(_Out):
    id: int
    project_id: int
    stage: str
    category: str
    amount: Decimal
    source_ref: str
    supplier: str | None
    #: a data-service claim's quantity and unit price (amount = their product, to the fen);
    #: None on other costs and on claims booked before they were asked for
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    incurred_on: date
    status: str
    over_budget: bool


class RecognitionOut(_Out):
    id: int
    order_id: int | None
    project_id: int | None
    recognised_on: date
    basis: str
    revenue: Decimal
    cost: Decimal
    completion: Decimal


class AcceptanceRunOut(BaseModel):
    acceptances: int
    recognitions: list[RecognitionOut]


class ImpairmentOut(_Out):
    id: int
    project_id: int
    period_end: date
    wip: Decimal
    contract_amount: Decimal
    cost_to_complete: Decimal
    taxes: Decimal
    nrv: Decimal
    provision: Decimal
    change: Decimal
    #: the onerous-contract provision: the loss expected beyond the WIP (a liability)
    onerous: Decimal = Decimal(0)
    onerous_change: Decimal = Decimal(0)
    reason: str


class QuoteOut(BaseModel):
    estimated_cost: Decimal
    guidance_margin: Decimal
    price_excl_vat: Decimal
    vat_rate: Decimal
    vat: Decimal
    price_incl_vat: Decimal


class MarginRow(BaseModel):
    business_line: str
    offering: str
    region: str
    customer_type: str
    revenue: Cents
    cost: Cents
    margin: Cents
    margin_pct: Decimal | None


class UnitEconomicsRow(BaseModel):
    order_id: int
    order_number: str
    accepted_hours: Decimal
    revenue: Cents
    cost: Cents
    price_per_hour: Decimal | None
    cost_per_hour: Decimal | None


class WipRow(BaseModel):
    project_id: int  # the ledger project's id
    opening: Cents
    incurred: Cents
    carried: Cents
    closing: Cents
    estimated_total_cost: Cents | None
    spent_pct: Decimal | None
    #: the production project, as people know it (its name is what the faces show)
    production_project_id: int | None = None
    project_name: str | None = None


class MonthRow(BaseModel):
    month: str
    revenue: Cents
    cost: Cents
    margin: Cents
    rd_expense: Cents
    wip_closing: Cents


class BudgetVsActualLine(BaseModel):
    stage: str
    category: str
    budget: Cents
    actual: Cents
    variance: Cents
    #: spend held awaiting approval (over budget): not in ``actual`` until approved and posted
    pending: Cents = Decimal("0.00")


class BudgetVsActualOut(BaseModel):
    project_id: int  # the ledger project's id
    budget_total: Cents
    actual_total: Cents
    spent_pct: Decimal | None
    lines: list[BudgetVsActualLine]
    #: the lines' ``pending``: spend held awaiting approval, in no actual figure yet
    pending_total: Cents = Decimal("0.00")
    #: the production project, as people know it (its name is what the faces show)
    production_project_id: int | None = None
    project_name: str | None = None


class JournalLine(BaseModel):
    entry: str
    date: date
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal
    project_id: int | None
    order_id: int | None
    memo: str


class EventProblemOut(BaseModel):
    """A domain event the ledger could not book yet: it stays pending and is retried."""

    event_id: int
    event_type: str
    project_id: int | None
    source_ref: str | None
    amount: Decimal | None
    reason: str
    attempts: int
    created_at: datetime
    #: a stable code for a reason the ledger itself gives (``no_ledger_project``), with the
    #: values its sentence names, so a face can word it in its own language; None for a
    #: reason recorded from an error message
    reason_code: str | None = None
    reason_params: dict[str, int | str | None] = Field(default_factory=dict)
    #: the name of production project ``project_id``, for a reader (see list_event_problems)
    project_name: str | None = None


class CostEventRunOut(BaseModel):
    booked: list[CostOut]
    skipped: int
    problems: list[EventProblemOut]


class SyncOut(BaseModel):
    """One ``datamill ledger sync``: cost events first (WIP), then customer acceptances."""

    costs: CostEventRunOut
    acceptances: AcceptanceRunOut | None
    acceptance_problem: str | None
    problems: list[EventProblemOut]
