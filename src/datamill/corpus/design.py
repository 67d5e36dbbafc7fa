"""Corpus design: choose the prompts a speaker records from a pool of candidate sentences.

:func:`design_corpus` filters the pool (:mod:`datamill.corpus.analysis`,
:mod:`datamill.corpus.dedup`), weighs every unit of the chosen kinds by rarity, picks greedily
(:mod:`datamill.corpus.selection`) and reports coverage against the pool and the target
inventory, with coverage curves for the chosen set and a random set of the same size.

Unit weight: ``kind weight × (1 + ln(M / df))`` where M is the number of eligible sentences and
df the number containing the unit (rarity on), else the kind weight alone.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from datamill.core.errors import InvalidInput
from datamill.corpus import resources
from datamill.corpus.analysis import KINDS, Analysis, Filters, analyse
from datamill.corpus.dedup import find_duplicates
from datamill.corpus.selection import Problem, coverage_curve, greedy, random_baseline

__all__ = [
    "BUILTIN_SENSITIVE",
    "MAX_N",
    "MAX_POOL",
    "MAX_SENTENCE_CHARS",
    "DesignOptions",
    "analyse_pool",
    "design_corpus",
    "design_corpus_apart",
    "parse_units",
    "read_pool",
    "read_word_list",
    "unit_problem",
    "write_outputs",
]

MAX_POOL = 100_000
MAX_N = 10_000
MAX_SENTENCE_CHARS = 1_000
#: a tiny example list, always applied with the PM's own list (a real list is a file they give)
BUILTIN_SENSITIVE: tuple[str, ...] = ("damn", "idiot", "kill yourself", "傻逼", "他妈的", "去死")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DesignOptions:
    """``units`` maps each unit kind to cover to its weight (> 0)."""

    lang: str
    n: int
    units: dict[str, float]
    filters: Filters = field(default_factory=Filters)
    target: float | None = None  # stop once every kind covers this share of what the pool offers
    rarity: bool = True
    fill: bool = True
    seed: int = 0


def parse_units(spec: str, lang: str) -> dict[str, float]:
    """``"syllable,diphone:0.5"`` → ``{"syllable": 1.0, "diphone": 0.5}`` (kinds checked)."""
    out: dict[str, float] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, _, w = part.partition(":")
        try:
            weight = float(w) if w else 1.0
        except ValueError:
            raise InvalidInput(f"unit weight {w!r} is not a number", field="units") from None
        out[name.strip()] = weight
    _check_units(out, lang)
    return out


def _lang(lang: str) -> str:
    base = lang.replace("_", "-").split("-")[0].lower()
    base = "zh" if base == "cmn" else base
    if base not in KINDS:
        raise InvalidInput(f"corpus design supports {', '.join(KINDS)}, not {lang!r}", field="lang")
    return base


def _check_units(units: dict[str, float], lang: str) -> None:
    base = _lang(lang)
    if not units:
        raise InvalidInput("name at least one unit kind", field="units")
    for name, w in units.items():
        if name not in KINDS[base]:
            raise InvalidInput(f"unit kind {name!r} is not one of {', '.join(KINDS[base])} for "
                               f"{base}", field="units")
        if not math.isfinite(w) or w <= 0:
            raise InvalidInput(f"weight of {name!r} must be a positive number", field="units")


def read_pool(text: str) -> list[str]:
    """Pool sentences from text: one a line, blank lines skipped, NUL refused."""
    if "\x00" in text:
        raise InvalidInput("the pool must not contain NUL characters", field="pool")
    return [s for s in (line.strip() for line in text.splitlines()) if s]


def read_word_list(path: Path) -> tuple[str, ...]:
    """A sensitive-word file: one word or phrase a line, ``#`` comments and blanks skipped."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"cannot read word list {path}: {err}", field="sensitive") from None
    return tuple(w for w in (line.strip() for line in raw.splitlines()) if w and not w.startswith("#"))


def _validate(pool: Sequence[str], opts: DesignOptions) -> str:
    lang = _lang(opts.lang)
    _check_units(opts.units, lang)
    if not 1 <= opts.n <= MAX_N:
        raise InvalidInput(f"n must be 1 to {MAX_N}", field="n")
    if opts.target is not None and not 0 < opts.target <= 1:
        raise InvalidInput("target is a share of the available units, above 0 and at most 1",
                           field="target")
    if not pool:
        raise InvalidInput("the pool is empty: give one sentence a line", field="pool")
    if len(pool) > MAX_POOL:
        raise InvalidInput(f"the pool has {len(pool)} sentences; at most {MAX_POOL}", field="pool")
    for i, s in enumerate(pool):
        if len(s) > MAX_SENTENCE_CHARS:
            raise InvalidInput(f"sentence {i + 1} is longer than {MAX_SENTENCE_CHARS} characters",
                               field="pool", line=i + 1)
    return lang


def _problem(eligible: list[Analysis], kinds: list[str], opts: DesignOptions
             ) -> tuple[Problem, list[str]]:
    ids: dict[tuple[int, str], int] = {}
    names: list[str] = []
    kind_of: list[int] = []
    df: list[int] = []
    rows: list[list[int]] = []
    for a in eligible:
        row: list[int] = []
        for k, kind in enumerate(kinds):
            for u in a.units[kind]:
                uid = ids.get((k, u))
                if uid is None:
                    uid = ids[(k, u)] = len(names)
                    names.append(u)
                    kind_of.append(k)
                    df.append(0)
                df[uid] += 1
                row.append(uid)
        rows.append(row)
    m = max(1, len(eligible))
    weight = [opts.units[kinds[kind_of[u]]] * ((1 + math.log(m / df[u])) if opts.rarity else 1.0)
              for u in range(len(names))]
    return Problem(units=rows, cost=[float(a.cost) for a in eligible], weight=weight,
                   kind=kind_of, tiebreak=[a.readability for a in eligible],
                   kinds=len(kinds)), names


def _coverage(lang: str, kinds: list[str], eligible: list[Analysis], picked: list[int],
              baseline: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in kinds:
        avail = {u for a in eligible for u in a.units[kind]}
        covered = {u for i in picked for u in eligible[i].units[kind]}
        rand = {u for i in baseline for u in eligible[i].units[kind]}
        inv = resources.inventory(lang, kind)
        out[kind] = {
            "inventory": None if inv is None else len(inv),
            "available": len(avail),
            "covered": len(covered),
            "random_covered": len(rand),
            "covered_share": round(len(covered) / len(avail), 4) if avail else 0.0,
            "random_share": round(len(rand) / len(avail), 4) if avail else 0.0,
            "available_in_inventory": None if inv is None else len(avail & inv),
            "covered_in_inventory": None if inv is None else len(covered & inv),
            "inventory_share": (round(len(covered & inv) / len(inv), 4) if inv else None),
            "missing_from_pool": [] if inv is None else sorted(inv - avail)[:200],
            "not_chosen": sorted(avail - covered)[:200],
        }
    return out


def analyse_pool(pool: Sequence[str], opts: DesignOptions, progress: Progress | None = None
                 ) -> tuple[list[Analysis], list[Analysis]]:
    """Every sentence analysed and filtered (duplicates last, first occurrence kept); returns
    (all, eligible)."""
    lang = _validate(pool, opts)
    filters = _with_builtin(opts.filters)
    analyses: list[Analysis] = []
    for i, text in enumerate(pool):
        analyses.append(analyse(i, unicodedata.normalize("NFC", text), lang, filters))
        if progress is not None and (i % 200 == 0 or i == len(pool) - 1):
            progress("analyse", i + 1, len(pool))
    passing = [a for a in analyses if a.eligible]
    dups = find_duplicates([a.text for a in passing], lang, filters.near_duplicate)
    for pos, (code, first, sim) in dups.items():
        other = passing[first]
        detail = f"line {other.index + 1}" + ("" if code == "duplicate" else f" (similarity {sim})")
        passing[pos].reject(code, detail, line=other.index + 1,
                            **({} if code == "duplicate" else {"similarity": sim}))
    return analyses, [a for a in analyses if a.eligible]


def _with_builtin(filters: Filters) -> Filters:
    sensitive = tuple(dict.fromkeys((*BUILTIN_SENSITIVE, *filters.sensitive)))
    return Filters(**{**asdict(filters), "sensitive": sensitive})


def unit_problem(eligible: list[Analysis], opts: DesignOptions) -> Problem:
    """The selection problem over the eligible sentences: unit ids, weights, costs."""
    return _problem(eligible, list(opts.units), opts)[0]


def design_corpus_apart(pool: Sequence[str], opts: DesignOptions) -> dict[str, Any]:
    """:func:`design_corpus` in the warm worker process of
    :func:`datamill.engine.local.run_apart`, with the same report: what the web server asks for,
    since the analysis and the selection are pure Python (a 10,000-sentence English pool took
    17 s) and, in a web worker's thread, took the interpreter lock from every other request
    of that worker for as long. A pool whose design crashes the worker on both tries (a
    memory kill) is refused (``design_crashed``), never an error of the server."""
    from concurrent.futures.process import BrokenProcessPool

    from datamill.engine.local import run_apart
    from datamill.modalities._reason_words_crash_h1 import CRASH_H1_EN

    try:
        return run_apart(_design_job, (list(pool), opts))
    except BrokenProcessPool:
        raise InvalidInput(CRASH_H1_EN["design_crashed"].format(sentences=len(pool)),
                           reason_code="design_crashed", sentences=len(pool)) from None


def _design_job(task: tuple[list[str], DesignOptions]) -> dict[str, Any]:
    pool, opts = task
    return design_corpus(pool, opts)


def design_corpus(pool: Sequence[str], opts: DesignOptions,
                  progress: Progress | None = None) -> dict[str, Any]:
    """Select up to ``opts.n`` prompts from ``pool``; the report (JSON-ready) holds the chosen
    sentences with their units, readability and the units each added, every rejected sentence
    with its reasons, coverage per kind and the coverage curves (chosen vs random)."""
    analyses, eligible = analyse_pool(pool, opts, progress)
    lang = _lang(opts.lang)
    kinds = list(opts.units)
    filters = _with_builtin(opts.filters)
    sensitive = filters.sensitive
    problem = unit_problem(eligible, opts)

    def tick(done: int) -> None:
        if progress is not None:
            progress("select", done, min(opts.n, len(eligible)))

    picked, stopped = greedy(problem, opts.n, target=opts.target, fill=opts.fill, progress=tick)
    baseline = random_baseline(len(eligible), len(picked), opts.seed)
    chosen_curves = coverage_curve(problem, picked)
    random_curves = coverage_curve(problem, baseline)
    seen: dict[str, set[str]] = {k: set() for k in kinds}
    chosen: list[dict[str, Any]] = []
    for rank, i in enumerate(picked, 1):
        a = eligible[i]
        new = {k: sorted(set(a.units[k]) - seen[k]) for k in kinds}
        for k in kinds:
            seen[k].update(a.units[k])
        chosen.append({"rank": rank, "line": a.index + 1, "text": a.text,
                       "readability": a.readability, "cost_syllables": a.cost,
                       "units": {k: list(a.units[k]) for k in kinds},
                       "new_units": {k: len(v) for k, v in new.items()}})
    rejected = [{"line": a.index + 1, "text": a.text, "reasons": a.reasons} for a in analyses
                if not a.eligible]
    by_reason: dict[str, int] = {}
    for a in analyses:
        for reason in a.reasons:
            by_reason[reason["code"]] = by_reason.get(reason["code"], 0) + 1
    return {
        "lang": lang,
        "options": {"n": opts.n, "units": opts.units, "target": opts.target, "rarity": opts.rarity,
                    "fill": opts.fill, "seed": opts.seed,
                    "filters": {**asdict(filters), "sensitive": len(sensitive)}},
        "pool": {"sentences": len(pool), "eligible": len(eligible), "rejected": len(rejected),
                 "rejected_by_reason": dict(sorted(by_reason.items()))},
        "stopped": stopped,
        "chosen": chosen,
        "rejected": rejected,
        "coverage": _coverage(lang, kinds, eligible, picked, baseline),
        "curves": {k: {"chosen": chosen_curves[j], "random": random_curves[j]}
                   for j, k in enumerate(kinds)},
        "readability": {
            "chosen_mean": _mean([c["readability"] for c in chosen]),
            "pool_mean": _mean([a.readability for a in eligible]),
        },
    }


def _mean(xs: list[float]) -> float | None:
    return round(sum(xs) / len(xs), 2) if xs else None


def write_outputs(report: dict[str, Any], out: Path, json_path: Path | None = None,
                  html_path: Path | None = None) -> dict[str, str]:
    """Write the chosen prompts (one a line), and optionally the JSON and the HTML report."""
    from datamill.corpus.report import report_html  # noqa: PLC0415

    written: dict[str, str] = {}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(c["text"] + "\n" for c in report["chosen"]), encoding="utf-8")
        written["prompts"] = str(out)
        if json_path is not None:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
            written["json"] = str(json_path)
        if html_path is not None:
            html_path.parent.mkdir(parents=True, exist_ok=True)
            html_path.write_text(report_html(report), encoding="utf-8")
            written["report"] = str(html_path)
    except OSError as err:
        raise InvalidInput(f"cannot write the outputs: {err}", field="out") from None
    return written
