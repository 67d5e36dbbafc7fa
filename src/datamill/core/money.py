"""The one money type and the one rounding rule: exact decimals, half-up.

Money is a ``Decimal`` rounded half-up to cents (``to_cents``); quantities, prices and rates keep
more places (``to_decimal(value, 4)``). In the database:

SQLite has no exact decimal type (SQLAlchemy goes through float), so every amount is stored as a
``BIGINT`` of minor units and summed exactly in SQL on both backends; Python sees ``Decimal``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["CENT", "Money", "Scaled", "to_cents", "to_decimal"]

CENT = Decimal("0.01")


def to_decimal(value: Any, places: int = 2) -> Decimal:
    """``value`` (Decimal, int or decimal string; never float) rounded half-up to ``places``."""
    if isinstance(value, float):
        raise TypeError("money and quantities are Decimal, never float")
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_cents(value: Any) -> Decimal:
    return to_decimal(value, 2)


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
