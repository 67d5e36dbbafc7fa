"""Tables of the workforce domain: vendors, workers, qualification, prices, settlement, points.

Money is ``Decimal`` in Python and stored exactly as a scaled integer (``ScaledDecimal``):
amounts in fen (scale 2), unit prices and rates in 1/10,000 (scale 4). Nothing is ever a float.
Every table is prefixed ``wf_`` so the domain never collides with another one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal ROUND_HALF_UP, Decimal  # noqa: E999 - placeholder, replaced below
