"""Settlement periods: the months vendors' sheets are settled in, with the books' close of each.

A finance clerk or a vendor manager asks which months are open, closed or reopened (by whom,
when, why), which settlement sheets each holds, what they add up to, and what they may do about
them (void a sheet, reopen the period). The sheets are workforce's
(:class:`~datamill.workforce.models.SettlementSheet`) and the periods' close the ledger's
(:class:`~datamill.ledger.models.LedgerPeriodClose`), which never import each other, so they meet
here, one layer above both (beside :mod:`datamill.paid_once`; see ``.importlinter``).

**Which month a sheet is in**: the month of its last day (``period_end`` is excluded, so the day
before it). That is the day the ledger books its cost on (``settlement.confirmed``'s
``incurred_on``), so a sheet of the week 2024-04-29 .. 2024-05-05 is in 2024-05.

**Who sees what**: exactly what :func:`~datamill.workforce.settlement.list_sheets` (``GET
/settlements``) shows the reader, by its check (finance and those who see every vendor get every
sheet, a vendor manager their own vendor's, anyone else is refused; a ``vendor_id`` is checked
as there). The periods listed are every month the ledger has run and every month holding a sheet
the reader sees.

**A period's status**: ``open`` (never run), ``prepared`` (run, awaiting its second person's
confirmation), ``closed`` or ``reopened`` (:mod:`datamill.ledger.period_reopen`).
``books_closed`` says whether the books take nothing dated in it (a ``closed`` month, and any
month before the latest closed one: :mod:`datamill.ledger._periods`).

**Totals** add the sheets that pay (every sheet but the voided ones; a correction adds its ±
amount): ``amount``, ``fee``, ``gross``, ``tax_withheld``, ``net_payable``, each sheet's net
**before** its debt offset: the debt it repays is already counted, as the negative net of the debt
sheet (an earlier month's, or this one's). ``debt_offset`` adds what the sheets took of the
vendor's debts (each row says its own), so ``net_payable − debt_offset`` is what is paid out.
Before, the totals added each sheet's net after its offset and the debt sheet too: a −1,000.00
debt sheet and a later 600.00 sheet taking 600.00 of it read −1,000.00 owed where 400.00 was.
``paid`` is the cash paid out: the settled sheets' net **after** their debt offsets, what the
ledger's vendor payments credit the bank with. Before, it was their net before the offsets,
under the words "Paid so far (net)": a 600.00 sheet that only repaid 600.00 of debt (nothing
paid out) read 600.00 paid, which the bank statement never showed.

**Actions**: ``can_void`` on a sheet the reader may void (the business side, a sheet not paid nor
voided: :data:`~datamill.workforce.settlement_void.VOIDABLE`; live corrections still refuse it
there), ``can_reopen`` on the one period the reader may reopen (a finance lead or an admin, the
latest period run, while it is closed: :func:`~datamill.ledger.period_reopen.reopen_period`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal, cast

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Forbidden
from datamill.ledger.access import require_ledger_access
from datamill.ledger.models import LedgerPeriodClose
from datamill.ledger.period_close import require_every_book
from datamill.ledger.period_reopen import can_reopen
from datamill.workforce.policies import manages_workforce
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.settlement import list_sheets
from datamill.workforce.settlement_void import VOIDABLE
from datamill.workforce.views import vendor_names

__all__ = ["PeriodSheetOut", "PeriodTotalsOut", "SettlementPeriodOut", "period_of_sheet",
           "settlement_periods"]

PeriodStatus = Literal["open", "prepared", "closed", "reopened"]
_ZERO = Decimal("0.00")


class PeriodSheetOut(BaseModel):
    """One sheet of a period, as the list shows it (the sheet itself: ``GET /settlements/{id}``)."""

    id: int
    number: str
    vendor_id: int
    vendor: str
    kind: str
    corrects_sheet_id: int | None
    period_start: date
    #: excluded (the sheet's last day is the day before)
    period_end: date
    #: the sheet's last day of work (``period_end`` − 1 day): the day its cost is booked on
    last_day: date | None = None
    status: str
    amount: Decimal
    fee: Decimal
    gross: Decimal
    tax_withheld: Decimal
    net_payable: Decimal
    #: the vendor's earlier debts deducted from this sheet's net (``net_payable`` is after it)
    debt_offset: Decimal = _ZERO
    void_reason: str | None = None
    voided_at: datetime | None = None
    #: whether the reader may void it (``POST /settlements/{id}/void``)
    can_void: bool = False


class PeriodTotalsOut(BaseModel):
    """What a period's sheets add up to; voided sheets count in ``voided`` only."""

    sheets: int = 0
    voided: int = 0
    amount: Decimal = _ZERO
    fee: Decimal = _ZERO
    gross: Decimal = _ZERO
    tax_withheld: Decimal = _ZERO
    net_payable: Decimal = _ZERO
    #: the cash paid out: the settled sheets' net payable after their debt offsets
    paid: Decimal = _ZERO
    #: what the sheets took of the vendor's debts (``net_payable`` is before it)
    debt_offset: Decimal = _ZERO


class SettlementPeriodOut(BaseModel):
    """One month (``YYYY-MM``): its close (who, when), its sheets the reader sees, their totals."""

    period: str
    status: PeriodStatus
    #: the books take nothing dated in this month (closed, or before the latest closed month)
    books_closed: bool
    prepared_by: str | None = None
    #: the second person who confirmed the close, and when (status ``closed``)
    closed_by: str | None = None
    closed_at: datetime | None = None
    #: the latest reopening, kept after the month is closed again
    reopened_by: str | None = None
    reopened_at: datetime | None = None
    reopen_reason: str | None = None
    #: whether the reader may reopen it now (``POST /ledger/periods/{period}/reopen``)
    can_reopen: bool = False
    sheets: list[PeriodSheetOut] = []
    totals: PeriodTotalsOut = PeriodTotalsOut()


def _last_day(period_start: date, period_end: date) -> date:
    return max(period_start, period_end - timedelta(days=1))


def period_of_sheet(period_start: date, period_end: date) -> str:
    """The month a sheet is in: that of its last day (``period_end`` is excluded).

    Examples:
        >>> period_of_sheet(date(2024, 4, 29), date(2024, 5, 6))
        '2024-05'
        >>> period_of_sheet(date(2024, 5, 1), date(2024, 6, 1))
        '2024-05'
    """
    last = _last_day(period_start, period_end)
    return f"{last.year:04d}-{last.month:02d}"


def _sheet_row(sheet: SettlementSheetOut, names: dict[int, str], voids: bool) -> PeriodSheetOut:
    return PeriodSheetOut(
        id=sheet.id, number=sheet.number, vendor_id=sheet.vendor_id,
        vendor=names.get(sheet.vendor_id, str(sheet.vendor_id)), kind=sheet.kind,
        corrects_sheet_id=sheet.corrects_sheet_id, period_start=sheet.period_start,
        period_end=sheet.period_end, last_day=_last_day(sheet.period_start, sheet.period_end),
        status=sheet.status, amount=sheet.amount, fee=sheet.fee,
        gross=sheet.gross, tax_withheld=sheet.tax_withheld, net_payable=sheet.net_payable,
        debt_offset=sheet.debt_offset, void_reason=sheet.void_reason, voided_at=sheet.voided_at,
        can_void=voids and sheet.status in VOIDABLE)


def _totals(sheets: list[PeriodSheetOut]) -> PeriodTotalsOut:
    live = [s for s in sheets if s.status != "voided"]
    return PeriodTotalsOut(
        sheets=len(sheets), voided=len(sheets) - len(live),
        amount=sum((s.amount for s in live), _ZERO), fee=sum((s.fee for s in live), _ZERO),
        gross=sum((s.gross for s in live), _ZERO),
        tax_withheld=sum((s.tax_withheld for s in live), _ZERO),
        net_payable=sum((s.net_payable + s.debt_offset for s in live), _ZERO),
        paid=sum((s.net_payable for s in live if s.status == "settled"), _ZERO),
        debt_offset=sum((s.debt_offset for s in live), _ZERO))


def _reads_books(session: Session, reader: User) -> bool:
    """Whether ``reader`` may read the ledger's period page (its run: who prepared, closed or
    reopened the month, and the reason finance wrote), as ``/finance/periods/{period}`` asks;
    a vendor manager sees the month's status, not the books' notes."""
    try:
        require_ledger_access(session, reader, write=False)
        require_every_book(session, reader)
    except Forbidden:
        return False
    return True


def settlement_periods(
    session: Session, reader: User, vendor_id: int | None = None
) -> list[SettlementPeriodOut]:
    """The settlement periods, newest first, with the sheets ``reader`` may see (of
    ``vendor_id`` only, when given); see the module docstring. Refused (Forbidden) as ``GET
    /settlements`` refuses; a vendor that does not exist is not found (was ``[]``, as for a
    vendor with no sheets)."""
    sheets = list_sheets(session, reader, vendor_id)  # the settlements' own check and 404
    names = vendor_names(session)
    voids = manages_workforce(reader)
    by_period: dict[str, list[PeriodSheetOut]] = defaultdict(list)
    for sheet in sheets:
        by_period[period_of_sheet(sheet.period_start, sheet.period_end)].append(
            _sheet_row(sheet, names, voids))
    runs = {r.period: r for r in session.scalars(select(LedgerPeriodClose))}
    people = {u.id: u.username for u in session.scalars(select(User).where(User.id.in_(
        {i for r in runs.values() for i in (r.prepared_by, r.reviewed_by, r.reopened_by)
         if i is not None})))} if runs else {}
    closed = [p for p, r in runs.items() if r.status == "closed"]
    closed_through = max(closed) if closed else None
    latest_run = max(runs) if runs else None
    reopens = can_reopen(session, reader)
    books = _reads_books(session, reader)  # who ran, closed or reopened a month, and why:
    out = []
    for period in sorted(set(by_period) | set(runs), reverse=True):
        run = runs.get(period)
        status = cast("PeriodStatus", "open" if run is None else run.status)
        rows = by_period.get(period, [])
        out.append(SettlementPeriodOut(
            period=period, status=status,
            books_closed=status == "closed" or (closed_through is not None
                                                and period < closed_through),
            prepared_by=people.get(run.prepared_by) if books and run and run.prepared_by
            else None,
            closed_by=(people.get(run.reviewed_by) if books and run and run.reviewed_by
                       and status == "closed" else None),
            closed_at=run.reviewed_at if books and run and status == "closed" else None,
            reopened_by=people.get(run.reopened_by) if books and run and run.reopened_by
            else None,
            reopened_at=run.reopened_at if books and run else None,
            reopen_reason=run.reopen_reason if books and run else None,
            can_reopen=reopens and status == "closed" and period == latest_run,
            sheets=rows, totals=_totals(rows)))
    return out
