"""A delivery's acceptance report dated the day the customer signed it, into an open period
only: the report of 31 December entered on 2 January books its revenue in December, unless
finance has closed December (refused, naming the period: ``delivery_acceptance_closed``), as
every posting dated into a closed month is (:func:`datamill.ledger._periods.require_open_period`).

The faces record a delivery's acceptance through :func:`record_acceptance_on`: production
checks the report (:func:`datamill.production.delivery_acceptance.record_acceptance`: not after
today, not before the delivery) and imports no ledger (the workforce, which reads its
acceptances, may not reach the ledger through it). A catalog licence's acceptance is refused
alike (``licence_acceptance_closed``: :func:`require_open_acceptance_day`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from datamill.core.errors import Conflict
from datamill.ledger._periods import require_open_period
from datamill.production.delivery_acceptance import record_acceptance
from datamill.production.schemas import DeliveryOut

__all__ = ["record_acceptance_on", "require_open_acceptance_day"]


def require_open_acceptance_day(
    session: Session, on: date, subject: str, *, reason_code: str, **names: Any,
) -> None:
    """Refuse an acceptance dated ``on`` (of ``subject``: "delivery 7", "licence 240105/ABC")
    when that day lies in a closed ledger period, the revenue it recognises would book there:
    ``reason_code`` (``delivery_acceptance_closed``, ``licence_acceptance_closed``) names the
    period, its close and the first open day beside ``names`` (the subject's own fields)."""
    try:
        require_open_period(session, on, f"the acceptance of {subject}")
    except Conflict as err:
        if "closed_period" not in err.details:  # the month-end run holds the lock: as it is
            raise
        raise Conflict(
            f"{subject}'s acceptance dated {on} falls in period {err.details['period']}, which "
            f"the ledger has closed (closed through {err.details['closed_period']}): date it "
            f"{err.details['first_open_day']} or later, or ask finance to reopen the period",
            **names, on=str(on), period=err.details["period"],
            closed_period=err.details["closed_period"],
            first_open_day=err.details["first_open_day"], reason_code=reason_code) from err


def record_acceptance_on(
    session: Session, delivery_id: int, *, accepted_on: date | None = None, **report: Any,
) -> DeliveryOut:
    """:func:`~datamill.production.delivery_acceptance.record_acceptance` of ``report``, dated
    ``accepted_on`` (default: today), refused before anything is recorded when that day lies
    in a closed ledger period (the acceptance would recognise revenue there)."""
    if accepted_on is not None:
        require_open_acceptance_day(session, accepted_on, f"delivery {delivery_id}",
                                    reason_code="delivery_acceptance_closed",
                                    delivery_id=delivery_id)
    return record_acceptance(session, delivery_id, accepted_on=accepted_on, **report)
