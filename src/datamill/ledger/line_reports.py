"""Finance-dashboard reports: margin by line (custom / catalog / services) and the cost per
accepted hour of speech, from the recognitions (a cancelled contract's write-off is a
non-operating loss, not cost of sales, so it is left out of both).

Lines: a ``product_licence`` order is **catalog**; an ``application_service`` order is
**services**; every other custom order is **custom**.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.core.money import to_decimal
from datamill.ledger.models import LedgerAcceptance, LedgerOrder, LedgerRecognition

__all__ = [
    "LINES",
    "LineMarginRow",
    "SpeechUnitOut",
    "line_margin",
    "line_of",
    "line_report_csv",
    "speech_cost_per_hour",
]

LINES = ("custom", "catalog", "services")
ZERO = Decimal(0)


class LineMarginRow(BaseModel):
    line: str
    revenue: Decimal
    cost: Decimal
    margin: Decimal
    margin_pct: Decimal | None


class SpeechUnitOut(BaseModel):
    hours: Decimal
    revenue: Decimal
    cost: Decimal
    price_per_hour: Decimal | None
    cost_per_hour: Decimal | None


def line_of(business_line: str, offering: str) -> str:
    if offering == "product_licence":
        return "catalog"
    if business_line == "application_service":
        return "services"
    return "custom"


def line_margin(session: Session, date_from: date, date_to: date) -> list[LineMarginRow]:
    """Revenue, cost of sales and gross margin per line, always all three lines."""
    acc = {name: [ZERO, ZERO] for name in LINES}
    for bl, off, rev, cost in session.execute(
            select(LedgerOrder.business_line, LedgerOrder.offering,
                   func.sum(LedgerRecognition.revenue), func.sum(LedgerRecognition.cost))
            .join(LedgerOrder, LedgerOrder.id == LedgerRecognition.order_id)
            .where(LedgerRecognition.recognised_on >= date_from,
                   LedgerRecognition.recognised_on <= date_to,
                   LedgerRecognition.basis != "write_off")
            .group_by(LedgerOrder.business_line, LedgerOrder.offering)):
        row = acc[line_of(bl, off)]
        row[0] += Decimal(rev or 0)
        row[1] += Decimal(cost or 0)
    return [LineMarginRow(line=name, revenue=r, cost=c, margin=r - c,
                          margin_pct=to_decimal((r - c) / r, 6) if r else None)
            for name, (r, c) in acc.items()]


def speech_cost_per_hour(session: Session, date_from: date, date_to: date) -> SpeechUnitOut:
    """Speech orders measured in hours: cost carried / hours accepted in the range."""
    ids = select(LedgerOrder.id).where(LedgerOrder.business_line == "speech",
                                       LedgerOrder.volume_unit == "hours")
    hours = Decimal(session.scalar(select(func.sum(LedgerAcceptance.volume)).where(
        LedgerAcceptance.order_id.in_(ids), LedgerAcceptance.accepted_on >= date_from,
        LedgerAcceptance.accepted_on <= date_to)) or 0)
    rev, cost = session.execute(
        select(func.sum(LedgerRecognition.revenue), func.sum(LedgerRecognition.cost)).where(
            LedgerRecognition.order_id.in_(ids), LedgerRecognition.basis != "write_off",
            LedgerRecognition.recognised_on >= date_from,
            LedgerRecognition.recognised_on <= date_to)).one()
    rev, cost = Decimal(rev or 0), Decimal(cost or 0)
    return SpeechUnitOut(hours=hours, revenue=rev, cost=cost,
                         price_per_hour=to_decimal(rev / hours, 2) if hours else None,
                         cost_per_hour=to_decimal(cost / hours, 2) if hours else None)


def line_report_csv(session: Session, date_from: date, date_to: date) -> str:
    """Margin by line, then the speech cost per hour, as CSV."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["line", "revenue", "cost", "margin", "margin_pct"])
    for r in line_margin(session, date_from, date_to):
        w.writerow([r.line, f"{r.revenue:.2f}", f"{r.cost:.2f}", f"{r.margin:.2f}",
                    "" if r.margin_pct is None else r.margin_pct])
    u = speech_cost_per_hour(session, date_from, date_to)
    w.writerow([])
    w.writerow(["speech_hours", "revenue", "cost", "price_per_hour", "cost_per_hour"])
    w.writerow([u.hours, f"{u.revenue:.2f}", f"{u.cost:.2f}",
                "" if u.price_per_hour is None else u.price_per_hour,
                "" if u.cost_per_hour is None else u.cost_per_hour])
    return buf.getvalue()
