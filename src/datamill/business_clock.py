"""The business's calendar: which day a moment belongs to for the books.

Timestamps are stored in UTC (``*_at``); days that money and periods hang on (the day revenue is
recognised, a cost is booked, a contract is signed, a licence expires, a settlement or ledger
period begins) are days of the business's own time zone, ``DATAMILL_BUSINESS_TIMEZONE``
(default Asia/Shanghai). One zone for all of them, so the revenue and the cost of the same
accepted work never land in different months because one was dated in UTC and the other in
Beijing time (a customer acceptance at 03:00 on 1 December Beijing time is a December sale).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from datamill.config import business_timezone
from datamill.core.clock import utcnow

__all__ = ["business_day", "business_time", "business_today", "day_start", "local_time"]


def local_time(at: datetime) -> datetime:
    """``at`` (aware, or naive UTC as SQLite hands it back) on the business's clock."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(business_timezone())


def business_time(at: datetime, *, seconds: bool = False) -> str:
    """``at`` on the business's clock with its offset named, for people to read:
    ``2026-12-01 03:00 UTC+08:00`` (``UTC`` alone at offset zero). Every printed time (pages,
    printed sheets) reads the same, on the clock the books' days hang on."""
    local = local_time(at)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    label = "UTC" if not minutes else (
        f"UTC{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")
    return f"{local:%Y-%m-%d %H:%M{':%S' if seconds else ''}} {label}"


def business_day(at: datetime) -> date:
    """The business day ``at`` falls on."""
    return local_time(at).date()


def business_today() -> date:
    """Today on the business's calendar."""
    return business_day(utcnow())


def day_start(day: date) -> datetime:
    """The UTC moment the business day ``day`` begins (where a period's rows start)."""
    return datetime.combine(day, time(0), tzinfo=business_timezone()).astimezone(UTC)
