"""The one money type and the one rounding rule: exact decimals, half-up.

Money is a ``Decimal`` rounded half-up to cents (``to_cents``); quantities, prices and rates keep
more places (``to_decimal(value, 4)``). In the database:

SQLite has no exact decimal type (SQLAlchemy goes through float), so every amount is stored as a
``BIGINT`` of minor units and summed exactly in SQL on both backends; Python sees ``Decimal``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator
from sqlalchemy import BigInteger, Dialect
from sqlalchemy.types import TypeDecorator

from datamill.core.errors import InvalidInput

__all__ = ["CENT", "MAX_AMOUNT", "MAX_FX_RATE", "Cents", "Money", "Scaled", "parse_decimal",
           "parse_money", "to_cents", "to_decimal"]

CENT = Decimal("0.01")
#: The largest amount datamill takes as input (CLI, API and services alike): 10^12, which also
#: keeps every amount × 100 well inside a BIGINT column.
MAX_AMOUNT = Decimal("1e12")
#: the most CNY one unit of a foreign currency may be booked at (an order's, a licence's, a
#: quote's rate): one rule, so a quote the ledger would refuse is never approved
MAX_FX_RATE = 1000


def to_decimal(value: Any, places: int = 2) -> Decimal:
    """``value`` (Decimal, int or decimal string; never float) rounded half-up to ``places``."""
    if isinstance(value, float):
        raise TypeError("money and quantities are Decimal, never float")
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_cents(value: Any) -> Decimal:
    return to_decimal(value, 2)


#: an amount of money a report hands across a face (API JSON, CSV, the CLI's ``--json``):
#: always to the cent, so a sum over no rows reads ``0.00`` like every other figure (it read
#: ``0`` beside ``40.03`` in the same report)
Cents = Annotated[Decimal, AfterValidator(to_cents)]


#: a number written with an exponent ("1e3", "2.5E-2"): refused, the amount is written out
_EXPONENT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")


def parse_decimal(value: Any, field: str) -> Decimal:
    """``value`` (Decimal, int or decimal string) as a finite ``Decimal``, else InvalidInput."""
    if isinstance(value, float):
        raise TypeError("money and quantities are Decimal, never float")
    if isinstance(value, str) and _EXPONENT.fullmatch(value.strip()):
        raise InvalidInput(f"{field} {value!r} is in exponent notation; write the number out "
                           "in full (e.g. 1000.00, not 1e3)", field=field,
                           reason_code="number_exponent", value=str(value))
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as err:
        raise InvalidInput(f"{field} {value!r} is not a decimal number", field=field,
                           reason_code="not_a_number", value=str(value)) from err
    if not d.is_finite():
        raise InvalidInput(f"{field} {value!r} is not a finite number", field=field,
                           reason_code="number_not_finite", value=str(value))
    return d


def parse_money(
    value: Any, field: str = "amount", *, allow_zero: bool = False,
    allow_negative: bool = False, maximum: Decimal = MAX_AMOUNT,
) -> Decimal:
    """The one validator of money input: a finite decimal with at most two places (more are
    refused, never rounded silently), positive unless ``allow_zero`` / ``allow_negative``, and
    at most ``maximum`` in size. Returns it in cents; raises InvalidInput naming ``field``.

    >>> parse_money("100.5")
    Decimal('100.50')
    """
    d = parse_decimal(value, field)
    # coded, so a zh-CN reader of the API, the CLI and the pages reads them in Chinese
    if d.copy_abs() > maximum:
        raise InvalidInput(f"{field} {value} is out of range: at most {maximum:,.0f}",
                           field=field, maximum=f"{maximum:,.0f}", value=str(value),
                           reason_code="money_range")
    if d != d.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidInput(f"{field} {value} has more than two decimal places (cents); "
                           "give the amount to the cent", field=field, value=str(value),
                           reason_code="money_places")
    if d < 0 and not allow_negative:
        raise InvalidInput(f"{field} must not be negative, not {value}", field=field,
                           value=str(value), reason_code="money_negative")
    if d == 0 and not (allow_zero or allow_negative):
        raise InvalidInput(f"{field} must be positive, not {value}", field=field,
                           value=str(value), reason_code="money_not_positive")
    return to_cents(d)


class Scaled(TypeDecorator[Decimal]):
    """A ``Decimal`` with ``scale`` decimal places stored exactly as a scaled ``BIGINT``."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money and quantities are Decimal, never float")
        d = Decimal(value)
        scaled = d.scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{d} has more than {self.scale} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.scale)


def Money() -> Scaled:  # noqa: N802 - reads like a type in column declarations
    """Money in cents."""
    return Scaled(2)
