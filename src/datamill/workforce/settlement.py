"""Acceptance-settlement sheets (验收结算单): accepted volume × unit price = amount owed.

**The management fee is inside the price, not on top.** The price system holds the all-in
vendor price (domain §5.3: worker cost + a management fee of 6–11.5 % of the purchase amount),
so a sheet pays accepted volume × that price; its ``fee`` (amount × the vendor's fee rate) is
shown as the part of the amount that is the vendor's fee, and ``gross`` = ``amount``. A budget
planned from the same price (:mod:`datamill.ledger.budget_plan`) and the settlement of the
same volume agree to the cent. (Sheets drawn before this rule keep gross = amount + fee.)

What is paid: for each item of an **accepted** batch (inspection verdict ``accepted``) whose
inspection completed before the period's end, each of the vendor's workers whose task at a stage
is ``submitted`` earns that item once at that stage. Items rejected in review or inspection and not
reworked never reach an accepted batch, so they never appear; a reworked item is paid once, when
its later batch is accepted. ``SettlementUnit`` is unique per item × stage × person, so nothing
is paid twice, even under concurrent sheet creation.

A collection vendor is paid for the recordings it delivered: items imported naming the vendor
(``items.supplier_vendor_id``, :func:`datamill.workforce.supply.import_supplied`) are accepted
volume on the ``collect`` stage (:data:`COLLECT`, priced by the price system's ``collect``
price, e.g. per hour) once accepted as above: in an accepted batch, not refused by the
customer. Items the checks set aside, or in a batch rejected and not yet accepted again, are
not paid. Their unit names no person (``user_id`` None; the line no worker), and a partial
unique index keeps each item's collection paid once.

Accepted volume always ends up on a sheet: a sheet takes **everything accepted and on no sheet
yet** up to its period's end, so work accepted before the period (e.g. after an earlier week's
sheet was drawn and confirmed) is carried onto the next one. Drawing a sheet again for a period
whose sheet is still a ``draft`` **redraws** it (its lines are rebuilt from everything accepted
and unpaid by then); a sheet the vendor has confirmed is never redrawn, and what is accepted
after that goes on the next period's sheet.

Corrections (:func:`create_correction_sheet`) are one adjustment line (±) on a new sheet for one
project × stage of the corrected sheet (named when it holds several), so the ledger books it to
that project's costs. A correction may not take that project × stage's total (the original
lines plus every correction of them, an addition once confirmed) below zero, and the additions
may not exceed what the corrected sheet paid for it. A sheet whose net payable is negative is a
recovery from the vendor: it is confirmed like any sheet but never settled as a payment; once
confirmed it is a debt the vendor's next sheets deduct from their net payable
(:mod:`datamill.workforce.settlement_debts`).

Income tax of an individual supplier is withheld per calendar month (the month the period
starts in): a sheet withholds the tax on the month's gross so far less what the month's earlier
sheets withheld (four weekly sheets of 1,060.00 withhold 52.00, 212.00, 212.00, 202.40: the tax
on 4,240.00 is 3,392.00 × 20 % = 678.40, against 4 × 52.00 = 208.00 taxed sheet by sheet).

Rounding: each line's amount is rounded half-up to the fen (0.01 CNY) once, from the exact
volume (hours = duration_ms / 3,600,000), as printed on the sheet; the sheet amount is the sum of
its lines (so it may differ by a few fen from the whole volume × price rounded once); the fee (a
part of the amount) is rounded half-up on the sheet amount.
Periods are days of the business's calendar (:mod:`datamill.business_clock`), end exclusive.
Lifecycle: draft → vendor_confirmed → confirmed (immutable) → settled (paid by bank transfer);
a sheet not paid may be voided instead (:mod:`datamill.workforce.settlement_void`).

This module draws sheets up and reads them; the confirmations and the payment are
:mod:`datamill.workforce.settlement_lifecycle`, corrections
:mod:`datamill.workforce.settlement_corrections` (their functions are importable from here too).
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.business_clock import business_today, day_start
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.csv_cells import safe_writer
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import to_cents
from datamill.db.lookup import get_or_raise, id_is
from datamill.modalities.registry import get_modality
from datamill.production.delivery_acceptance import customer_shares
from datamill.production.models import (
    Batch,
    BatchItem,
    Inspection,
    Item,
    Project,
    Task,
    TaskAssignment,
)
from datamill.workforce._sheets import (
    month_before,
    require_projects_open,
    sheet_out,
    sheet_row,
    sheet_totals,
    withholding_tax,
)
from datamill.workforce.models import (
    SettlementLine,
    SettlementSheet,
    SettlementUnit,
    Vendor,
    Worker,
)
from datamill.workforce.policies import (
    is_business,
    managed_vendor_id,
    pays_vendors,
    require_business,
    require_vendor_scope,
)
from datamill.workforce.pricing import effective_price, language_group
from datamill.workforce.schemas import SettlementSheetOut
from datamill.workforce.settlement_corrections import create_correction_sheet
from datamill.workforce.settlement_debts import apply_debt_offsets, release_offsets
from datamill.workforce.settlement_lifecycle import (
    SETTLED_COST,
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    settle_sheet,
)
from datamill.workforce.settlement_recovery import (
    PRO_RATA_NOTE,
    add_pro_rata_recoveries,
    add_recoveries,
    pro_rata_units,
    refused_units,
    release_recoveries,
)
from datamill.workforce.settlement_void import void_sheet
from datamill.workforce.sheet_quantities import RunningQuantities, exact_quantity

__all__ = [
    "COLLECT",
    "SETTLED_COST",
    "SheetHead",
    "confirm_sheet_by_business",
    "confirm_sheet_by_vendor",
    "create_correction_sheet",
    "create_settlement_sheet",
    "get_sheet",
    "list_sheets",
    "period_bounds",
    "settle_sheet",
    "sheet_csv",
    "sheet_head",
    "sheet_html",
    "void_sheet",
    "withholding_tax",
]

_MS_PER_HOUR = Decimal(3_600_000)
_Q4 = Decimal("0.0001")
#: how far ahead a sheet's period may begin (the next period's sheet may be drawn early); a
#: sheet of 2999 took all unpaid work and dated its cost where the ledger never posts
_MAX_AHEAD_DAYS = 31


def period_bounds(cycle: str, start: date) -> date:
    """The (exclusive) end of the period starting on ``start``; refuses a misaligned start."""
    if cycle == "weekly":
        if start.weekday() != 0:
            monday = start - timedelta(days=start.weekday())
            raise InvalidInput(
                f"a weekly period starts on a Monday; did you mean {monday}?", field="period_start",
                reason_code="weekly_period_monday", monday=str(monday),
            )
        return start + timedelta(days=7)
    next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    if cycle == "monthly":
        if start.day != 1:
            raise InvalidInput(
                f"a monthly period starts on the 1st; did you mean {start.replace(day=1)}?",
                field="period_start",
                reason_code="monthly_period_first", value=str(start.replace(day=1)),
            )
        return next_month
    if cycle == "half_monthly":
        if start.day not in (1, 16):
            raise InvalidInput(
                "a half-monthly period starts on the 1st or the 16th", field="period_start",
                reason_code="half_month_period_start",
            )
        return start.replace(day=16) if start.day == 1 else next_month
    raise InvalidInput(f"unknown settlement cycle {cycle!r}",
                       reason_code="settlement_cycle_unknown", cycle=str(cycle))



#: (item, project, volume, stage, user, worker, batch); user and worker are None for
#: collected volume (stage :data:`COLLECT`), which the vendor, not a person, is paid for
_Unit = tuple[int, int, int, str, int | None, int | None, int]
#: the stage a collection vendor's accepted recordings are paid on (priced as ``collect``)
COLLECT = "collect"


def _still_paid(recovering: frozenset[int]) -> Any:
    """A unit's pay stands for the item in this query's batch: not recovered (nor being
    recovered on this sheet, ``recovering``), or of the same batch (a pro-rata recovery takes
    back a share, the item stays paid for its batch)."""
    return or_(SettlementUnit.batch_id == BatchItem.batch_id,
               and_(SettlementUnit.recovered_by_line_id.is_(None),
                    SettlementUnit.id.not_in(sorted(recovering))))


def _collected_units(
    session: Session, vendor_id: int, accepted: Any, end: date, redraw: int | None,
    recovering: frozenset[int] = frozenset(),
) -> list[_Unit]:
    """The vendor's delivered items (``items.supplier_vendor_id``) accepted as task work is
    (an accepted batch, inspected before ``end``), on no sheet at :data:`COLLECT`."""
    paid = exists().where(
        SettlementUnit.item_id == Item.id,
        SettlementUnit.stage == COLLECT,
        SettlementUnit.user_id.is_(None),
        SettlementUnit.sheet_id != (redraw or 0),
        _still_paid(recovering),
    )
    q = (
        select(Item.id, Item.project_id, Item.volume, BatchItem.batch_id)
        .join(BatchItem, BatchItem.item_id == Item.id)
        .join(Batch, Batch.id == BatchItem.batch_id)
        .join(accepted, accepted.c.batch_id == Batch.id)
        .where(
            Batch.status.in_(("accepted", "delivered")),
            Item.status == "accepted",
            Item.supplier_vendor_id == vendor_id,
            accepted.c.at < day_start(end),
            ~paid,
        )
        .order_by(Item.id, BatchItem.batch_id)
    )
    return [(a, b, c or 0, COLLECT, None, None, d) for a, b, c, d in session.execute(q).all()]


def _accepted_units(
    session: Session, vendor_id: int, end: date, redraw: int | None = None,
    recovering: frozenset[int] = frozenset(),
) -> list[_Unit]:
    """(item, project, volume, stage, user, worker, batch) accepted before ``end`` and on
    no sheet (the draft sheet ``redraw`` aside: its units are drawn again): the task work of
    the vendor's people and the vendor's own delivered (collected) items. A unit the customer
    refused is not paid: recovered (or, in ``recovering``, being recovered on this sheet), its
    item reworked and accepted again is paid again, once."""
    accepted = (
        select(Inspection.batch_id, func.max(Inspection.completed_at).label("at"))
        .where(Inspection.status == "completed", Inspection.verdict == "accepted")
        .group_by(Inspection.batch_id)
        .subquery()
    )
    paid = exists().where(
        SettlementUnit.item_id == Item.id,
        SettlementUnit.stage == Task.stage,
        SettlementUnit.user_id == TaskAssignment.user_id,
        SettlementUnit.sheet_id != (redraw or 0),
        _still_paid(recovering),
    )
    q = (
        select(
            Item.id,
            Item.project_id,
            Item.volume,
            Task.stage,
            TaskAssignment.user_id,
            Worker.id,
            BatchItem.batch_id,
        )
        .join(BatchItem, BatchItem.item_id == Item.id)
        .join(Batch, Batch.id == BatchItem.batch_id)
        .join(accepted, accepted.c.batch_id == Batch.id)
        .join(Task, (Task.item_id == Item.id) & (Task.kind == "work"))  # checks are not paid
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .join(Worker, Worker.user_id == TaskAssignment.user_id)
        .where(
            Batch.status.in_(("accepted", "delivered")),
            Item.status == "accepted",
            TaskAssignment.status == "submitted",
            Worker.vendor_id == vendor_id,
            accepted.c.at < day_start(end),  # no lower bound: earlier unpaid work is carried forward
            ~paid,
        )
        .order_by(Item.id, Task.stage, TaskAssignment.user_id)
    )
    rows: list[_Unit] = [(a, b, c or 0, d, e, f, g)
                         for a, b, c, d, e, f, g in session.execute(q).all()]
    rows += _collected_units(session, vendor_id, accepted, end, redraw, recovering)
    # an item the customer refused is paid from the batch that delivers it again, not this one
    refused = {batch: c.refused for batch, c in customer_shares(
        session, {r[6] for r in rows}).items() if c.refused}
    if refused:
        rows = [r for r in rows if r[0] not in refused.get(r[6], frozenset())]
    out: list[_Unit] = []
    seen: set[tuple[int, str, int | None]] = set()  # an item in two accepted batches: paid once
    for r in rows:
        if (r[0], r[3], r[4]) in seen:
            continue
        seen.add((r[0], r[3], r[4]))
        out.append(r)
    return out


def _check_identities(
    session: Session, vendor: Vendor, worker_ids: set[int], *, collected: bool = False
) -> None:
    """An individual supplier's people are paid only after their identity check; collected
    volume names no person, so the individual's own registered workers are checked (and an
    individual with none registered is not paid)."""
    if vendor.kind != "individual":
        return
    if collected:
        own = set(session.scalars(select(Worker.id).where(Worker.vendor_id == vendor.id,
                                                          Worker.active.is_(True))))
        if not own:
            raise Conflict(
                f"individual supplier {vendor.name!r} has no registered person: register the "
                "individual as the vendor's worker and verify their identity before the "
                "collected volume can be paid",
                reason_code="individual_no_person", vendor_name=str(vendor.name))
        worker_ids = worker_ids | own
    workers = {wid: session.get(Worker, wid) for wid in worker_ids}
    unchecked = sorted(
        (session.get(User, w.user_id) or User(username=str(wid))).username
        for wid, w in workers.items()
        if w is not None and w.identity_verified_at is None
    )
    if unchecked:
        names = ", ".join(unchecked)
        raise Conflict(
            f"individual supplier {vendor.name!r}: {names} "
            f"{'has' if len(unchecked) == 1 else 'have'} no identity check; verify it before "
            f"they can be paid (datamill workforce identity {unchecked[0]} 'ID ****1234', "
            "POST /api/v1/workers/{id}/identity)", unchecked=unchecked,
            reason_code="identity_unchecked", vendor_name=str(vendor.name), names=str(names),
            value=str('has' if len(unchecked) == 1 else 'have'), unchecked_2=str(unchecked[0]))


def _dec(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _line_amount(
    unit: str, unit_price: Decimal, modality: str, volume: Fraction, n: Fraction
) -> tuple[Decimal, Decimal]:
    """(quantity, amount) of one line: the exact volume (base units) or item count × price,
    rounded once to the fen."""
    if unit == "hour":
        per = _MS_PER_HOUR
    elif unit == "volume":  # the modality's unit, e.g. 1,000 characters of text
        per = Decimal(get_modality(modality).volume_per_unit)
    else:
        if n.denominator == 1:  # whole items: as counted
            return Decimal(n.numerator), to_cents(unit_price * n.numerator)
        exact = _dec(n)
        return exact.quantize(_Q4, rounding=ROUND_HALF_UP), to_cents(unit_price * exact)
    quantity = (_dec(volume) / per).quantize(_Q4, rounding=ROUND_HALF_UP)
    return quantity, to_cents(unit_price * _dec(volume) / per)


def _paid_shares(
    session: Session, units: list[_Unit]
) -> tuple[dict[int, tuple[Fraction, Fraction]], dict[int, str]]:
    """Per batch: the share of each item's count and of its volume that is paid, and a note for
    the batches paid pro rata. Settlement is by accepted volume: where the customer accepted
    part of a delivery without saying which items (4 of 5 images), each worker's items of it
    are paid at the accepted share (``accepted / delivered``), so what the vendors are paid for
    the delivery never exceeds what the customer accepted. Where the customer named the refused
    items, the rest is paid in full and the refused ones when they are accepted again. Work not
    yet reported on by the customer is paid in full on its inspection (weekly settlement)."""
    shares: dict[int, tuple[Fraction, Fraction]] = {}
    notes: dict[int, str] = {}
    for batch_id, c in customer_shares(session, {u[6] for u in units}).items():
        if c.whole:
            continue
        items = Fraction(c.accepted_items, c.delivered_items) if c.delivered_items else Fraction(1)
        volume = (Fraction(c.accepted_volume, c.delivered_volume) if c.delivered_volume
                  else items)
        shares[batch_id] = (min(items, Fraction(1)), min(volume, Fraction(1)))
        notes[batch_id] = PRO_RATA_NOTE.format(delivery=c.delivery_id,
                                               accepted=c.accepted_items,
                                               delivered=c.delivered_items)
    return shares, notes


def _fill_sheet(
    session: Session, sheet: SettlementSheet, vendor: Vendor, units: list[_Unit]
) -> Decimal:
    """Add one line per project × stage × worker (and its units) to ``sheet``; the total."""
    groups: dict[tuple[int, str, int | None], list[_Unit]] = defaultdict(list)
    for u in units:
        groups[(u[1], u[3], u[5])].append(u)
    _check_identities(session, vendor, {wid for _, _, wid in groups if wid is not None},
                      collected=any(stage == COLLECT for _, stage, _ in groups))
    shares, notes = _paid_shares(session, units)
    whole = (Fraction(1), Fraction(1))
    total, running = Decimal("0.00"), RunningQuantities()
    for (project_id, stage, worker_id), rows in sorted(
            groups.items(), key=lambda g: (g[0][0], g[0][1], g[0][2] or 0)):
        project = get_or_raise(session, Project, project_id, "project")
        group = language_group(project.language)
        price = effective_price(
            session, sheet.period_start, vendor.id, stage, project.modality, group
        )
        if price is None:
            raise InvalidInput(
                f"no unit price for {stage} × {project.modality} × {group} in the half-year of "
                f"{sheet.period_start}; set one in the price system first",
                reason_code="sheet_price_missing", stage=str(stage),
                modality=str(project.modality), group=str(group),
                period_start=str(sheet.period_start),
            )
        volume = sum((r[2] * shares.get(r[6], whole)[1] for r in rows), Fraction(0))
        count = sum((shares.get(r[6], whole)[0] for r in rows), Fraction(0))
        quantity, amount = _line_amount(
            price.unit, price.unit_price, project.modality, volume, count
        )
        if price.unit != "item" or count.denominator != 1:  # summed, then rounded: never > accepted
            quantity = running.take((project_id, stage), exact_quantity(
                price.unit, project.modality, volume, count))
        pro_rata = sorted({notes[r[6]] for r in rows if r[6] in notes})
        line = SettlementLine(
            sheet_id=sheet.id,
            project_id=project_id,
            stage=stage,
            worker_id=worker_id,
            unit=price.unit,
            items=len(rows),
            # the accepted volume in the modality's base unit (a pro-rated share rounded to it)
            duration_ms=int(_dec(volume).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            quantity=quantity,
            unit_price=price.unit_price,
            amount=amount,
            description=f"{project.name} {stage}" + (
                f" (pro rata: {'; '.join(pro_rata)})" if pro_rata else ""),
        )
        session.add(line)
        session.flush()
        for item_id, _, _, st, user_id, _, batch_id in rows:
            session.add(SettlementUnit(sheet_id=sheet.id, line_id=line.id, item_id=item_id,
                                       stage=st, user_id=user_id, batch_id=batch_id))
        total += amount
    return total


def create_settlement_sheet(
    session: Session, actor: User, vendor_id: int, period_start: date
) -> SettlementSheetOut:
    """Draw up the vendor's sheet for the period that starts on ``period_start``.

    The sheet takes everything accepted before the period's end that is on no sheet yet
    (earlier weeks' unpaid work included). Run again while the period's sheet is a ``draft``,
    it **redraws** that sheet (same number, lines rebuilt with what was accepted since); a sheet
    the vendor has confirmed is never redrawn: later work goes on the next period's sheet.
    """
    require_business(actor, "draw up settlement sheets")
    vendor = get_or_raise(session, Vendor, vendor_id, "vendor")
    end = period_bounds(vendor.settlement_cycle, period_start)
    last = end - timedelta(days=1)  # the period's last day, as the sheet shows it (end: after)
    today = business_today()
    if period_start > today + timedelta(days=_MAX_AHEAD_DAYS):  # its cost is dated at its end
        raise InvalidInput(f"period {period_start}–{last} begins more than {_MAX_AHEAD_DAYS} "
                           f"days from today ({today}): a sheet settles work already accepted, "
                           "in a past, the current or the next period", field="period_start",
                           reason_code="sheet_period_ahead", period_start=str(period_start),
                           end=str(last), MAX_AHEAD_DAYS=_MAX_AHEAD_DAYS, today=str(today))
    key = f"{vendor.settlement_cycle}:{period_start.isoformat()}"
    existing = session.scalars(  # locked: a redraw never races the vendor's confirmation
        select(SettlementSheet).where(
            SettlementSheet.vendor_id == vendor_id, SettlementSheet.period_key == key
        ).with_for_update().execution_options(populate_existing=True)
    ).first()
    if existing is not None and existing.status != "draft":
        raise Conflict(
            f"vendor {vendor.name!r} already has sheet {existing.number} ({existing.status}) "
            f"for {period_start}–{last}; only a draft is redrawn: work accepted since goes on "
            "the next period's sheet, corrections go on a correction sheet",
            reason_code="sheet_exists_not_draft", vendor_name=str(vendor.name),
            number=str(existing.number), existing_status=str(existing.status),
            period_start=str(period_start), end=str(last),
        )
    if existing is not None:  # its deductions are drawn again too, and the debts it took
        release_recoveries(session, existing.id)
        release_offsets(session, existing.id)
    refused = refused_units(session, vendor_id, existing.id if existing else None)
    shares = pro_rata_units(session, vendor_id, existing.id if existing else None)
    units = _accepted_units(session, vendor_id, end, existing.id if existing else None,
                            frozenset(r[0].id for r in refused))
    if not units and not refused and not shares:
        raise Conflict(
            f"nothing accepted and unpaid for vendor {vendor.name!r} up to the end of "
            f"{period_start}–{last}",
            reason_code="sheet_nothing_accepted", vendor_name=str(vendor.name),
            period_start=str(period_start), end=str(last),
        )
    require_projects_open(session, {u[1] for u in units} | {
        int(r[1].project_id) for r in [*refused, *shares] if r[1].project_id is not None})
    if existing is not None:  # redraw the draft: its lines are rebuilt from scratch
        sheet = existing
        session.execute(delete(SettlementUnit).where(SettlementUnit.sheet_id == sheet.id))
        session.execute(delete(SettlementLine).where(SettlementLine.sheet_id == sheet.id))
    else:
        number = f"WF-{vendor.id:04d}-{period_start:%Y%m%d}"
        voided = session.scalar(select(func.count()).select_from(SettlementSheet).where(
            SettlementSheet.vendor_id == vendor.id, SettlementSheet.kind == "regular",
            SettlementSheet.period_start == period_start, SettlementSheet.status == "voided"))
        sheet = SettlementSheet(
            # the period's sheet drawn again after one was voided: -R1, -R2, ...
            number=f"{number}-R{voided}" if voided else number,
            vendor_id=vendor.id,
            kind="regular",
            cycle=vendor.settlement_cycle,
            period_start=period_start,
            period_end=end,
            period_key=key,
            created_by=actor.id,
        )
        session.add(sheet)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as err:
            raise Conflict(
                f"a sheet for vendor {vendor.name!r} and {period_start} was just created",
                reason_code="sheet_just_created", vendor_name=str(vendor.name),
                period_start=str(period_start),
            ) from err
    paid = _fill_sheet(session, sheet, vendor, units) if units else Decimal("0.00")
    paid += add_recoveries(session, sheet, refused, _line_amount)
    paid += add_pro_rata_recoveries(session, sheet, shares, _line_amount)
    base, withheld = month_before(session, sheet)
    sheet_totals(sheet, vendor, paid, tax_base=base, withheld_before=withheld)
    # the vendor's debts (confirmed negative sheets) come off the net payable, after the tax
    offsets = apply_debt_offsets(session, sheet, actor.id)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as err:
        raise Conflict(
            "some of this work was just put on another sheet; draw the sheet up again",
            reason_code="sheet_work_taken",
        ) from err
    record_audit(
        session,
        actor_id=actor.id,
        action="settlement.redrawn" if existing is not None else "settlement.created",
        object_type="settlement_sheet",
        object_id=sheet.id,
        data={
            "number": sheet.number,
            "amount": str(sheet.amount),
            "gross": str(sheet.gross),
            "units": len(units),
            **({"recovered_units": len(refused)} if refused else {}),
            **({"recovered_pro_rata_units": len(shares)} if shares else {}),
            **({"debt_offsets": offsets, "net_payable": str(sheet.net_payable)}
               if offsets else {}),
        },
    )
    return sheet_out(session, sheet)


def get_sheet(session: Session, actor: User, sheet_id: int) -> SettlementSheetOut:
    """One sheet: for those who see its vendor, and for finance, who pays it."""
    sheet = sheet_row(session, sheet_id, viewer=actor)
    if not pays_vendors(session, actor):
        require_vendor_scope(session, actor, sheet.vendor_id, f"settlement sheet {sheet_id}")
    return sheet_out(session, sheet)


class SheetHead(NamedTuple):
    """A sheet's id, number and vendor: what a page needs to name it and link back."""

    id: int
    number: str
    vendor_id: int


def sheet_head(session: Session, actor: User, sheet_id: int) -> SheetHead:
    """:func:`get_sheet`'s wall (404 for one that does not exist or another vendor's, 403 as
    it answers) without reading the sheet's lines, offsets and debts: for a face that only
    needs to know the sheet is there before acting on it."""
    sheet = sheet_row(session, sheet_id, viewer=actor)
    if not pays_vendors(session, actor):
        require_vendor_scope(session, actor, sheet.vendor_id, f"settlement sheet {sheet_id}")
    return SheetHead(sheet.id, sheet.number, sheet.vendor_id)


def list_sheets(
    session: Session, actor: User, vendor_id: int | None = None
) -> list[SettlementSheetOut]:
    """The sheets ``actor`` may see (of ``vendor_id`` only, when given): a vendor manager's own
    vendor's; a vendor that does not exist is not found (404 ``object_not_found``; was ``[]``,
    as for a vendor with no sheets), told only to those who may see that vendor's sheets."""
    if not pays_vendors(session, actor):  # finance pays every vendor's sheets: sees them all
        if vendor_id is None and not is_business(actor):
            vendor_id = managed_vendor_id(session, actor)
            require_vendor_scope(session, actor, vendor_id, "settlement sheets")
        elif vendor_id is not None:
            require_vendor_scope(
                session, actor, vendor_id, f"the settlement sheets of vendor {vendor_id}"
            )
    q = select(SettlementSheet).order_by(SettlementSheet.id)
    if vendor_id is not None:
        q = q.where(id_is(SettlementSheet.vendor_id, vendor_id))
    sheets = [sheet_out(session, s) for s in session.scalars(q)]
    if vendor_id is not None and not sheets:  # after the scope check: no probing of ids
        get_or_raise(session, Vendor, vendor_id, "vendor", vendor_id=vendor_id)
    return sheets


_CSV_FIELDS = (
    "project_id",
    "stage",
    "worker_id",
    "unit",
    "items",
    "volume",
    "volume_unit",
    "quantity",
    "unit_price",
    "amount",
    "description",
)


def sheet_csv(session: Session, actor: User, sheet_id: int) -> str:
    """The sheet as CSV: a row of name, value pairs (``sheet``, ``vendor``, ``period``,
    ``status``, then ``period_end_excluded``: the period's end day, which the sheet does not
    include, and ``last_day``: the last day it does, as the list and the printed sheet say),
    the lines' header, one row per line, then the totals.

    The first row is the widest (12 cells), so a reader that takes the first row's width for
    the file's (pandas' ``read_csv(header=None)``) reads every row.
    """
    sheet = get_sheet(session, actor, sheet_id)
    buf = io.StringIO()
    w = safe_writer(buf, lineterminator="\n")
    w.writerow(
        [
            "sheet",
            sheet.number,
            "vendor",
            sheet.vendor_id,
            "period",
            f"{sheet.period_start}..{sheet.period_end}",
            "status",
            sheet.status,
            "period_end_excluded",
            sheet.period_end,
            "last_day",
            sheet.period_end - timedelta(days=1),
            # a voided sheet says so, and why (it pays nothing; its lines stay for the record)
            *(["void_reason", sheet.void_reason] if sheet.status == "voided" else []),
        ]
    )
    w.writerow(_CSV_FIELDS)
    for line in sheet.lines:
        w.writerow(["" if getattr(line, f) is None else getattr(line, f) for f in _CSV_FIELDS])
    for label in ("amount", "fee", "gross", "tax_withheld",
                  *(["debt_offset"] if sheet.offsets else []), "net_payable"):
        w.writerow(["total", label, getattr(sheet, label)])
    for o in sheet.offsets:  # the vendor's debts taken off the net payable (after the tax)
        w.writerow(["debt_offset", o.debt_sheet, o.amount])
    if sheet.debt_outstanding is not None:  # this sheet is a debt: what is still owed, and who took it
        w.writerow(["total", "debt_outstanding", sheet.debt_outstanding])
        for o in sheet.offset_by:
            w.writerow(["offset_by", o.sheet, o.amount])
    return buf.getvalue()


def sheet_html(session: Session, actor: User, sheet_id: int, lang: str = "en") -> str:
    """A printable, self-contained HTML sheet with signature boxes for both sides, in ``lang``
    (``en`` or ``zh-CN``: the web's words, :mod:`datamill.workforce.sheet_print`)."""
    from datamill.workforce.sheet_print import SHEET_CATALOGUES, render_sheet_html

    if lang not in SHEET_CATALOGUES:
        raise InvalidInput(f"no settlement-sheet language {lang!r}; use one of "
                           f"{', '.join(SHEET_CATALOGUES)}", field="lang",
                           reason_code="sheet_language_unknown", lang_value=str(lang),
                           value=', '.join(SHEET_CATALOGUES))
    sheet = get_sheet(session, actor, sheet_id)
    corrects = (get_sheet(session, actor, sheet.corrects_sheet_id).number
                if sheet.corrects_sheet_id is not None else None)
    return render_sheet_html(session, actor, sheet, lang, corrects=corrects)
