"""One ledger run over the pending domain events at a time.

Every entry point that consumes events (the cost events, ``licence.accepted``,
``delivery.accepted``, a single over-budget cost booked by hand) reads which events are still
pending and then books them. Two runs at once (two ``POST /ledger/sync``, a sync and a
recognition run, a sync and a booking) would both read the same events as pending; the
unique ``domain_event_id`` of receipts and acceptances keeps the money single, but the run
that commits second would fail as a whole on the constraint. So each run first takes the
ledger's event lock (:func:`~datamill.db.session.append_lock`, held until the transaction
ends): a second run waits for the first to commit, then reads the events afresh and finds
them done. SQLite transactions hold the one writer lock already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datamill.db.session import append_lock

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from datamill.core.errors import DatamillError

__all__ = ["lock_event_runs", "problem_code"]

_EVENT_RUN_LOCK = 0x64_6D_6C_65  # "dmle": ledger event runs (PostgreSQL advisory lock)


def lock_event_runs(session: Session) -> None:
    """Hold the ledger's event lock until ``session``'s transaction ends; take it before the
    pending events are read."""
    append_lock(session, _EVENT_RUN_LOCK)


def problem_code(err: DatamillError) -> tuple[str | None, dict[str, Any] | None]:
    """What a ``problem`` receipt keeps of ``err`` beside its English sentence: the error's
    ``reason_code`` and its scalar details (the values the sentence names), so a page words
    the reason in its language; (None, None) for an error without a code."""
    code = err.details.get("reason_code")
    if not isinstance(code, str):
        return None, None
    params = {k: v for k, v in err.details.items()
              if k != "reason_code" and (v is None or isinstance(v, int | str))}
    return code, params
