"""Finance-dashboard reports: margin by line (custom / catalog / services) and the cost per
accepted unit of volume of each business line and unit (speech: hours; vision: images; …), from
the recognitions (a cancelled contract's write-off is a non-operating loss, not cost of sales,
so it is left out of both). ``speech_cost_per_hour`` is the speech-hours row of that table.
Each is computed without the books in ``hidden`` (the reader's:
:func:`datamill.ledger.access.hidden_books`), as every report over several projects.

Lines: a ``product_licence`` order is **catalog**; an ``application_service`` order is
**services**; every other custom order is **custom**.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.core.csv_cells import safe_writer
from datamill.core.money import Cents, to_decimal
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.models import LedgerAcceptance, LedgerOrder, LedgerRecognition
from datamill.ledger.reports import visible_recognitions

__all__ = [
    "LINES",
    "LineMarginRow",
    "SpeechUnitOut",
    "UnitCostOut",
    "line_margin",
    "line_of",
    "line_report_csv",
    "speech_cost_per_hour",
    "unit_cost",
    "unit_costs",
]

LINES = ("custom", "catalog", "services")
ZERO = Decimal(0)


class LineMarginRow(BaseModel):
    line: str
    revenue: Cents
    cost: Cents
    margin: Cents
    margin_pct: Decimal | None


class SpeechUnitOut(BaseModel):
    hours: Decimal
    revenue: Cents
    cost: Cents
    price_per_hour: Decimal | None
    cost_per_hour: Decimal | None


def line_of(business_line: str, offering: str) -> str:
    if offering == "product_licence":
        return "catalog"
    if business_line == "application_service":
        return "services"
    return "custom"


def line_margin(session: Session, date_from: date, date_to: date, *,
                hidden: HiddenBooks = NOTHING_HIDDEN) -> list[LineMarginRow]:
    """Revenue, cost of sales and gross margin per line, always all three lines."""
    acc = {name: [ZERO, ZERO] for name in LINES}
    for bl, off, rev, cost in session.execute(
            select(LedgerOrder.business_line, LedgerOrder.offering,
                   func.sum(LedgerRecognition.revenue), func.sum(LedgerRecognition.cost))
            .join(LedgerOrder, LedgerOrder.id == LedgerRecognition.order_id)
            .where(LedgerRecognition.recognised_on >= date_from,
                   LedgerRecognition.recognised_on <= date_to,
                   LedgerRecognition.basis != "write_off", *visible_recognitions(hidden))
            .group_by(LedgerOrder.business_line, LedgerOrder.offering)):
        row = acc[line_of(bl, off)]
        row[0] += Decimal(rev or 0)
        row[1] += Decimal(cost or 0)
    return [LineMarginRow(line=name, revenue=r, cost=c, margin=r - c,
                          margin_pct=to_decimal((r - c) / r, 6) if r else None)
            for name, (r, c) in acc.items()]


class UnitCostOut(BaseModel):
    """Cost and price per accepted unit of one business line's orders measured in one unit."""

    business_line: str
    volume_unit: str
    volume: Decimal
    revenue: Cents
    cost: Cents
    price_per_unit: Decimal | None
    cost_per_unit: Decimal | None


def unit_cost(session: Session, date_from: date, date_to: date, *, business_line: str,
              volume_unit: str, hidden: HiddenBooks = NOTHING_HIDDEN) -> UnitCostOut:
    """Orders of ``business_line`` measured in ``volume_unit``: cost carried / volume accepted
    in the range (and revenue / volume), the volume of the orders that recognised revenue in
    the range only: an order accepted in part and not yet recognised (acceptance type 1 before
    its final acceptance) would add hours that earned nothing (trial 17)."""
    ids = select(LedgerOrder.id).where(LedgerOrder.business_line == business_line,
                                       LedgerOrder.volume_unit == volume_unit)
    if hidden:
        ids = ids.where(LedgerOrder.id.not_in(hidden.orders))
    recognised = (LedgerRecognition.order_id.in_(ids), LedgerRecognition.basis != "write_off",
                  LedgerRecognition.recognised_on >= date_from,
                  LedgerRecognition.recognised_on <= date_to, *visible_recognitions(hidden))
    earning = select(LedgerRecognition.order_id).where(*recognised)
    volume = Decimal(session.scalar(select(func.sum(LedgerAcceptance.volume)).where(
        LedgerAcceptance.order_id.in_(earning), LedgerAcceptance.accepted_on >= date_from,
        LedgerAcceptance.accepted_on <= date_to)) or 0)
    # a catalog licence is accepted with no acceptance row: its order's volume (one licence)
    # counts when its revenue is recognised (it counted 0 beside the licence revenue)
    volume += Decimal(session.scalar(select(func.sum(LedgerOrder.total_volume)).where(
        LedgerOrder.id.in_(earning.where(LedgerRecognition.basis == "licence")))) or 0)
    rev, cost = session.execute(
        select(func.sum(LedgerRecognition.revenue), func.sum(LedgerRecognition.cost))
        .where(*recognised)).one()
    rev, cost = Decimal(rev or 0), Decimal(cost or 0)
    return UnitCostOut(business_line=business_line, volume_unit=volume_unit, volume=volume,
                       revenue=rev, cost=cost,
                       price_per_unit=to_decimal(rev / volume, 2) if volume else None,
                       cost_per_unit=to_decimal(cost / volume, 2) if volume else None)


def unit_costs(session: Session, date_from: date, date_to: date, *,
               hidden: HiddenBooks = NOTHING_HIDDEN) -> list[UnitCostOut]:
    """``unit_cost`` of every (business line, volume unit) pair that has orders."""
    pairs = session.execute(
        select(LedgerOrder.business_line, LedgerOrder.volume_unit).distinct()
        .order_by(LedgerOrder.business_line, LedgerOrder.volume_unit)).all()
    return [unit_cost(session, date_from, date_to, business_line=line, volume_unit=unit,
                      hidden=hidden) for line, unit in pairs]


def speech_cost_per_hour(session: Session, date_from: date, date_to: date, *,
                         hidden: HiddenBooks = NOTHING_HIDDEN) -> SpeechUnitOut:
    """Speech orders measured in hours: cost carried / hours accepted in the range."""
    u = unit_cost(session, date_from, date_to, business_line="speech", volume_unit="hours",
                  hidden=hidden)
    return SpeechUnitOut(hours=u.volume, revenue=u.revenue, cost=u.cost,
                         price_per_hour=u.price_per_unit, cost_per_hour=u.cost_per_unit)


def line_report_csv(session: Session, date_from: date, date_to: date, *,
                    hidden: HiddenBooks = NOTHING_HIDDEN) -> str:
    """Margin by line, then the speech cost per hour, then the cost per unit of every line
    and unit, as CSV."""
    buf = io.StringIO()
    w = safe_writer(buf, lineterminator="\n")
    w.writerow(["line", "revenue", "cost", "margin", "margin_pct"])
    for r in line_margin(session, date_from, date_to, hidden=hidden):
        w.writerow([r.line, f"{r.revenue:.2f}", f"{r.cost:.2f}", f"{r.margin:.2f}",
                    "" if r.margin_pct is None else r.margin_pct])
    u = speech_cost_per_hour(session, date_from, date_to, hidden=hidden)
    w.writerow([])
    w.writerow(["speech_hours", "revenue", "cost", "price_per_hour", "cost_per_hour"])
    w.writerow([u.hours, f"{u.revenue:.2f}", f"{u.cost:.2f}",
                "" if u.price_per_hour is None else u.price_per_hour,
                "" if u.cost_per_hour is None else u.cost_per_hour])
    w.writerow([])
    w.writerow(["business_line", "volume_unit", "volume", "revenue", "cost", "price_per_unit",
                "cost_per_unit"])
    for c in unit_costs(session, date_from, date_to, hidden=hidden):
        w.writerow([c.business_line, c.volume_unit, c.volume, f"{c.revenue:.2f}",
                    f"{c.cost:.2f}", "" if c.price_per_unit is None else c.price_per_unit,
                    "" if c.cost_per_unit is None else c.cost_per_unit])
    return buf.getvalue()
