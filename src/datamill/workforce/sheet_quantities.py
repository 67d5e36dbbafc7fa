"""The quantities a settlement sheet's lines print: summed, then rounded.

Each line's quantity (hours, the modality's volume unit, or a pro-rated item count) is exact
before it is printed to 4 decimals. Rounding each line on its own (half-up) let the lines of
one project × stage add up to more than was accepted (trial 11: 0.0246 + 0.0199 = 0.0445 h
settled for 0.0444 h accepted), and the purchase order then counted 0.0445 h as settled. So the
lines of a project × stage are rounded **cumulatively**: each line prints the rounded running
total less what the earlier lines printed, so the lines add up to the exact total rounded once
(half-up, as every volume is printed) and each line stays within 0.0001 of its exact quantity.
Amounts are unaffected: each is still the exact quantity × price, rounded to the fen.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from datamill.modalities.registry import get_modality

__all__ = ["RunningQuantities", "exact_quantity"]

_Q4 = Decimal("0.0001")
_MS_PER_HOUR = Fraction(3_600_000)


def exact_quantity(unit: str, modality: str, volume: Fraction, count: Fraction) -> Fraction:
    """A line's exact quantity: hours, the modality's volume units, or items."""
    if unit == "hour":
        return volume / _MS_PER_HOUR
    if unit == "volume":
        return volume / Fraction(get_modality(modality).volume_per_unit)
    return count


def _round(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(_Q4, rounding=ROUND_HALF_UP)


class RunningQuantities:
    """Running totals per key (project × stage): :meth:`take` prints the next line."""

    def __init__(self) -> None:
        self._exact: dict[object, Fraction] = defaultdict(Fraction)
        self._printed: dict[object, Decimal] = defaultdict(Decimal)

    def take(self, key: object, exact: Fraction) -> Decimal:
        """The printed quantity of the next line of ``key`` whose exact quantity is ``exact``."""
        self._exact[key] += exact
        quantity = _round(self._exact[key]) - self._printed[key]
        self._printed[key] += quantity
        return quantity
