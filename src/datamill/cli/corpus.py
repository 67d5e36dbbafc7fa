"""``datamill corpus``: corpus design (语料设计) — choose the prompts a speaker records from a pool
of candidate sentences, covering phones, diphones or tonal syllables (``datamill.corpus``).

Nothing is stored: the command reads the pool and writes the chosen prompts, their JSON details
and, on request, an HTML report with coverage curves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from datamill.cli._common import JsonOpt, console, emit, handle_errors, out, styled
from datamill.cli._words import say, say_count
from datamill.cli.collect import ENCODING_HELP, read_text_file

app = typer.Typer(help="Corpus design: choose recording prompts that cover the units.",
                  no_args_is_help=True)

_PHASES = {"analyse": "analysing the pool (g2p, filters)", "select": "choosing prompts"}


def _summary(report: dict[str, Any], written: dict[str, str]) -> dict[str, Any]:
    return {
        "lang": report["lang"],
        "written": written,
        "pool": report["pool"],
        "stopped": report["stopped"],
        "coverage": {k: {f: v[f] for f in ("covered", "available", "inventory",
                                           "covered_in_inventory", "random_covered")}
                     for k, v in report["coverage"].items()},
        "readability": report["readability"],
        "chosen": [{"rank": c["rank"], "line": c["line"], "text": c["text"],
                    "readability": c["readability"]} for c in report["chosen"]],
    }


def _render(v: dict[str, Any]) -> None:
    pool = v["pool"]
    out.print(styled((say_count("corpus.chosen", len(v["chosen"])), "green"),
                     say_count("corpus.from", pool["sentences"], eligible=pool["eligible"],
                               stopped=v["stopped"])))
    for reason, n in pool["rejected_by_reason"].items():
        out.print(say("corpus.rejected", code=reason, n=n))
    for kind, c in v["coverage"].items():
        inv = "" if c["inventory"] is None else say(
            "corpus.inventory", covered=c["covered_in_inventory"], inventory=c["inventory"])
        out.print(say("corpus.coverage", kind=kind, covered=c["covered"],
                      available=c["available"], inv=inv, random=c["random_covered"]))
    r = v["readability"]
    out.print(say("corpus.readability", chosen=r["chosen_mean"], pool=r["pool_mean"]))
    for what, path in v["written"].items():
        out.print(f"  {what} → {path}")


@app.command("select")
@handle_errors
def select_cmd(  # noqa: PLR0913 - one option per filter
    pool: Annotated[Path, typer.Argument(help="Candidate sentences, one a line (see --encoding).")],
    lang: Annotated[str, typer.Option(help="Language: en or zh.")] = "zh",
    n: Annotated[int, typer.Option("--n", help="How many prompts to choose.")] = 500,
    units: Annotated[str, typer.Option(
        help="Unit kinds to cover with optional weights, e.g. 'syllable,diphone:0.5'. "
             "en: phone, diphone; zh: syllable, initial, final, phone, diphone.")] = "",
    sensitive: Annotated[Path | None, typer.Option(
        help="Sensitive-word file, one word a line (a small built-in list always applies).")] = None,
    out_path: Annotated[Path, typer.Option("--out", help="Chosen prompts, one a line.")] = Path(
        "chosen.txt"),
    details: Annotated[Path | None, typer.Option(
        help="JSON details (units, readability, rejections, curves); default: --out with .json.")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Also write an HTML report here.")] = None,
    min_length: Annotated[int | None, typer.Option(
        help="Fewest words (en) / characters (zh); default 3 / 4.")] = None,
    max_length: Annotated[int | None, typer.Option(
        help="Most words (en) / characters (zh); default 30 / 40.")] = None,
    max_char_rank: Annotated[int, typer.Option(
        help="zh: reject characters beyond this frequency rank.")] = 4500,
    near_duplicate: Annotated[float, typer.Option(
        help="Jaccard similarity at which a sentence is a near-duplicate (1 = exact only).")] = 0.8,
    allow_oov: Annotated[bool, typer.Option(help="Keep sentences with words the lexicon lacks.")] = False,
    allow_digits: Annotated[bool, typer.Option(help="Keep sentences with digits.")] = False,
    target: Annotated[float | None, typer.Option(
        help="Stop once every kind covers this share (0-1] of the units the pool offers.")] = None,
    rarity: Annotated[bool, typer.Option(help="Weigh rare units higher (1 + ln(M/df)).")] = True,
    fill: Annotated[bool, typer.Option(
        help="Once all is covered, keep choosing (a new round) up to --n.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the random baseline.")] = 0,
    encoding: Annotated[str, typer.Option("--encoding", help=ENCODING_HELP)] = "utf-8",
    as_json: JsonOpt = False,
) -> None:
    """Choose up to --n prompts that cover the most (rare) units per syllable read.

    The filters apply first; the prompts go to --out, the details to --details and, with
    --report, an HTML report."""
    from datamill.core.errors import InvalidInput
    from datamill.corpus.analysis import KINDS, Filters
    from datamill.corpus.design import (
        DesignOptions,
        design_corpus,
        parse_units,
        read_pool,
        read_word_list,
        write_outputs,
    )

    text = read_text_file(pool, encoding, field="pool")
    base = lang.split("-")[0].lower()
    spec = units or ",".join(("syllable", "diphone") if base == "zh" else ("phone", "diphone"))
    if base not in KINDS:
        raise InvalidInput(f"corpus design supports {', '.join(KINDS)}, not {lang!r}", field="lang")
    filters = Filters(min_length=min_length, max_length=max_length, max_char_rank=max_char_rank,
                      sensitive=read_word_list(sensitive) if sensitive else (),
                      allow_oov=allow_oov, allow_digits=allow_digits,
                      near_duplicate=near_duplicate)
    opts = DesignOptions(lang=lang, n=n, units=parse_units(spec, base), filters=filters,
                         target=target, rarity=rarity, fill=fill, seed=seed)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console,
                  disable=as_json or not console.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(_PHASES.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        result = design_corpus(read_pool(text), opts, progress=progress)
    if details is None:
        details = (out_path.with_suffix(".json") if out_path.suffix != ".json"
                   else out_path.with_name(out_path.name + ".details.json"))
    written = write_outputs(result, out_path, details, report)
    emit(_summary(result, written), as_json, _render)
