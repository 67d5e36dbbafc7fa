"""Period-end run (月结): one idempotent command per month, after the month has ended.

A month whose last day is today or later is neither run nor confirmed (Conflict, reason
``period_not_ended``): closed early, the rest of its postings went to the next open month.

:func:`close_period` refuses while workforce cost events are pending (every expense must be in),
then books the month's depreciation (fixed-asset register) and the type-3 carry of cost booked
after an acceptance (:func:`~datamill.ledger.recognition.carry_period_cost`), runs the
impairment test of every open custom project at the month end, and computes the WIP
roll-forward, the margin reports and the receivables. The report (and its SHA-256 digest) is
kept; the period is ``prepared`` until a second person confirms it (:func:`confirm_period`),
then ``closed``. A project is tested at the month end only if its books existed then: its
contract signed and a budget approved by the month's last day (as they stood that day); the
test writes its WIP down by at most the WIP balance and reports the loss beyond it as an
onerous-contract provision (:mod:`datamill.ledger.impairment`).

A period already run is refused unless ``rerun``: a re-run reuses what the first booked
(depreciation by source reference, the impairment test at that period end), so it gives the
identical report. If the figures changed since (say, a back-dated cost) the re-run of a
``prepared`` period replaces the report; of a ``closed`` one it is refused. The confirmation
checks the same: a period whose figures changed since its run is refused until it is re-run, so
what is closed is always the report the reviewer confirmed.

A closed month is reopened only by finance, with a reason
(:func:`datamill.ledger.period_reopen.reopen_period`, which says which rule and why): status
``reopened`` until it is run again (the re-run makes it ``prepared``; a second person confirms,
neither the re-runner nor the reopener: reason ``own_approval``),
and no later month is run or confirmed meanwhile (:func:`require_no_earlier_reopened`).

Two clerks at once: the run, the re-run and the confirmation of a period take its row under the
period lock (PostgreSQL; SQLite has one writer), so of two confirmations one closes the period
and the other is told it is closed, and of two first runs the second is told it was run.

Who may run, confirm or read a period's report (:func:`require_every_book`, on every face): a
user of the books cleared for every project that has books. Unlike the reports over several
projects, which leave out the books above the reader's clearance
(:func:`~datamill.ledger.access.hidden_books`, as the finance page's project list), the period
report is not left partial: it is one stored document over all the books, whose digest the
reviewer confirms, and its margin, line, unit-cost and receivables figures add every project up,
so a reader's view without the hidden books would be another report than the one closed, and
closing or reviewing a month over books one may not see is no review. Refused, the reader is
told so (Forbidden) rather than shown figures that silently disagree with the closed ones.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day, business_today
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.people import person_name
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, NotFound
from datamill.core.shown_numbers import shown_money, shown_price, shown_volume
from datamill.ledger._balances import WIP_TYPES
from datamill.ledger._periods import hold_period_lock, month_end, period_of, period_request
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks, hidden_books, project_names
from datamill.ledger.assets import depreciate_month, month_bounds
from datamill.ledger.events import COST_EVENT_TYPES, list_event_problems
from datamill.ledger.fx import fx_differences
from datamill.ledger.impairment import run_impairment_test, testable_at
from datamill.ledger.line_reports import line_margin, speech_cost_per_hour, unit_costs
from datamill.ledger.models import (
    LedgerEventReceipt,
    LedgerImpairment,
    LedgerPeriodClose,
    LedgerProject,
)
from datamill.ledger.receivables import receivables
from datamill.ledger.recognition import carry_period_cost
from datamill.ledger.reports import margin_report, wip_rollforward
from datamill.ledger.schemas import ImpairmentOut
from datamill.ledger.vendor_payments import held_payments
from datamill.production.models import DomainEvent

__all__ = ["SUMMARY_WORDS_EN", "PeriodCloseOut", "close_period", "confirm_period", "get_period",
           "pending_workforce_events", "period_row", "preview_period", "require_every_book",
           "require_no_earlier_reopened", "summary_html", "summary_text"]


class PeriodCloseOut(BaseModel):
    period: str
    #: ``prepared`` (run), ``closed`` (confirmed) or ``reopened`` (to run and confirm again)
    status: str
    runs: int
    digest: str
    identical: bool | None
    prepared_by: int | None
    reviewed_by: int | None
    report: dict[str, Any]
    #: events of the period the ledger has set aside (not in the figures), with why
    pending_events: list[str] = []
    #: ledger project id -> the production project's name, for the rows of the report (kept
    #: out of the report and its digest: a renamed project changes no figure)
    project_names: dict[int, str] = {}
    #: the latest reopening: who, when, why (None if never reopened)
    reopened_by: int | None = None
    reopened_at: datetime | None = None
    reopen_reason: str | None = None


def _out(row: LedgerPeriodClose, identical: bool | None = None) -> PeriodCloseOut:
    return PeriodCloseOut(period=row.period, status=row.status, runs=row.runs, digest=row.digest,
                          identical=identical, prepared_by=row.prepared_by,
                          reviewed_by=row.reviewed_by, report=row.report,
                          reopened_by=row.reopened_by, reopened_at=row.reopened_at,
                          reopen_reason=row.reopen_reason)


def require_every_book(session: Session, reader: User) -> HiddenBooks:
    """Refuse (Forbidden) a reader not cleared for every project with books: a period's report
    covers them all (see the module docstring); the same rule on every face, for the run, the
    confirmation and the read. Returns what is still hidden from them: production projects
    without books, whose set-aside events are left out of ``pending_events``."""
    hidden = hidden_books(session, reader)
    if hidden.projects:
        from datamill.compliance.classification import LEVELS, project_level, user_clearance

        pids = session.scalars(select(LedgerProject.production_project_id).where(
            LedgerProject.id.in_(hidden.projects))).all()
        needed = max((project_level(session, pid) for pid in pids), key=LEVELS.index)
        raise Forbidden(
            f"{reader.username!r} (clearance {user_clearance(session, reader.id)!r}) is not "
            f"cleared for every project with books: a period's report covers all of them, and "
            f"{len(pids)} of them {'is' if len(pids) == 1 else 'are'} classified up to "
            f"{needed!r}. The data-security office grants the clearance (datamill security "
            f"clearance {reader.username} {needed} --as OFFICER, PUT /api/v1/security/users/"
            f"{reader.id}/clearance), or a colleague cleared for {needed!r} runs the period",
            reason_code="clearance", needed=needed)
    return hidden


def _named(session: Session, out: PeriodCloseOut, reader_id: int | None) -> PeriodCloseOut:
    """``out`` with the names of the projects its report lists, as ``reader_id`` may see them
    (projects classified above their clearance read "(classified)")."""
    ids = {row["project_id"] for key in ("depreciation", "impairment", "wip")
           for row in out.report.get(key, []) if isinstance(row, dict)
           and isinstance(row.get("project_id"), int)}
    reader = session.get(User, reader_id) if reader_id is not None else None
    out.project_names = project_names(session, ids, hidden_books(session, reader))
    return out


def pending_workforce_events(session: Session, upto: date | None = None) -> list[int]:
    """Ids of settlement / hour-point events not booked (no receipt, or a problem receipt),
    and of vendor payments dated up to ``upto`` held for their sheet's cost."""
    done = select(LedgerEventReceipt.domain_event_id).where(
        LedgerEventReceipt.status.in_(("booked", "skipped")))
    q = select(DomainEvent.id).where(DomainEvent.type.in_(COST_EVENT_TYPES),
                                     DomainEvent.id.not_in(done))
    ids = list(session.scalars(q.order_by(DomainEvent.id)))
    held = [p.event_id for p in held_payments(session, upto)]
    if upto is None:
        return sorted(ids + held)
    return sorted([i for i in ids if (ev := session.get(DomainEvent, i)) is not None
                   and business_day(ev.created_at) <= upto] + held)




def _require_ended(period: str, end: date) -> None:
    """Refuse to run or close a month before its last business day is over: its postings are
    not all in yet, and once closed, the rest of the month would go to the next one."""
    today = business_today()
    if end >= today:
        first = end + timedelta(days=1)
        raise Conflict(f"period {period} has not ended yet (its last day is {end.isoformat()}, "
                       f"today is {today.isoformat()}): a month is run and closed after its "
                       f"last day, once all of it is booked; run it on {first.isoformat()} or "
                       "later", period=period, first_day=first.isoformat(),
                       reason_code="period_not_ended")


def period_row(session: Session, period: str) -> LedgerPeriodClose | None:
    """The period's row, read afresh under the period lock (held until the transaction ends):
    a second run or confirmation waits for the first to commit, then sees what it wrote."""
    hold_period_lock(session)  # exclusive: postings are refused meanwhile (ledger._periods)
    return session.scalars(select(LedgerPeriodClose).where(LedgerPeriodClose.period == period)
                           .with_for_update().execution_options(populate_existing=True)).first()


def _figures_now(session: Session, period: str, since: datetime | None = None) -> str:
    """The figures digest the period's report would have now, nothing of its computing kept."""
    nested = session.begin_nested()
    try:
        return _figures_digest(_report(session, period, None, since))
    finally:
        nested.rollback()


def preview_period(session: Session, period: str) -> PeriodCloseOut:
    """The report ``period`` would have if it were run now, a month not ended yet included
    (its figures so far), with nothing of its computing kept and nothing stored: status
    ``open``, never run. Its rows' projects are named as every book's reader sees them."""
    nested = session.begin_nested()
    try:
        report = _report(session, period, None)
    finally:
        nested.rollback()
    return _named(session, PeriodCloseOut(
        period=period, status="open", runs=0, digest=_digest(report), identical=None,
        prepared_by=None, reviewed_by=None, report=report), None)


def _latest_closed(session: Session) -> str | None:
    """The latest closed month (read under the period lock the caller holds)."""
    return session.scalar(select(func.max(LedgerPeriodClose.period)).where(
        LedgerPeriodClose.status == "closed"))


def require_no_earlier_reopened(session: Session, period: str) -> None:
    """Refuse to run or confirm ``period`` while an earlier month is reopened: its closing
    figures (WIP, provisions, carried cost) are this month's opening ones, and they may still
    move until that month is closed again (read under the period lock the caller holds)."""
    earlier = session.scalar(select(func.max(LedgerPeriodClose.period)).where(
        LedgerPeriodClose.status == "reopened", LedgerPeriodClose.period < period))
    if earlier is not None:
        raise Conflict(f"period {earlier} was reopened and is not closed again: its closing "
                       f"figures open {period}, so {period} is run and confirmed after {earlier} "
                       "is (datamill ledger period-close --rerun, then a second person confirms)",
                       period=period, reopened_period=earlier,
                       reason_code="earlier_period_reopened")


def _impairments(session: Session, end: date, actor_id: int | None,
                 frozen: bool = False, since: datetime | None = None) -> list[dict[str, Any]]:
    """The impairment test of every open custom project at ``end``; ``frozen`` (the month is
    closed): only the tests stored by its runs, none made now. A project opened, or a budget
    approved, after the close was not in the closed report, and a test at the closed month's
    end would book a provision into it. ``since`` (the month was reopened then): the tests
    stored before it are superseded; the first run after it tests afresh (the new test moves
    the provision by the difference), and later runs read that test back."""
    out = []
    for p in session.scalars(select(LedgerProject).where(
            LedgerProject.project_type.in_(WIP_TYPES), LedgerProject.status != "closed",
            LedgerProject.order_id.is_not(None)).order_by(LedgerProject.id)):
        if not testable_at(session, p, end):  # contracted or budgeted after the period
            continue
        q = select(LedgerImpairment).where(
            LedgerImpairment.project_id == p.id, LedgerImpairment.period_end == end)
        if since is not None:
            q = q.where(LedgerImpairment.created_at >= since)
        row = session.scalars(q.order_by(LedgerImpairment.id)).first()
        if row is None and frozen:
            continue
        if row is None:  # stored figures, read back: the same on every run
            row = session.get(LedgerImpairment,
                              run_impairment_test(session, p.id, end, actor_id=actor_id).id)
            assert row is not None
            session.refresh(row)
        figures = ImpairmentOut.model_validate(row).model_dump(
            mode="json", exclude={"id", "created_at", "created_by"})
        if not row.onerous and not row.onerous_change:  # as the reports run before it existed
            figures.pop("onerous"), figures.pop("onerous_change")
        out.append(figures)
    return out


def _report(session: Session, period: str, actor_id: int | None,
            since: datetime | None = None) -> dict[str, Any]:
    start, end = month_bounds(period)
    latest = _latest_closed(session)
    frozen = latest is not None and end <= month_end(latest)
    dep = depreciate_month(session, start, end, actor_id=actor_id)
    carry_period_cost(session, end, actor_id=actor_id)  # type 3: cost booked after acceptance

    def dump(rows: list[Any]) -> list[Any]:
        return [r.model_dump(mode="json", exclude=_DISPLAY_ONLY) for r in rows]

    # realised exchange differences (ledger.fx), only in a month that has some: the reports
    # run before they were kept, with none, keep their digest
    fx = dump(fx_differences(session, start, end))
    return {**({"fx": fx} if fx else {}),
        "period": period, "from": start.isoformat(), "to": end.isoformat(),
        "depreciation": dump(dep), "impairment": _impairments(session, end, actor_id, frozen, since),
        "wip": dump(wip_rollforward(session, start, end)),
        "margin": dump(margin_report(session, start, end)),
        "line_margin": dump(line_margin(session, start, end)),
        "speech_cost_per_hour": speech_cost_per_hour(session, start, end).model_dump(mode="json"),
        "unit_costs": dump(unit_costs(session, start, end)),
        # every order's (nothing hidden: hidden_orders is always 0 and kept out, so the
        # report and its digest are those of the periods run before it existed)
        "receivables": [r.model_dump(mode="json", exclude={"items", "hidden_orders"})
                        for r in receivables(session, end)],
    }


#: fields of report rows that only name things (not figures): kept out of the stored report, so
#: renaming a project changes no digest and reports run before they existed still compare
_DISPLAY_ONLY = {"production_project_id", "project_name"}


def _digest(report: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()


#: the figures of a report row; a row whose figures are all zero says nothing about the period
_FIGURES = {"receivables": ("due", "received", "receivable", "advances", "invoiced", "ecl"),
            "fx": ("fx_difference",),
            "unit_costs": ("volume", "revenue", "cost"),
            "wip": ("opening", "incurred", "carried", "closing"),
            "margin": ("revenue", "cost")}


def _is_zero(value: Any) -> bool:
    try:
        return value is None or Decimal(str(value)) == 0
    except ArithmeticError:
        return False


_NUMBER = re.compile(r"-?\d+\.\d+|-?\d+")


def _same_number(value: Any) -> Any:
    """``value`` with every decimal figure written one way (``"0"``, ``"0.00"`` → ``"0"``;
    ``"40.030"`` → ``"40.03"``), in its lists and mappings too: the reports write money to
    the cent since 2026-12 where a sum over nothing read ``"0"``, which changes no figure."""
    if isinstance(value, dict):
        return {k: _same_number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_number(v) for v in value]
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        number = Decimal(value).normalize()
        return f"{number + 0 if number == 0 else number:f}"
    return value


def _figures_digest(report: dict[str, Any]) -> str:
    """The digest of what the report says about the period: rows whose figures are all zero
    left out. A customer, licence order or project created after the run adds such a row (a
    customer with nothing due), which changed nothing of the period's figures; compared with
    the plain digest it made a closed period's re-run "changed" and stopped its confirmation.
    Figures compare as numbers (:func:`_same_number`): how many places one is written with is
    no change."""
    kept = {key: [row for row in rows if not (isinstance(row, dict) and all(
                _is_zero(row.get(f)) for f in _FIGURES[key]))]
            if key in _FIGURES and isinstance(rows, list) else rows
            for key, rows in report.items()}
    return _digest(_same_number(kept))


@period_request("run")
def close_period(
    session: Session, period: str, *, actor_id: int | None = None, rerun: bool = False,
    hidden: HiddenBooks = NOTHING_HIDDEN,
) -> PeriodCloseOut:
    """Run the month end for ``period`` (``YYYY-MM``); see the module docstring. The faces
    first ask :func:`require_every_book`; ``hidden`` (what it returned) leaves the events of
    production projects above the caller's clearance out of ``pending_events``."""
    _, end = month_bounds(period)
    _require_ended(period, end)
    row = period_row(session, period)
    if row is not None and not rerun:
        raise Conflict(f"period {period} was already run ({row.status}); to run it again (it "
                       "must give the identical result) add --rerun on the command line, or send "
                       '{"rerun": true} to the API (rerun=True in Python)', period=period,
                       reason_code="period_run_already", row_status=str(row.status))
    latest = _latest_closed(session)
    if row is None and latest is not None and period < latest:
        first = month_end(latest) + timedelta(days=1)
        raise Conflict(f"period {period} lies before {latest}, which is closed (confirmed): the "
                       f"books are closed through {month_end(latest).isoformat()}, so {period} "
                       "counts as closed and takes no run of its own (only the latest closed "
                       f"period is reopened); run the months from {period_of(first)} on",
                       period=period, closed_period=latest, reason_code="before_closed_period")
    require_no_earlier_reopened(session, period)
    pending = pending_workforce_events(session, upto=end)
    if pending:
        raise Conflict(f"workforce events {pending} are not booked yet: every expense must be "
                       "in before the period closes (datamill ledger sync)", period=period,
                       reason_code="period_events_unbooked", pending=str(pending))
    report = _report(session, period, actor_id, row.reopened_at if row is not None else None)
    digest = _digest(report)
    identical: bool | None = None
    if row is None:
        row = LedgerPeriodClose(period=period, status="prepared", report=report, digest=digest,
                                prepared_by=actor_id)
        session.add(row)
    else:
        identical = digest == row.digest or _figures_digest(report) == _figures_digest(row.report)
        if not identical and row.status == "closed":
            raise Conflict(f"period {period} is closed and its figures have changed since "
                           "(a back-dated posting?): correct it in the open period",
                           period=period, digest=digest, closed_digest=row.digest,
                           reason_code="closed_period_changed")
        if not identical:
            row.report, row.digest = report, digest
        if row.status == "reopened":  # a new run to review: by another person than its runner
            row.status, row.prepared_by, row.reviewed_by = "prepared", actor_id, None
            row.reviewed_at = None
        row.runs += 1
        row.updated_at = utcnow()
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.period.run",
                 object_type="ledger_period_close", object_id=row.id,
                 data={"period": period, "digest": digest, "rerun": rerun,
                       "identical": identical})
    out = _out(row, identical)
    out.pending_events = _pending_of_period(session, period, hidden)
    return _named(session, out, actor_id)


def _pending_of_period(session: Session, period: str, hidden: HiddenBooks) -> list[str]:
    """Set-aside events (acceptances, licences, costs) recorded up to the period's end."""
    _, end = month_bounds(period)
    return [f"event {p.event_id} ({p.event_type}): {p.reason}"
            for p in list_event_problems(session, hidden) if business_day(p.created_at) <= end]


def _refuse_own_review(session: Session, row: LedgerPeriodClose, reviewer_id: int) -> None:
    """Segregation of duties (reason ``own_approval``, as the approval chains): whoever ran the
    period, or reopened it for the run now under review, does not confirm it."""
    did = ("ran" if row.prepared_by is not None and row.prepared_by == reviewer_id else
           "reopened" if row.reopened_by is not None and row.reopened_by == reviewer_id else None)
    if did is None:
        return
    who = person_name(session, reviewer_id)
    what = f"period {row.period}"
    raise Forbidden(f"{who} {did} {what}: whoever runs or reopens a period never confirms its "
                    "close (segregation of duties): a second person reviews it",
                    reason_code="own_approval", subject=what, user=who, did=did,
                    period=row.period)


@period_request("confirm")
def confirm_period(session: Session, period: str, *, reviewer_id: int,
                   hidden: HiddenBooks = NOTHING_HIDDEN) -> PeriodCloseOut:
    """The reviewer's step: a second person confirms the prepared period; it is then closed
    (the faces first ask :func:`require_every_book`, as :func:`close_period`)."""
    _, end = month_bounds(period)  # a malformed period is an error, not "has not been run"
    _require_ended(period, end)
    row = period_row(session, period)
    if row is None:
        raise NotFound(f"period {period} has not been run", period=period,
                       reason_code="period_not_run")
    if row.status == "reopened":
        raise Conflict(f"period {period} was reopened ({row.reopen_reason}): run it again "
                       "(datamill ledger period-close --rerun; API: {\"rerun\": true}) and a "
                       "second person confirms the new report", period=period,
                       reason_code="period_reopened")
    if row.status != "prepared":
        raise Conflict(f"period {period} is already {row.status}", period=period,
                       reason_code="period_state_already", row_status=str(row.status))
    require_no_earlier_reopened(session, period)
    _refuse_own_review(session, row, reviewer_id)
    pending = pending_workforce_events(session, upto=end)
    if pending:
        raise Conflict(f"workforce events {pending} are still pending", period=period,
                       reason_code="period_events_pending", pending=str(pending))
    if _figures_now(session, period, row.reopened_at) != _figures_digest(row.report):
        raise Conflict(f"period {period}'s figures changed since its run (a posting dated in "
                       "it?): re-run it (datamill ledger period-close --rerun; API: "
                       '{"rerun": true}) and review the new report before confirming it',
                       period=period, digest=row.digest,
                       reason_code="period_figures_changed")
    row.status, row.reviewed_by, row.reviewed_at = "closed", reviewer_id, utcnow()
    session.flush()
    record_audit(session, actor_id=reviewer_id, action="ledger.period.confirmed",
                 object_type="ledger_period_close", object_id=row.id,
                 data={"period": period, "digest": row.digest})
    out = _out(row)
    out.pending_events = _pending_of_period(session, period, hidden)
    return _named(session, out, reviewer_id)


def get_period(session: Session, period: str, *, reader_id: int | None = None) -> PeriodCloseOut:
    """The period's stored report (the faces first ask :func:`require_every_book`), its
    projects named as ``reader_id`` may see them."""
    row = session.scalars(select(LedgerPeriodClose).where(
        LedgerPeriodClose.period == period)).first()
    if row is None:
        raise NotFound(f"period {period} has not been run", period=period,
                       reason_code="period_not_run")
    return _named(session, _out(row), reader_id)


#: the summary's sentences (English); a face passes another language's to :func:`summary_text`
SUMMARY_WORDS_EN: dict[str, str] = {
    "head": "Period close {period} ({start} .. {end}): {status}, run {runs}x, digest {digest}",
    "rerun_yes": "re-run identical: yes", "rerun_no": "re-run identical: NO (report replaced)",
    "depreciation": "Depreciation:",
    "depreciation_row": "  {asset} {project}: {days} days -> {amount} ({status})",
    "impairment": "Impairment:",
    "impairment_row": "  {project}: WIP {wip} NRV {nrv} provision {provision} (change {change})",
    "onerous": "; onerous-contract provision {onerous} (change {change}), not against WIP",
    "wip": "WIP roll-forward (opening + incurred - carried = closing):",
    "wip_row": "  {project}: {opening} + {incurred} - {carried} = {closing}",
    "lines": "Margin by line:",
    "lines_row": "  {line}: revenue {revenue} cost {cost} margin {margin}",
    "units": "Cost per accepted unit (business line, unit):",
    "units_row": "  {line}: {volume} {unit} accepted, cost per unit {cost}, price per unit {price}",
    "units_speech": "  speech: {hours} hours accepted, cost per unit {cost}",
    "receivables": "Receivables (net per customer):",
    "receivables_row": "  {customer}: net {net} (receivable {receivable}, advances {advances}), "
                       "ECL {ecl}",
    "fx": "Realised exchange differences on receipts (gain +, loss -, CNY):",
    "fx_row": "  {receipt} order {order} {on}: {amount} {currency} at {rate} (receivable at "
              "{carried}): received {cash}, settled {settled}, difference {difference}",
    "fx_total": "  total {total}",
    "pending": "WARNING: pending events, not in these figures (datamill ledger event-problems):",
    "none": "none", "project": "project {name!r} (ledger project {id})",
    "project_id": "ledger project {id}",
}


def _project(out: PeriodCloseOut, row: dict[str, Any],
             words: Mapping[str, str] = SUMMARY_WORDS_EN) -> str:
    """A report row's project as people know it: its name, with the ledger project's id."""
    lid = row.get("project_id")
    name = out.project_names.get(lid) if isinstance(lid, int) else None
    return words["project"].format(name=name, id=lid) if name else \
        words["project_id"].format(id=lid)


def summary_text(out: PeriodCloseOut, words: Mapping[str, str] | None = None) -> str:
    """A plain-text summary of a period-close report, in ``words`` (:data:`SUMMARY_WORDS_EN`
    unless given: the CLI passes its language's); money to the cent."""
    w = {**SUMMARY_WORDS_EN, **(words or {})}
    r = out.report
    none = [f"  {w['none']}"]

    def m(value: object) -> str:
        return w["none"] if value is None else shown_money(str(value))

    def price(value: object) -> str:
        return w["none"] if value is None else shown_price(str(value))

    lines = [w["head"].format(period=out.period, start=r.get("from"), end=r.get("to"),
                              status=out.status, runs=out.runs, digest=out.digest[:16])]
    if out.identical is not None:
        lines.append(w["rerun_yes"] if out.identical else w["rerun_no"])
    lines.append(w["depreciation"])
    lines += [w["depreciation_row"].format(asset=d["asset"], project=_project(out, d, w),
                                           days=d["days_used"], amount=m(d["amount"]),
                                           status=d["status"])
              for d in r.get("depreciation", [])] or none
    lines.append(w["impairment"])
    lines += [w["impairment_row"].format(project=_project(out, i, w), wip=m(i["wip"]),
                                         nrv=m(i["nrv"]), provision=m(i["provision"]),
                                         change=m(i["change"]))
              + (w["onerous"].format(onerous=m(i["onerous"]), change=m(i["onerous_change"]))
                 if i.get("onerous") is not None else "")
              for i in r.get("impairment", [])] or none
    lines.append(w["wip"])
    lines += [w["wip_row"].format(project=_project(out, x, w), opening=m(x["opening"]),
                                  incurred=m(x["incurred"]), carried=m(x["carried"]),
                                  closing=m(x["closing"]))
              for x in r.get("wip", [])] or none
    lines.append(w["lines"])
    lines += [w["lines_row"].format(line=x["line"], revenue=m(x["revenue"]), cost=m(x["cost"]),
                                    margin=m(x["margin"]))
              for x in r.get("line_margin", [])] or none
    lines.append(w["units"])
    lines += [w["units_row"].format(line=u["business_line"], volume=shown_volume(u["volume"]),
                                    unit=u["volume_unit"], cost=price(u["cost_per_unit"]),
                                    price=price(u["price_per_unit"]))
              for u in r.get("unit_costs", [])] or none
    if "unit_costs" not in r:  # a report closed before unit costs were kept
        cph = r.get("speech_cost_per_hour", {})
        lines.append(w["units_speech"].format(hours=cph.get("hours"),
                                              cost=price(cph.get("cost_per_hour"))))
    lines.append(w["receivables"])
    lines += [w["receivables_row"].format(customer=c["customer"], net=m(c["net"]),
                                          receivable=m(c["receivable"]),
                                          advances=m(c["advances"]), ecl=m(c["ecl"]))
              for c in r.get("receivables", [])] or none
    if r.get("fx"):  # a month with realised exchange differences
        lines.append(w["fx"])
        lines += [w["fx_row"].format(receipt=x["receipt"], order=x["order"],
                                     on=x["received_on"], amount=x["currency_amount"],
                                     currency=x["currency"], rate=x["received_fx_rate"],
                                     carried=x["fx_rate"], cash=m(x["cash"]),
                                     settled=m(x["settled"]), difference=m(x["fx_difference"]))
                  for x in r["fx"]]
        lines.append(w["fx_total"].format(total=m(sum(
            (Decimal(str(x["fx_difference"])) for x in r["fx"]), Decimal(0)))))
    if out.pending_events:
        lines.append(w["pending"])
        lines += [f"  {p}" for p in out.pending_events]
    return "\n".join(lines) + "\n"


def summary_html(out: PeriodCloseOut) -> str:
    """The text summary as a small standalone HTML page (escaped)."""
    title = html.escape(f"Period close {out.period}")
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><h1>{title}</h1><pre>{html.escape(summary_text(out))}</pre></body></html>\n")
