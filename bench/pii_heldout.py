"""Precision and recall of ``find_pii`` on a hand-written held-out set (``_pii_heldout_cases``).

Unlike ``pii_recall.py`` (a generator of our own), the sentences here were written by hand for
variety the generator lacks: mistyped ID check digits after a keyword, IDs in 4-digit groups
and in hanzi, phone numbers spoken digit by digit or split by dots, full-width ideographic
spaces, person names (zh and en), and look-alikes (order, invoice, serial and ticket numbers,
timestamps, versions, ISBNs, IP addresses, prices, places named like surnames).

A prediction is exact when kind, start and end equal a labelled span; "overlap" counts one of
the right kind that overlaps it. Kinds the detector does not know are still counted as missed.

    .venv/bin/python bench/pii_heldout.py [--show-errors]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pii_heldout_cases import CASES, FRESH_CASES  # noqa: E402

from datamill.compliance.pii import find_pii  # noqa: E402


def _gold(text: str, spans: list[tuple[str, str]]) -> set[tuple[str, int, int]]:
    out = set()
    for kind, sub in spans:
        i = text.index(sub)
        out.add((kind, i, i + len(sub)))
    return out


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--fresh", action="store_true",
                        help="the set written after the name detector (never tuned on)")
    args = parser.parse_args()
    cases = FRESH_CASES if args.fresh else CASES
    tp, fp, fn, otp = Counter(), Counter(), Counter(), Counter()
    for text, spans in cases:
        gold = _gold(text, spans)
        pred = {(s.kind, s.start, s.end) for s in find_pii(text)}
        for kind, *_ in pred & gold:
            tp[kind] += 1
        for kind, s, e in pred - gold:
            fp[kind] += 1
            otp[kind] += any(k == kind and s < ge and gs < e for k, gs, ge in gold)
        for kind, *_ in gold - pred:
            fn[kind] += 1
        if pred != gold and args.show_errors:
            print(f"{text!r}\n   missed {[text[s:e] for _, s, e in gold - pred]}"
                  f" extra {[(k, text[s:e]) for k, s, e in pred - gold]}")
    kinds = sorted(set(tp) | set(fp) | set(fn))
    print(f"{'kind':10} {'gold':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6}")
    for k in kinds:
        print(f"{k:10} {tp[k] + fn[k]:5} {tp[k]:4} {fp[k]:4} {fn[k]:4} "
              f"{_ratio(tp[k], tp[k] + fp[k]):>6} {_ratio(tp[k], tp[k] + fn[k]):>6}")
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"SUMMARY pii_heldout{'_fresh' if args.fresh else ''} sentences={len(cases)} spans={t + n} "
          f"precision={_ratio(t, t + f)} recall={_ratio(t, t + n)} "
          f"(overlap-of-right-kind false positives {sum(otp.values())})")


if __name__ == "__main__":
    main()
