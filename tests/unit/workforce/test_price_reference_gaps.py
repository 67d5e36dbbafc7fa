"""The >10% flag has a reference when a half-year's general price is missing (trial h7).

A vendor's own price was compared only with this half-year's general price, and a general
price only with the previous half-year's: set before the half-year's general price (or after a
half-year without one), 50/h against a general 21.56/h had no reference, so it went through
unflagged and without a reason, and sheets then paid it. The reference now falls back to the
latest general price of an earlier half-year, in the same unit.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price
from tests.known_issues import _vendor_world as vw

KEY = {"stage": "annotate", "modality": "speech.asr", "language_group": "foreign",
       "unit": "hour"}


def test_a_price_without_this_half_years_general_price_is_still_checked(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        set_price(s, admin, half_year="2026H2", unit_price="21.56", **KEY)
        v = vw.vendor(s, admin, "vendor-gap")
        # a vendor's own 2027H1 price before any 2027H1 general price
        with pytest.raises(InvalidInput, match=r"2026H2 general price per hour 21\.56"):
            set_price(s, admin, half_year="2027H1", unit_price="50", vendor_id=v, **KEY)
        own = set_price(s, admin, half_year="2027H1", unit_price="50", vendor_id=v,
                        reason="scarce native transcribers", **KEY)
        assert own.flagged and own.reference_price == Decimal("21.5600")
        # within 10% of it: no reason needed
        near = set_price(s, admin, half_year="2027H1", unit_price="23", vendor_id=v, **KEY)
        assert not near.flagged and near.reference_price == Decimal("21.5600")
        # a general price after a half-year without one (2027H1 skipped): 2026H2 is its reference
        with pytest.raises(InvalidInput, match=r"2026H2 general price"):
            set_price(s, admin, half_year="2027H2", unit_price="32.34", **KEY)
        # this half-year's general price, once there, is the vendor's reference again
        set_price(s, admin, half_year="2027H1", unit_price="22", **KEY)
        again = set_price(s, admin, half_year="2027H1", unit_price="24", vendor_id=v, **KEY)
        assert again.reference_price == Decimal("22") and not again.flagged
    finally:
        s.rollback()
        s.close()
