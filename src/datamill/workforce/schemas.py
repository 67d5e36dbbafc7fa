"""Pydantic views of workforce objects returned across face boundaries (money as Decimal)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, computed_field

__all__ = [
    "AttemptOut",
    "EvaluationOut",
    "HourPointsOut",
    "PriceOut",
    "QualificationTestOut",
    "SettlementLineOut",
    "SettlementSheetOut",
    "VendorOut",
    "WorkerAccuracyOut",
    "WorkerDashboard",
    "WorkerOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class VendorOut(_Out):
    id: int
    name: str
    kind: str
    licence_no: str | None
    agreement_no: str | None
    agreement_signed_on: date | None
    fee_rate: Decimal
    settlement_cycle: str
    qualified: bool
    qualified_at: datetime | None
    qualification_note: str | None


class WorkerOut(_Out):
    id: int
    user_id: int
    username: str
    vendor_id: int | None
    is_manager: bool
    grade: str | None
    languages: list[str]
    modalities: list[str]
    domains: list[str]
    devices: list[str]
    identity_verified: bool
    active: bool


class QualificationTestOut(BaseModel):
    project_id: int
    metric: str
    pass_threshold: Decimal
    golden_item_ids: list[int]
    revision: int = 1
    created_by: int | None = None
    required: bool = False  # the project's ``qualification_required`` setting
    max_attempts: int = 3  # attempts a worker may make (plus one per grant)
    cooldown_minutes: int = 0  # between two attempts of one worker (0: none)


class WorkerAccuracyOut(BaseModel):
    """One worker's standing in a project: running golden accuracy and qualification."""

    worker_id: int
    username: str
    vendor: str | None  # None: in-house
    answered: int  # golden probes answered in this project
    accuracy: Decimal | None  # mean probe score; None before the first answer
    last_answered_at: datetime | None
    qualification_score: Decimal | None  # best attempt
    qualified: bool


class AttemptOut(_Out):
    id: int
    worker_id: int
    score: Decimal
    scores: dict[str, Any]
    passed: bool
    created_at: datetime
    attempts_used: int | None = None  # this one included (set when the attempt is made)
    attempts_left: int | None = None


class PriceOut(_Out):
    id: int
    half_year: str
    vendor_id: int | None
    stage: str
    modality: str
    language_group: str
    unit: str
    unit_price: Decimal
    reference_price: Decimal | None
    deviation: Decimal | None
    flagged: bool
    reason: str | None


class SettlementLineOut(_Out):
    project_id: int | None
    stage: str | None
    worker_id: int | None
    unit: str
    items: int
    #: the line's accepted volume in its project's ``volume_unit`` (hours, images, kchars …);
    #: None on an adjustment line
    volume: Decimal | None = None
    volume_unit: str | None = None
    #: deprecated: the volume in milliseconds, given on speech lines only (it was the base-unit
    #: count under a wrong name on the others: images, characters)
    duration_ms: int | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    description: str


class DebtOffsetOut(_Out):
    """``amount`` of the vendor's debt on sheet ``debt_sheet`` deducted from sheet ``sheet``."""

    debt_sheet_id: int
    debt_sheet: str
    sheet_id: int
    sheet: str
    amount: Decimal


class SettlementSheetOut(_Out):
    id: int
    number: str
    vendor_id: int
    kind: str
    corrects_sheet_id: int | None
    cycle: str
    period_start: date
    #: excluded: the sheet's last day is the day before (``last_day``)
    period_end: date
    status: str
    amount: Decimal
    fee_rate: Decimal
    fee: Decimal
    gross: Decimal
    tax_withheld: Decimal
    net_payable: Decimal
    note: str | None
    vendor_confirmed_at: datetime | None
    confirmed_at: datetime | None
    settled_at: datetime | None
    #: a voided sheet's reason, who voided it and when (None on a live sheet)
    void_reason: str | None = None
    voided_by: int | None = None
    voided_at: datetime | None = None
    lines: list[SettlementLineOut] = []
    #: the vendor's earlier debts deducted from this sheet's net payable (after the tax)
    debt_offset: Decimal = Decimal("0.00")
    offsets: list[DebtOffsetOut] = []
    #: a confirmed sheet with a negative net payable is a debt: what is still owed of it, and
    #: the later sheets that took it (None / [] for a sheet that is no debt)
    debt_outstanding: Decimal | None = None
    offset_by: list[DebtOffsetOut] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def last_day(self) -> date:
        """The sheet's last day of work (``period_end`` − 1 day), which every page and the
        printed sheet show: the day its cost is booked on, whose month it is settled in."""
        return max(self.period_start, self.period_end - timedelta(days=1))


class HourPointsOut(_Out):
    worker_id: int
    project_id: int
    month: str
    points: Decimal
    point_rate: Decimal
    cost: Decimal


class WorkingDaysOut(BaseModel):
    """A month's working days and the hour-point cap they make (8 × days a person)."""

    month: str
    working_days: int
    cap: Decimal
    #: the working days worked by today (all of them for a past month) and the cap they make:
    #: what may be booked now (8 × worked_days)
    worked_days: int | None = None
    cap_to_date: Decimal | None = None


class EvaluationOut(_Out):
    vendor_id: int
    year: int
    metrics: dict[str, Any]
    score: Decimal
    rating: str


class WorkerDashboard(BaseModel):
    worker_id: int
    username: str
    submitted_tasks: int
    annotated_hours: Decimal  # of modalities counted in hours (speech, TTS)
    #: annotated volume per unit (``hours``, ``images``, ``kchars`` ...), never added across
    annotated_volume: dict[str, Decimal] = {}
    returned_tasks: int
    rework_rate: Decimal
    accepted_items: int
    qualification_scores: dict[str, Decimal]
    #: how this worker is paid: ``hour_points`` (in-house staff, by their grade), ``own_rate``
    #: (an individual supplier: the sheet's money is theirs) or ``vendor`` (a company's or
    #: studio's worker: the business pays the vendor by accepted volume, the vendor pays them)
    paid_by: Literal["hour_points", "own_rate", "vendor"] = "hour_points"
    #: the worker's own earnings; None for a vendor's worker (their pay comes from their vendor)
    earnings: Decimal | None
    #: tasks and volume per pricing unit on the worker's lines of confirmed or paid sheets
    accepted_tasks: int = 0
    accepted_volume: dict[str, Decimal] = {}
    #: a vendor's worker only: the vendor's contract amount for that accepted work, shown to the
    #: business side and to that vendor's manager, None for anyone else (the worker included)
    vendor_amount: Decimal | None = None
    #: an individual supplier only: the income tax withheld from their sheets (earnings is gross)
    tax_withheld: Decimal | None = None
