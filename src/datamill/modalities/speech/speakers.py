"""The speakers of a delivered speech batch, for its datasheet (``speech.asr`` and ``speech.tts``
share it): how many, their gender / age-band / accent split (counted in speakers) and each
speaker's utterances and minutes of audio.

A speaker's gender, age and accent are those of the first utterance seen for them (a speaker
is one person; the item attributes repeat them on every utterance). Only identified speakers
count: an utterance without a ``speaker_id`` (or with the placeholder ``unknown``) is no speaker
of its own (a trial's datasheet said "Speakers: 1 (unknown)" for a batch nobody had labelled);
such utterances are counted apart, in ``items_without_speaker``, and are in no split. Memory
grows with the speakers, not the utterances.

Examples:
    >>> b = SpeakerBreakdown()
    >>> b.add({"speaker_id": "s1", "gender": "female", "age": 34, "duration_ms": 90_000})
    >>> b.add({"speaker_id": "s1", "duration_ms": 30_000})
    >>> b.add({"speaker_id": "s2", "gender": "male", "age": 51, "accent": "Beijing",
    ...        "duration_ms": 60_000})
    >>> b.add({"duration_ms": 5_000})
    >>> r = b.result()
    >>> r["speakers"], r["items_without_speaker"], r["gender"], r["age_bands"], r["accent"]
    (2, 1, {'female': 1, 'male': 1}, {'30-39': 1, '50-59': 1}, {'unknown': 1, 'Beijing': 1})
    >>> [(s["speaker_id"], s["utterances"], s["minutes"]) for s in r["per_speaker"]]
    [('s1', 2, 2.0), ('s2', 1, 1.0)]
    >>> r["minutes_per_speaker"]
    {'min': 1.0, 'mean': 1.5, 'max': 2.0}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from datamill.modalities.age_bands import UNKNOWN, age_band

__all__ = ["SPEAKER_UNITS", "SPLITS", "SpeakerBreakdown", "SpeakerSheet", "age_band",
           "is_identified", "speaker_sheet"]

MS_PER_MINUTE = 60_000
#: the datasheet's ``units`` for a speech batch's duration and speaker figures
SPEAKER_UNITS: dict[str, str] = {
    "duration_ms": "milliseconds", "hours": "hours of audio", "gender": "speakers",
    "age_bands": "speakers per band", "accent": "speakers",
    "items_without_speaker": "utterances with no speaker_id (in no speaker count or split)",
    "per_speaker": "utterances; duration_ms in milliseconds, minutes of audio",
    "minutes_per_speaker": "minutes of audio",
}


def is_identified(speaker_id: object) -> bool:
    """Whether ``speaker_id`` names a speaker (not empty, not the placeholder ``unknown``).

    >>> is_identified("s1"), is_identified(""), is_identified(None), is_identified("Unknown")
    (True, False, False, False)
    """
    text = str(speaker_id or "").strip()
    return bool(text) and text.casefold() != UNKNOWN


@dataclass
class _Speaker:
    gender: str
    age_band: str
    accent: str
    utterances: int = 0
    duration_ms: int = 0


class SpeakerBreakdown:
    """Collects speakers one utterance at a time; :meth:`result` is the datasheet's part."""

    def __init__(self) -> None:
        self._speakers: dict[str, _Speaker] = {}
        self._without_speaker = 0

    def add(self, attributes: Mapping[str, Any]) -> None:
        """Count one utterance with the item's ``attributes`` (``speaker_id``, ``gender``,
        ``age``, ``accent``, ``duration_ms``)."""
        key = str(attributes.get("speaker_id") or "").strip()
        if not is_identified(key):
            self._without_speaker += 1
            return
        speaker = self._speakers.get(key)
        if speaker is None:
            speaker = self._speakers[key] = _Speaker(
                gender=str(attributes.get("gender") or UNKNOWN),
                age_band=age_band(attributes.get("age")),
                accent=str(attributes.get("accent") or UNKNOWN))
        speaker.utterances += 1
        speaker.duration_ms += int(attributes.get("duration_ms") or 0)

    def result(self) -> dict[str, Any]:
        """``speakers`` (identified ones); ``items_without_speaker`` (utterances with none);
        ``gender``, ``age_bands``, ``accent`` (speakers per value);
        ``per_speaker`` (by speaker id: gender, age band, accent, utterances, ``duration_ms``
        and ``minutes``, 2 places); ``minutes_per_speaker`` (min, mean, max; None when empty)."""
        speakers = self._speakers.values()
        per_speaker = [
            {"speaker_id": key, "gender": s.gender, "age_band": s.age_band, "accent": s.accent,
             "utterances": s.utterances, "duration_ms": s.duration_ms,
             "minutes": _minutes(s.duration_ms)}
            for key, s in sorted(self._speakers.items())
        ]
        durations = [s.duration_ms for s in speakers]
        return {
            "speakers": len(self._speakers),
            "items_without_speaker": self._without_speaker,
            "gender": dict(Counter(s.gender for s in speakers)),
            "age_bands": dict(Counter(s.age_band for s in speakers)),
            "accent": dict(Counter(s.accent for s in speakers)),
            "per_speaker": per_speaker,
            "minutes_per_speaker": {
                "min": _minutes(min(durations)), "mean": _minutes(sum(durations) // len(durations)),
                "max": _minutes(max(durations)),
            } if durations else None,
        }


def _minutes(duration_ms: int) -> float:
    return round(duration_ms / MS_PER_MINUTE, 2)


#: the datasheet's speaker splits, in the order they are shown (each counts speakers per value)
SPLITS = ("gender", "age_bands", "accent")


@dataclass(frozen=True)
class SpeakerSheet:
    """The speaker part of a delivered datasheet as the faces show it (:func:`speaker_sheet`):
    ``splits`` by :data:`SPLITS` name, each ``(value, speakers)`` most first; ``per_speaker``
    as :meth:`SpeakerBreakdown.result` gives it; ``minutes`` min / mean / max (or empty);
    ``without_speaker`` the utterances with no identified speaker."""

    speakers: int
    splits: dict[str, list[tuple[str, int]]]
    per_speaker: list[dict[str, Any]]
    minutes: dict[str, float] = field(default_factory=dict)
    without_speaker: int = 0


def speaker_sheet(datasheet: Mapping[str, Any]) -> SpeakerSheet | None:
    """The speaker breakdown of a delivery's ``datasheet``, or None where it has none (other
    modalities, and speech deliveries made before it was written). A stored datasheet is data,
    so a value of the wrong type reads as missing rather than failing the page.

    >>> b = SpeakerBreakdown()
    >>> b.add({"speaker_id": "s1", "gender": "female", "duration_ms": 90_000})
    >>> b.add({"speaker_id": "s2", "gender": "female", "duration_ms": 30_000})
    >>> sheet = speaker_sheet(b.result())
    >>> sheet.speakers, sheet.splits["gender"], sheet.minutes
    (2, [('female', 2)], {'min': 0.5, 'mean': 1.0, 'max': 1.5})
    >>> speaker_sheet({"images": 3}) is None, speaker_sheet({"speakers": 4}) is None
    (True, True)

    A datasheet stored before unlabelled utterances were counted apart listed them as a speaker
    ``unknown``; it reads as they are counted now:

    >>> old = speaker_sheet({"speakers": 1, "per_speaker": [
    ...     {"speaker_id": "unknown", "utterances": 4, "minutes": 1.0}]})
    >>> old.speakers, old.without_speaker, old.per_speaker, old.minutes
    (0, 4, [], {})
    """
    rows = datasheet.get("per_speaker")
    if not isinstance(rows, list):
        return None
    stored = [r for r in rows if isinstance(r, Mapping)]
    legacy = [r for r in stored if not is_identified(r.get("speaker_id"))]
    without = datasheet.get("items_without_speaker")
    without_speaker = without if isinstance(without, int) and not isinstance(without, bool) \
        else sum(int(_number(r.get("utterances"))) for r in legacy)
    per_speaker = [
        {"speaker_id": str(r.get("speaker_id", "")), **{k: str(r.get(k) or UNKNOWN) for k in
                                                        ("gender", "age_band", "accent")},
         "utterances": int(_number(r.get("utterances"))),
         "minutes": _number(r.get("minutes"))}
        for r in stored if is_identified(r.get("speaker_id"))
    ]
    splits = {}
    for name in SPLITS:
        counts = datasheet.get(name)
        pairs = [(str(k), int(v)) for k, v in counts.items() if isinstance(v, int)] \
            if isinstance(counts, Mapping) else []
        splits[name] = sorted(pairs, key=lambda p: (-p[1], p[0]))
    spread = datasheet.get("minutes_per_speaker")
    minutes = {k: float(spread[k]) for k in ("min", "mean", "max")
               if isinstance(spread.get(k), int | float)} if isinstance(spread, Mapping) else {}
    count = datasheet.get("speakers")
    if legacy:  # stored with the unlabelled utterances as a speaker: recount from the rows
        count, minutes = len(per_speaker), _spread([_number(r["minutes"]) for r in per_speaker])
        splits = {name: _without(pairs, [str(r.get(_ROW_KEY[name]) or UNKNOWN) for r in legacy])
                  for name, pairs in splits.items()}
    return SpeakerSheet(speakers=count if isinstance(count, int) else len(per_speaker),
                        splits=splits, per_speaker=per_speaker, minutes=minutes,
                        without_speaker=without_speaker)


_ROW_KEY = {"gender": "gender", "age_bands": "age_band", "accent": "accent"}


def _without(pairs: list[tuple[str, int]], values: list[str]) -> list[tuple[str, int]]:
    """A split's (value, speakers) pairs less one speaker per value in ``values``."""
    drop = Counter(values)
    return [(v, n - drop[v]) for v, n in pairs if n - drop[v] > 0]


def _spread(minutes: list[float]) -> dict[str, float]:
    if not minutes:
        return {}
    return {"min": min(minutes), "mean": round(sum(minutes) / len(minutes), 2),
            "max": max(minutes)}


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
