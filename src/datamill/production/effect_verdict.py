"""An application-effect run judged against what the customer accepts (domain §4.6).

The project's spec may state it (``effect``: ``threshold`` on the run's headline measure and
optionally ``min_sample``, :class:`~datamill.production.spec.EffectSpec`). A run is judged when
it is stored, by the spec as it stood when the run was prepared, and the verdict keeps the
threshold and minimum it was judged by: a later change of the spec never re-judges an old run.

The measure's own direction decides the comparison (its ``better``): a measure where higher is
better (macro-F1, preference accuracy) passes at or above the threshold, one where lower is
better (word error rate) at or below it. A run passes only when every condition holds:
``failed`` names what did not (``measure``: on the wrong side of the threshold; ``sample``:
fewer items scored than ``min_sample``; ``no_measure``: the run has no numeric measure).

Examples:
    >>> spec = {"threshold": 0.85, "min_sample": 40}
    >>> run = {"measure": {"name": "macro_f1", "value": 0.9, "better": "higher"},
    ...        "items_scored": 45}
    >>> judge_effect(spec, run)["status"]
    'pass'
    >>> judge_effect(spec, {**run, "items_scored": 30})["failed"]
    ['sample']
    >>> wer = {"measure": {"name": "word_error_rate", "value": 0.3, "better": "lower"},
    ...        "items_scored": 40}
    >>> judge_effect({"threshold": 0.25}, wer)["failed"]
    ['measure']
    >>> judge_effect(None, wer)
    {'status': 'no_threshold'}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["NO_THRESHOLD", "judge_effect", "verdict_of"]

#: the verdict of a run whose project's spec set no threshold (and of runs stored before
#: verdicts were kept, when no spec could set one)
NO_THRESHOLD: dict[str, Any] = {"status": "no_threshold"}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return float(value)


def judge_effect(effect: Mapping[str, Any] | None, result: Mapping[str, Any]) -> dict[str, Any]:
    """The verdict on a run's ``result`` (the modality's report) by the spec's ``effect``
    section (None or no threshold: ``{"status": "no_threshold"}``): ``status`` (``pass`` or
    ``fail``), ``failed`` (what did not hold), and what it was judged by and on (``measure``,
    ``better``, ``value``, ``threshold``, ``min_sample``, ``items_scored``)."""
    threshold = _number((effect or {}).get("threshold"))
    if effect is None or threshold is None:
        return dict(NO_THRESHOLD)
    least = effect.get("min_sample")
    stated = result.get("measure")
    measure: Mapping[str, Any] = stated if isinstance(stated, Mapping) else {}
    value, better = _number(measure.get("value")), measure.get("better")
    scored = result.get("items_scored")
    failed: list[str] = []
    if value is None or better not in ("higher", "lower"):
        failed.append("no_measure")
    elif value < threshold if better == "higher" else value > threshold:
        failed.append("measure")
    if isinstance(least, int) and not (isinstance(scored, int) and scored >= least):
        failed.append("sample")
    return {"status": "fail" if failed else "pass", "failed": failed,
            "measure": measure.get("name"), "better": better, "value": value,
            "threshold": threshold, "min_sample": least if isinstance(least, int) else None,
            "items_scored": scored if isinstance(scored, int) else None}


def verdict_of(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """A stored run's verdict as the faces show it (a run stored before verdicts were kept
    has none: no threshold was set then)."""
    return dict(stored) if stored else dict(NO_THRESHOLD)
