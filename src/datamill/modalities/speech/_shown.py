"""A measured figure in a check's refusal, written so that it reads apart from its limit.

A take whose noise floor is -59.96 dBFS fails a -60 dBFS limit; written with one decimal it
read "noise floor -60.0 dBFS ..., spec allows at most -60.0 dBFS", a refusal that contradicts
itself and that a contributor cannot act on. :func:`past` adds decimals (up to three) until the
figure and the limit differ, as the clipping check's share does.
"""

from __future__ import annotations

__all__ = ["past"]


def past(value: float, limit: float, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals, more (up to 3) where it would read as ``limit``.

    Examples:
        >>> past(-59.96, -60.0), past(-52.4, -60.0), past(12.96, 13.0)
        ('-59.96', '-52.4', '12.96')
    """
    while digits < 3 and f"{value:.{digits}f}" == f"{limit:.{digits}f}":
        digits += 1
    return f"{value:.{digits}f}"
