"""Closed periods and posting dates: the one check every posting entry point makes.

A month is **closed** once its period-end run was confirmed by a second person
(:func:`~datamill.ledger.period_close.confirm_period`, status ``closed``). Nothing may be booked
into it afterwards: a cost, invoice, receipt, acceptance or recognition dated in a closed month
is refused up front, naming the month and the first open day to post on instead (there is no
reopen: a correction goes into the open period). A ``prepared`` month (run, not yet confirmed)
still takes postings; its re-run replaces the report before the confirmation.

Postings consumed from other domains' events (settlement sheets, hour points, customer
acceptances) are never refused for this: :func:`first_open_day` moves them to the first day of
the first open month, and the booking keeps a note of the original date.

Every posting reads the closed months under :data:`PERIOD_LOCK` held in shared mode until its
transaction ends, and a period's run or confirmation holds it exclusively: on PostgreSQL a
confirmation waits for the postings already reading (then finds the figures changed and asks
for a re-run), and a posting that comes while a run or confirmation holds the lock is refused
at once (Conflict: post again in a moment) rather than waiting, because it may already hold
row locks the run needs (a wait there would deadlock). Without the lock both went through
under READ COMMITTED and the cost landed in the month just closed. (SQLite has one writer at
a time: no lock needed.)

Posting dates also stay inside the years datamill knows (1900..2999) and no further ahead than a
year from today: a date outside is a typing error, not a posting.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput
from datamill.ledger.models import LedgerPeriodClose

__all__ = ["MAX_AHEAD_DAYS", "MAX_YEAR", "MIN_YEAR", "PERIOD_LOCK", "check_posting_date",
           "closed_periods", "first_open_day", "period_of", "require_open_period"]

MAX_AHEAD_DAYS = 366
MIN_YEAR, MAX_YEAR = 1900, 2999
PERIOD_LOCK = 0x64_6D_70_63  # "dmpc": PostgreSQL advisory lock of the month-end runs


def period_of(on: date) -> str:
    return f"{on.year:04d}-{on.month:02d}"


def closed_periods(session: Session) -> set[str]:
    """The closed months, read after taking :data:`PERIOD_LOCK` in shared mode (see the module
    docstring): no confirmation commits between this read and the caller's posting."""
    if session.get_bind().dialect.name == "postgresql" and not session.scalar(
            text("SELECT pg_try_advisory_xact_lock_shared(:k)"), {"k": PERIOD_LOCK}):
        raise Conflict("a month-end close is being run or confirmed right now; post again in a "
                       "moment (nothing was booked)")
    return set(session.scalars(select(LedgerPeriodClose.period).where(
        LedgerPeriodClose.status == "closed")))


def first_open_day(session: Session, on: date) -> date:
    """``on`` when its month is open, else the first day of the first open month after it."""
    closed = closed_periods(session)
    day = on
    while period_of(day) in closed:
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return day


def require_open_period(session: Session, on: date, what: str) -> None:
    """Refuse ``what`` (e.g. ``"cost REF-1"``) dated ``on`` in a closed period."""
    period = period_of(on)
    if period in closed_periods(session):
        open_day = first_open_day(session, on)
        raise Conflict(
            f"{what} is dated {on.isoformat()}, in period {period}, which is closed (confirmed); "
            f"nothing more is booked into it: post it in the open period, dated "
            f"{open_day.isoformat()} or later (a closed period is not reopened)",
            period=period, first_open_day=open_day.isoformat())


def check_posting_date(session: Session, on: date, what: str, field: str) -> None:
    """A plausible date (1900..2999, at most a year ahead) in an open period."""
    latest = utcnow().date() + timedelta(days=MAX_AHEAD_DAYS)
    if not MIN_YEAR <= on.year <= MAX_YEAR or on > latest:
        raise InvalidInput(f"{what} is dated {on.isoformat()}: a posting date lies in "
                           f"{MIN_YEAR}..{MAX_YEAR} and at most a year ahead "
                           f"(until {latest.isoformat()})", field=field)
    require_open_period(session, on, what)
