"""Issue 10: the workforce's volume figures never add different modalities' units together
(an image counted as one millisecond of audio in the worker's "hours annotated")."""

from __future__ import annotations

from decimal import Decimal

from datamill.workforce.performance import _in_units


def test_volumes_add_up_per_unit() -> None:
    got = _in_units([("speech.asr", 1_800_000), ("image", 1), ("image", 1),
                     ("speech.asr", 1_800_000), ("text", 2500)])
    assert got == {"hours": Decimal(1), "images": Decimal(2), "kchars": Decimal("2.5")}
    assert _in_units([]) == {}
