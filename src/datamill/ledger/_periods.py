"""Closed periods and posting dates: the one check every posting entry point makes.

A month is **closed** once its period-end run was confirmed by a second person
(:func:`~datamill.ledger.period_close.confirm_period`, status ``closed``). Nothing may be booked
into it afterwards, **nor into any month before it** (the books are closed *through* the end of
the latest closed month, :func:`closed_through`): a cost, invoice, receipt, acceptance or
recognition dated on or before that day is refused up front, naming the closed month and the
first open day to post on instead (a correction goes into the open period; only finance may
reopen the latest closed month, :mod:`datamill.ledger.period_reopen`, and a ``reopened`` month
takes postings again until it is closed anew).
Months before the first close count as closed too once a later month is closed: a back-dated
cost in a month never run flowed into the closed month's opening WIP (the closed report lacked
it, and its re-run then said its figures changed). A ``prepared`` month (run, not yet confirmed)
still takes postings; its re-run replaces the report before the confirmation.

Postings consumed from other domains' events (settlement sheets, hour points, customer
acceptances) are never refused for this: :func:`first_open_day` moves them to the first day
after the latest closed month, and the booking keeps a note of the original date.

Every posting reads the closed months under :data:`PERIOD_LOCK` held in shared mode until its
transaction ends, and a period's run or confirmation holds it exclusively: on PostgreSQL a
confirmation waits for the postings already reading (then finds the figures changed and asks
for a re-run), and a posting that comes while a run or confirmation holds the lock is refused
at once (Conflict: post again in a moment) rather than waiting, because it may already hold
row locks the run needs (a wait there would deadlock); a run, confirmation or reopening refused
so is told to run, confirm or reopen again (:func:`period_request`), not to post. Without the
lock both went through under READ COMMITTED and the cost landed in the month just closed.
(SQLite has one writer at a time: no lock needed.)

Posting dates also stay inside the years datamill knows (1900..2999) and no further ahead than a
year from today: a date outside is a typing error, not a posting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from functools import wraps
from typing import Literal, ParamSpec, TypeVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.session import append_lock
from datamill.ledger.models import LedgerPeriodClose

__all__ = ["MAX_AHEAD_DAYS", "MAX_YEAR", "MIN_YEAR", "PERIOD_LOCK", "check_not_future",
           "check_posting_date", "closed_periods", "closed_through", "first_open_day",
           "hold_period_lock", "month_end", "period_of", "period_request", "period_requested",
           "require_open_period"]

MAX_AHEAD_DAYS = 366
MIN_YEAR, MAX_YEAR = 1900, 2999
PERIOD_LOCK = 0x64_6D_70_63  # "dmpc": PostgreSQL advisory lock of the month-end runs


P = ParamSpec("P")
R = TypeVar("R")
Asked = Literal["post", "run", "confirm", "reopen"]
#: what the request now being served asked of the books (a posting unless said)
_ASKED: ContextVar[Asked] = ContextVar("datamill.period_asked", default="post")
_BUSY = ("a month-end close is being run or confirmed right now; post again in a moment "
         "(nothing was booked)")
_BUSY_STEP = ("another month-end run, confirmation or reopening is in progress right now; "
              "{act} the month again in a moment (nothing was {done})")
_DONE = {"run": "run", "confirm": "confirmed", "reopen": "reopened"}


@contextmanager
def period_requested(act: Asked) -> Iterator[None]:
    """While the block runs, a refusal as busy (:func:`closed_periods`) words ``act``."""
    token = _ASKED.set(act)
    try:
        yield
    finally:
        _ASKED.reset(token)


def period_request(act: Asked) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The service function of a month-end ``act`` (run, confirm, reopen): a refusal as busy
    met inside it says to do that again, not to post again (see :func:`period_requested`)."""
    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            with period_requested(act):
                return fn(*args, **kwargs)
        return inner
    return wrap


def _busy() -> Conflict:
    act = _ASKED.get()
    if act == "post":
        return Conflict(_BUSY, reason_code="period_busy")
    return Conflict(_BUSY_STEP.format(act=act, done=_DONE[act]),
                    reason_code=f"period_busy_{act}")


def period_of(on: date) -> str:
    return f"{on.year:04d}-{on.month:02d}"


#: ``session.info`` key: the transaction that holds :data:`PERIOD_LOCK` exclusively
_HOLDER = "datamill.period_lock_holder"


def hold_period_lock(session: Session) -> None:
    """Take :data:`PERIOD_LOCK` exclusively until the transaction ends (a run, confirmation or
    reopening), waiting for the holder before; remembered, so that the same transaction's own
    reads of the closed months (depreciation, WIP) do not ask for it again in shared mode."""
    append_lock(session, PERIOD_LOCK)
    session.info[_HOLDER] = session.get_transaction()


def _holds_period_lock(session: Session) -> bool:
    held = session.info.get(_HOLDER)
    return held is not None and held is session.get_transaction()


def closed_periods(session: Session) -> set[str]:
    """The closed months, read after taking :data:`PERIOD_LOCK` in shared mode (see the module
    docstring): no confirmation commits between this read and the caller's posting. A
    transaction holding it exclusively (:func:`hold_period_lock`) reads them as they are: a
    shared try there failed whenever another run or confirmation was queued for the lock
    (PostgreSQL puts a request behind the waiters it conflicts with), so of clerks confirming
    at once the one holding the lock was refused as busy, and the next one in line too."""
    if session.get_bind().dialect.name == "postgresql" and not _holds_period_lock(session) \
            and not session.scalar(
                text("SELECT pg_try_advisory_xact_lock_shared(:k)"), {"k": PERIOD_LOCK}):
        raise _busy()
    return set(session.scalars(select(LedgerPeriodClose.period).where(
        LedgerPeriodClose.status == "closed")))


def month_end(period: str) -> date:
    """The last day of ``YYYY-MM`` (a well-formed period, as stored)."""
    year, month = (int(x) for x in period.split("-"))
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def closed_through(session: Session) -> date | None:
    """The last day of the latest closed month (the books are closed up to and including it),
    None while no month is closed."""
    closed = closed_periods(session)
    return month_end(max(closed)) if closed else None


def first_open_day(session: Session, on: date) -> date:
    """``on`` when it lies after the latest closed month, else the day after that month."""
    through = closed_through(session)
    return on if through is None or on > through else through + timedelta(days=1)


def require_open_period(session: Session, on: date, what: str) -> None:
    """Refuse ``what`` (e.g. ``"cost REF-1"``) dated ``on`` on or before the end of the latest
    closed month (see the module docstring)."""
    through = closed_through(session)
    if through is None or on > through:
        return
    period, latest = period_of(on), period_of(through)
    open_day = through + timedelta(days=1)
    why = ("which is closed (confirmed)" if period == latest else
           f"which counts as closed: the later period {latest} is closed (confirmed), and the "
           f"books take nothing dated on or before its last day {through.isoformat()}")
    raise Conflict(
        f"{what} is dated {on.isoformat()}, in period {period}, {why}; nothing more is booked "
        f"into it: post it in the open period, dated {open_day.isoformat()} or later (only "
        "finance reopens a closed period, with a reason: datamill ledger period-reopen)",
        period=period, closed_period=latest, first_open_day=open_day.isoformat(),
        reason_code="period_closed", subject=what, on=on.isoformat())


def check_not_future(on: date, what: str, field: str) -> None:
    """Refuse cash (a receipt, a payment) or an invoice dated after today (UTC): it has not
    happened yet, and the books would count it before it does."""
    today = business_today()
    if on > today:
        raise InvalidInput(f"{what} is dated {on.isoformat()}, after today ({today.isoformat()}): "
                           "record it on the day it happens, dated that day or earlier",
                           field=field, today=today.isoformat(),
                           reason_code="date_in_future", what=str(what), value=on.isoformat())


def check_posting_date(session: Session, on: date, what: str, field: str) -> None:
    """A plausible date (1900..2999, at most a year ahead) in an open period."""
    latest = business_today() + timedelta(days=MAX_AHEAD_DAYS)
    if not MIN_YEAR <= on.year <= MAX_YEAR or on > latest:
        raise InvalidInput(f"{what} is dated {on.isoformat()}: a posting date lies in "
                           f"{MIN_YEAR}..{MAX_YEAR} and at most a year ahead "
                           f"(until {latest.isoformat()})", field=field,
                           reason_code="date_out_of_range", what=str(what), value=on.isoformat(),
                           MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR, value_2=latest.isoformat())
    require_open_period(session, on, what)
