"""Catalog licence acceptances → revenue, through the domain-event outbox.

The catalog records ``licence.accepted`` (payload: ``order_id`` of the product-licence order,
``delivered_on``, ``accepted_on``) when the buyer accepts a licence delivered by transfer link;
:func:`process_licence_events` (run by ``sync_ledger``) recognises each one at that point in
time through :func:`~datamill.ledger.recognition.recognise_licence` (no carried cost: catalog
development was expensed as R&D). Idempotent: each event gets one :class:`LedgerEventReceipt`;
one that cannot be recognised keeps a ``problem`` receipt with the reason and is retried.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.errors import DatamillError, InvalidInput
from datamill.ledger._event_runs import lock_event_runs, problem_code
from datamill.ledger._periods import first_open_day
from datamill.ledger.models import LedgerEventReceipt
from datamill.ledger.recognition import recognise_licence
from datamill.ledger.schemas import RecognitionOut
from datamill.production.models import DomainEvent

__all__ = ["LICENCE_ACCEPTED", "process_licence_events"]

LICENCE_ACCEPTED = "licence.accepted"


def _day(payload: dict[str, object], key: str) -> date:
    try:
        return date.fromisoformat(str(payload.get(key)))
    except ValueError as err:
        raise InvalidInput(f"event {key} {payload.get(key)!r} is not a date", field=key,
                           reason_code="event_date_form", value=str(payload.get(key))) from err


def process_licence_events(
    session: Session, *, actor_id: int | None = None
) -> list[RecognitionOut]:
    """Recognise every pending ``licence.accepted`` event (idempotent; runs at once take
    turns)."""
    lock_event_runs(session)
    done = select(LedgerEventReceipt.domain_event_id).where(LedgerEventReceipt.status == "booked")
    made: list[RecognitionOut] = []
    for ev in session.scalars(select(DomainEvent).where(
            DomainEvent.type == LICENCE_ACCEPTED, DomainEvent.id.not_in(done))
            .order_by(DomainEvent.id)).all():
        p = ev.payload or {}
        receipt = session.scalars(select(LedgerEventReceipt).where(
            LedgerEventReceipt.domain_event_id == ev.id)).first()
        try:
            with session.begin_nested():
                order_id = p.get("order_id")
                if not isinstance(order_id, int):
                    raise InvalidInput("licence event without a ledger order", field="order_id",
                                       reason_code="licence_event_no_order")
                # accepted in a closed period: recognised on the first open day instead
                accepted_on = first_open_day(session, _day(p, "accepted_on"))
                rec = recognise_licence(session, order_id, delivered_on=_day(p, "delivered_on"),
                                        accepted_on=accepted_on, actor_id=actor_id)
        except DatamillError as err:
            status, reason = "problem", err.message
            code, params = problem_code(err)
        else:
            status, reason = "booked", f"licence {p.get('number', '')} recognised"
            code, params = None, None
            made.append(rec)
        if receipt is None:
            session.add(LedgerEventReceipt(domain_event_id=ev.id, event_type=ev.type,
                                           status=status, reason=reason,
                                           reason_code=code, reason_params=params))
        else:
            receipt.status, receipt.reason = status, reason
            receipt.reason_code, receipt.reason_params = code, params
            receipt.attempts += 1
        session.flush()
    return made
