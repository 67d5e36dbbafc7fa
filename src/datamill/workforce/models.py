"""Tables of the workforce domain: vendors, workers, qualification, prices, settlement, points.

Money is ``Decimal`` in Python and stored exactly as a scaled integer (``datamill.core.money.Scaled``):
amounts in fen (scale 2), unit prices, quantities and rates in 1/10,000 (scale 4). Nothing is
ever a float. Every table is prefixed ``wf_`` so the domain never collides with another one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.core.money import Scaled
from datamill.db.base import Base

__all__ = [
    "GoldenTask",
    "Grade",
    "HourPoints",
    "PackageHandoff",
    "PriceEntry",
    "QualificationAttempt",
    "QualificationGrant",
    "QualificationTest",
    "SettlementLine",
    "SettlementSheet",
    "SettlementUnit",
    "Vendor",
    "VendorEvaluation",
    "Worker",
    "WorkingMonth",
]


def _money() -> Any:
    return mapped_column(Scaled(2), default=Decimal("0.00"))


class Vendor(Base):
    """A supplier: company, overseas studio or individual (个人供应商) + framework agreement.

    ``qualified`` is its place on the qualified-supplier list (合格供应商名录); only qualified
    vendors get packages or settlement sheets. ``fee_rate`` is the management fee share.
    """

    __tablename__ = "wf_vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    licence_no: Mapped[str | None] = mapped_column(String(64), default=None)
    contact: Mapped[str | None] = mapped_column(String(200), default=None)
    agreement_no: Mapped[str | None] = mapped_column(String(64), default=None)
    agreement_signed_on: Mapped[date | None] = mapped_column(default=None)
    fee_rate: Mapped[Decimal] = mapped_column(Scaled(4), default=Decimal("0"))
    settlement_cycle: Mapped[str] = mapped_column(String(16), default="weekly")
    qualified: Mapped[bool] = mapped_column(default=False)
    qualified_at: Mapped[datetime | None] = mapped_column(default=None)
    qualification_note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Grade(Base):
    """An in-house grade (级别) and the price of one hour point at that grade."""

    __tablename__ = "wf_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    point_rate: Mapped[Decimal] = mapped_column(Scaled(2))


class Worker(Base):
    """A person who works: in-house (``vendor_id`` None, with a grade) or a vendor's worker.

    Skills are lists: BCP-47 ``languages``, ``modalities`` (e.g. ``speech.asr``), ``domains``
    (medical, finance ...), ``devices``. ``is_manager`` marks a vendor's manager, who sees and
    distributes only their own vendor's people and packages.
    """

    __tablename__ = "wf_workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("wf_vendors.id"), index=True, default=None
    )
    is_manager: Mapped[bool] = mapped_column(default=False)
    grade_id: Mapped[int | None] = mapped_column(ForeignKey("wf_grades.id"), default=None)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    modalities: Mapped[list[Any]] = mapped_column(default=list)
    domains: Mapped[list[Any]] = mapped_column(default=list)
    devices: Mapped[list[Any]] = mapped_column(default=list)
    identity_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    identity_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualificationTest(Base):
    """A project's qualification test (培训考核): golden tasks and a pass threshold on a metric."""

    __tablename__ = "wf_qualification_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    metric: Mapped[str] = mapped_column(String(40))
    pass_threshold: Mapped[Decimal] = mapped_column(Scaled(4))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)  # +1 each time its owner revises it
    # retakes: at most ``max_attempts`` attempts a worker (plus one per grant), and
    # ``cooldown_minutes`` between two attempts (0: none); a test is never brute-forced
    max_attempts: Mapped[int] = mapped_column(default=3)
    cooldown_minutes: Mapped[int] = mapped_column(default=0)


class GoldenTask(Base):
    """One item of the project with its known answer (never shown to the person tested)."""

    __tablename__ = "wf_golden_tasks"
    __table_args__ = (UniqueConstraint("test_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (test_id, item_id)
    test_id: Mapped[int] = mapped_column(ForeignKey("wf_qualification_tests.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    reference_text: Mapped[str] = mapped_column(Text)
    retired: Mapped[bool] = mapped_column(default=False)  # dropped by a revision (probes keep it)


class QualificationAttempt(Base):
    __tablename__ = "wf_qualification_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("wf_qualification_tests.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("wf_workers.id"), index=True)
    score: Mapped[Decimal] = mapped_column(Scaled(4))
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    passed: Mapped[bool] = mapped_column()
    test_revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualificationGrant(Base):
    """One more attempt at a qualification test granted to one worker (by the project's
    business side or the worker's vendor manager); it also lifts a running cool-down."""

    __tablename__ = "wf_qualification_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("wf_qualification_tests.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("wf_workers.id"), index=True)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PackageHandoff(Base):
    """A work package handed to a vendor (its manager then distributes it to their workers)."""

    __tablename__ = "wf_package_handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("work_packages.id"), unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("wf_vendors.id"), index=True)
    handed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    handed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PriceEntry(Base):
    """One version of a unit price (业务采购价格体系); rows are appended, never updated.

    Key: half-year (``2024H1``) × vendor (None = the general price) × stage × modality ×
    language group; ``unit`` says what is counted (``hour`` of audio, ``item``). The effective
    price of a key is its latest row. ``flagged`` marks a price more than 10% off its reference
    (the previous half-year's general price, or for a vendor price the general one), which must
    carry a written ``reason``.
    """

    __tablename__ = "wf_prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    half_year: Mapped[str] = mapped_column(String(6), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("wf_vendors.id"), default=None)
    stage: Mapped[str] = mapped_column(String(32))
    modality: Mapped[str] = mapped_column(String(32))
    language_group: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    unit_price: Mapped[Decimal] = mapped_column(Scaled(4))
    reference_price: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    deviation: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    flagged: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SettlementSheet(Base):
    """An acceptance-settlement sheet (验收结算单) of one vendor for one period.

    ``draft`` → ``vendor_confirmed`` → ``confirmed`` (both sides; immutable from here) →
    ``settled`` (paid); a sheet not paid may be ``voided`` instead (with a reason; its work is
    payable again, its period free for a new sheet: ``period_key`` is cleared). A correction is a new sheet (``kind="correction"``) that names the one it
    corrects. ``period_key`` (``weekly:2024-05-06``) is unique per vendor for regular sheets.
    """

    __tablename__ = "wf_settlement_sheets"
    __table_args__ = (UniqueConstraint("vendor_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    # indexed by the unique (vendor_id, period_key)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("wf_vendors.id"))
    kind: Mapped[str] = mapped_column(String(16), default="regular")
    corrects_sheet_id: Mapped[int | None] = mapped_column(
        ForeignKey("wf_settlement_sheets.id"), default=None
    )
    cycle: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    period_key: Mapped[str | None] = mapped_column(String(40), default=None)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    amount: Mapped[Decimal] = _money()
    fee_rate: Mapped[Decimal] = mapped_column(Scaled(4), default=Decimal("0"))
    fee: Mapped[Decimal] = _money()
    gross: Mapped[Decimal] = _money()
    tax_withheld: Mapped[Decimal] = _money()
    net_payable: Mapped[Decimal] = _money()
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    vendor_confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    vendor_confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    settled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    settled_at: Mapped[datetime | None] = mapped_column(default=None)
    payment_ref: Mapped[str | None] = mapped_column(String(100), default=None)
    #: a voided sheet (status ``voided``): why, who, when; its work is payable again
    void_reason: Mapped[str | None] = mapped_column(Text, default=None)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    voided_at: Mapped[datetime | None] = mapped_column(default=None)


class SettlementLine(Base):
    """Accepted volume of one worker × project × stage at one unit price (or an adjustment)."""

    __tablename__ = "wf_settlement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("wf_settlement_sheets.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), default=None)
    stage: Mapped[str | None] = mapped_column(String(32), default=None)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("wf_workers.id"), default=None)
    unit: Mapped[str] = mapped_column(String(16))
    items: Mapped[int] = mapped_column(default=0)
    duration_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    quantity: Mapped[Decimal] = mapped_column(Scaled(4))
    unit_price: Mapped[Decimal] = mapped_column(Scaled(4))
    amount: Mapped[Decimal] = _money()
    description: Mapped[str] = mapped_column(Text, default="")


class SettlementUnit(Base):
    """One accepted item-stage-person that a sheet pays for; unique, so nothing is paid twice.

    Collected volume (a collection vendor's accepted recordings, stage ``collect``) names no
    person: ``user_id`` is None, and the partial unique index keeps the item × stage paid once.

    A unit the customer refused after its sheet was confirmed is recovered on the vendor's next
    sheet (a negative line, ``recovered_by_line_id``; :mod:`datamill.workforce.settlement_recovery`);
    the item reworked and accepted again in another batch is paid again, so the key holds the
    batch: unique per item × stage × person × batch, and never two unrecovered units of one item
    × stage × person (the drawing pays only work with none). Collected volume likewise: unique
    per item × stage × batch where ``user_id`` is NULL (a refused recording, recovered, is paid
    again from the batch that accepts it again).
    """

    __tablename__ = "wf_settlement_units"
    __table_args__ = (
        UniqueConstraint("item_id", "stage", "user_id", "batch_id"),
        Index("uq_wf_settlement_units_collected", "item_id", "stage", "batch_id", unique=True,
              sqlite_where=text("user_id IS NULL"), postgresql_where=text("user_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("wf_settlement_sheets.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("wf_settlement_lines.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    stage: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    #: the negative line of a later sheet that took this unit's pay back (the customer refused it)
    recovered_by_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("wf_settlement_lines.id"), default=None, index=True)


class SettlementOffset(Base):
    """A vendor's debt (a confirmed sheet with a negative net payable) offset against a later
    sheet's pay: ``amount`` (> 0) of ``debt_sheet_id``'s debt is deducted from ``sheet_id``'s net
    payable (:mod:`datamill.workforce.settlement_debts`). An offset by a voided sheet counts for
    nothing (the debt is owed again)."""

    __tablename__ = "wf_settlement_offsets"
    __table_args__ = (UniqueConstraint("debt_sheet_id", "sheet_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debt_sheet_id: Mapped[int] = mapped_column(ForeignKey("wf_settlement_sheets.id"))
    sheet_id: Mapped[int] = mapped_column(ForeignKey("wf_settlement_sheets.id"), index=True)
    amount: Mapped[Decimal] = _money()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkingMonth(Base):
    """The number of working days of a month when it differs from Monday–Friday (holidays)."""

    __tablename__ = "wf_working_months"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    working_days: Mapped[int] = mapped_column()


class HourPoints(Base):
    """Hour points (工时积分) one in-house person books to one project in one month."""

    __tablename__ = "wf_hour_points"
    __table_args__ = (UniqueConstraint("worker_id", "project_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (worker_id, project_id, month)
    worker_id: Mapped[int] = mapped_column(ForeignKey("wf_workers.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    points: Mapped[Decimal] = mapped_column(Scaled(2))
    point_rate: Mapped[Decimal] = mapped_column(Scaled(2))
    cost: Mapped[Decimal] = _money()
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VendorEvaluation(Base):
    """The yearly evaluation of a vendor, computed from data (recomputing replaces it)."""

    __tablename__ = "wf_vendor_evaluations"
    __table_args__ = (UniqueConstraint("vendor_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("wf_vendors.id"))
    year: Mapped[int] = mapped_column()
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    score: Mapped[Decimal] = mapped_column(Scaled(4))
    rating: Mapped[str] = mapped_column(String(8))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
