"""A delivery's datasheet in ``datamill delivery show``'s text output: for a speech (ASR or
TTS) delivery its speakers -- how many are identified (utterances without a speaker are counted
apart: "speakers: 0 identified; 4 items without a speaker"), minutes per speaker, the gender / age-band / accent
split and a table of the speakers. Other modalities' datasheets (and speech deliveries made
before the breakdown was written) print nothing here; ``--json`` shows every datasheet whole.
Then the scoring conventions the datasheet states (its ``scoring.statement``), for deliveries
made since the datasheet states them, and its application-effect line (the run on the largest
sample: its measure, seed and verdict against the spec's threshold), in the CLI's language.
:func:`verdict_words` words a run's verdict for ``qc evaluate`` / ``qc evaluation`` too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from datamill.cli._common import amount, cli_language, esc, out
from datamill.cli._words import code, count_items, say
from datamill.core.check_words import speaker_value_words

__all__ = ["SHOWN_SPEAKERS", "print_effect", "print_scoring", "print_speakers", "verdict_words"]

#: speakers listed in the table (all are in ``--json`` and the package's datasheet.json)
SHOWN_SPEAKERS = 50


def print_speakers(datasheet: dict[str, Any]) -> None:
    """Print the datasheet's speaker breakdown, if it has one."""
    from datamill.modalities.speech.speakers import speaker_sheet

    sheet = speaker_sheet(datasheet)
    if sheet is None:
        return
    spread = sheet.minutes
    per = (say("ds.per_speaker", min=amount(spread["min"], 2), mean=amount(spread["mean"], 2),
               max=amount(spread["max"], 2))
           if {"min", "mean", "max"} <= spread.keys() else "")
    without = (say("ds.without", items=count_items(sheet.without_speaker))
               if sheet.without_speaker else "")
    out.print(say("ds.speakers", n=sheet.speakers, without=without, per=per), highlight=False)
    lang = cli_language()
    field = {"age_bands": "age_band"}
    for name, pairs in sheet.splits.items():
        if pairs:
            shares = ", ".join(f"{speaker_value_words(lang, field.get(name, name), value)} {n}"
                               for value, n in pairs)
            out.print(say("ds.split", name=say(f"ds.split.{name}"), shares=shares),
                      highlight=False)
    if not sheet.per_speaker:
        return
    t = Table(*(say(f"ds.col.{c}") for c in ("speaker", "gender", "age_band", "accent",
                                             "utterances", "minutes")),
              title=say("ds.title"), highlight=False)
    for row in sheet.per_speaker[:SHOWN_SPEAKERS]:
        t.add_row(row["speaker_id"], *(speaker_value_words(lang, f, row[f])
                                       for f in ("gender", "age_band", "accent")),
                  str(row["utterances"]), amount(row["minutes"], 2))
    out.print(t)
    if len(sheet.per_speaker) > SHOWN_SPEAKERS:
        out.print(say("ds.more", n=len(sheet.per_speaker) - SHOWN_SPEAKERS), highlight=False)


def print_scoring(datasheet: dict[str, Any]) -> None:
    """Print the datasheet's scoring conventions (``scoring.statement``), if it states them."""
    from datamill.qc.scoring_sheet import scoring_statement

    scoring = datasheet.get("scoring")
    stored = scoring.get("statement") if isinstance(scoring, dict) else None
    if not isinstance(scoring, dict) or not isinstance(stored, list) or not stored:
        return
    statement = scoring_statement(scoring, cli_language())
    out.print(say("ds.scoring"), highlight=False)
    for line in statement:
        out.print(f"    {line}", highlight=False, markup=False)


def _num(value: object) -> str:
    """``0.85``, ``1``, ``0.8912``: as a person reads a measure (four places at most)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return amount(value)


def verdict_words(verdict: Mapping[str, Any] | None) -> str:
    """A run's verdict against the spec's effect threshold it was judged by (``verdict``,
    ``production.effect_verdict``), e.g. ``verdict: fail (threshold: word error rate at most
    0.25; it is 0.31)``; a run judged by no threshold says so."""
    status = (verdict or {}).get("status")
    if status not in ("pass", "fail") or verdict is None:
        return say("qc.effect_no_threshold")
    metric = code("metric", str(verdict.get("measure")))
    rule = say("qc.effect_rule_lower" if verdict.get("better") == "lower"
               else "qc.effect_rule_higher", metric=metric,
               threshold=_num(verdict.get("threshold")))
    if isinstance(verdict.get("min_sample"), int):
        rule += say("qc.effect_rule_sample", least=verdict["min_sample"])
    if status == "pass":
        return say("qc.effect_pass", rule=rule)
    why = say("qc.score_sep").join(
        say(f"qc.effect_why_{reason}", value=_num(verdict.get("value")),
            scored=verdict.get("items_scored"))
        for reason in verdict.get("failed") or () if reason in ("measure", "sample", "no_measure"))
    return say("qc.effect_fail", rule=rule, why=why)


def print_effect(datasheet: Mapping[str, Any]) -> None:
    """Print the datasheet's application-effect line (the run on the largest sample), if it
    has one: measure, items, seed, runs and their range, model and verdict (sheets written
    before verdicts were stated say none)."""
    effect = datasheet.get("effect_evaluation")
    measure = effect.get("measure") if isinstance(effect, Mapping) else None
    if not isinstance(effect, Mapping) or not isinstance(measure, Mapping):
        return
    spread = effect.get("measure_range")
    runs = (say("delivery.effect_runs", runs=effect.get("runs"),
                range=f"{_num(spread[0])}–{_num(spread[1])}")
            if isinstance(spread, list) and len(spread) == 2 else "")  # noqa: PLR2004 - low, high
    verdict = effect.get("verdict")
    out.print(say("delivery.effect", metric=code("metric", str(measure.get("name"))),
                  value=_num(measure.get("value")), scored=effect.get("items_scored"),
                  items=effect.get("batch_items", "?"), seed=effect.get("seed", "?"), runs=runs,
                  method=esc(effect.get("method") or ""))
              + (say("delivery.effect_verdict", verdict=verdict_words(verdict))
                 if isinstance(verdict, Mapping) else ""),
              highlight=False, soft_wrap=True)
