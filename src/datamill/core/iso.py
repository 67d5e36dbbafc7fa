"""ISO reference data datamill validates against: country codes and currency minor units.

Neither ``pycountry`` nor ``babel`` is a dependency of the base install (and this is all we need
of them), so the two tables are kept here, from ISO 3166-1 (officially assigned alpha-2 codes)
and ISO 4217 (minor units of the currencies the ledger books in).
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["COUNTRIES", "MINOR_UNITS", "check_minor_units", "minor_unit", "no_control_chars"]

#: ISO 3166-1 alpha-2, officially assigned codes (249), plus XK (Kosovo, user-assigned but used
#: by the EU and banks)
COUNTRIES: frozenset[str] = frozenset(["AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", "XK"])

#: ISO 4217 minor units (digits after the decimal point); a currency not listed has 2
MINOR_UNITS: dict[str, int] = {
    "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "PYG": 0, "UGX": 0, "XAF": 0, "XOF": 0,
    "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3,
}


def minor_unit(currency: str) -> int:
    """Digits after the decimal point of ``currency`` (ISO 4217).

    >>> minor_unit("JPY"), minor_unit("usd")
    (0, 2)
    """
    return MINOR_UNITS.get(currency.upper(), 2)


def check_minor_units(amount: Decimal, currency: str) -> str | None:
    """Why ``amount`` cannot be an amount of ``currency`` (more decimals than its minor unit),
    or None.

    >>> check_minor_units(Decimal("1000000.55"), "JPY")
    'JPY has no minor unit: 1000000.55 has 2 decimal places'
    >>> check_minor_units(Decimal("10.50"), "USD") is None
    True

    The amount as typed, without the trailing zeros a parser added (it read "1000.50 has 1
    decimal places" for 1000.5 yen):

    >>> check_minor_units(Decimal("1000.50"), "JPY")
    'JPY has no minor unit: 1000.5 has 1 decimal places'
    """
    digits = minor_unit(currency)
    if amount == amount.quantize(Decimal(1).scaleb(-digits)):
        return None
    shown = amount.normalize()
    places = -shown.as_tuple().exponent  # type: ignore[operator]
    unit = "no minor unit" if digits == 0 else f"{digits} decimal places at most"
    return f"{currency.upper()} has {unit}: {shown:f} has {places} decimal places"


def no_control_chars(value: str) -> bool:
    """True when ``value`` holds no control character (NUL, escape, line breaks …).

    >>> no_control_chars("Acme 北京"), no_control_chars("x\\x00y")
    (True, False)
    """
    return not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value)
