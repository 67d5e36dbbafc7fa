"""Budgets from the production plan (§6.3) and the variance of actual against plan per stage.

**Loss rate.** The brief's example is "1,000 h at 10% loss → 1,100 h", so datamill reads the
loss rate as a share *of the deliverable volume*: **collection volume = deliverable × (1 +
loss)** (not deliverable / (1 − loss), which would give 1,111.1 h). 300 h at 5% → 315 h.

**Annotation-output ratio** (标产比) is the hours of annotation work per hour of collected data,
measured in a pre-start self-test or agreed with the vendor: **annotation hours = collection
volume × ratio**. 315 h × 1.0 → 315 annotation hours; at 21/h that is 6,615.00.

**Prices** come from the workforce price system (the effective price of the half-year of
``on`` for the project's modality and language group; a vendor's own price when ``vendor_id``
is given). A price given by hand (from an agreement) is used instead and its deviation from the
price system is reported; more than 10% is flagged.

The plan is only arithmetic until :func:`create_budget_from_plan` turns it into a draft budget
version (one line per stage, category ``data_service``), which then goes through the usual
3/4/5-level approval. :func:`plan_variance` puts the approved budget's quantity and amount per
stage beside the posted costs, so the PM sees where a stage runs over.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.core.money import to_cents, to_decimal
from datamill.ledger._balances import approved_budget
from datamill.ledger.access import require_ledger_access, require_project_reader
from datamill.ledger.assets import month_bounds
from datamill.ledger.budgets import annotation_hours, collection_quantity, create_budget
from datamill.ledger.models import LedgerBudgetLine, LedgerCost
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import BudgetOut

__all__ = [
    "PlanLineOut",
    "PlanOut",
    "StageVarianceOut",
    "VarianceOut",
    "create_budget_from_plan",
    "plan_budget",
    "plan_variance",
    "readable_plan_variance",
]

_DEVIATION_LIMIT = Decimal("0.10")
_MAX = Decimal("1000000000")  # volumes, ratios and prices stay far below this
_MAX_TOTAL = Decimal("1000000000000")


class PlanLineOut(BaseModel):
    stage: str
    category: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    price_source: str
    system_price: Decimal | None
    deviation: Decimal | None
    flagged: bool
    description: str


class PlanOut(BaseModel):
    project_id: int
    deliverable: Decimal
    loss_rate: Decimal
    output_ratio: Decimal
    collection_volume: Decimal
    annotation_hours: Decimal
    modality: str
    language_group: str
    total: Decimal
    lines: list[PlanLineOut]


class StageVarianceOut(BaseModel):
    stage: str
    planned_quantity: Decimal
    planned_amount: Decimal
    actual_quantity: Decimal
    actual_amount: Decimal
    variance: Decimal  # actual − planned amount: positive = over plan
    variance_pct: Decimal | None
    status: str  # within | over | unplanned


class VarianceOut(BaseModel):
    project_id: int
    budget_id: int | None
    budget_version: int | None
    planned_total: Decimal
    actual_total: Decimal
    stages: list[StageVarianceOut]
    #: the month (``YYYY-MM``) whose end the actual costs run to; None: every cost posted
    period: str | None = None


def _rate(value: Any, field: str, *, upper: Decimal | None = None) -> Decimal:
    if isinstance(value, float):
        raise InvalidInput(f"{field} must be a decimal string, not a float", field=field,
                           reason_code="decimal_not_float")
    try:
        d = Decimal(str(value))
    except ArithmeticError as err:
        raise InvalidInput(f"{field} {value!r} is not a number", field=field,
                           reason_code="not_a_number", value=str(value)) from err
    upper = _MAX if upper is None else upper
    if not d.is_finite() or d < 0 or d >= upper:
        bound = f" and below {upper:,}"
        raise InvalidInput(f"{field} {d} must be zero or more{bound}", field=field,
                           reason_code="decimal_negative", d=str(d), bound=str(bound))
    return d


class _PriceEntry(Protocol):
    id: int
    half_year: str
    unit: str
    unit_price: Decimal


class PriceSystem(Protocol):
    """What the plan reads from the price system (the workforce domain's ``pricing`` module,
    found through the ``datamill.price_system`` entry point so the ledger imports no workforce
    module)."""

    def effective_price(self, session: Session, day: date, vendor_id: int | None, stage: str,
                        modality: str, group: str) -> _PriceEntry | None: ...

    def language_group(self, language: str) -> str: ...


@cache
def _price_system() -> PriceSystem:
    found = [ep for ep in entry_points(group="datamill.price_system") if ep.name == "pricing"]
    if not found:
        raise InvalidInput("no price system is installed (entry point datamill.price_system)",
                           reason_code="no_price_system")
    system: PriceSystem = found[0].load()
    return system


def _line(
    session: Session, *, on: date, vendor_id: int | None, stage: str, modality: str,
    group: str, quantity: Decimal, given: Any, what: str,
) -> PlanLineOut:
    entry = _price_system().effective_price(session, on, vendor_id, stage, modality, group)
    system = entry.unit_price if entry is not None and entry.unit == "hour" else None
    if given is None:
        if entry is None:
            raise InvalidInput(
                f"the price system has no price for {stage} × {modality} × {group} on {on}; "
                f"set one or give the {what} price", field=f"{what}_price",
                reason_code="price_missing_for_plan", stage=str(stage), modality=str(modality),
                group=str(group), on=str(on), what=str(what))
        if entry.unit != "hour":
            raise InvalidInput(
                f"the price system counts {stage} per {entry.unit}; the plan is in hours, so "
                f"give the {what} price per hour", field=f"{what}_price",
                reason_code="price_unit_not_hours", stage=str(stage), unit=str(entry.unit),
                what=str(what))
        price, source = entry.unit_price, f"price system {entry.half_year} #{entry.id}"
    else:
        price, source = _rate(given, f"{what}_price"), "given"
    deviation = ((price - system) / system).quantize(Decimal("0.0001")) if system else None
    amount = to_cents(quantity * price)
    return PlanLineOut(
        stage=stage, category="data_service", quantity=quantity, unit="hours",
        unit_price=to_decimal(price, 4), amount=amount, price_source=source,
        system_price=system, deviation=deviation,
        flagged=deviation is not None and abs(deviation) > _DEVIATION_LIMIT,
        description=f"{what}: {quantity} h × {price} ({source})",
    )


def plan_budget(
    session: Session, project_id: int, *, deliverable: Any, loss_rate: Any, output_ratio: Any,
    on: date, collection_stage: str = "collect", labelling_stage: str = "annotate",
    vendor_id: int | None = None, collection_price: Any = None, labelling_price: Any = None,
) -> PlanOut:
    """Budget lines from planned volume: collection = deliverable × (1 + loss), labelling =
    collection × annotation-output ratio, each at the price system's price."""
    from datamill.production.models import Project

    lp = ledger_project_row(session, project_id)
    project = session.get(Project, lp.production_project_id)
    assert project is not None  # a ledger project always has its production project
    deliv = _rate(deliverable, "deliverable")
    if deliv == 0:
        raise InvalidInput("deliverable volume must be positive", field="deliverable",
                           reason_code="deliverable_volume_positive")
    loss = _rate(loss_rate, "loss_rate", upper=Decimal(1))
    ratio = _rate(output_ratio, "output_ratio")
    collected = collection_quantity(deliv, loss)
    hours = annotation_hours(collected, ratio)
    group = _price_system().language_group(project.language)
    common: dict[str, Any] = {"on": on, "vendor_id": vendor_id, "modality": project.modality,
                              "group": group}
    lines = [_line(session, stage=collection_stage, quantity=collected, given=collection_price,
                   what="collection", **common)]
    if hours > 0:
        lines.append(_line(session, stage=labelling_stage, quantity=hours,
                           given=labelling_price, what="labelling", **common))
    total = sum((ln.amount for ln in lines), Decimal(0))
    if total > _MAX_TOTAL:
        raise InvalidInput(f"the plan comes to {total:,}, beyond the {_MAX_TOTAL:,} a budget "
                           "holds; check the volume, ratio and prices", field="deliverable",
                           reason_code="plan_total_too_large", total=f"{total:,}", MAX_TOTAL=f"{_MAX_TOTAL:,}")
    return PlanOut(
        project_id=project_id, deliverable=deliv, loss_rate=loss, output_ratio=ratio,
        collection_volume=collected, annotation_hours=hours, modality=project.modality,
        language_group=group, total=total, lines=lines)


def create_budget_from_plan(
    session: Session, project_id: int, *, actor_id: int | None = None,
    extra_lines: list[dict[str, Any]] | None = None, **plan: Any,
) -> BudgetOut:
    """A draft budget version from :func:`plan_budget` (+ other lines: labour, equipment ...)."""
    p = plan_budget(session, project_id, **plan)
    lines: list[dict[str, Any]] = [
        {"stage": ln.stage, "category": ln.category, "quantity": ln.quantity, "unit": ln.unit,
         "unit_price": ln.unit_price, "description": ln.description,
         # the labelling line (the second) keeps the plan's ratio: the budgeted ratio
         "output_ratio": p.output_ratio if i == 1 else None} for i, ln in enumerate(p.lines)]
    return create_budget(session, project_id, [*lines, *(extra_lines or [])],
                         actor_id=actor_id)


def readable_plan_variance(session: Session, reader: User, project_id: int,
                           period: str | None = None) -> VarianceOut:
    """:func:`plan_variance` of ledger project ``project_id`` for ``reader``, refused
    (Forbidden) unless the ledger's one reader rule,
    :func:`~datamill.ledger.access.require_project_reader`, lets them read the project's books
    (the API, web and CLI faces all read the variance through here)."""
    require_ledger_access(session, reader, write=False)  # before the project's existence
    require_project_reader(session, reader,
                           ledger_project_row(session, project_id).production_project_id)
    return plan_variance(session, project_id, period)


def plan_variance(session: Session, project_id: int, period: str | None = None) -> VarianceOut:
    """Per stage: approved budget quantity and amount against posted costs; with ``period``
    (``YYYY-MM``), the costs incurred up to that month's end. A period that is not one is
    refused (``period_form``, ``period_year_range``): it was ignored, and the whole project's
    costs shown as if they were the month's."""
    last = month_bounds(period)[1] if period is not None else None
    ledger_project_row(session, project_id)
    budget = approved_budget(session, project_id)
    zero = Decimal(0)
    plan: dict[str, list[Decimal]] = defaultdict(lambda: [zero, zero])
    if budget is not None:
        for ln in session.scalars(select(LedgerBudgetLine).where(
                LedgerBudgetLine.budget_id == budget.id)):
            plan[ln.stage][0] += ln.quantity
            plan[ln.stage][1] += ln.amount
    actual: dict[str, list[Decimal]] = defaultdict(lambda: [zero, zero])
    for stage, qty, amount in session.execute(
            select(LedgerCost.stage, func.sum(LedgerCost.quantity), func.sum(LedgerCost.amount))
            .where(LedgerCost.project_id == project_id, LedgerCost.status == "posted",
                   *([LedgerCost.incurred_on <= last] if last is not None else []))
            .group_by(LedgerCost.stage)):
        actual[stage] = [Decimal(qty or 0), Decimal(amount or 0)]
    stages: list[StageVarianceOut] = []
    for stage in sorted(set(plan) | set(actual)):
        (pq, pa), (aq, aa) = plan[stage], actual[stage]
        var = aa - pa
        stages.append(StageVarianceOut(
            stage=stage, planned_quantity=pq, planned_amount=pa, actual_quantity=aq,
            actual_amount=aa, variance=var,
            variance_pct=(var / pa).quantize(Decimal("0.0001")) if pa else None,
            status="unplanned" if stage not in plan else ("over" if var > 0 else "within")))
    return VarianceOut(
        project_id=project_id, budget_id=budget.id if budget else None,
        budget_version=budget.version if budget else None,
        planned_total=sum((s.planned_amount for s in stages), zero),
        actual_total=sum((s.actual_amount for s in stages), zero), stages=stages, period=period)
