"""How a volume, an amount of money and a price read to people on every face (the CLI, the
pages): one rule each.

A **volume** in the modality's unit (hours, images, characters ...) shows at most 4 decimal
places, half-up, trailing zeros dropped (``0.0444`` hours, ``11`` images, ``315`` hours): the
places the ledger stores and prices quantities with (:mod:`datamill.core.money`). The project
dashboard showed 3 (``0.044`` hours) beside deliveries of ``0.0444`` hours.

**Money** shows 2 decimal places (half-up) with thousands separators (``1,234.50``,
``-60,000.00``): the ledger page printed ``1,234.50`` where the CLI printed ``1234.5`` and
the same order's invoice ``1234.50``. A **price or rate per unit** (a unit price, an hour
point's rate) shows as the ledger stores it, to 4 places: at least 2, the zeros past them
dropped (``12.50``, ``0.0125`` a character); a page showed a unit price of 0.0125 as ``0.01``.

Examples:
    >>> shown_volume(0.04444444), shown_volume(11.0), shown_volume(315), shown_volume(None)
    ('0.0444', '11', '315', '–')
    >>> shown_money(Decimal("1234.5")), shown_money(Decimal("-60000")), shown_money(None)
    ('1,234.50', '-60,000.00', '–')
    >>> shown_price(Decimal("12.5000")), shown_price(Decimal("0.0125")), shown_price(3)
    ('12.50', '0.0125', '3.00')

A **tax rate** (a fraction, stored to 4 places) shows as the exact percentage: ``6%``,
``6.25%`` (the order page rounded 0.0625 to ``6.3%``, the CLI printed ``0.0625``):

    >>> shown_rate(Decimal("0.0600")), shown_rate(Decimal("0.0625")), shown_rate(None)
    ('6%', '6.25%', '–')

A **share** (a margin, a part spent, a completion: a fraction computed to 6 places) shows as a
percentage to 2 decimal places (half-up), a whole one without them: the budget page showed a
budgeted margin of -0.049674 as ``-5.0%`` beside its approval reason's ``-4.97%``, and the
margin reports ``.1%`` where the level reasons gave two places:

    >>> shown_percent(Decimal("-0.049674")), shown_percent("0.20"), shown_percent(0.125)
    ('-4.97%', '20%', '12.50%')
    >>> shown_percent(Decimal("0.9716346")), shown_percent(Decimal("-0.00001")), shown_percent(None)
    ('97.16%', '0%', '–')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from datamill.core.iso import minor_unit

__all__ = ["PRICE_PLACES", "VOLUME_PLACES", "shown_money", "shown_percent", "shown_price",
           "shown_rate", "shown_volume"]

#: the decimal places a volume is shown (and the ledger stores a quantity) with
VOLUME_PLACES = 4
#: the decimal places a unit price is stored and shown with (at most)
PRICE_PLACES = 4


def shown_volume(value: float | Decimal | int | None, places: int = VOLUME_PLACES) -> str:
    """``value`` to ``places`` decimals (half-up), trailing zeros dropped; "–" for none."""
    if value is None:
        return "–"
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{exact:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_money(value: Decimal | int | str | None, currency: str | None = None) -> str:
    """An amount to the cent (half-up), with thousands separators; "–" for none. Given its
    ``currency``, to that currency's minor unit (ISO 4217: ``333,333 JPY``, not
    ``333,333.00``)."""
    if value is None:
        return "–"
    places = 2 if currency is None else minor_unit(currency)
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{exact if exact else abs(exact):,.{places}f}"  # never "-0.00"


def shown_price(value: Decimal | int | str | None) -> str:
    """A price or rate per unit as stored: to :data:`PRICE_PLACES` (half-up), at least 2
    places, the zeros past them dropped, with thousands separators; "–" for none."""
    if value is None:
        return "–"
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-PRICE_PLACES), rounding=ROUND_HALF_UP)
    exact = exact if exact else abs(exact)
    whole, _, frac = f"{exact:,f}".partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def shown_rate(value: Decimal | int | str | None) -> str:
    """A rate (a fraction such as a VAT rate) as its exact percentage, its zeros dropped."""
    if value is None:
        return "–"
    hundred = (Decimal(str(value)) * 100).normalize()
    return f"{hundred if hundred else hundred + 0:f}%"


def shown_percent(value: Decimal | float | int | str | None, *, signed: bool = False) -> str:
    """A share (a fraction) as a percentage to 2 places (half-up), a whole one without them,
    never ``-0%``; "–" for none. ``signed``: a deviation, with its ``+`` too (``+4.97%``).

    >>> shown_percent("0.049674", signed=True), shown_percent("-0.1", signed=True)
    ('+4.97%', '-10%')
    """
    if value is None:
        return "–"
    hundred = (Decimal(str(value)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    hundred = hundred if hundred else abs(hundred)
    text = str(int(hundred)) if hundred == hundred.to_integral_value() else str(hundred)
    return f"{'+' if signed and hundred > 0 else ''}{text}%"
