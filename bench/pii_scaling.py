"""How the personal-data scan's time grows with one text's length, against the old resolution.

``find_pii`` finds candidate spans with regular expressions (linear), then keeps each candidate
that overlaps none kept before it. The old resolution compared every candidate with every span
kept (quadratic: a trial user's 5 MB one-line text kept ``data check`` busy for over ten
minutes); the new one bisects a sorted list. For texts of growing length (a repeated Chinese
address with a phone number, and a repeated place name) the table prints the seconds of both
and their ratio; linear growth doubles the time when the text doubles. (The baseline restores
only the old overlap resolution; the address chains' trimming, also quadratic before on a long
run of place names, is the new one in both columns.)

    .venv/bin/python bench/pii_scaling.py --max-chars 160000
"""

from __future__ import annotations

import argparse
import time

from rich.console import Console
from rich.table import Table

from datamill.compliance import pii

console = Console(highlight=False, width=130)
UNITS = {"address+phone": "我住在北京市朝阳区建国路88号，电话13812345678。", "place": "北京"}


def _old_take(candidates: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The resolution as it was before (the baseline)."""
    taken: list[tuple[str, int, int]] = []
    for kind, start, end in candidates:
        if end > start and all(end <= s or start >= e for _, s, e in taken):
            taken.append((kind, start, end))
    taken.sort(key=lambda c: c[1])
    return taken


def _seconds(text: str) -> float:
    t0 = time.perf_counter()
    pii.find_pii(text)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-chars", type=int, default=10_000)
    parser.add_argument("--max-chars", type=int, default=80_000)
    parser.add_argument("--old-up-to", type=int, default=40_000,
                        help="run the quadratic baseline only up to this length (it is slow)")
    args = parser.parse_args()
    table = Table(title="find_pii on one long text: seconds, new vs the old overlap resolution")
    for col in ("text", "chars", "new s", "old s", "old / new", "new growth per doubling"):
        table.add_column(col, justify="right")
    worst_growth = 0.0
    for name, unit in UNITS.items():
        previous = None
        n = args.min_chars
        while n <= args.max_chars:
            text = unit * max(1, n // len(unit))
            new = _seconds(text)
            old: float | None = None
            if n <= args.old_up_to:
                real = pii._take_disjoint
                pii._take_disjoint = _old_take  # type: ignore[assignment]
                try:
                    old = _seconds(text)
                finally:
                    pii._take_disjoint = real  # type: ignore[assignment]
            growth = new / previous if previous else None
            if growth is not None:
                worst_growth = max(worst_growth, growth)
            table.add_row(name, f"{len(text):,}", f"{new:.3f}",
                          f"{old:.3f}" if old is not None else "-",
                          f"{old / new:.1f}" if old is not None and new > 0 else "-",
                          f"{growth:.2f}" if growth is not None else "-")
            previous = new
            n *= 2
    console.print(table)
    console.print(f"SUMMARY pii_scaling worst growth per doubling {worst_growth:.2f} "
                  "(linear: about 2; quadratic: about 4)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
