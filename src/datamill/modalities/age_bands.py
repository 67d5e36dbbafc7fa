"""The one rule that turns a person's age into a datasheet's age band.

A datasheet shows ages as ten-year bands, never as exact ages: an exact age together with a
speaker's other attributes identifies the person. The delivery datasheet (speech speakers,
:mod:`datamill.modalities.speech.speakers`) and the catalog's release datasheet
(:mod:`datamill.catalog.releases`) both word ages with :func:`age_band`.
"""

from __future__ import annotations

__all__ = ["UNKNOWN", "age_band"]

UNKNOWN = "unknown"


def age_band(age: object) -> str:
    """The ten-year band of an age in years (``34`` or ``"34"`` → ``30-39``); a band given as
    text (``18-30``) stays as it is; ``unknown`` when there is none.

    >>> age_band(34), age_band("34"), age_band("18-30"), age_band(None)
    ('30-39', '30-39', '18-30', 'unknown')
    """
    if age is None or age == "":
        return UNKNOWN
    if isinstance(age, str) and age.strip().isascii() and age.strip().isdigit():
        age = int(age.strip())
    if isinstance(age, int) and not isinstance(age, bool):
        low = (age // 10) * 10
        return f"{low}-{low + 9}"
    return str(age)
