"""A delivery's datasheet in ``datamill delivery show``'s text output: for a speech (ASR or
TTS) delivery its speakers -- how many are identified (utterances without a speaker are counted
apart: "speakers: 0 identified; 4 items without a speaker"), minutes per speaker, the gender / age-band / accent
split and a table of the speakers. Other modalities' datasheets (and speech deliveries made
before the breakdown was written) print nothing here; ``--json`` shows every datasheet whole.
Then the scoring conventions the datasheet states (its ``scoring.statement``), for deliveries
made since the datasheet states them."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from datamill.cli._common import amount, counted, out

__all__ = ["SHOWN_SPEAKERS", "print_scoring", "print_speakers"]

#: speakers listed in the table (all are in ``--json`` and the package's datasheet.json)
SHOWN_SPEAKERS = 50
_SPLIT_NAMES = {"gender": "gender", "age_bands": "age band", "accent": "accent"}


def print_speakers(datasheet: dict[str, Any]) -> None:
    """Print the datasheet's speaker breakdown, if it has one."""
    from datamill.modalities.speech.speakers import speaker_sheet

    sheet = speaker_sheet(datasheet)
    if sheet is None:
        return
    spread = sheet.minutes
    per = (f"; minutes per speaker: min {amount(spread['min'], 2)}, mean "
           f"{amount(spread['mean'], 2)}, max {amount(spread['max'], 2)}"
           if {"min", "mean", "max"} <= spread.keys() else "")
    without = (f"; {counted(sheet.without_speaker, 'item')} without a speaker"
               if sheet.without_speaker else "")
    out.print(f"  speakers: {sheet.speakers} identified{without}{per}", highlight=False)
    for name, pairs in sheet.splits.items():
        if pairs:
            shares = ", ".join(f"{value} {n}" for value, n in pairs)
            out.print(f"  {_SPLIT_NAMES[name]} (speakers): {shares}", highlight=False)
    if not sheet.per_speaker:
        return
    t = Table("speaker", "gender", "age band", "accent", "utterances", "minutes",
              title="Speakers", highlight=False)
    for row in sheet.per_speaker[:SHOWN_SPEAKERS]:
        t.add_row(row["speaker_id"], row["gender"], row["age_band"], row["accent"],
                  str(row["utterances"]), amount(row["minutes"], 2))
    out.print(t)
    if len(sheet.per_speaker) > SHOWN_SPEAKERS:
        out.print(f"  and {len(sheet.per_speaker) - SHOWN_SPEAKERS} more speakers "
                  "(--json, or the package's datasheet.json, lists them all)", highlight=False)


def print_scoring(datasheet: dict[str, Any]) -> None:
    """Print the datasheet's scoring conventions (``scoring.statement``), if it states them."""
    scoring = datasheet.get("scoring")
    statement = scoring.get("statement") if isinstance(scoring, dict) else None
    if not isinstance(statement, list) or not statement:
        return
    out.print("  scoring conventions:", highlight=False)
    for line in statement:
        out.print(f"    {line}", highlight=False, markup=False)
