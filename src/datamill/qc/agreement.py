"""Inter-annotator agreement on categorical answers: Krippendorff's α, Cohen's κ, Fleiss' κ.

Answers come as ``(unit, annotator, label)`` triples (a unit is one question of one item).

* Percent agreement: the share of agreeing pairs of answers within each unit (two annotators:
  the share of units they answered alike), no chance correction.
* Krippendorff's α (the ``krippendorff`` package, a small base dependency): nominal level for
  categorical labels (without the package :func:`summary` reports α as null and says why under
  ``unavailable``, with the other figures); ordinal when every label is a number (Likert-like scores). Units answered
  by fewer than two annotators carry no pairable information and are left out by the formula.
  When every answer is the same label the observed and expected disagreement are both 0; we
  report α = 1 (perfect agreement) instead of the undefined 0/0.
* Cohen's κ: exactly two annotators, over the units both answered.
* Fleiss' κ: every unit answered by the same number (≥ 2) of annotators.
  Both return None where they do not apply; a chance agreement of 1 gives κ = 1.

Examples:
    >>> rows = [("u1", "a", "x"), ("u1", "b", "x"), ("u2", "a", "y"), ("u2", "b", "y")]
    >>> cohen_kappa(rows), fleiss_kappa(rows)
    (1.0, 1.0)
"""

from __future__ import annotations

import importlib.util
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np

from datamill.core.errors import MissingDependency

__all__ = [
    "ALPHA_INSTALL", "Row", "cohen_kappa", "fleiss_kappa",
    "krippendorff_alpha", "measurement_level", "percent_agreement", "summary",
]

ALPHA_INSTALL = "pip install 'krippendorff>=0.8'"  # a base dependency; missing in old installs


Row = tuple[Hashable, Hashable, str]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def measurement_level(rows: Sequence[Row]) -> str:
    """``ordinal`` when every label is a number (Likert-like), else ``nominal``."""
    return "ordinal" if rows and all(_is_number(r[2]) for r in rows) else "nominal"


def krippendorff_alpha(rows: Sequence[Row], level: str | None = None) -> float | None:
    """Krippendorff's α over the answers (None when no unit has two answers)."""
    units = sorted({r[0] for r in rows}, key=str)
    coders = sorted({r[1] for r in rows}, key=str)
    per_unit = Counter(r[0] for r in rows)
    if not any(n >= 2 for n in per_unit.values()):
        return None
    level = level or measurement_level(rows)
    values = sorted({r[2] for r in rows}, key=(lambda v: float(v)) if level == "ordinal" else str)
    if len(values) < 2:
        return 1.0
    if importlib.util.find_spec("krippendorff") is None:
        raise MissingDependency(
            "Krippendorff's alpha needs the krippendorff package: "
            f"{ALPHA_INSTALL}", package="krippendorff", install=ALPHA_INSTALL)
    import krippendorff  # noqa: PLC0415 - optional

    code = {v: float(i) for i, v in enumerate(values)}
    if level == "ordinal":
        code = {v: float(v) for v in values}
    matrix = np.full((len(coders), len(units)), np.nan)
    ui = {u: i for i, u in enumerate(units)}
    ci = {c: i for i, c in enumerate(coders)}
    for unit, coder, label in rows:
        matrix[ci[coder], ui[unit]] = code[label]
    measure: Literal["nominal", "ordinal"] = "ordinal" if level == "ordinal" else "nominal"
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=measure))


def cohen_kappa(rows: Sequence[Row]) -> float | None:
    """Cohen's κ of exactly two annotators over the units both answered, else None."""
    coders = sorted({r[1] for r in rows}, key=str)
    if len(coders) != 2:
        return None
    by_unit: dict[Hashable, dict[Hashable, str]] = defaultdict(dict)
    for unit, coder, label in rows:
        by_unit[unit][coder] = label
    pairs = [(a[coders[0]], a[coders[1]]) for a in by_unit.values() if len(a) == 2]
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    return 1.0 if expected >= 1.0 else float((observed - expected) / (1.0 - expected))


def fleiss_kappa(rows: Sequence[Row]) -> float | None:
    """Fleiss' κ when every unit has the same number (≥ 2) of answers, else None."""
    by_unit: dict[Hashable, Counter[str]] = defaultdict(Counter)
    for unit, _coder, label in rows:
        by_unit[unit][label] += 1
    sizes = {sum(c.values()) for c in by_unit.values()}
    if len(sizes) != 1 or (m := sizes.pop()) < 2:
        return None
    labels = sorted({r[2] for r in rows})
    table = np.array([[c[k] for k in labels] for c in by_unit.values()], dtype=float)
    n_units = table.shape[0]
    p_j = table.sum(axis=0) / (n_units * m)
    p_i = ((table * (table - 1)).sum(axis=1)) / (m * (m - 1))
    p_bar, p_e = float(p_i.mean()), float((p_j**2).sum())
    return 1.0 if p_e >= 1.0 else (p_bar - p_e) / (1.0 - p_e)


def percent_agreement(rows: Sequence[Row]) -> float | None:
    """The share of agreeing pairs of answers within units (None when no unit has two)."""
    by_unit: dict[Hashable, Counter[str]] = defaultdict(Counter)
    for unit, _coder, label in rows:
        by_unit[unit][label] += 1
    pairs = agree = 0
    for counts in by_unit.values():
        n = sum(counts.values())
        pairs += n * (n - 1) // 2
        agree += sum(k * (k - 1) // 2 for k in counts.values())
    return agree / pairs if pairs else None


def summary(rows: Sequence[Row]) -> dict[str, Any]:
    """Every figure that applies to ``rows``, with the counts behind them; a figure whose
    optional package is missing is null, named under ``unavailable`` with the reason and how
    to install it (the other figures are still there)."""
    level = measurement_level(rows)
    unavailable: dict[str, dict[str, str]] = {}
    try:
        alpha = krippendorff_alpha(rows, level) if rows else None
    except MissingDependency as err:
        alpha = None
        unavailable["krippendorff_alpha"] = {"reason": err.message,
                                             "install": str(err.details["install"])}
    return {
        "units": len({r[0] for r in rows}),
        "annotators": len({r[1] for r in rows}),
        "answers": len(rows),
        "level": level,
        "krippendorff_alpha": alpha,
        "percent_agreement": percent_agreement(rows),
        "cohen_kappa": cohen_kappa(rows),
        "fleiss_kappa": fleiss_kappa(rows),
        "unavailable": unavailable,
    }
