"""A price's >10% check compares prices in one unit (defect found by a trial, round h6).

``set_price`` took the key's latest price as the reference whatever its unit: a 2024H2 price of
1.00 per item against the 2024H1 price of 21 per hour read as 95.24% off, so it needed a reason
and was flagged for procurement's file. An hour and an item do not convert (§4.4): the
reference is now the key's latest price in the same unit, and with none there is no reference.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price
from tests.known_issues import _vendor_world as vw

KEY = {"stage": "annotate", "modality": "speech.asr", "language_group": "chinese"}


def test_a_price_in_another_unit_is_not_off_its_reference(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        set_price(s, admin, half_year="2024H1", unit="hour", unit_price="21", **KEY)
        per_item = set_price(s, admin, half_year="2024H2", unit="item", unit_price="1.00", **KEY)
        assert not per_item.flagged
        assert per_item.reference_price is None and per_item.deviation is None
        # a vendor's own price per item beside the half-year's general price per hour
        v = vw.vendor(s, admin, "vendor-units")
        own = set_price(s, admin, half_year="2024H1", unit="item", unit_price="1.00",
                        vendor_id=v, **KEY)
        assert not own.flagged and own.reference_price is None
        # the same unit still counts: 23.31 per hour is 11% over 21 per hour
        with pytest.raises(InvalidInput, match=r"\+11\.00% off the 2024H1 general price per "
                                               r"hour 21"):
            set_price(s, admin, half_year="2024H2", unit="hour", unit_price="23.31", **KEY)
        over = set_price(s, admin, half_year="2024H2", unit="hour", unit_price="23.31",
                         reason="competitor quotes", **KEY)
        assert over.flagged and over.reference_price == Decimal("21")
        assert over.deviation == Decimal("0.1100")
        # a later item price is referred to the item price before it, not to the hour price
        item_h1 = set_price(s, admin, half_year="2025H1", unit="item", unit_price="1.05", **KEY)
        assert item_h1.reference_price == Decimal("1.00") and not item_h1.flagged
    finally:
        s.rollback()
        s.close()
