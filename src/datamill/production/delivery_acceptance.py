"""The customer's report on a delivery: acceptance by volume, or rejection of the whole.

:func:`record_acceptance` records the accepted items and volume (in the modality's base unit),
the items the customer refused going back to their annotators; a ``delivery.accepted`` event
drives revenue in the ledger and settlement in the workforce, which pays no more than the
customer accepted (:func:`customer_shares`). :func:`reject_delivery` sends every item of the
delivery back to rework, to be delivered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day, business_today, day_start
from datamill.compliance.audit import record_audit
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.storable import check_note
from datamill.db.lookup import lock_or_raise
from datamill.production.delivery_keys import delivered_names, items_named, was_masked
from datamill.production.models import Batch, BatchItem, Delivery, DomainEvent, Item, Project
from datamill.production.schemas import DeliveryOut

__all__ = ["CustomerShare", "acceptance_day", "as_measured", "customer_shares", "record_acceptance", "reject_delivery",
           "shown_deliveries"]


def shown_deliveries(session: Session, rows: list[Delivery]) -> list[DeliveryOut]:
    """The deliveries as their readers see them: the refused items named by their external ids
    (the customer's own names for them), not by the internal ids the rows keep for settlement;
    a desensitized delivery's by the masked names its package gives them
    (``delivery_keys.delivered_names``), never the ids' personal data."""
    plain = delivered_names(session, 0, {int(i) for d in rows if not was_masked(d.datasheet)
                                         for i in d.refused_items or []}, masked=False)
    external = {d.id: delivered_names(session, d.batch_id, {int(i) for i in d.refused_items},
                                      masked=True)
                for d in rows if d.refused_items and was_masked(d.datasheet)}
    unmeasured = _unmeasured_by_project(session, {d.project_id for d in rows})
    shown = []
    for d in rows:
        out = DeliveryOut.model_validate(d)
        sheet = as_measured(d.datasheet or {}, unmeasured.get(d.project_id, frozenset()))
        if sheet is not d.datasheet:
            out = out.model_copy(update={"datasheet": sheet})
        if d.refused_items:  # an item since removed (retention) has no name left to give
            named = external.get(d.id, plain)
            out = out.model_copy(update={"refused_items": sorted(
                named[int(i)] for i in d.refused_items if int(i) in named)})
        shown.append(out)
    return shown


def _unmeasured_by_project(session: Session, project_ids: set[int]) -> dict[int, frozenset[str]]:
    """Per project: the metrics it has nothing to measure by (its current requirements)."""
    from datamill.modalities.base import unmeasurable_metrics_in
    from datamill.modalities.registry import get_modality

    out: dict[int, frozenset[str]] = {}
    for project in session.scalars(select(Project).where(Project.id.in_(sorted(project_ids)))):
        try:
            out[project.id] = frozenset(unmeasurable_metrics_in(
                get_modality(project.modality), (project.spec or {}).get("requirements") or {}))
        except (ValueError, LookupError):  # requirements no longer valid, plugin gone: as stored
            out[project.id] = frozenset()
    return out


def as_measured(datasheet: dict[str, Any], unmeasured: frozenset[str]) -> dict[str, Any]:
    """The datasheet as shown: a threshold its ``scoring`` states as accepting the data on a
    metric the project cannot measure (a delivery made before such thresholds were refused,
    whose stored sheet says "Accepted by character_accuracy ..." of a box-only image project)
    is stated as not measured, as a new delivery's sheet states it; the sheet itself when
    nothing needs restating (the package's ``datasheet.json`` stays as checksummed).

    >>> from datamill.qc.scoring_sheet import scoring_section
    >>> old = {"scoring": scoring_section([("region_accuracy", 0.9), ("character_accuracy", 0.9)],
    ...                                   None)}
    >>> shown = as_measured(old, frozenset({"character_accuracy"}))["scoring"]
    >>> shown["not_measured"], shown["statement"][0]
    ([{'name': 'character_accuracy', 'threshold': 0.9}], 'Accepted by region_accuracy >= 0.9.')
    """
    from datamill.qc.scoring_sheet import scoring_section

    scoring = datasheet.get("scoring")
    if not unmeasured or not isinstance(scoring, dict):
        return datasheet
    stated = [m for m in scoring.get("metrics") or () if isinstance(m, dict)]
    if not all(isinstance(m.get("threshold"), int | float) for m in stated):
        return datasheet
    metrics = [(str(m.get("name")), float(m["threshold"])) for m in stated]
    if not any(name in unmeasured for name, _ in metrics):
        return datasheet
    before = [(str(m.get("name")), float(m.get("threshold") or 0))
              for m in scoring.get("not_measured") or () if isinstance(m, dict)]
    normalization = scoring.get("normalization")
    restated = scoring_section(
        [(n, t) for n, t in metrics if n not in unmeasured],
        normalization if isinstance(normalization, dict) else None,
        not_measured=before + [(n, t) for n, t in metrics if n in unmeasured])
    return {**datasheet, "scoring": {**scoring, **restated}}


def reject_delivery(
    session: Session, delivery_id: int, *, reason: str, actor_id: int | None = None,
) -> DeliveryOut:
    """Record the customer's rejection of a whole delivery: nothing is accepted or paid; its
    batch is marked rejected and every item goes back to its annotators with the reason, so the
    reworked items are batched, inspected and delivered again (the redelivery)."""
    from datamill.production.annotating import return_to_annotators

    if not (reason or "").strip():
        raise InvalidInput("a rejection names the customer's reason", field="reason",
                           reason_code="rejection_reason")
    check_note(reason, "reason")
    d = lock_or_raise(session, Delivery, delivery_id, "delivery")
    if d.status != "delivered":
        on = f" on {d.accepted_at:%Y-%m-%d}" if d.accepted_at else ""
        raise Conflict(f"delivery {delivery_id} was already {d.status}{on}: only a delivery "
                       "awaiting the customer's report is rejected", delivery_id=d.id,
                       reason_code=f"delivery_{d.status}_already", on=on)
    batch = lock_or_raise(session, Batch, d.batch_id, "batch")
    why = f"delivery {d.id} ({batch.name}) rejected by the customer: {reason.strip()}"
    items = session.scalars(select(Item).join(BatchItem, BatchItem.item_id == Item.id)
                            .where(BatchItem.batch_id == batch.id).order_by(Item.id)).all()
    for item in items:
        return_to_annotators(session, item, why, code="customer_rejected",
                             params={"delivery_id": d.id, "batch": batch.name,
                                     "reason": reason.strip()})
    d.status = "rejected"
    d.acceptance_note = reason.strip()
    batch.status = "rejected"
    payload = {"delivery_id": d.id, "batch_id": batch.id, "reason": reason.strip(),
               "items": len(items)}
    session.add(DomainEvent(type="delivery.rejected", project_id=d.project_id, payload=payload))
    record_audit(session, actor_id=actor_id, action="delivery.rejected", object_type="delivery",
                 object_id=d.id, project_id=d.project_id, data=payload)
    session.flush()
    return DeliveryOut.model_validate(d)


def record_acceptance(
    session: Session,
    delivery_id: int,
    *,
    accepted_items: int | None = None,
    accepted_volume: int | None = None,
    accepted_duration_ms: int | None = None,
    accepted_utterances: int | None = None,
    note: str | None = None,
    actor_id: int | None = None,
    accept_all: bool = False,
    refused_items: list[str] | None = None,
    accepted_on: date | None = None,
) -> DeliveryOut:
    """Record the customer's acceptance report: the accepted items and volume.

    ``accepted_volume`` is in the modality's base unit (speech: milliseconds; image: images);
    ``accepted_utterances`` and ``accepted_duration_ms`` are the older names of the two. When
    every delivered item counts one base unit (images), the volume defaults to the items.
    ``accept_all``: everything delivered, its items and volume as the delivery recorded them
    (no need to convert printed hours back to milliseconds). ``refused_items``: the delivered
    items the customer refused, by the package's names (delivery keys) or external ids; the
    accepted items and volume are the rest (given as well, they must agree), the refused items
    go back to their annotators with the customer's note, to be batched and delivered again,
    and settlement pays the rest in full (they are paid when accepted again) instead of every
    item pro rata. ``accepted_on``: the day the customer's report was signed (default: today),
    not after today, not before the delivery: the ledger recognises the revenue in that day's
    period (:func:`_acceptance_moment`; not in a closed one:
    :func:`datamill.ledger.acceptance_dates.record_acceptance_on`).
    """
    # the delivery's note, and the reason refused items come back to their annotators: no
    # bidi override or control character (h1)
    check_note(note, "note", most=5000)
    # locked: two reports at once record one acceptance (one ``delivery.accepted``, one revenue)
    d = lock_or_raise(session, Delivery, delivery_id, "delivery")
    items = accepted_items if accepted_items is not None else accepted_utterances
    volume = accepted_volume if accepted_volume is not None else accepted_duration_ms
    delivered = _delivered_volume(d.datasheet)
    held = held_items(d)
    unit = _base_unit(d.datasheet)
    if accept_all:
        if items is not None or volume is not None:
            raise InvalidInput("accepting all of a delivery names no items or volume: give "
                               "either all, or the accepted items and volume",
                               field="accepted_items")
        items, volume = held, delivered
    refused = _refused(session, d, refused_items or [], accept_all)
    if refused:
        rest = (held - len(refused),
                delivered - sum(int(i.volume or 0) for i in refused))
        if (items if items is not None else rest[0], volume if volume is not None else rest[1]
                ) != rest:
            raise InvalidInput(
                f"the {len(refused)} refused item(s) leave {rest[0]} items holding {rest[1]} "
                f"{unit} accepted, not {items} items and {volume} {unit}: give the refused "
                "items alone, or accepted figures that agree with them",
                field="refused_items")
        items, volume = rest
    if volume is None and items is not None and delivered == held:
        volume = items
    if items is None or volume is None:
        # the next step named: which answers are possible (a new customer read "names the
        # accepted items and volume" with no word of how; trial h8)
        raise InvalidInput(
            f"an acceptance names the accepted items and volume ({unit}): accept all of it "
            f"(everything delivered: {held} items, {delivered} {unit}), give the accepted "
            "items and volume, or name the refused items", field="accepted_items",
            delivered_items=held, delivered_volume=delivered)
    if d.status == "accepted":
        raise Conflict(f"delivery {delivery_id} was already accepted"
                       + (f" on {d.accepted_at:%Y-%m-%d}" if d.accepted_at else ""),
                       delivery_id=d.id)
    if d.status == "rejected":
        raise Conflict(f"delivery {delivery_id} was rejected by the customer: its items are "
                       "reworked and delivered again in a new batch", delivery_id=d.id)
    if items < 0 or volume < 0:
        raise InvalidInput("accepted volume cannot be negative")
    if items == 0 and volume == 0:
        raise InvalidInput(f"nothing accepted: record the customer's rejection instead (delivery "
                           f"{delivery_id}'s items then go back to rework and are delivered "
                           "again)", field="accepted_items")
    if items > held:
        raise InvalidInput(
            f"accepted items {items} exceed the {held} delivered",
            field="accepted_items", reason_code="accepted_items_over", items=items,
            delivered=held)
    if volume > delivered:
        raise InvalidInput(
            f"accepted volume {volume} {unit} exceeds the {delivered} {unit} delivered",
            field="accepted_volume", reason_code="accepted_volume_over", volume=volume,
            delivered=delivered, unit=unit)
    if delivered == held and volume != items:  # every item counts one unit
        raise InvalidInput(
            f"every item counts as 1 in {unit} here: the accepted volume ({volume}) must "
            f"equal the accepted items ({items})"
        )
    accepted_at = _acceptance_moment(d, accepted_on)
    _check_items_carry_volume(session, d, items, volume, unit)
    if refused:
        from datamill.production.annotating import return_to_annotators

        why = (f"refused by the customer in the acceptance of delivery {d.id}"
               + (f": {note.strip()}" if note and note.strip() else ""))
        said = {"delivery_id": d.id, "note": (note or "").strip()}
        for item in refused:
            return_to_annotators(session, item, why, code="customer_refused", params=said)
        d.refused_items = [i.id for i in refused]
    d.status = "accepted"
    d.accepted_volume_base = volume
    d.accepted_items = items
    d.acceptance_note = note
    d.accepted_at = accepted_at
    # accepted_duration_ms / accepted_utterances are the older names, kept for readers of the
    # outbox that predate other modalities (the ledger reads them from events without a unit)
    payload = {"delivery_id": d.id, "batch_id": d.batch_id, "accepted_duration_ms": volume,
               "accepted_utterances": items, "accepted_volume": volume, "accepted_items": items,
               "volume_base_unit": unit, **_unit_of(d.datasheet),
               **({"refused_items": len(refused)} if refused else {}),
               **({"accepted_on": accepted_on.isoformat()} if accepted_on else {})}
    session.add(DomainEvent(type="delivery.accepted", project_id=d.project_id, payload=payload))
    record_audit(
        session, actor_id=actor_id, action="delivery.accepted", object_type="delivery",
        object_id=d.id, project_id=d.project_id, data=payload,
    )
    session.flush()
    return shown_deliveries(session, [d])[0]


def acceptance_day(value: str | None) -> date | None:
    """The acceptance date as typed (``YYYY-MM-DD``; empty: none given, i.e. today)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as err:
        raise InvalidInput(f"the acceptance date {value.strip()!r} is not a date (YYYY-MM-DD)",
                           field="accepted_on", reason_code="acceptance_date_form",
                           value=value.strip()[:40]) from err


def _acceptance_moment(d: Delivery, on: date | None) -> datetime:
    """When the acceptance is dated: now, or for a report signed on an earlier day ``on``
    (backdated: signed 31 Dec, entered 2 Jan) the last moment of that business day, which the
    ledger dates the acceptance and its revenue by. Refused: a day after today, a day before
    the delivery was made, as a licence's acceptance is (a day in a closed ledger period is
    refused by :func:`datamill.ledger.acceptance_dates.record_acceptance_on`, which the faces
    call: production imports no ledger)."""
    now = utcnow()
    if on is None:
        return now
    today = business_today()
    if on > today:  # the revenue is recognised on this day: never in a period to come
        raise InvalidInput(f"an acceptance is recorded on or after it happened: {on} is after "
                           f"today ({today})", field="accepted_on",
                           reason_code="acceptance_future", on=str(on), today=str(today))
    delivered = business_day(d.created_at)
    if on < delivered:
        raise InvalidInput(f"delivery {d.id} was made on {delivered}: it is accepted on or after "
                           f"that day, not on {on}", field="accepted_on",
                           reason_code="delivery_accepted_before", delivery_id=d.id,
                           delivered_on=str(delivered), on=str(on))
    return min(now, day_start(on + timedelta(days=1)) - timedelta(microseconds=1))


def _refused(session: Session, d: Delivery, names: list[str], accept_all: bool) -> list[Item]:
    """The delivered items the acceptance names as refused (by delivery key or external id),
    checked."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if not wanted:
        return []
    if accept_all:
        raise InvalidInput("accepting all of a delivery refuses no items: give either all, or "
                           "the refused items", field="refused_items")
    masked = was_masked(d.datasheet)
    found, unknown = items_named(session, d.batch_id, wanted, masked)
    if found and held_items(d) != d.delivered_items:  # an erasure left its subjects' items out
        from datamill.compliance.consent import withdrawn_item_ids

        gone = withdrawn_item_ids(session, d.project_id)
        names_of = delivered_names(session, d.batch_id, {i.id for i in found if i.id in gone},
                                   masked)
        unknown += [names_of.get(i.id, "?") for i in found if i.id in gone]
        found = [i for i in found if i.id not in gone]
    if unknown:
        raise InvalidInput(
            f"{len(unknown)} refused item(s) are not in delivery {d.id}: "
            f"{', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''} (name delivered items "
            "as the package's files do, or by their external id)", field="refused_items",
            reason_code="refused_not_delivered", delivery_id=d.id, count=len(unknown),
            names=f"{', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}")
    if len(found) >= held_items(d):
        raise InvalidInput(f"every item of delivery {d.id} refused: record the customer's "
                           "rejection instead", field="refused_items")
    return sorted(found, key=lambda i: i.id)


def _check_items_carry_volume(
    session: Session, d: Delivery, items: int, volume: int, unit: str,
) -> None:
    """Refuse an acceptance whose items and volume contradict each other: ``items`` of the
    delivered items hold at least the volume of the smallest ``items`` of them and at most that
    of the largest (0 items hold nothing; all of them hold exactly what was delivered)."""
    q = select(Item.volume).join(BatchItem, BatchItem.item_id == Item.id).where(
        BatchItem.batch_id == d.batch_id)
    if held_items(d) != d.delivered_items:  # written again without the erased subjects' items
        from datamill.compliance.consent import withdrawn_item_ids

        q = q.where(Item.id.not_in(sorted(withdrawn_item_ids(session, d.project_id)) or [0]))
    sizes = sorted(int(v or 0) for v in session.scalars(q))
    if len(sizes) != held_items(d):  # a delivery recorded without its items: counts only
        sizes = []
    if items == 0 and volume > 0:
        raise InvalidInput(
            f"0 items accepted cannot carry {volume} {unit}: name the accepted items with their "
            f"volume, or record the customer's rejection of delivery {d.id} instead",
            field="accepted_items")
    if not sizes:
        return
    least, most = sum(sizes[:items]), sum(sizes[len(sizes) - items:])
    if not least <= volume <= most:
        hold = (f"all {items} delivered items hold {most} {unit}" if items == len(sizes) else
                f"{items} of the {len(sizes)} delivered items hold between {least} and {most} "
                f"{unit}")
        raise InvalidInput(
            f"accepted items and volume contradict each other: {hold}, not {volume}; give the "
            "volume of the items the customer accepted", field="accepted_volume")


def held_items(d: Delivery | DeliveryOut) -> int:
    """The items the delivery's package holds: those delivered, less the items a re-delivery
    left out (their subjects withdrew consent and were erased:
    :mod:`~datamill.production.delivery_redeliver`), which the customer never gets."""
    sheet = d.datasheet or {}
    items = sheet.get("items")
    if isinstance(sheet.get("redelivery"), dict) and isinstance(items, int) and items >= 0:
        return min(items, d.delivered_items)
    return d.delivered_items


@dataclass(frozen=True)
class CustomerShare:
    """What the customer accepted of one delivered batch: the accepted share of its items and of
    its volume (base units), for paying no more than was accepted (settlement by accepted
    volume)."""

    delivery_id: int
    accepted_items: int
    delivered_items: int
    accepted_volume: int
    delivered_volume: int
    #: the items the customer named as refused (back in rework, paid when accepted again)
    refused: frozenset[int] = frozenset()

    @property
    def whole(self) -> bool:
        """Whether the accepted items are paid in full: all were accepted, or the refused ones
        were named (and are not paid from this delivery)."""
        return bool(self.refused) or (self.accepted_items >= self.delivered_items
                                      and self.accepted_volume >= self.delivered_volume)


def customer_shares(session: Session, batch_ids: set[int]) -> dict[int, CustomerShare]:
    """Per batch: the customer's acceptance of its delivery, where one is recorded (a batch
    delivered but not yet accepted, or not delivered, has none)."""
    if not batch_ids:
        return {}
    rows = session.scalars(select(Delivery).where(
        Delivery.batch_id.in_(sorted(batch_ids)), Delivery.status == "accepted"))
    return {d.batch_id: CustomerShare(
        delivery_id=d.id, accepted_items=int(d.accepted_items or 0),
        delivered_items=d.delivered_items, accepted_volume=int(d.accepted_volume_base or 0),
        delivered_volume=_delivered_volume(d.datasheet),
        refused=frozenset(int(i) for i in d.refused_items or [])) for d in rows}


def _unit_of(datasheet: dict[str, Any]) -> dict[str, Any]:
    """The delivery's volume unit and base units per unit (from its datasheet)."""
    volume = datasheet.get("volume")
    if isinstance(volume, dict):
        return {"volume_unit": volume.get("unit"), "volume_per_unit": volume.get("per_unit")}
    return {"volume_unit": "hours", "volume_per_unit": 3_600_000}


def _base_unit(datasheet: dict[str, Any]) -> str:
    volume = datasheet.get("volume")
    if isinstance(volume, dict):
        return str(volume.get("base_unit") or "")
    return "milliseconds"


def _delivered_volume(datasheet: dict[str, Any]) -> int:
    volume = datasheet.get("volume")
    if isinstance(volume, dict):
        return int(volume.get("amount", 0))
    return int(datasheet.get("duration_ms", 0))
