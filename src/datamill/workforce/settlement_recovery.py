"""Work the customer refused after its sheet was confirmed: its pay recovered on the next sheet.

Domain §4.6: rejected work is unpaid → rework. A sheet pays an item once its batch is accepted
in inspection (weekly settlement), often before the customer reports on the delivery. Where the
customer then refuses the item (named in the acceptance, or the whole delivery rejected) and the
sheet that paid it is no longer a draft (the vendor confirmed it; a draft is redrawn without
it), the vendor's **next** sheet carries a **deduction**: one negative line per project × stage
× worker, the refused items' quantity × the unit price they were paid at, described as
``recovered: customer refused <n> item(s) of delivery <d>, paid on <sheet>``. The confirmed
sheet is never rewritten; each recovered unit names the line that recovered it
(``recovered_by_line_id``), so it is recovered once: the drawing locks the units it recovers,
so two sheets of the vendor drawn at once (two periods, two processes) do not both recover them. The reworked item, accepted again in
another batch, is paid once to whoever redid it (the original worker too). The ledger follows:
the next sheet's cost events net the deduction into its project × stage
(``settlement.reduced`` where the net is negative).

Before: the original worker stayed paid and, when another worker redid the item, it was paid
twice (3 images of 2.00, one refused and redone: 8.00 paid for 3 accepted images).

Collected volume (a collection vendor's recordings, a unit naming no person) is recovered the
same way: the recording refused in a delivery is not paid (before: it stayed paid when the
delivery was rejected); accepted again in another batch it is paid again, once.

**Part-acceptance naming no items** (the customer accepted 4 of 5 images without saying which):
nobody's item is refused, so no unit is recovered whole. The rule (settlement by accepted
volume, as :func:`datamill.workforce.settlement._paid_shares` pays a sheet drawn after the
acceptance): every unit of the batch that a standing sheet paid **in full** gives back its
refused share, ``1 − accepted / delivered`` of its count (items) and of its volume (base units),
pro rata across the batch's paid items of every vendor, so what the vendors keep for the
delivery is what the customer accepted. One deduction line per project × stage × worker × price
× delivery (:data:`RECOVERED_PRO_RATA`, items 0: no item is refused), rounded as the sheet rounds
its lines; each unit names that line and so gives its share back once. A unit paid on a line
drawn at the share already (its description carries the delivery's pro-rata note) owes nothing.
The unit stays paid for its batch: it is not paid again (the batch is the same).
Before: 5 images of 2.00 paid in full (10.00), the customer accepted 4 naming none: 10.00 kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Select, exists, select, update
from sqlalchemy.orm import Session

from datamill.production.delivery_acceptance import CustomerShare, customer_shares
from datamill.production.models import Delivery, Item, Project
from datamill.workforce.models import SettlementLine, SettlementSheet, SettlementUnit

__all__ = ["PRO_RATA_NOTE", "RECOVERED", "RECOVERED_PRO_RATA", "add_pro_rata_recoveries",
           "add_recoveries", "pro_rata_units", "refused_units", "release_recoveries"]

#: the stored (English) description of a deduction line; the printed sheet words it
#: (:func:`datamill.workforce.sheet_print.line_description`)
RECOVERED = "recovered: customer refused {items} item(s) of delivery {delivery}, paid on {number}"
#: a pro-rated line's note (:func:`datamill.workforce.settlement._paid_shares`); the printed
#: sheet words it (:data:`datamill.workforce.sheet_print._PRO_RATA_NOTE`)
PRO_RATA_NOTE = "delivery {delivery}: {accepted} of {delivered} items accepted by the customer"
#: the stored (English) description of a pro-rata deduction line
RECOVERED_PRO_RATA = ("recovered pro rata: customer accepted {accepted} of {delivered} items of "
                      "delivery {delivery}, paid in full on {number}")
#: sheets whose pay stands: the vendor confirmed them (a draft is redrawn without refused items)
_STANDING = ("vendor_confirmed", "confirmed", "settled")


def _refused(session: Session, batch_ids: set[int]) -> dict[int, tuple[int, frozenset[int] | None]]:
    """Per batch: (delivery, the refused items; None where the whole delivery was rejected)."""
    out: dict[int, tuple[int, frozenset[int] | None]] = {
        b: (c.delivery_id, c.refused)
        for b, c in customer_shares(session, batch_ids).items() if c.refused}
    if batch_ids:
        for d_id, b_id in session.execute(
                select(Delivery.id, Delivery.batch_id).where(
                    Delivery.batch_id.in_(sorted(batch_ids)), Delivery.status == "rejected")
                .order_by(Delivery.id)):
            out[b_id] = (d_id, None)
    return out


#: a unit to recover: (the unit, the line that paid it, that sheet's number, the delivery)
Refused = tuple[SettlementUnit, SettlementLine, str, int]
#: a sheet's rounding of one line: (unit, price, modality, volume, count) → (quantity, amount)
LineAmount = Callable[[str, Decimal, str, Fraction, Fraction], tuple[Decimal, Decimal]]


def _paid_units(vendor_id: int,
                sheet_id: int | None) -> Select[SettlementUnit, SettlementLine, str]:
    """The vendor's units on a sheet it confirmed (other than ``sheet_id``) that no line has
    recovered yet, with their line and sheet number."""
    return (
        select(SettlementUnit, SettlementLine, SettlementSheet.number)
        .join(SettlementLine, SettlementLine.id == SettlementUnit.line_id)
        .join(SettlementSheet, SettlementSheet.id == SettlementUnit.sheet_id)
        .where(SettlementSheet.vendor_id == vendor_id,
               SettlementSheet.status.in_(_STANDING),
               SettlementSheet.id != (sheet_id or 0),
               SettlementUnit.recovered_by_line_id.is_(None))
    )


def refused_units(session: Session, vendor_id: int, sheet_id: int | None) -> list[Refused]:
    """The vendor's paid task work and collected volume (on a sheet it confirmed, other than
    ``sheet_id``) that the customer refused since and that no line has recovered yet."""
    rows = session.execute(
        _paid_units(vendor_id, sheet_id)
        .where(exists().where(  # a delivery of its batch the customer refused some of
            Delivery.batch_id == SettlementUnit.batch_id,
            (Delivery.status == "rejected")
            | ((Delivery.status == "accepted")
               & (Delivery.accepted_items < Delivery.delivered_items))))
        .order_by(SettlementUnit.id)
        .with_for_update(of=SettlementUnit)  # two sheets drawn at once: one recovers them
    ).tuples().all()
    refused = _refused(session, {u.batch_id for u, _, _ in rows})
    out: list[Refused] = []
    for unit, line, number in rows:
        hit = refused.get(unit.batch_id)
        if hit is not None and (hit[1] is None or unit.item_id in hit[1]):
            out.append((unit, line, number, hit[0]))
    return out


def add_recoveries(
    session: Session, sheet: SettlementSheet, found: list[Refused], line_amount: LineAmount,
) -> Decimal:
    """Add to ``sheet`` a deduction line per project × stage × worker × price for ``found``
    (:func:`refused_units`), rounded as the sheet rounds its lines; their (negative) total."""
    groups: dict[tuple[int, str, int | None, str, Decimal], list[Refused]] = defaultdict(list)
    for r in found:
        unit, line = r[0], r[1]
        groups[(int(line.project_id or 0), unit.stage, line.worker_id, line.unit,
                line.unit_price)].append(r)
    total = Decimal("0.00")
    for (project_id, stage, worker_id, unit_kind, price), got in sorted(
            groups.items(), key=lambda g: (g[0][0], g[0][1], g[0][2] or 0, g[0][3], g[0][4])):
        project = session.get(Project, project_id)
        volumes = session.scalars(select(Item.volume).where(
            Item.id.in_(sorted({r[0].item_id for r in got})))).all()
        volume = Fraction(sum(v or 0 for v in volumes))
        quantity, amount = line_amount(unit_kind, price, project.modality if project else "",
                                       volume, Fraction(len(got)))
        line = SettlementLine(
            sheet_id=sheet.id, project_id=project_id, stage=stage, worker_id=worker_id,
            unit=unit_kind, items=-len(got), duration_ms=-int(volume), quantity=-quantity,
            unit_price=price, amount=-amount,
            description=RECOVERED.format(
                items=len(got), delivery=", ".join(sorted({str(r[3]) for r in got}, key=int)),
                number=", ".join(sorted({r[2] for r in got}))))
        _book(session, line, [r[0] for r in got])
        total -= amount
    session.flush()
    return total


#: a unit paid in full whose refused share is due back: (the unit, the line that paid it, that
#: sheet's number, the customer's share of the batch)
ProRata = tuple[SettlementUnit, SettlementLine, str, CustomerShare]


def pro_rata_units(session: Session, vendor_id: int, sheet_id: int | None) -> list[ProRata]:
    """The vendor's units paid in full (on a sheet it confirmed, other than ``sheet_id``) of
    batches whose delivery the customer accepted in part without naming the refused items, not
    recovered yet."""
    rows = session.execute(
        _paid_units(vendor_id, sheet_id)
        .where(exists().where(
            Delivery.batch_id == SettlementUnit.batch_id,
            Delivery.status == "accepted",
            Delivery.accepted_items < Delivery.delivered_items))
        .order_by(SettlementUnit.id)
        .with_for_update(of=SettlementUnit)  # two sheets drawn at once: one recovers them
    ).tuples().all()
    shares = customer_shares(session, {u.batch_id for u, _, _ in rows})
    out: list[ProRata] = []
    for unit, line, number in rows:
        c = shares.get(unit.batch_id)
        if c is None or c.whole:
            continue
        if f"delivery {c.delivery_id}: " in (line.description or "").partition(" (pro rata: ")[2]:
            continue  # drawn at the share already
        out.append((unit, line, number, c))
    return out


def _refused_share(c: CustomerShare) -> tuple[Fraction, Fraction]:
    """(items, volume): the share of each paid unit of the batch the customer did not accept."""
    items = Fraction(c.accepted_items, c.delivered_items) if c.delivered_items else Fraction(1)
    volume = Fraction(c.accepted_volume, c.delivered_volume) if c.delivered_volume else items
    return 1 - min(items, Fraction(1)), 1 - min(volume, Fraction(1))


def add_pro_rata_recoveries(
    session: Session, sheet: SettlementSheet, found: list[ProRata], line_amount: LineAmount,
) -> Decimal:
    """Add to ``sheet`` a deduction line per project × stage × worker × price × delivery for
    ``found`` (:func:`pro_rata_units`): the refused share of each unit's pay; their (negative)
    total."""
    groups: dict[tuple[int, str, int | None, str, Decimal, int], list[ProRata]] = (
        defaultdict(list))
    for r in found:
        unit, line = r[0], r[1]
        groups[(int(line.project_id or 0), unit.stage, line.worker_id, line.unit,
                line.unit_price, r[3].delivery_id)].append(r)
    total = Decimal("0.00")
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2] or 0, k[3], k[4], k[5])):
        project_id, stage, worker_id, unit_kind, price, delivery_id = key
        got = groups[key]
        project = session.get(Project, project_id)
        sizes = dict(session.execute(select(Item.id, Item.volume).where(
            Item.id.in_(sorted({r[0].item_id for r in got})))).tuples().all())
        c = got[0][3]
        item_share, volume_share = _refused_share(c)
        volume = sum((Fraction(sizes.get(r[0].item_id) or 0) * volume_share for r in got),
                     Fraction(0))
        quantity, amount = line_amount(unit_kind, price, project.modality if project else "",
                                       volume, item_share * len(got))
        if amount == 0:
            continue  # nothing to give back (a share too small to reach a fen): nothing marked
        line = SettlementLine(
            sheet_id=sheet.id, project_id=project_id, stage=stage, worker_id=worker_id,
            unit=unit_kind, items=0, duration_ms=-round(volume), quantity=-quantity,
            unit_price=price, amount=-amount,
            description=RECOVERED_PRO_RATA.format(
                accepted=c.accepted_items, delivered=c.delivered_items, delivery=delivery_id,
                number=", ".join(sorted({r[2] for r in got}))))
        _book(session, line, [r[0] for r in got])
        total -= amount
    session.flush()
    return total


def _book(session: Session, line: SettlementLine, units: list[SettlementUnit]) -> None:
    """Add the recovery ``line`` and mark ``units`` as recovered by it (taken back once)."""
    session.add(line)
    session.flush()
    for unit in units:
        unit.recovered_by_line_id = line.id


def release_recoveries(session: Session, sheet_id: int) -> None:
    """The units ``sheet_id``'s deduction lines recovered are due again (the draft is redrawn,
    or the sheet voided)."""
    lines = select(SettlementLine.id).where(SettlementLine.sheet_id == sheet_id)
    session.execute(update(SettlementUnit)
                    .where(SettlementUnit.recovered_by_line_id.in_(lines))
                    .values(recovered_by_line_id=None)
                    .execution_options(synchronize_session=False))
