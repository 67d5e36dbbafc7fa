"""A small fixed-asset register: assets in use on a project, depreciated monthly (§6.4).

Depreciation = days used in the month / 365 × annual depreciation, booked to the asset's
project as an ``equipment`` cost dated the month end; its ``source_ref``
(``depreciation:CODE:YYYY-MM-DD``) makes each month's charge once-only.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import parse_money, to_cents
from datamill.ledger._periods import MAX_YEAR, MIN_YEAR, closed_through, period_of
from datamill.ledger.costs import depreciation_amount, post_cost, post_depreciation
from datamill.ledger.models import LedgerCost, LedgerFixedAsset, LedgerPeriodClose
from datamill.ledger.projects import ledger_project_row

__all__ = ["AssetOut", "DepreciationLine", "days_used", "depreciate_month", "depreciate_to_close",
           "ledger_begins", "register_asset"]


class AssetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    annual_depreciation: Decimal
    project_id: int
    stage: str
    in_use_from: date
    in_use_to: date | None


class DepreciationLine(BaseModel):
    asset: str
    project_id: int
    days_used: int
    amount: Decimal
    cost_id: int | None
    status: str


def register_asset(
    session: Session, code: str, *, name: str, annual_depreciation: Decimal | str,
    project_id: int, in_use_from: date, in_use_to: date | None = None, stage: str = "equipment",
    actor_id: int | None = None,
) -> AssetOut:
    """Put an asset to use on a project (booked there every month it is in use).

    Refused for a project whose final accounts are done (``project_closed``): it takes no more
    expense, and an asset registered on it afterwards sat in the register "in use" for ever
    while every month-end run skipped it (its days before the close were never charged)."""
    project = ledger_project_row(session, project_id)
    if project.status == "closed":
        raise Conflict(f"project {project_id} is closed (final accounts {project.closed_on}); "
                       "it takes no more assets: register the asset on the project that uses "
                       "it now", project_id=project_id, closed_on=str(project.closed_on),
                       reason_code="project_closed")
    annual = parse_money(annual_depreciation, "annual_depreciation")
    if in_use_to is not None and in_use_to < in_use_from:
        raise InvalidInput("an asset leaves use after it starts", field="in_use_to",
                           reason_code="asset_dates_order")
    _refuse_closed_months(session, code, parse_money(annual_depreciation, "annual_depreciation"),
                          in_use_from, in_use_to)
    row = LedgerFixedAsset(code=code, name=name, annual_depreciation=annual,
                           project_id=project_id, stage=stage, in_use_from=in_use_from,
                           in_use_to=in_use_to)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"asset {code!r} already exists", key=code,
                       reason_code="asset_exists") from err
    record_audit(session, actor_id=actor_id, action="ledger.asset.registered",
                 object_type="ledger_fixed_asset", object_id=row.id,
                 data={"code": code, "annual_depreciation": str(annual),
                       "project_id": project_id})
    return AssetOut.model_validate(row)


def _refuse_closed_months(
    session: Session, code: str, annual: Decimal, in_use_from: date, in_use_to: date | None
) -> None:
    """An asset in use during a closed month that the ledger kept (from its first month on) is
    refused: that month's run went without it and takes nothing more, so its days there were
    silently never charged (`asset-add MIC-2 ... 2026-11-01` with November closed: 30 days,
    3,000.00, lost). Months before the ledger began had no run to lose (assets bought long
    before stay registrable)."""
    through = closed_through(session)
    begins = ledger_begins(session)
    if through is None or begins is None:
        return
    first = max(in_use_from, begins)
    last = min(through, in_use_to) if in_use_to is not None else through
    if last < first:
        return
    days = (last - first).days + 1
    amount = to_cents(Decimal(days) * annual / 365)
    raise Conflict(
        f"asset {code!r} in use from {in_use_from} was in use in closed months ({first} to "
        f"{last}, {days} days, {amount} of depreciation) whose period-end runs went without it "
        f"and take nothing more: register it in use from {through + timedelta(days=1)} and book "
        "those days as an equipment cost in the open period, or have a finance lead reopen the "
        "period (datamill ledger period-reopen)", reason_code="asset_closed_months",
        asset=code, first=str(first), last=str(last), days=days, amount=str(amount),
        first_open_day=str(through + timedelta(days=1)))


def days_used(asset: LedgerFixedAsset, start: date, end: date) -> int:
    """Days of ``[start, end]`` the asset was in use."""
    first = max(start, asset.in_use_from)
    last = min(end, asset.in_use_to) if asset.in_use_to else end
    return max((last - first).days + 1, 0)


def depreciate_month(
    session: Session, start: date, end: date, *, actor_id: int | None = None
) -> list[DepreciationLine]:
    """Book every asset's share of the month ``[start, end]`` (once; a re-run finds it booked).

    An asset whose project is closed is skipped; a charge over the budget line awaits the
    usual over-budget approval (reason: automatic monthly depreciation). In a month already
    closed (the re-run of a closed period) nothing new is booked: an asset registered after
    the close, in use back then, is left out as it was from the closed report."""
    out: list[DepreciationLine] = []
    through = closed_through(session)
    frozen = through is not None and end <= through
    for asset in session.scalars(select(LedgerFixedAsset).order_by(LedgerFixedAsset.id)):
        days = days_used(asset, start, end)
        if not days:
            continue
        ref = f"depreciation:{asset.code}:{end.isoformat()}"
        done = session.scalars(select(LedgerCost).where(LedgerCost.source_ref == ref)).first()
        if done is None and frozen:
            continue
        if done is not None:  # booked by an earlier run, or up to final accounts
            booked_days = int(done.quantity) if done.quantity else days
            out.append(DepreciationLine(asset=asset.code, project_id=asset.project_id,
                                        days_used=booked_days, amount=done.amount,
                                        cost_id=done.id, status=done.status))
            continue
        project = ledger_project_row(session, asset.project_id)
        if project.status == "closed":
            out.append(DepreciationLine(
                asset=asset.code, project_id=asset.project_id, days_used=days,
                amount=depreciation_amount(days, asset.annual_depreciation), cost_id=None,
                status="project_closed"))
            continue
        cost = post_depreciation(
            session, asset.project_id, asset=asset.code, days_used=days,
            annual_depreciation=asset.annual_depreciation, period_end=end, stage=asset.stage,
            over_budget_reason="automatic monthly depreciation of an asset in use",
            actor_id=actor_id)
        out.append(DepreciationLine(asset=asset.code, project_id=asset.project_id,
                                    days_used=days, amount=cost.amount, cost_id=cost.id,
                                    status=cost.status))
    return out


def ledger_begins(session: Session) -> date | None:
    """The first day of the ledger's first month: the earliest month with a period-end run
    (prepared or closed) or a cost of any project; None for a ledger that holds neither."""
    firsts: list[date] = []
    run = session.scalar(select(func.min(LedgerPeriodClose.period)))
    if run is not None:
        firsts.append(month_bounds(run)[0])
    cost = session.scalar(select(func.min(LedgerCost.incurred_on)))
    if cost is not None:
        firsts.append(cost.replace(day=1))
    return min(firsts) if firsts else None


def depreciate_to_close(
    session: Session, project_id: int, closed_on: date, *, actor_id: int | None = None
) -> list[DepreciationLine]:
    """Final accounts: book each of the project's assets for its days in use up to
    ``closed_on``: the closing month up to that day, dated ``closed_on``, and every earlier open
    month whose period-end run never booked it, dated that month's end (a month's run skips a
    closed project, so they were lost). Each goes under its month's reference: a run finds it.

    Earlier months go back to the ledger's first month (:func:`ledger_begins`), not before: a
    month before it had no run to lose (the system datamill replaced booked it, or nobody did),
    so an asset in use for years before the ledger began (``in_use_from`` its purchase) is not
    charged those years at the close. A ledger with nothing in it yet books the closing month.

    Refused when a booking would be over the budget line: an over-budget cost awaits an
    approval a closed project can no longer get, so the budget is raised first."""
    # months up to the latest closed one take nothing more: their runs booked them, or the
    # asset came later
    through = closed_through(session)
    close_month = closed_on.replace(day=1)
    begins = min(ledger_begins(session) or close_month, close_month)
    out: list[DepreciationLine] = []
    for asset in session.scalars(select(LedgerFixedAsset).where(
            LedgerFixedAsset.project_id == project_id).order_by(LedgerFixedAsset.id)):
        month = max(asset.in_use_from.replace(day=1), begins)
        while month <= closed_on:
            _, month_end = month_bounds(period_of(month))
            last = min(month_end, closed_on)
            if through is None or month_end > through:
                line = _book_to_close(session, asset, month, last, month_end, actor_id)
                if line is not None:
                    out.append(line)
            month = month_end + timedelta(days=1)
    return out


def _book_to_close(
    session: Session, asset: LedgerFixedAsset, start: date, last: date, month_end: date,
    actor_id: int | None,
) -> DepreciationLine | None:
    """One month of ``asset`` up to ``last`` for final accounts (None: nothing, or booked)."""
    days = days_used(asset, start, last)
    ref = f"depreciation:{asset.code}:{month_end.isoformat()}"
    if not days or session.scalar(select(LedgerCost.id).where(
            LedgerCost.source_ref == ref)) is not None:
        return None
    amount = depreciation_amount(days, asset.annual_depreciation)
    cost = post_cost(session, asset.project_id, asset.stage, "equipment", amount, ref,
                     incurred_on=last, quantity=Decimal(days),
                     description=f"{asset.code}: {days} days / 365 × "
                                 f"{asset.annual_depreciation}, up to final accounts",
                     over_budget_reason="depreciation up to final accounts",
                     actor_id=actor_id)
    if cost.status != "posted":
        raise Conflict(f"the depreciation of {asset.code} up to final accounts ({amount}, "
                       f"{days} days) is over project {asset.project_id}'s {asset.stage} / "
                       "equipment budget line: approve a budget with room for it first",
                       project_id=asset.project_id, asset=asset.code,
                       reason_code="depreciation_over_budget", amount=str(amount), days=days,
                       stage=str(asset.stage))
    return DepreciationLine(asset=asset.code, project_id=asset.project_id, days_used=days,
                            amount=cost.amount, cost_id=cost.id, status=cost.status)


def month_bounds(period: str) -> tuple[date, date]:
    """``YYYY-MM`` → (first day, last day)."""
    try:
        year, month = (int(x) for x in period.split("-"))
        start = date(year, month, 1)
    except ValueError as err:
        raise InvalidInput(f"{period!r} is not a period (YYYY-MM)", field="period",
                           reason_code="period_form", period=str(period)) from err
    if len(period) != 7:
        raise InvalidInput(f"{period!r} is not a period (YYYY-MM)", field="period",
                           reason_code="period_form", period=str(period))
    if not MIN_YEAR <= year <= MAX_YEAR:  # the years datamill runs (README)
        raise InvalidInput(f"period {period}: years run {MIN_YEAR}..{MAX_YEAR}", field="period",
                           reason_code="period_year_range", period=str(period), MIN_YEAR=MIN_YEAR,
                           MAX_YEAR=MAX_YEAR)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)
