"""What the deliveries page shows of a delivery's datasheet (display layer only): summary
figures, and for a speech (ASR or TTS) delivery its speakers -- the gender / age-band / accent
split, a bar chart of minutes per speaker and a table of the speakers. The figures come from
the stored datasheet (``datasheet.json`` holds the same); a datasheet without a part (other
modalities, or deliveries made before the speaker breakdown) shows what it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datamill.modalities.speech.speakers import SpeakerSheet, speaker_sheet
from datamill.qc.scoring_sheet import NORMALIZATION_FIELDS

__all__ = ["CHART_BARS", "Bar", "SheetView", "sheet_view"]

CHART_BARS = 20  # speakers in the minutes chart, the most minutes first
#: the counts a modality's delivery statistics state (image, point cloud, text), shown as given
_COUNTS = ("images", "frames", "texts", "objects", "cuboids", "entities", "tracks",
           "tracks_relabelled", "images_32_bit_samples")
_BAR_PX = 320  # the longest bar


@dataclass(frozen=True)
class Bar:
    """One bar of the minutes chart: the speaker, the minutes and the bar's width in pixels."""

    label: str
    minutes: float
    width: int


@dataclass(frozen=True)
class SheetView:
    """``figures``: (catalogue key, value) pairs, values as shown (numbers formatted, text
    as stored); ``speakers`` the speaker part or None; ``bars`` the chart's bars;
    ``metrics`` the acceptance metrics the datasheet states (name, threshold as shown, what it
    counts or ""), ``rules`` its normalisation (field, code), both worded by the catalogue
    (``dlv.sc.*``)."""

    figures: list[tuple[str, str]]
    speakers: SpeakerSheet | None = None
    bars: list[Bar] = field(default_factory=list)
    metrics: list[tuple[str, str, str]] = field(default_factory=list)
    rules: list[tuple[str, str]] = field(default_factory=list)
    #: the application-effect verification the datasheet states: (metric, value, items, model,
    #: more: batch_items, seed, runs, range, named_for_second_look, verdict, better, threshold,
    #: min_sample as shown)
    effect: tuple[str, str, int, str, dict[str, str]] | None = None
    #: the metrics the datasheet states as not measured (thresholds set on a metric the project
    #: cannot measure: no acceptance basis), by name
    not_measured: list[str] = field(default_factory=list)


def sheet_view(datasheet: dict[str, Any]) -> SheetView:
    """The page's view of one delivery's ``datasheet``."""
    figures: list[tuple[str, str]] = []
    _add(figures, "dlv.ds.language", datasheet.get("language"))
    formats = datasheet.get("formats")
    if isinstance(formats, list) and formats:
        figures.append(("dlv.ds.formats", ", ".join(str(f) for f in formats)))
    _add(figures, "dlv.ds.hours", datasheet.get("hours"))
    _add(figures, "dlv.ds.utterances", datasheet.get("utterances"))
    speakers = speaker_sheet(datasheet)
    if speakers is not None:
        figures.append(("dlv.ds.speakers", str(speakers.speakers)))  # identified ones only
        if speakers.without_speaker:
            figures.append(("dlv.ds.without_speaker", str(speakers.without_speaker)))
        m = speakers.minutes
        if {"min", "mean", "max"} <= m.keys():
            figures.append(("dlv.ds.minutes_per_speaker",
                            f"{_num(m['min'])} / {_num(m['mean'])} / {_num(m['max'])}"))
    for key in _COUNTS:  # what a labelled delivery holds, as its modality counted it
        _add(figures, f"dlv.ds.{key}", datasheet.get(key))
    relabelled = datasheet.get("tracks_relabelled_examples")
    if isinstance(relabelled, list) and relabelled:
        figures.append(("dlv.ds.tracks_relabelled_examples", " · ".join(map(str, relabelled))))
    labels = datasheet.get("labels")
    if isinstance(labels, dict) and labels:
        figures.append(("dlv.ds.labels", " · ".join(f"{k}: {v}" for k, v in labels.items())))
    inspection = datasheet.get("inspection")
    if isinstance(inspection, dict) and inspection.get("verdict"):
        figures.append(("dlv.ds.inspection", str(inspection["verdict"])))
    metrics, rules = _scoring(datasheet.get("scoring"))
    scoring = datasheet.get("scoring")
    unmeasured = [str(m.get("name")) for m in (scoring.get("not_measured") or ())
                  if isinstance(m, dict)] if isinstance(scoring, dict) else []
    return SheetView(figures, speakers, _bars(speakers) if speakers is not None else [],
                     metrics, rules, _effect(datasheet.get("effect_evaluation")), unmeasured)


def _effect(effect: object) -> tuple[str, str, int, str, dict[str, str]] | None:
    """The datasheet's application-effect line (none for batches never evaluated): the
    measure's name and value, items scored, the model, and what else the sheet states (out of
    how many items, the seed, how many runs and their range, items named for a second look;
    sheets written before they were stated have none of it), and its verdict against the spec's
    threshold as judged when it ran."""
    if not isinstance(effect, dict) or not isinstance(effect.get("measure"), dict):
        return None
    measure = effect["measure"]
    value = measure.get("value")
    if not isinstance(value, int | float):
        return None
    more: dict[str, str] = {}
    for key in ("batch_items", "seed", "runs", "named_for_second_look"):
        if isinstance(effect.get(key), int):
            more[key] = str(effect[key])
    spread = effect.get("measure_range")
    if isinstance(spread, list) and len(spread) == 2 and all(  # noqa: PLR2004 - a low and a high
            isinstance(v, int | float) for v in spread):
        more["range"] = f"{_num(spread[0])}–{_num(spread[1])}"
    more.update(_verdict(effect.get("verdict")))
    return (str(measure.get("name")), _num(value), int(effect.get("items_scored") or 0),
            str(effect.get("method") or ""), more)


def _verdict(verdict: object) -> dict[str, str]:
    """The run's verdict as the sheet states it (``verdict``: pass, fail or no_threshold) with
    the threshold it was judged by (``better``: higher or lower, ``threshold``, ``min_sample``);
    nothing for sheets written before verdicts were stated."""
    if not isinstance(verdict, dict) or verdict.get("status") not in (
            "pass", "fail", "no_threshold"):
        return {}
    said = {"verdict": str(verdict["status"])}
    threshold = verdict.get("threshold")
    if isinstance(threshold, int | float) and verdict.get("better") in ("higher", "lower"):
        said.update(better=str(verdict["better"]), threshold=_num(threshold))
        if isinstance(verdict.get("min_sample"), int):
            said["min_sample"] = str(verdict["min_sample"])
    return said


def _scoring(scoring: object) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The datasheet's scoring conventions (none for deliveries made before it stated them; a
    stored value of the wrong type reads as missing)."""
    if not isinstance(scoring, dict):
        return [], []
    metrics = [(str(m.get("name")), _num(m["threshold"]), str(m.get("counts") or ""))
               for m in scoring.get("metrics") or () if isinstance(m, dict)
               and isinstance(m.get("threshold"), int | float)]
    rules = scoring.get("normalization")
    if not isinstance(rules, dict):
        return metrics, []
    # in the order they are applied (a PostgreSQL JSON column does not keep the stored order)
    return metrics, [(k, str(rules[k])) for k in NORMALIZATION_FIELDS if k in rules]


def _add(figures: list[tuple[str, str]], key: str, value: object) -> None:
    if isinstance(value, bool) or value is None or value == "":
        return
    figures.append((key, _num(value) if isinstance(value, int | float) else str(value)))


def _num(value: float) -> str:
    """``1.5``, ``2``, ``0.0056``: four places at most, no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _bars(sheet: SpeakerSheet) -> list[Bar]:
    ranked = sorted(sheet.per_speaker, key=lambda r: (-r["minutes"], r["speaker_id"]))
    top = ranked[:CHART_BARS]
    most = max((r["minutes"] for r in top), default=0.0)
    return [Bar(r["speaker_id"], r["minutes"],
                max(1, round(_BAR_PX * r["minutes"] / most)) if most > 0 else 1) for r in top]
