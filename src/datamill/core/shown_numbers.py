"""How a volume reads to people on every face (the CLI, the pages): one rule.

A **volume** in the modality's unit (hours, images, characters ...) shows at most 4 decimal
places, half-up, trailing zeros dropped (``0.0444`` hours, ``11`` images, ``315`` hours): the
places the ledger stores and prices quantities with (:mod:`datamill.core.money`). The project
dashboard showed 3 (``0.044`` hours) beside deliveries of ``0.0444`` hours.

Examples:
    >>> shown_volume(0.04444444), shown_volume(11.0), shown_volume(315), shown_volume(None)
    ('0.0444', '11', '315', '–')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["VOLUME_PLACES", "shown_volume"]

#: the decimal places a volume is shown (and the ledger stores a quantity) with
VOLUME_PLACES = 4


def shown_volume(value: float | Decimal | int | None, places: int = VOLUME_PLACES) -> str:
    """``value`` to ``places`` decimals (half-up), trailing zeros dropped; "–" for none."""
    if value is None:
        return "–"
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{exact:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
