"""ISO 2859-1 single sampling plans for normal inspection (acceptance sampling by attributes).

The two tables of ISO 2859-1 (identical to ANSI/ASQ Z1.4 and MIL-STD-105E) that a single
sampling plan for normal inspection needs are encoded below as data, laid out like the printed
standard:

* **Table 1** maps a lot size and an inspection level (special levels S-1 … S-4, general levels
  I, II, III) to a *sample size code letter*.
* **Table 2-A** maps a code letter to a sample size and, per AQL column, either a plan
  ``Ac/Re`` (acceptance and rejection numbers) or an arrow. ``v`` (↓) means "use the first
  sampling plan below the arrow", ``^`` (↑) "use the first sampling plan above the arrow"; in
  both cases the plan's **own** sample size replaces the code letter's (so the sample size and the
  acceptance number always belong together).

Plan selection then follows the standard:

1. Look up the code letter in Table 1 (a lot of a single item is treated like the 2-8 row).
2. Read the cell of Table 2-A at that letter and AQL, following an arrow if there is one.
3. If the resulting sample size is greater than or equal to the lot size, inspect 100 %:
   ``sample_size`` becomes ``lot_size`` while ``accept``/``reject`` stay those of the plan.

AQLs of 10 or less may be read as percent nonconforming or as nonconformities per hundred
units; the columns above 10 (15 … 1000) are nonconformities per hundred units only.

Examples:
    >>> plan = single_sampling_plan(1000, "II", 1.0)
    >>> (plan.code_letter, plan.sample_size, plan.accept, plan.reject)
    ('J', 80, 2, 3)
    >>> accept_lot(plan, defects=2), accept_lot(plan, defects=3)
    (True, False)
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, fields
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, get_args

from datamill.core.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "AQL_VALUES",
    "INSPECTION_LEVELS",
    "InspectionLevel",
    "SamplingPlan",
    "accept_lot",
    "acceptance_probability",
    "draw_sample",
    "single_sampling_plan",
]

T = TypeVar("T")

InspectionLevel = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
"""The inspection levels of ISO 2859-1: four special levels and three general ones."""

INSPECTION_LEVELS: Final[tuple[str, ...]] = get_args(InspectionLevel)
"""Inspection levels in the column order of Table 1."""

# ISO 2859-1 Table 1 — sample size code letters.
# A lot-size range per line ("500001+" = 500 001 and over), then the code letter per level.
_TABLE_1: Final = """
lot size        S-1 S-2 S-3 S-4   I  II III
2-8               A   A   A   A   A   A   B
9-15              A   A   A   A   A   B   C
16-25             A   A   B   B   B   C   D
26-50             A   B   B   C   C   D   E
51-90             B   B   C   C   C   E   F
91-150            B   B   C   D   D   F   G
151-280           B   C   D   E   E   G   H
281-500           B   C   D   E   F   H   J
501-1200          C   C   E   F   G   J   K
1201-3200         C   D   E   G   H   K   L
3201-10000        C   D   F   G   J   L   M
10001-35000       C   D   F   H   K   M   N
35001-150000      D   E   G   J   L   N   P
150001-500000     D   E   G   J   M   P   Q
500001+           D   E   H   K   N   Q   R
"""

# ISO 2859-1 Table 2-A — sample size per code letter (first two columns of the printed table).
_SAMPLE_SIZES: Final[Mapping[str, int]] = {
    "A": 2,
    "B": 3,
    "C": 5,
    "D": 8,
    "E": 13,
    "F": 20,
    "G": 32,
    "H": 50,
    "J": 80,
    "K": 125,
    "L": 200,
    "M": 315,
    "N": 500,
    "P": 800,
    "Q": 1250,
    "R": 2000,
}

# ISO 2859-1 Table 2-A — single sampling plans for normal inspection (master table), printed in
# two halves so that each line stays readable. Header: AQL columns. Cells: "Ac/Re", "v" (use
# the first plan below the arrow), "^" (use the first plan above the arrow).
_TABLE_2A_LOW_AQL: Final = """
  0.010 0.015 0.025 0.040 0.065  0.10  0.15  0.25  0.40  0.65
A     v     v     v     v     v     v     v     v     v     v
B     v     v     v     v     v     v     v     v     v     v
C     v     v     v     v     v     v     v     v     v     v
D     v     v     v     v     v     v     v     v     v     v
E     v     v     v     v     v     v     v     v     v     v
F     v     v     v     v     v     v     v     v     v   0/1
G     v     v     v     v     v     v     v     v   0/1     ^
H     v     v     v     v     v     v     v   0/1     ^     v
J     v     v     v     v     v     v   0/1     ^     v   1/2
K     v     v     v     v     v   0/1     ^     v   1/2   2/3
L     v     v     v     v   0/1     ^     v   1/2   2/3   3/4
M     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6
N     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8
P     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11
Q   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15
R     ^     ^   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22
"""
_TABLE_2A_HIGH_AQL: Final = """
    1.0   1.5   2.5   4.0   6.5    10    15    25    40    65   100   150   250   400   650  1000
A     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31
B     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45
C     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^
D     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^     ^
E   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^     ^     ^
F     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^
G     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^
H   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^
J   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^
K   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
L   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
M   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
N 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
P 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
Q 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
R     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
"""

_DOWN: Final = "v"
_UP: Final = "^"

_Cell = tuple[int, int] | str


def _parse_table_2a(text: str) -> tuple[list[str], dict[str, list[_Cell]]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, body = lines[0], lines[1:]
    rows: dict[str, list[_Cell]] = {}
    for letter, *cells in body:
        parsed: list[_Cell] = []
        for cell in cells:
            if cell in (_DOWN, _UP):
                parsed.append(cell)
            else:
                accept, reject = cell.split("/")
                parsed.append((int(accept), int(reject)))
        rows[letter] = parsed
    return header, rows


@cache
def _table_2a() -> tuple[tuple[str, ...], dict[str, tuple[_Cell, ...]]]:
    """Table 2-A as (AQL column labels, code letter -> cells), parsed once on first use."""
    low_header, low_rows = _parse_table_2a(_TABLE_2A_LOW_AQL)
    high_header, high_rows = _parse_table_2a(_TABLE_2A_HIGH_AQL)
    rows = {letter: (*low_rows[letter], *high_rows[letter]) for letter in _SAMPLE_SIZES}
    return (*low_header, *high_header), rows


@cache
def _table_1() -> tuple[tuple[int | None, dict[str, str]], ...]:
    """Table 1 as (largest lot size or None for "and over", level -> code letter) rows."""
    lines = [line.split() for line in _TABLE_1.strip().splitlines()[1:]]
    rows: list[tuple[int | None, dict[str, str]]] = []
    for lot_range, *letters in lines:
        upper = None if lot_range.endswith("+") else int(lot_range.split("-")[1])
        rows.append((upper, dict(zip(INSPECTION_LEVELS, letters, strict=True))))
    return tuple(rows)


AQL_VALUES: Final[tuple[float, ...]] = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65,
    1.0, 1.5, 2.5, 4.0, 6.5, 10.0, 15.0, 25.0, 40.0, 65.0,
    100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
)  # fmt: skip
"""The AQL columns of Table 2-A, in percent (nonconforming or nonconformities per 100 units)."""


@dataclass(frozen=True)
class SamplingPlan:
    """A single sampling plan for normal inspection of one lot.

    Attributes:
        lot_size: Number of items in the lot.
        level: Inspection level the plan was chosen for (``"II"`` is the usual default).
        aql: Acceptance quality limit in percent (a Table 2-A column, e.g. ``1.0``).
        code_letter: Sample size code letter from Table 1 for the lot size and level.
        sample_size: Number of items to inspect. It is the sample size of the plan actually
            used (after following an arrow of Table 2-A), capped at ``lot_size`` (100 %
            inspection) when the plan asks for at least as many items as the lot holds.
        accept: Acceptance number Ac: the lot is accepted with at most this many defects.
        reject: Rejection number Re (always ``accept + 1`` for single sampling).
        plan_code_letter: Code letter of the Table 2-A row whose plan is used; differs from
            ``code_letter`` when the cell held an arrow. Defaults to ``code_letter``.
    """

    lot_size: int
    level: str
    aql: float
    code_letter: str
    sample_size: int
    accept: int
    reject: int
    plan_code_letter: str = ""

    def __post_init__(self) -> None:
        """Default ``plan_code_letter`` to ``code_letter``."""
        if not self.plan_code_letter:
            object.__setattr__(self, "plan_code_letter", self.code_letter)

    @property
    def full_inspection(self) -> bool:
        """Whether the plan inspects every item of the lot (100 % inspection)."""
        return self.sample_size >= self.lot_size

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as a JSON-ready dict of its fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SamplingPlan:
        """Rebuild a plan from :meth:`to_dict` output.

        Raises:
            InvalidInput: A required field is missing.
        """
        names = [f.name for f in fields(cls)]
        missing = [name for name in names if name not in data and name != "plan_code_letter"]
        if missing:
            raise InvalidInput(
                f"sampling plan is missing fields: {', '.join(missing)}",
                field="plan",
                missing=missing,
            )
        return cls(**{name: data[name] for name in names if name in data})


def _code_letter(lot_size: int, level: str) -> str:
    for upper, letters in _table_1():
        if upper is None or lot_size <= upper:
            return letters[level]
    raise AssertionError("unreachable: the last row of Table 1 is open-ended")  # pragma: no cover


def _aql_column(aql: float) -> int:
    if isinstance(aql, int | float) and not isinstance(aql, bool) and math.isfinite(aql):
        for column, value in enumerate(AQL_VALUES):
            if math.isclose(aql, value, rel_tol=1e-9):
                return column
    labels = _table_2a()[0]
    raise InvalidInput(
        f"unknown AQL {aql!r}; valid AQLs (percent): {', '.join(labels)}",
        field="aql",
        value=aql,
        valid=list(labels),
    )


def _resolve(letter: str, column: int) -> tuple[str, int, int]:
    """Follow Table 2-A from (letter, column) to a plan: (plan letter, Ac, Re)."""
    _, rows = _table_2a()
    letters = list(rows)
    index = letters.index(letter)
    cell = rows[letter][column]
    if isinstance(cell, tuple):
        return letter, cell[0], cell[1]
    step = 1 if cell == _DOWN else -1
    index += step
    while 0 <= index < len(letters):
        target = rows[letters[index]][column]
        if isinstance(target, tuple):
            return letters[index], target[0], target[1]
        index += step
    raise AssertionError(  # pragma: no cover - the table test proves every arrow lands
        f"Table 2-A arrow at {letter}/{AQL_VALUES[column]} points off the table"
    )


def single_sampling_plan(lot_size: int, level: str = "II", aql: float = 1.0) -> SamplingPlan:
    """Choose the ISO 2859-1 single sampling plan for normal inspection.

    Args:
        lot_size: Number of items in the lot (>= 1; a single item uses the 2-8 row).
        level: Inspection level, one of :data:`INSPECTION_LEVELS`.
        aql: Acceptance quality limit in percent, one of :data:`AQL_VALUES` (compared with a
            relative tolerance of 1e-9, so ``0.1`` and ``0.10`` are the same column).

    Returns:
        The plan. When Table 2-A shows an arrow, the plan below (↓) or above (↑) is used with
        its own sample size; when that sample size is >= ``lot_size``, ``sample_size`` is
        ``lot_size`` (100 % inspection) and Ac/Re are kept from the plan.

    Raises:
        InvalidInput: ``lot_size`` is not a positive integer, or ``level`` / ``aql`` is not a
            value of the standard (the message lists the valid values).

    Examples:
        >>> plan = single_sampling_plan(50, "II", 1.0)  # D holds an arrow down to E
        >>> (plan.code_letter, plan.plan_code_letter, plan.sample_size, plan.accept, plan.reject)
        ('D', 'E', 13, 0, 1)
        >>> single_sampling_plan(10, "II", 0.65).sample_size  # 100 % inspection
        10
    """
    if isinstance(lot_size, bool) or not isinstance(lot_size, int) or lot_size < 1:
        raise InvalidInput(
            f"lot_size must be a positive integer, got {lot_size!r}",
            field="lot_size",
            value=lot_size,
        )
    if level not in INSPECTION_LEVELS:
        raise InvalidInput(
            f"unknown inspection level {level!r}; valid levels: {', '.join(INSPECTION_LEVELS)}",
            field="level",
            value=level,
            valid=list(INSPECTION_LEVELS),
        )
    column = _aql_column(aql)
    code_letter = _code_letter(lot_size, level)
    plan_letter, accept, reject = _resolve(code_letter, column)
    return SamplingPlan(
        lot_size=lot_size,
        level=level,
        aql=AQL_VALUES[column],
        code_letter=code_letter,
        sample_size=min(_SAMPLE_SIZES[plan_letter], lot_size),
        accept=accept,
        reject=reject,
        plan_code_letter=plan_letter,
    )


def accept_lot(plan: SamplingPlan, defects: int) -> bool:
    """Decide a lot from the number of defects found in its sample.

    Args:
        plan: The plan the sample was drawn with.
        defects: Nonconforming items (or nonconformities, for AQL as per-hundred-units) found.

    Returns:
        ``True`` when ``defects <= plan.accept`` (accept), ``False`` when it reaches
        ``plan.reject`` (reject).

    Raises:
        InvalidInput: ``defects`` is not a non-negative integer.
    """
    if isinstance(defects, bool) or not isinstance(defects, int) or defects < 0:
        raise InvalidInput(
            f"defects must be a non-negative integer, got {defects!r}",
            field="defects",
            value=defects,
        )
    return defects <= plan.accept


def acceptance_probability(plan: SamplingPlan, defect_rate: float) -> float:
    """Probability that a lot is accepted under ``plan`` (one point of its OC curve).

    Uses the binomial model: each of the ``plan.sample_size`` inspected items is defective
    independently with probability ``defect_rate``, and the lot is accepted when at most
    ``plan.accept`` are. (For 100 % inspection or small lots the exact model would be
    hypergeometric; the binomial is the usual type-B approximation.)

    Args:
        plan: The sampling plan.
        defect_rate: Process fraction defective, in [0, 1] (0.01 = 1 %).

    Returns:
        P(X <= Ac) for X ~ Binomial(n, defect_rate), in [0, 1]; non-increasing in
        ``defect_rate``.

    Raises:
        InvalidInput: ``defect_rate`` is not a finite number in [0, 1].

    Examples:
        >>> plan = single_sampling_plan(1000, "II", 1.0)
        >>> round(acceptance_probability(plan, 0.01), 4)
        0.9534
    """
    if (
        isinstance(defect_rate, bool)
        or not isinstance(defect_rate, int | float)
        or not math.isfinite(defect_rate)
        or not 0.0 <= defect_rate <= 1.0
    ):
        raise InvalidInput(
            f"defect_rate must be a number in [0, 1], got {defect_rate!r}",
            field="defect_rate",
            value=defect_rate,
        )
    n, accept = plan.sample_size, plan.accept
    if accept >= n:
        return 1.0
    p = float(defect_rate)
    q = 1.0 - p
    total = math.fsum(math.comb(n, k) * p**k * q ** (n - k) for k in range(accept + 1))
    return min(1.0, max(0.0, total))


def draw_sample(ids: Sequence[T], plan: SamplingPlan, seed: int) -> list[T]:
    """Draw the items to inspect, reproducibly.

    Args:
        ids: The whole lot (its length must equal ``plan.lot_size``).
        plan: The plan to draw for.
        seed: Seed of the private random generator; the same ids, plan and seed always give
            the same sample (in draw order).

    Returns:
        ``plan.sample_size`` distinct elements of ``ids`` drawn without replacement
        (``random.Random(seed).sample``); every element for 100 % inspection.

    Raises:
        InvalidInput: ``len(ids)`` differs from the plan's lot size.

    Examples:
        >>> plan = single_sampling_plan(100, "II", 2.5)
        >>> len(draw_sample(list(range(100)), plan, seed=7))
        20
    """
    population = list(ids)
    if len(population) != plan.lot_size:
        raise InvalidInput(
            f"the plan is for a lot of {plan.lot_size} items, got {len(population)} ids",
            field="ids",
            expected=plan.lot_size,
            actual=len(population),
        )
    # Sampling for inspection, not cryptography: a seeded PRNG is what we want.
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not secrets
    return rng.sample(population, plan.sample_size)
