"""Calendar days typed by people, one rule for every face (API, web): a day is written
``YYYY-MM-DD`` inside the business calendar's years.

pydantic's lax mode read a whole number (``0``, or ``"0"`` in a query string) as seconds since
1970, so ``?as_of=0`` aged receivables on 1970-01-01 and ``/finance/journal.csv?from=0`` began
the journal then (fuzzing rounds). Put :data:`ISO_DAY` on every date parameter::

    Annotated[date, Query(alias="from", ge=MIN_DAY, le=MAX_DAY), ISO_DAY]
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

__all__ = ["DAY_FORMAT", "ISO_DAY", "MAX_DAY", "MAX_YEAR", "MIN_DAY", "MIN_YEAR", "iso_day"]

MIN_YEAR, MAX_YEAR = 1900, 2999
"""Business calendar years: the ledger and settlement periods live well inside them."""
MIN_DAY, MAX_DAY = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
DAY_FORMAT = "date_format"
"""The error type of a day not written ``YYYY-MM-DD`` (its words: ``prob.not_a_date``)."""

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(value: object) -> object:
    """``value`` as given when it is a date or a ``YYYY-MM-DD`` string (pydantic then reads
    it); any other value is refused as not a date."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise PydanticCustomError(DAY_FORMAT, "a date is written YYYY-MM-DD (e.g. 2026-12-07)")


ISO_DAY = BeforeValidator(iso_day)
"""Put on every date parameter: ``Annotated[date, Query(...), ISO_DAY]``."""
