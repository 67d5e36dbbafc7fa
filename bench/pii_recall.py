"""Precision and recall of ``datamill.compliance.pii.find_pii`` per kind on a labelled corpus.

The corpus comes from ``datamill.testing.pii_corpus`` with the *held-out* templates (sentences
and number formats the unit tests never use) and a seed the tests never use. A prediction
counts as a true positive when kind, start and end all equal a labelled span ("exact"); the
"overlap" columns count a prediction of the right kind that overlaps a labelled span.

No database and no temporary files are involved.

    .venv/bin/python bench/pii_recall.py --n 5000 --seed 90210
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from rich.console import Console
from rich.table import Table

from datamill.compliance.pii import KINDS, find_pii
from datamill.testing.pii_corpus import generate_corpus

console = Console(highlight=False, width=130)


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.4f}" if den else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="sentences (default 5000)")
    parser.add_argument("--seed", type=int, default=90210, help="held-out seed (default 90210)")
    parser.add_argument("--templates", choices=("heldout", "train"), default="heldout")
    parser.add_argument("--show-errors", type=int, default=10, help="print up to N misses")
    args = parser.parse_args()

    corpus = generate_corpus(args.seed, args.n, args.templates)
    tp, fp, fn, otp, ofp = Counter(), Counter(), Counter(), Counter(), Counter()
    errors: list[str] = []
    t0 = time.perf_counter()
    predictions = [find_pii(item.text) for item in corpus]
    elapsed = time.perf_counter() - t0
    chars = sum(len(item.text) for item in corpus)
    for item, spans in zip(corpus, predictions, strict=True):
        gold = set(item.spans)
        pred = {(s.kind, s.start, s.end) for s in spans}
        for kind, *_ in pred & gold:
            tp[kind] += 1
        for kind, s, e in pred - gold:
            fp[kind] += 1
            hit = any(k == kind and s < ge and gs < e for k, gs, ge in gold)
            (otp if hit else ofp)[kind] += 1
        for kind, *_ in gold - pred:
            fn[kind] += 1
        if pred != gold and len(errors) < args.show_errors:
            errors.append(f"{item.text}\n   missed {[item.text[s:e] for _, s, e in gold - pred]}"
                          f" extra {[(k, item.text[s:e]) for k, s, e in pred - gold]}")

    table = Table(title=f"find_pii on {args.n} {args.templates} sentences (seed {args.seed})")
    for col in ("kind", "labelled", "predicted", "TP", "FP", "FN", "precision", "recall",
                "overlap precision", "overlap recall"):
        table.add_column(col, justify="right" if col != "kind" else "left")
    totals = Counter()
    for kind in KINDS:
        labelled, predicted = tp[kind] + fn[kind], tp[kind] + fp[kind]
        o_tp = tp[kind] + otp[kind]
        table.add_row(kind, str(labelled), str(predicted), str(tp[kind]), str(fp[kind]),
                      str(fn[kind]), _ratio(tp[kind], predicted), _ratio(tp[kind], labelled),
                      _ratio(o_tp, predicted), _ratio(min(o_tp, labelled), labelled))
        totals.update(tp=tp[kind], fp=fp[kind], fn=fn[kind])
    p_all = _ratio(totals["tp"], totals["tp"] + totals["fp"])
    r_all = _ratio(totals["tp"], totals["tp"] + totals["fn"])
    table.add_row("all", str(totals["tp"] + totals["fn"]), str(totals["tp"] + totals["fp"]),
                  str(totals["tp"]), str(totals["fp"]), str(totals["fn"]), p_all, r_all, "", "")
    console.print(table)
    for err in errors:
        console.print(err, markup=False)
    console.print(f"{chars / elapsed / 1e6:.2f} M characters/s ({chars} characters, "
                  f"{elapsed:.2f} s)")
    per_kind = " ".join(f"{k}=P{_ratio(tp[k], tp[k] + fp[k])}/R{_ratio(tp[k], tp[k] + fn[k])}"
                        for k in KINDS)
    console.print(f"SUMMARY pii precision={p_all} recall={r_all} {per_kind}", markup=False,
                  soft_wrap=True)


if __name__ == "__main__":
    main()
