"""Tables of the ledger domain: customer → contract → performance order → project (1:1) →
budget, costs, acceptances, recognitions, impairments.

Money is ``Decimal`` stored as integer cents (:class:`datamill.core.money.Scaled`); volumes
and unit prices keep 4 decimal places, ratios 6. Business dates are ``date`` (the period a
figure belongs to), audit timestamps are UTC ``datetime``. Journal lines are never stored: they
are derived from these rows, so no figure is typed by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.compliance.models import LedgerApprover  # the table moved (issue 10 §2)
from datamill.core.clock import utcnow
from datamill.core.money import Money, Scaled
from datamill.db.base import Base

__all__ = [
    "LedgerAcceptance",
    "LedgerApproval",
    "LedgerApprover",
    "LedgerBudget",
    "LedgerBudgetLine",
    "LedgerContract",
    "LedgerContractChange",
    "LedgerCost",
    "LedgerCustomer",
    "LedgerEventReceipt",
    "LedgerFixedAsset",
    "LedgerImpairment",
    "LedgerInvoice",
    "LedgerOrder",
    "LedgerPeriodClose",
    "LedgerProject",
    "LedgerRatioTest",
    "LedgerReceipt",
    "LedgerRecognition",
]


class LedgerCustomer(Base):
    """A customer; ``country`` (ISO 3166 alpha-2) is the registered location → domestic/overseas."""

    __tablename__ = "ledger_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    customer_type: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2))
    credit_grade: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the language its people read datamill in (``en``, ``zh-CN``), or None: their browsers
    #: decide (:func:`datamill.ledger.customers.set_customer_language`)
    language: Mapped[str | None] = mapped_column(String(16), default=None)


class LedgerContract(Base):
    """A customer contract: draft → price_approved → signing_approved → signed (→ cancelled).

    ``amount`` (excluding VAT, in ``currency``) caps the sum of its orders; empty on contracts
    recorded before amounts were kept (no cap). ``signed_on`` is empty until signed."""

    __tablename__ = "ledger_contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("ledger_customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    signed_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(16), default="signed")
    amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    drafted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerContractChange(Base):
    """An amendment (new amount, with its reason) or the cancellation of a contract."""

    __tablename__ = "ledger_contract_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("ledger_contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    changed_on: Mapped[date] = mapped_column(Date)
    old_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    new_amount: Mapped[Decimal | None] = mapped_column(Money(), default=None)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerOrder(Base):
    """A performance order: one obligation. ``amount`` excludes VAT, in the contract currency;
    ``amount_cny`` = amount × ``fx_rate`` (spot rate on the contract date) drives the books."""

    __tablename__ = "ledger_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("ledger_contracts.id"), index=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    business_line: Mapped[str] = mapped_column(String(32))
    offering: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Money())
    fx_rate: Mapped[Decimal] = mapped_column(Scaled(6))
    amount_cny: Mapped[Decimal] = mapped_column(Money())
    vat_rate: Mapped[Decimal] = mapped_column(Scaled(4))
    total_volume: Mapped[Decimal] = mapped_column(Scaled(4))
    volume_unit: Mapped[str] = mapped_column(String(16))
    acceptance_type: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")
    final_accepted_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerProject(Base):
    """A production project's own accounts. Type is copied from production once and never
    changes; ``order_id`` is unique (one order → one project), empty for product development."""

    __tablename__ = "ledger_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    production_project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_orders.id"), unique=True, default=None
    )
    project_type: Mapped[str] = mapped_column(String(32))
    is_major: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="budgeting")
    closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerBudget(Base):
    """One version of a project's budget: draft → submitted → approved / rejected.

    The latest approved version is the project's estimated total cost."""

    __tablename__ = "ledger_budgets"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (project_id, version)
    project_id: Mapped[int] = mapped_column(ForeignKey("ledger_projects.id"))
    version: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="draft")
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    required_levels: Mapped[int] = mapped_column(default=3)
    level_reasons: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class LedgerBudgetLine(Base):
    """quantity × unit_price = amount, one line per (stage, category)."""

    __tablename__ = "ledger_budget_lines"
    __table_args__ = (UniqueConstraint("budget_id", "stage", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (budget_id, stage, category)
    budget_id: Mapped[int] = mapped_column(ForeignKey("ledger_budgets.id"))
    stage: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(Scaled(4))
    unit: Mapped[str] = mapped_column(String(16))
    unit_price: Mapped[Decimal] = mapped_column(Scaled(4))
    amount: Mapped[Decimal] = mapped_column(Money())
    #: the annotation-output ratio (标产比) the line's hours come from: work hours per unit of
    #: the collection line (a plan's ratio, or a self-test's / agreed one, ``ratio_test_id``)
    output_ratio: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    ratio_test_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_ratio_tests.id"), default=None)


class LedgerRatioTest(Base):
    """A project's annotation-output ratio (标产比) before it starts: a **self-test** (试标,
    ``source='self_test'``: running → measured) of a named sample of items annotated by named
    in-house workers, measured from the time their submissions recorded; or a ratio **agreed**
    with the customer (``source='agreed'``, status ``agreed``, with a note).

    ``ratio`` = ``work_ms`` / 3,600,000 / ``volume``: work hours per ``unit`` of data."""

    __tablename__ = "ledger_ratio_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("ledger_projects.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    item_ids: Mapped[list[Any]] = mapped_column(default=list)
    worker_ids: Mapped[list[Any]] = mapped_column(default=list)
    participant_ids: Mapped[list[Any]] = mapped_column(default=list)
    items_measured: Mapped[int] = mapped_column(default=0)
    #: submissions of the sample that recorded no working time (left out of the measure)
    untimed: Mapped[int] = mapped_column(default=0)
    volume: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    work_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    unit: Mapped[str] = mapped_column(String(16))
    ratio: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    measured_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    measured_at: Mapped[datetime | None] = mapped_column(default=None)


class LedgerApproval(Base):
    """One level's decision on a budget (``subject_type='budget'``) or an over-budget cost;
    the catalog records an out-of-band quote's decision here too (``band_quote``)."""

    __tablename__ = "ledger_approvals"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column()
    level: Mapped[int] = mapped_column()
    approval_role: Mapped[str] = mapped_column(String(32))
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerCost(Base):
    """A cost booked to one project and stage. ``source_ref`` is unique (idempotent postings:
    an expense claim number, a settlement sheet, an hour-points month, a depreciation run)."""

    __tablename__ = "ledger_costs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("ledger_projects.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Money())
    source_ref: Mapped[str] = mapped_column(String(200), unique=True)
    supplier: Mapped[str | None] = mapped_column(String(200), default=None)
    quantity: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    unit_price: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    incurred_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default="posted")
    over_budget: Mapped[bool] = mapped_column(default=False)
    over_budget_reason: Mapped[str | None] = mapped_column(Text, default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerAcceptance(Base):
    """Accepted volume (in the order's unit) from one ``delivery.accepted`` event or report."""

    __tablename__ = "ledger_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ledger_orders.id"), index=True)
    domain_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("domain_events.id"), unique=True, default=None
    )
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), default=None)
    volume: Mapped[Decimal] = mapped_column(Scaled(4))
    accepted_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerRecognition(Base):
    """Revenue recognised and cost carried from WIP to main-business cost, on one date."""

    __tablename__ = "ledger_recognitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_orders.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_projects.id"), index=True, default=None
    )
    recognised_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(32))
    revenue: Mapped[Decimal] = mapped_column(Money())
    cost: Mapped[Decimal] = mapped_column(Money())
    completion: Mapped[Decimal] = mapped_column(Scaled(6))
    acceptance_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_acceptances.id"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerImpairment(Base):
    """One period-end impairment test: NRV e = c − b − d; the expected loss a − e (when
    positive) writes the WIP down by at most its balance a (``provision``, the inventory
    write-down); what is left is an onerous-contract provision (``onerous``), a liability
    booked apart from the WIP. ``change`` and ``onerous_change`` move each balance."""

    __tablename__ = "ledger_impairments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("ledger_projects.id"), index=True)
    period_end: Mapped[date] = mapped_column(Date)
    wip: Mapped[Decimal] = mapped_column(Money())
    contract_amount: Mapped[Decimal] = mapped_column(Money())
    cost_to_complete: Mapped[Decimal] = mapped_column(Money())
    taxes: Mapped[Decimal] = mapped_column(Money())
    nrv: Mapped[Decimal] = mapped_column(Money())
    provision: Mapped[Decimal] = mapped_column(Money())
    change: Mapped[Decimal] = mapped_column(Money())
    onerous: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    onerous_change: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEventReceipt(Base):
    """What the ledger made of one cost-carrying domain event (or why it could not book it).

    ``status``: ``booked`` (``cost_id`` set), ``skipped`` (nothing to book, e.g. superseded
    hour points) or ``problem`` (left pending; ``reason`` says why, retried on every sync).
    Events without a receipt are pending; a ``problem`` receipt is pending with a reason.
    """

    __tablename__ = "ledger_event_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain_event_id: Mapped[int] = mapped_column(ForeignKey("domain_events.id"), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: a ``problem``'s stable code and the values its sentence names (the error's
    #: ``reason_code`` and scalar details), so a page words it in its language; None for an
    #: error without one (the page shows ``reason``)
    reason_code: Mapped[str | None] = mapped_column(String(64), default=None)
    reason_params: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    cost_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_costs.id"), default=None)
    attempts: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerInvoice(Base):
    """A VAT invoice on an order. ``amount`` excludes VAT (CNY); it never creates revenue.

    ``acceptance_id`` names the accepted delivery it bills; empty for an advance invoice.
    ``advance_applied`` (CNY excl. VAT): the part of the order's advance invoices this
    acceptance invoice's share was reduced by (its ``amount`` is the share less that).
    ``prepaid_applied`` (CNY incl. VAT): the cash the customer paid ahead of the invoices
    (an advance received without an advance invoice) that settles this invoice, so it asks
    for ``amount + vat - prepaid_applied`` only; the invoice itself still bills its whole
    amount (the fapiao states the sale; the advance is offset at settlement)."""

    __tablename__ = "ledger_invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ledger_orders.id"), index=True)
    acceptance_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_acceptances.id"), default=None
    )
    issued_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    vat: Mapped[Decimal] = mapped_column(Money())
    advance_applied: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0),
                                                     server_default="0")
    prepaid_applied: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0),
                                                     server_default="0")
    #: a red-letter invoice (红字发票) names the invoice it reverses, in full: its figures are
    #: that invoice's, negated; an invoice is reversed once (no foreign key: the column was
    #: added to a table receipts reference, which SQLite cannot rebuild in place)
    reverses_id: Mapped[int | None] = mapped_column(index=True, unique=True, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerReceipt(Base):
    """Cash received from the customer on an order (CNY, including VAT). Before acceptance it
    is an advance; it is offset against what falls due at settlement (recognition)."""

    __tablename__ = "ledger_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("ledger_orders.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_invoices.id"), default=None)
    received_on: Mapped[date] = mapped_column(Date)
    #: the receivable it settles, at the order's fx rate (the books' CNY)
    amount: Mapped[Decimal] = mapped_column(Money())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: foreign cash: the rate it was converted at on the day (None: the order's)
    fx_rate: Mapped[Decimal | None] = mapped_column(Scaled(6), default=None)
    #: the CNY received less ``amount``: a realised exchange gain (+) or loss (−)
    fx_difference: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0),
                                                   server_default="0")
    #: a reversing receipt (its figures negated): the receipt it takes back, once
    reverses_id: Mapped[int | None] = mapped_column(index=True, unique=True, default=None)


class LedgerFixedAsset(Base):
    """A fixed asset in use on one project; depreciated monthly by days used / 365 × annual."""

    __tablename__ = "ledger_fixed_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    annual_depreciation: Mapped[Decimal] = mapped_column(Money())
    project_id: Mapped[int] = mapped_column(ForeignKey("ledger_projects.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32), default="equipment")
    in_use_from: Mapped[date] = mapped_column(Date)
    in_use_to: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerPeriodClose(Base):
    """One month's period-end run: prepared by one person, confirmed by a second (reviewer)."""

    __tablename__ = "ledger_period_closes"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="prepared")
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    digest: Mapped[str] = mapped_column(String(64))
    runs: Mapped[int] = mapped_column(default=1)
    prepared_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the latest reopening (status ``reopened`` until it is run again): who, when, why
    reopened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reopened_at: Mapped[datetime | None] = mapped_column(default=None)
    reopen_reason: Mapped[str | None] = mapped_column(Text, default=None)
