"""Reopening a closed accounting period (月结反结账): finance, with a reason, audited.

**The rule, and why.** Only the **latest** period that was run may be reopened, and only while
it is ``closed``: reopening is refused when any later month has been run, prepared or closed
(Conflict, ``reason_code`` ``later_period_run``). A month's closing figures are the next
month's opening ones (WIP roll-forward, the impairment provision each test moves from the
balance before it, the type-3 cost carried up to then), so reopening an earlier month under a
later closed (or prepared) one would leave that later report built on figures that move again:
a closed report that no longer adds up. Refusing keeps every closed report true without a chain
of reopenings; a correction of an older month goes into the open period, as before.

**What the close froze, and how it is handled.** A reopened month (status ``reopened``) takes
postings dated in it again (:func:`~datamill.ledger._periods.closed_periods` counts only
``closed`` months) and is run again before it counts as closed
(:func:`~datamill.ledger.period_close.close_period` with ``rerun``: its status goes back to
``prepared``, the re-runner becomes its preparer, and a second person confirms it, neither
the re-runner nor the reopener: reason ``own_approval``;
:func:`~datamill.ledger.period_close.confirm_period` refuses a ``reopened`` month, reason
``period_reopened``). The run's postings are not deleted; the re-run recomputes each one:

* depreciation is booked by source reference per asset × month: the re-run books what is
  missing and reuses the rest (an asset registered late is depreciated);
* the type-3 cost carry is a true-up (carried = estimate × completion − already carried), so a
  cost posted into the reopened month is carried by the re-run, nothing twice;
* the impairment tests stored at the month's end before the reopening are superseded: the
  re-run tests afresh (the new test moves the provision by the difference to its new target,
  so the provision balance is the new one), and later re-runs read that test back;
* the recognised revenue of an acceptance is posted when the acceptance is, not by the close:
  nothing of it is frozen by the close, and a late acceptance dated in the reopened month is
  recognised in it.

Meanwhile no later month is run or confirmed
(:func:`~datamill.ledger.period_close.require_no_earlier_reopened`).

**At once.** Reopening takes the period lock exclusively and the period's row, as the run and
the confirmation do (:func:`~datamill.ledger.period_close.period_row`): a posting that reads the
closed months meanwhile is refused at once (post again in a moment) or, if it came first, is
refused as dated in a closed month before the reopening goes through; a run or confirmation of
the next month waits and then sees the reopening (refused), or comes first and the reopening is
refused. Nothing is left half done.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.approvers import approval_role_of
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.ledger._periods import period_request
from datamill.ledger.assets import month_bounds
from datamill.ledger.models import LedgerPeriodClose
from datamill.ledger.period_close import PeriodCloseOut, get_period, period_row

__all__ = ["REOPEN_ROLES", "PeriodStateOut", "can_reopen", "period_state", "reopen_period",
           "require_reopener"]

#: ledger approval roles that may reopen a closed period (a finance lead), besides an admin
REOPEN_ROLES = ("finance_manager", "finance_head", "cfo")


def require_reopener(session: Session, actor: User) -> None:
    """Refuse (Forbidden) anyone but an admin or a finance lead (:data:`REOPEN_ROLES`)."""
    if actor.is_active and actor.role == "admin":
        return
    role = approval_role_of(session, actor.id) if actor.is_active else None
    if role not in REOPEN_ROLES:
        raise Forbidden(f"a closed period is reopened by a finance lead ({', '.join(REOPEN_ROLES)}) "
                        f"or an admin; {actor.username!r} holds "
                        f"{role or 'no ledger approval role'}", reason_code="role")


def can_reopen(session: Session, actor: User) -> bool:
    """Whether ``actor`` may reopen a closed period (the pages show the form to them only)."""
    try:
        require_reopener(session, actor)
    except Forbidden:
        return False
    return True


class PeriodStateOut(BaseModel):
    """A period as its page shows it: its run (None: not run), whether the reader may reopen
    it, and who reopened it last, by name."""

    period: str
    run: PeriodCloseOut | None
    can_reopen: bool
    reopened_by_name: str | None = None
    #: who ran the period last (its preparer), by name: not the one who confirms it
    prepared_by_name: str | None = None


def period_state(session: Session, reader: User, period: str) -> PeriodStateOut:
    """The period page's read (the faces first ask
    :func:`~datamill.ledger.period_close.require_every_book`)."""
    month_bounds(period)
    try:
        run: PeriodCloseOut | None = get_period(session, period, reader_id=reader.id)
    except NotFound:
        run = None
    who = session.get(User, run.reopened_by) if run is not None and run.reopened_by else None
    ran = session.get(User, run.prepared_by) if run is not None and run.prepared_by else None
    return PeriodStateOut(period=period, run=run, can_reopen=can_reopen(session, reader),
                          reopened_by_name=who.username if who is not None else None,
                          prepared_by_name=ran.username if ran is not None else None)


@period_request("reopen")
def reopen_period(session: Session, actor: User, period: str, reason: str) -> PeriodCloseOut:
    """Reopen the closed ``period`` (``YYYY-MM``) for ``reason``; see the module docstring.
    The faces first ask :func:`~datamill.ledger.period_close.require_every_book`."""
    require_reopener(session, actor)
    month_bounds(period)  # a malformed period is an error, not "has not been run"
    why = (reason or "").strip()
    if not why:
        raise InvalidInput("reopening a closed period needs a written reason", field="reason",
                           reason_code="reopen_reason_missing")
    check_note(why, "reason")
    row = period_row(session, period)  # the period lock, exclusive: postings and runs wait
    if row is None:
        raise NotFound(f"period {period} has not been run", period=period,
                       reason_code="period_not_run")
    if row.status != "closed":
        raise Conflict(f"period {period} is {row.status}, not closed: only a closed period is "
                       "reopened (a prepared one is re-run before its confirmation)",
                       period=period, status=row.status, reason_code="period_not_closed")
    later = list(session.scalars(select(LedgerPeriodClose.period).where(
        LedgerPeriodClose.period > period).order_by(LedgerPeriodClose.period)))
    if later:
        raise Conflict(f"period {period} cannot be reopened: the later period(s) "
                       f"{', '.join(later)} were run after it, and its closing figures open "
                       f"them; only the latest period run is reopened (a correction of "
                       f"{period} goes into the open period)", period=period, later=later,
                       reason_code="later_period_run")
    row.status = "reopened"
    row.reopened_by, row.reopened_at, row.reopen_reason = actor.id, utcnow(), why
    row.updated_at = row.reopened_at
    session.flush()
    record_audit(session, actor_id=actor.id, action="ledger.period.reopened",
                 object_type="ledger_period_close", object_id=row.id,
                 data={"period": period, "reason": why, "closed_digest": row.digest,
                       "reviewed_by": row.reviewed_by})
    return get_period(session, period, reader_id=actor.id)
