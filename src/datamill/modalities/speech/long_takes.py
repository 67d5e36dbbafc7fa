"""Takes far longer than the spec allows are refused by their duration without being measured.

The signal checks hold a take's samples in memory (float32, with working copies): a 1-hour
16 kHz mono take held 1.9 GB and took 30 s to measure, and a vendor's 10-hour raw session
dropped among 30-second takes would take the check worker down. A take whose header says it
runs more than :data:`LONG_TAKE_FACTOR` times the spec's ``max_duration_ms`` is only decoded
block by block (every sample still has to decode), judged on its format and duration, and
refused; its ``duration`` outcome says ``measured: False``. A take just over the limit is
measured as before, so whoever re-records it hears of its other faults too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import soundfile as sf

if TYPE_CHECKING:
    from datamill.modalities.base import CheckOutcome
    from datamill.modalities.speech.schema import SpeechAsrRequirements

__all__ = ["LONG_TAKE_FACTOR", "declared_ms", "long_take_outcomes", "measured"]

LONG_TAKE_FACTOR: Final = 2
"""A take longer than this many times ``max_duration_ms`` is not measured."""


def declared_ms(path: Path) -> float:
    """The duration the file's header declares (0 when it declares none or is not audio: the
    full read then says what is wrong)."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, sf.SoundFileError, RuntimeError, OSError):
        return 0.0
    if info.samplerate <= 0 or info.frames <= 0:
        return 0.0
    return float(info.frames) * 1000.0 / float(info.samplerate)


def long_take_outcomes(
    path: Path, req: SpeechAsrRequirements,
) -> list[CheckOutcome] | None:
    """``decodable``, ``format`` and a failed ``duration`` for a take too long to measure;
    None for one to measure as usual (or one that does not decode: the usual read says so)."""
    if declared_ms(path) <= LONG_TAKE_FACTOR * req.max_duration_ms:
        return None
    from dataclasses import replace

    from datamill.modalities.base import CheckOutcome
    from datamill.modalities.speech._audio_read import _load
    from datamill.modalities.speech.audio import (
        AudioDecodeError,
        _format_outcome,
        _range_outcome_ms,
    )

    try:
        probe, _ = _load(path, keep_data=False)  # decoded block by block
    except AudioDecodeError:
        return None
    if probe.duration_ms <= LONG_TAKE_FACTOR * req.max_duration_ms:  # the header overstated it
        return None
    duration = _range_outcome_ms("duration", float(probe.duration_ms), req.min_duration_ms,
                                 req.max_duration_ms)
    return [
        CheckOutcome(name="decodable", passed=True, value=1.0,
                     extra={"subtype": probe.subtype, "format": probe.format,
                            "frames": probe.frames}),
        _format_outcome(probe, req),
        replace(duration, extra={"measured": False}),
    ]


def measured(outcomes: list[CheckOutcome]) -> bool:
    """Whether the signal checks ran (not a take refused as too long to measure)."""
    return not any(o.name == "duration" and o.extra.get("measured") is False for o in outcomes)
