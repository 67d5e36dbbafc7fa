"""The checks a reversal of a ledger document runs before it is written, shared by the
red-letter invoice (:mod:`datamill.ledger.invoice_reversal`) and the reversing receipt
(:mod:`datamill.ledger.receipt_reversal`): its own name and the reason are valid text, the reason
is given, the original is no reversal itself and not reversed yet, and the reversal's day is
not in the future, not in a closed month and not before the original's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.errors import Conflict, InvalidInput
from datamill.core.storable import check_note
from datamill.ledger._periods import check_not_future, check_posting_date
from datamill.ledger.orders import check_text

__all__ = ["MAX_REASON", "Reversal", "check_reversal"]

MAX_REASON = 2000


@dataclass(frozen=True)
class Reversal:
    """How a kind of document and its reversal are named in refusals."""

    noun: str  # "invoice": the original's kind, the codes' prefix and its detail's key
    label: str  # the document's own name column: "number", "reference"
    day: str  # its date column: "issued_on", "received_on"
    new: str  # the reversal as a refusal names it: "red-letter invoice", "reversing receipt"
    a_reversal: str  # "a red-letter invoice", "a reversal"


def check_reversal(session: Session, kind: Reversal, original: Any, name: str, day: date,
                   reason: str) -> None:
    """Refuse reversal ``name`` dated ``day`` of ``original`` (a row of ``type(original)``,
    which keeps ``reverses_id``) for the reasons the module lists."""
    model = type(original)
    was = getattr(original, kind.label)
    ident = {f"{kind.noun}_id": original.id}
    check_text(name, kind.label)
    check_note(reason, "reason", most=MAX_REASON)
    if not reason.strip():
        raise InvalidInput(f"reversing {kind.noun} {was} needs the reason", field="reason",
                           reason_code=f"{kind.noun}_reversal_reason", **{kind.noun: was})
    if original.reverses_id is not None:
        raise Conflict(f"{kind.noun} {was} is {kind.a_reversal}: it is not reversed",
                       **ident, reason_code=f"{kind.noun}_is_reversal", **{kind.noun: was})
    done = session.scalar(select(getattr(model, kind.label)).where(
        model.reverses_id == original.id))
    if done is not None:
        raise Conflict(f"{kind.noun} {was} is already reversed by {done}", **ident,
                       reason_code=f"{kind.noun}_already_reversed", **{kind.noun: was},
                       reversal=done)
    check_not_future(day, f"{kind.noun} {name}", kind.day)
    check_posting_date(session, day, f"{kind.noun} {name}", kind.day)
    first: date = getattr(original, kind.day)
    if day < first:
        raise InvalidInput(f"{kind.new} {name} is dated {day}, before {kind.noun} {was} "
                           f"({first}) it reverses", field=kind.day,
                           reason_code=f"{kind.noun}_reversal_before",
                           **{kind.label: name, kind.noun: was, "on": first.isoformat()})
