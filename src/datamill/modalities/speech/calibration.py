"""Choose a project's two prompt-check thresholds from a labelled sample (pure; no database).

Each sample is the lowest word ratio of one clip (``min_word_llr``, ``None`` when the prompt
did not align, which always rejects) and a label: ``good`` (the clip reads its prompt) or
``bad`` (it does not). :func:`choose_thresholds` picks

* ``reject_below`` (r): the good clips' ``k``-th lowest score with
  ``k = floor(max_false_reject * n_good)`` (as high as the false-reject target allows on the
  sample), lowered by a safety margin for speakers the sample did not hear: by default the
  spread of the good clips' lower half (median minus that ``k``-th score), so a new accent
  that shifts good clips down by as much is still sent to a listener, not rejected.
  Lowering r costs no catch — clips between r and p go to a listener — only listening;
  ``reject_margin=0`` fits the sample exactly;
* ``pass_from`` (p): as low as possible while at least ``min_catch`` of the bad clips score
  below it (rejected or sent to a listener) — just above the bad clip at position
  ``m = floor((1 - min_catch) * n_bad)`` from the top — and never below r.

On the sample itself both targets then hold by construction (the property test checks it);
the price is the share of good clips between r and p, which go to a listener
(``good_listen_rate``). The report carries the confusion counts of the sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.consistency import verdict_for

__all__ = ["Calibration", "Sample", "choose_thresholds", "confusion"]

Label = Literal["good", "bad"]
Sample = tuple[float | None, Label]


@dataclass(frozen=True)
class Calibration:
    """The chosen thresholds and what they do on the sample."""

    reject_below: float
    pass_from: float
    n_good: int
    n_bad: int
    max_false_reject: float
    min_catch: float
    reject_margin: float
    confusion: dict[str, dict[str, int]]
    false_reject_rate: float
    catch_rate: float
    good_listen_rate: float
    bad_reject_rate: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def confusion(
    samples: Sequence[Sample], reject_below: float, pass_from: float
) -> dict[str, dict[str, int]]:
    """``{"good": {"pass": n, "listen": n, "reject": n}, "bad": {...}}`` at these thresholds."""
    out = {label: {"pass": 0, "listen": 0, "reject": 0} for label in ("good", "bad")}
    for score, label in samples:
        out[label][verdict_for(score, reject_below, pass_from)] += 1
    return out


def choose_thresholds(
    samples: Sequence[Sample], *, max_false_reject: float = 0.01, min_catch: float = 0.95,
    reject_margin: float | None = None,
) -> Calibration:
    """Thresholds meeting both targets on ``samples`` (see the module text).

    Raises:
        InvalidInput: No good or no bad sample, a label other than good/bad, a target outside
            0..1, or a score that is not a finite number.
    """
    if not 0.0 <= max_false_reject < 1.0 or not 0.0 < min_catch <= 1.0:
        raise InvalidInput("targets: max_false_reject in [0, 1), min_catch in (0, 1]")
    if reject_margin is not None and not 0.0 <= reject_margin < 1000.0:
        raise InvalidInput("reject_margin must be in [0, 1000)")
    for score, label in samples:
        if label not in ("good", "bad"):
            raise InvalidInput(f"sample label {label!r} is not 'good' or 'bad'")
        if score is not None and not math.isfinite(score):
            raise InvalidInput(f"sample score {score!r} is not a finite number")
    good = sorted(-math.inf if s is None else s for s, lab in samples if lab == "good")
    bad = sorted((-math.inf if s is None else s for s, lab in samples if lab == "bad"),
                 reverse=True)
    if not good or not bad:
        raise InvalidInput(
            f"calibration needs good and bad clips (got {len(good)} good, {len(bad)} bad)"
        )
    k = math.floor(max_false_reject * len(good) + 1e-9)
    reject_below = good[k]
    if reject_below == -math.inf:  # good clips that did not align: nothing to set r on
        reject_below = min((g for g in good if g > -math.inf), default=0.0)
    finite = [g for g in good if g > -math.inf]
    if reject_margin is None:
        reject_margin = max(0.0, finite[len(finite) // 2] - reject_below) if finite else 0.0
    reject_below -= reject_margin
    m = math.floor((1.0 - min_catch) * len(bad) + 1e-9)
    top_allowed = bad[m]
    pass_from = -math.inf if top_allowed == -math.inf else math.nextafter(top_allowed, math.inf)
    pass_from = max(pass_from, reject_below)
    table = confusion(samples, reject_below, pass_from)
    n_good, n_bad = len(good), len(bad)
    return Calibration(
        reject_below=reject_below,
        pass_from=pass_from,
        n_good=n_good,
        n_bad=n_bad,
        max_false_reject=max_false_reject,
        min_catch=min_catch,
        reject_margin=reject_margin,
        confusion=table,
        false_reject_rate=table["good"]["reject"] / n_good,
        catch_rate=(table["bad"]["reject"] + table["bad"]["listen"]) / n_bad,
        good_listen_rate=table["good"]["listen"] / n_good,
        bad_reject_rate=table["bad"]["reject"] / n_bad,
    )
